package dev.corekit.benchmarks.query;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.config.Config;
import dev.corekit.logging.Operation;
import dev.corekit.logging.Recorder;
import dev.corekit.query.CommandMonitor;
import dev.corekit.query.QueryClient;
import dev.corekit.query.QuerySettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A find-heavy loop (find one document by {@code _id}, one round trip each) through the bare driver and through the
 * {@link QueryClient} whose command monitor watches every command, on the same in-process MongoDB-wire server in one
 * run: the ratio is the monitor's overhead (target: at most 5 %). The bare client gets the same driver settings as the
 * monitored one, less the listener. {@code monitoredInOperation} wraps each find in an attributed operation (the tally
 * registered, summed and written to the operation's record), the worst case of one query per operation.
 *
 * <p>On a shared machine the separate benchmarks drift with the load between them; {@code interleaved} alternates a
 * bare and a monitored find within each invocation (in alternating order) and reports the time of each side as
 * secondary results {@code bareNanos}, {@code noopListenerNanos} (the bare driver with a listener that does nothing:
 * the driver's own cost of building monitoring events, which any command monitor pays) and {@code monitoredNanos}:
 * their ratios are the overheads, with the load spread evenly over all three. {@code monitorShare} times the monitor's
 * callbacks from the inside ({@code monitorNanos} against {@code findNanos}): the share of each find spent in the
 * monitor, the number least disturbed by other load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MonitorOverheadBenchmark {
    private static final int DOCUMENTS = 1_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private MongoServer server;
    private MongoClient bare;
    private MongoClient noopListener;
    private MongoCollection<Document> noopCollection;
    private MongoClient timedMonitor;
    private MongoCollection<Document> timedCollection;
    private final TimedListener timer = new TimedListener();
    private QueryClient monitored;
    private MongoCollection<Document> bareCollection;
    private MongoCollection<Document> monitoredCollection;
    private Recorder recorder;
    private Operation operation;
    private int next;

    @Setup(Level.Trial)
    public void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        String uri = "mongodb://127.0.0.1:" + address.getPort() + "/bench";
        bare = MongoClients.create(bareSettings(uri));
        noopListener = MongoClients.create(MongoClientSettings.builder(bareSettings(uri))
                .addCommandListener(new CommandListener() {})
                .build());
        noopCollection = noopListener.getDatabase("bench").getCollection("items");
        timer.inner = CommandMonitor.of(QuerySettings.ofDefaults(), Recorder.of(record -> {}))
                .listener();
        timedMonitor = MongoClients.create(MongoClientSettings.builder(bareSettings(uri))
                .addCommandListener(timer)
                .build());
        timedCollection = timedMonitor.getDatabase("bench").getCollection("items");
        recorder = Recorder.of(record -> {});
        monitored = QueryClient.custom()
                .settings(QuerySettings.custom(Config.defaultsOnly())
                        .mongodbUri(uri)
                        .build())
                .recorder(recorder)
                .build();
        bareCollection = bare.getDatabase("bench").getCollection("items");
        monitoredCollection = monitored.collection("items", Document.class);
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            documents.add(new Document("_id", i).append("name", "item " + i).append("price", i * 7));
        }
        bareCollection.insertMany(documents);
        bareCollection.find().first(); // every pool warm
        noopCollection.find().first();
        monitoredCollection.find().first();
        timedCollection.find().first();
    }

    /** The driver settings QueryClient uses, without its listener. */
    private static MongoClientSettings bareSettings(String uri) {
        return MongoClientSettings.builder()
                .writeConcern(WriteConcern.MAJORITY.withWTimeout(10, TimeUnit.SECONDS))
                .retryWrites(true)
                .retryReads(true)
                .applyToSocketSettings(
                        socket -> socket.connectTimeout(5, TimeUnit.SECONDS).readTimeout(60, TimeUnit.SECONDS))
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(10, TimeUnit.SECONDS))
                .applyToConnectionPoolSettings(pool -> pool.maxWaitTime(10, TimeUnit.SECONDS))
                .applyConnectionString(new ConnectionString(uri))
                .build();
    }

    @Setup(Level.Iteration)
    public void openOperation() {
        operation = recorder.start("bench.find-loop");
    }

    @TearDown(Level.Iteration)
    public void closeOperation() {
        operation.close();
    }

    @TearDown(Level.Trial)
    public void stop() {
        bare.close();
        noopListener.close();
        timedMonitor.close();
        monitored.close();
        server.shutdownNow();
    }

    @Benchmark
    public Document bareDriver() {
        return bareCollection.find(Filters.eq("_id", next++ % DOCUMENTS)).first();
    }

    @Benchmark
    public Document monitored() {
        return monitoredCollection.find(Filters.eq("_id", next++ % DOCUMENTS)).first();
    }

    @Benchmark
    public void interleaved(Split split) {
        // three finds per invocation, one per client; each client goes first, second and third in turn
        int key = next++ % DOCUMENTS;
        Bson filter = Filters.eq("_id", key);
        for (int i = 0; i < 3; i++) {
            switch ((key + i) % 3) {
                case 0:
                    split.bare(time(bareCollection, filter, split));
                    break;
                case 1:
                    split.noopListener(time(noopCollection, filter, split));
                    break;
                default:
                    split.monitored(time(monitoredCollection, filter, split));
            }
        }
    }

    /**
     * A find through a bare client whose one listener is corekit's monitor, timed from the inside: the time spent in
     * the monitor's callbacks against the time of the whole find, in one loop, so that the share does not depend on
     * how loaded the machine was between two benchmarks.
     */
    @Benchmark
    public void monitorShare(Share share) {
        long before = timer.nanos;
        long start = System.nanoTime();
        timedCollection.find(Filters.eq("_id", next++ % DOCUMENTS)).first();
        share.findNanos += System.nanoTime() - start;
        share.monitorNanos += timer.nanos - before;
    }

    /** Time inside the monitor and time of whole finds in an iteration of {@link #monitorShare}, in nanoseconds. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Share {
        public long monitorNanos;
        public long findNanos;

        @Setup(Level.Iteration)
        public void reset() {
            monitorNanos = 0;
            findNanos = 0;
        }
    }

    /** Times the calls into the listener it wraps (one benchmark thread: plain fields). */
    static final class TimedListener implements CommandListener {
        CommandListener inner;
        long nanos;

        @Override
        public void commandStarted(CommandStartedEvent event) {
            long start = System.nanoTime();
            inner.commandStarted(event);
            nanos += System.nanoTime() - start;
        }

        @Override
        public void commandSucceeded(CommandSucceededEvent event) {
            long start = System.nanoTime();
            inner.commandSucceeded(event);
            nanos += System.nanoTime() - start;
        }

        @Override
        public void commandFailed(CommandFailedEvent event) {
            long start = System.nanoTime();
            inner.commandFailed(event);
            nanos += System.nanoTime() - start;
        }
    }

    /** Runs one find; returns its wall time and leaves its client-thread CPU time in {@code split.lastCpu}. */
    private static long time(MongoCollection<Document> collection, Bson filter, Split split) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        collection.find(filter).first();
        long wall = System.nanoTime() - start;
        split.lastCpu = THREADS.getCurrentThreadCpuTime() - cpu;
        return wall;
    }

    /**
     * The wall time and the calling thread's CPU time each side of {@link #interleaved} took in an iteration, in
     * nanoseconds. CPU time is what the monitor adds to; it is far less sensitive to the other load of a shared machine
     * than wall time.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Split {
        public long bareNanos;
        public long noopListenerNanos;
        public long monitoredNanos;
        public long bareCpuNanos;
        public long noopListenerCpuNanos;
        public long monitoredCpuNanos;
        long lastCpu;

        @Setup(Level.Iteration)
        public void reset() {
            bareNanos = 0;
            noopListenerNanos = 0;
            monitoredNanos = 0;
            bareCpuNanos = 0;
            noopListenerCpuNanos = 0;
            monitoredCpuNanos = 0;
        }

        void bare(long wall) {
            bareNanos += wall;
            bareCpuNanos += lastCpu;
        }

        void noopListener(long wall) {
            noopListenerNanos += wall;
            noopListenerCpuNanos += lastCpu;
        }

        void monitored(long wall) {
            monitoredNanos += wall;
            monitoredCpuNanos += lastCpu;
        }
    }

    @Benchmark
    public Document monitoredInOperation() throws Exception {
        return monitored
                .monitor()
                .attributed(op -> monitoredCollection
                        .find(Filters.eq("_id", next++ % DOCUMENTS))
                        .first())
                .apply(operation);
    }
}
