package dev.corekit.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.mongo.MongoSinkSettings;
import dev.corekit.logging.mongo.internal.RecordDocuments;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * End-to-end throughput of the MongoDB sink (accept 10,000 records, wait until all are written) against the raw
 * driver's {@code insertMany} of the same documents, on the same in-process MongoDB-wire server, in one run. Both send
 * batches of 1,000 inserts (events are inserted; only operation records are upserts); the sink adds the queue hand-off,
 * building documents on its writer thread and the unordered {@code bulkWrite}: the ratio is its overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MongoSinkBenchmark {
    private static final int RECORDS = 10_000;

    private MongoServer server;
    private MongoClient client;
    private MongoSink sink;
    private MongoCollection<Document> raw;
    private long sequence;

    @Setup(Level.Trial)
    public void start() throws Exception {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        String uri = "mongodb://127.0.0.1:" + address.getPort();
        client = MongoClients.create(uri);
        MongoSinkSettings settings = MongoSinkSettings.custom(Config.defaultsOnly())
                .mongodbUri(uri)
                .queueCapacity(65_536)
                .batchSize(1_000)
                .spillDirectory(Files.createTempDirectory("corekit-bench-spill"))
                .build();
        sink = MongoSink.start(settings, client);
        raw = client.getDatabase("bench").getCollection("raw");
        // The writer creates the indexes before its first write. mongo-java-server's in-memory backend fails a
        // deleteMany that runs while an index is being built, so let that finish before the first iteration setup.
        sink.accept(record(sequence++));
        while (sink.stats().written() < 1) {
            Thread.sleep(1);
        }
    }

    @Setup(Level.Iteration)
    public void emptyCollections() {
        raw.deleteMany(new Document());
        client.getDatabase(MongoSinkSettings.DEFAULT_MONGODB_DATABASE)
                .getCollection(MongoSinkSettings.DEFAULT_MONGODB_COLLECTION)
                .deleteMany(new Document());
    }

    @TearDown(Level.Trial)
    public void stop() {
        sink.close();
        client.close();
        server.shutdownNow();
    }

    private LogRecord record(long id) {
        return new LogRecord(
                Long.toHexString(id),
                LogRecord.Kind.EVENT,
                org.slf4j.event.Level.INFO,
                "orders",
                null,
                "order placed",
                Instant.now(),
                null,
                null,
                Map.of("orderId", id, "items", 3),
                List.of(),
                null,
                "bench");
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void corekitSink() throws InterruptedException {
        long target = sink.stats().written() + RECORDS;
        for (int i = 0; i < RECORDS; i++) {
            sink.accept(record(sequence++));
        }
        while (sink.stats().written() < target) {
            Thread.sleep(0, 200_000);
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void rawInsertMany() {
        List<Document> documents = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            documents.add(RecordDocuments.toDocument(record(sequence++)));
        }
        for (int from = 0; from < RECORDS; from += 1_000) {
            raw.insertMany(documents.subList(from, from + 1_000));
        }
    }
}
