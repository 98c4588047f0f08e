package dev.corekit.benchmarks.query;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.logging.Recorder;
import dev.corekit.query.KeysetPager;
import dev.corekit.query.QueryClient;
import dev.corekit.query.QuerySettings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One page of 50 at depth 10,000 of a collection sorted by an indexed field: {@code skip(10000).limit(50)} against the
 * {@link KeysetPager} page that starts after the 10,000th document (its cursor token issued in setup), on the same
 * in-process server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KeysetVsSkipBenchmark {
    private static final int DEPTH = 10_000;
    private static final int PAGE = 50;

    private MongoServer server;
    private QueryClient client;
    private MongoCollection<Document> events;
    private KeysetPager<Document> pager;
    private String cursorAtDepth;

    @Setup
    public void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = QueryClient.custom()
                .settings(QuerySettings.custom(Config.defaultsOnly())
                        .mongodbUri("mongodb://127.0.0.1:" + address.getPort() + "/bench")
                        .build())
                .recorder(Recorder.of(record -> {}))
                .build();
        events = client.collection("events", Document.class);
        events.createIndex(Indexes.compoundIndex(Indexes.ascending("at"), Indexes.ascending("_id")));
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < DEPTH + 2 * PAGE; i++) {
            documents.add(new Document("_id", i).append("at", i / 3).append("kind", "click"));
        }
        events.insertMany(documents);
        Secret key = Secret.of("benchmark-cursor-key-0123456789abcdef");
        cursorAtDepth = KeysetPager.on(events)
                .sort(Sorts.ascending("at"))
                .pageSize(DEPTH)
                .cursorKey(key)
                .build()
                .first()
                .nextCursor();
        pager = KeysetPager.on(events)
                .sort(Sorts.ascending("at"))
                .pageSize(PAGE)
                .cursorKey(key)
                .build();
    }

    @TearDown
    public void stop() {
        client.close();
        server.shutdownNow();
    }

    @Benchmark
    public List<Document> skipAndLimit() {
        return events.find()
                .sort(Sorts.orderBy(Sorts.ascending("at"), Sorts.ascending("_id")))
                .skip(DEPTH)
                .limit(PAGE)
                .into(new ArrayList<>(PAGE));
    }

    @Benchmark
    public List<Document> keysetPage() {
        return pager.page(cursorAtDepth).items();
    }
}
