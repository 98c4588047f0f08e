package dev.corekit.benchmarks.query;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.config.Config;
import dev.corekit.logging.Operation;
import dev.corekit.logging.Recorder;
import dev.corekit.query.QueryClient;
import dev.corekit.query.QuerySettings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
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
 * run: the ratio is the monitor's overhead (target: at most 5 %). {@code monitoredInOperation} adds what an attributed
 * operation costs: each command is also summed for the operation it ran in.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MonitorOverheadBenchmark {
    private static final int DOCUMENTS = 1_000;

    private MongoServer server;
    private MongoClient bare;
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
        bare = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .build());
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
        bareCollection.find().first(); // both pools warm
        monitoredCollection.find().first();
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
    public Document monitoredInOperation() throws Exception {
        return monitored
                .monitor()
                .attributed(op -> monitoredCollection
                        .find(Filters.eq("_id", next++ % DOCUMENTS))
                        .first())
                .apply(operation);
    }
}
