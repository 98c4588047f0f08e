package dev.corekit.benchmarks.query;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.config.Config;
import dev.corekit.logging.Recorder;
import dev.corekit.query.BatchLoader;
import dev.corekit.query.QueryClient;
import dev.corekit.query.QuerySettings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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
 * 1,000 lookups by an indexed key on the same in-process server: the N+1 loop (one {@code find} per key, 1,000 round
 * trips) against the {@link BatchLoader} (two {@code $in} queries of 500, results back in the caller's order). Time per
 * 1,000 lookups.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BatchLoaderBenchmark {
    private static final int KEYS = 1_000;

    private MongoServer server;
    private QueryClient client;
    private MongoCollection<Document> products;
    private BatchLoader<String, Document> loader;
    private List<String> keys;

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
        products = client.collection("products", Document.class);
        products.createIndex(Indexes.ascending("sku"));
        keys = new ArrayList<>();
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            String sku = String.format("sku-%05d", i);
            keys.add(sku);
            documents.add(
                    new Document("sku", sku).append("name", "product " + i).append("stock", i % 13));
        }
        products.insertMany(documents);
        Collections.shuffle(keys, new Random(7));
        loader = BatchLoader.of(products, "sku", String.class);
    }

    @TearDown
    public void stop() {
        client.close();
        server.shutdownNow();
    }

    @Benchmark
    public int nPlusOneLoop() {
        int found = 0;
        for (String key : keys) {
            if (products.find(Filters.eq("sku", key)).first() != null) {
                found++;
            }
        }
        return found;
    }

    @Benchmark
    public int batchLoader() {
        return loader.loadAll(keys).found().size();
    }
}
