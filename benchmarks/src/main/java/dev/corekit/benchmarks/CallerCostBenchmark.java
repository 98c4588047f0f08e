package dev.corekit.benchmarks;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.config.Config;
import dev.corekit.logging.Recorder;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.mongo.MongoSinkSettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.logstash.logback.argument.StructuredArguments;
import org.bson.Document;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The caller's-thread cost, as a distribution (median and tail), of the production paths that hand a record to another
 * thread, at a sustainable rate: corekit's record into the MongoDB sink with its DEFAULT settings (65,536-record queue,
 * batches of 512) against a logstash-logback-encoder event into Logback's AsyncAppender with ITS defaults (256 events,
 * never blocking).
 *
 * <p>Each call is paced by an untimed per-invocation setup to {@link #rate} records per second (parked while more
 * than 80 µs remain, then spinning), so the writer thread and the in-process MongoDB server keep up and what is
 * measured is the normal path, never the full-queue path: the trial fails when the sink dropped or spilled a record.
 * {@link #corekitRecordPathOnly} is the same record into a sink that discards it: with {@code -prof gc} its B/op is the
 * record path's own allocation (the profiler counts every thread, so for the sink benchmarks it includes the writer's
 * documents, the driver and the server).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallerCostBenchmark {
    private static final long SPIN_BELOW_NANOS = 80_000;

    /** Records per second the caller emits. */
    @Param({"10000"})
    public int rate;

    private MongoServer server;
    private MongoClient client;
    private MongoSink sink;
    private Recorder corekit;
    private Recorder discarding;
    private LoggerContext logback;
    private Logger logstashAsync;
    private long interval;
    private long next;

    @Setup(Level.Trial)
    public void start() throws Exception {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        String uri = "mongodb://127.0.0.1:" + address.getPort();
        client = MongoClients.create(uri);
        sink = MongoSink.start(
                MongoSinkSettings.custom(Config.defaultsOnly())
                        .mongodbUri(uri)
                        .spillDirectory(Files.createTempDirectory("corekit-bench-spill"))
                        .build(),
                client);
        corekit = Recorder.of(sink);
        // The writer creates the indexes before its first write; mongo-java-server's memory backend can fail a
        // deleteMany (the per-iteration cleanup) racing an index build, so let that finish first.
        corekit.event(org.slf4j.event.Level.INFO, "orders", "warm-up", Map.of(), null);
        sink.flush();
        discarding = Recorder.of(record -> {});

        logback = new LoggerContext();
        // Logback's defaults: 256 events, INFO discarded once 80 % full (never at this rate), never blocking.
        logstashAsync = LogstashPeer.asynchronous(logback, "bench.async", 256, 256 / 5);
        interval = TimeUnit.SECONDS.toNanos(1) / rate;
        next = System.nanoTime();
    }

    /**
     * Empties the log collection between iterations: the in-process server keeps every document on this JVM's heap,
     * and a live set that grows all trial long would lengthen every GC pause of the caller's JVM — an artefact of the
     * test bed, which a real MongoDB (another process) does not have.
     */
    @Setup(Level.Iteration)
    public void emptyCollection() {
        client.getDatabase(MongoSinkSettings.DEFAULT_MONGODB_DATABASE)
                .getCollection(MongoSinkSettings.DEFAULT_MONGODB_COLLECTION)
                .deleteMany(new Document());
    }

    /** Waits for the next slot of the schedule (untimed); a late slot is not caught up with a burst. */
    @Setup(Level.Invocation)
    public void pace() {
        long now = System.nanoTime();
        if (now - next > interval) {
            next = now; // behind (a GC, a descheduled thread): restart the schedule rather than burst
        }
        while (next - now > 0) {
            if (next - now > SPIN_BELOW_NANOS) {
                LockSupport.parkNanos(next - now - SPIN_BELOW_NANOS / 2);
            } else {
                Thread.onSpinWait();
            }
            now = System.nanoTime();
        }
        next += interval;
    }

    @TearDown(Level.Trial)
    public void stop() {
        logback.stop();
        MongoSink.Stats stats = sink.stats();
        sink.close();
        client.close();
        server.shutdownNow();
        if (stats.droppedTotal() + stats.spilled() > 0) {
            throw new IllegalStateException("the rate was not sustainable: the sink's queue overflowed " + stats);
        }
    }

    @Benchmark
    public void corekitEventToMongoSink() {
        corekit.event(org.slf4j.event.Level.INFO, "orders", "order placed", Map.of("orderId", 42L, "items", 3), null);
    }

    @Benchmark
    public void corekitRecordPathOnly() {
        discarding.event(
                org.slf4j.event.Level.INFO, "orders", "order placed", Map.of("orderId", 42L, "items", 3), null);
    }

    @Benchmark
    public void logstashEventToAsyncAppender() {
        logstashAsync.info("order placed", StructuredArguments.kv("orderId", 42L), StructuredArguments.kv("items", 3));
    }
}
