package dev.corekit.logging.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.mongo.internal.RecordDocuments;
import dev.corekit.logging.mongo.internal.Tuning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/**
 * The MongoDB sink's test fixture: an in-process MongoDB-wire server (memory backend, or H2 where data must survive a
 * server restart) reached through the real driver, whose command listener records which ids the server acknowledged.
 * Backoffs are shortened through {@link Tuning}; no assertion is about time.
 */
abstract class MongoSinkFixture {
    @TempDir
    Path temp;

    Path spill;
    Supplier<MongoBackend> backend = MemoryBackend::new;
    MongoServer server;
    int port;
    MongoClient client;
    final List<MongoSink> sinks = new ArrayList<>();
    /** Ids of documents sent in insert or update commands that the server acknowledged, in order. */
    final List<String> acknowledgedIds = new CopyOnWriteArrayList<>();
    /** Threads the driver ran the sink's write commands on. */
    final Set<Thread> writingThreads = ConcurrentHashMap.newKeySet();

    final Set<Boolean> writerFlagsSeen = ConcurrentHashMap.newKeySet();
    private final Map<Integer, List<String>> pendingIds = new ConcurrentHashMap<>();

    @BeforeAll
    static void shortBackoffs() {
        Tuning.override(new Tuning(
                Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofMillis(20), Duration.ofMillis(200)));
    }

    @AfterAll
    static void defaultBackoffs() {
        Tuning.override(null);
    }

    @BeforeEach
    void startServer() throws IOException {
        spill = Files.createDirectories(temp.resolve("spill"));
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        port = address.getPort();
        connectClient();
    }

    @AfterEach
    void stop() {
        for (MongoSink sink : sinks) {
            sink.close();
        }
        client.close();
        server.shutdownNow();
    }

    /** Records the ids each insert/update carried, kept once the server acknowledged the command. */
    final class AcknowledgedIds implements CommandListener {
        @Override
        public void commandStarted(CommandStartedEvent event) {
            List<String> ids = new ArrayList<>();
            // The event's documents are valid only during this callback: copy the ids out.
            if (event.getCommandName().equals("insert")) {
                for (BsonValue doc : event.getCommand().getArray("documents")) {
                    ids.add(idOf(doc.asDocument().get("_id")));
                }
            } else if (event.getCommandName().equals("update")) {
                for (BsonValue update : event.getCommand().getArray("updates")) {
                    ids.add(idOf(update.asDocument().getDocument("q").get("_id")));
                }
            } else {
                return;
            }
            writingThreads.add(Thread.currentThread());
            writerFlagsSeen.add(MongoSink.isWriterThread());
            pendingIds.put(event.getRequestId(), ids);
        }

        @Override
        public void commandSucceeded(CommandSucceededEvent event) {
            List<String> ids = pendingIds.remove(event.getRequestId());
            if (ids != null) {
                acknowledgedIds.addAll(ids);
            }
        }

        private String idOf(BsonValue id) {
            return id.isString() ? id.asString().getValue() : String.valueOf(id);
        }
    }

    MongoSinkSettings settings(int queueCapacity, int batchSize, Duration drain) {
        return settings(queueCapacity, batchSize, drain, Duration.ofDays(7));
    }

    MongoSinkSettings settings(int queueCapacity, int batchSize, Duration drain, Duration retention) {
        return MongoSinkSettings.custom(Config.defaultsOnly())
                .mongodbUri("mongodb://127.0.0.1:" + port)
                .queueCapacity(queueCapacity)
                .batchSize(batchSize)
                .spillDirectory(spill)
                .shutdownDrainTimeout(drain)
                .retention(retention)
                .build();
    }

    MongoSink start(MongoSinkSettings settings) {
        MongoSink sink = MongoSink.start(settings, client);
        sinks.add(sink);
        return sink;
    }

    MongoCollection<Document> collection() {
        return client.getDatabase(MongoSinkSettings.DEFAULT_MONGODB_DATABASE)
                .getCollection(MongoSinkSettings.DEFAULT_MONGODB_COLLECTION);
    }

    List<Document> indexes() {
        return collection().listIndexes().into(new ArrayList<>());
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!holds(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The test's own queries may hit the one failure the driver reports right after a server restart. */
    static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (com.mongodb.MongoException e) {
            return false;
        }
    }

    void restartServerOnSamePort() {
        server = new MongoServer(backend.get());
        server.bind("127.0.0.1", port);
    }

    static LogRecord event(Level level, String id) {
        return event(level, id, "m", Map.of());
    }

    static LogRecord event(Level level, String id, String message, Map<String, Object> attributes) {
        return new LogRecord(
                id,
                LogRecord.Kind.EVENT,
                level,
                "test",
                null,
                message,
                Instant.now(),
                null,
                null,
                attributes,
                List.of(),
                null,
                "t");
    }

    static LogRecord operation(String id, LogRecord.Status status, Instant start, Map<String, Object> attributes) {
        return new LogRecord(
                id,
                LogRecord.Kind.OPERATION,
                status == LogRecord.Status.FAILED ? Level.ERROR : Level.INFO,
                "job",
                status,
                null,
                start,
                status == LogRecord.Status.STARTED ? null : start.plusMillis(5),
                null,
                attributes,
                List.of(),
                null,
                "t");
    }

    static long invariantGap(MongoSink.Stats s) {
        return s.accepted()
                - (s.written() + s.rejected() + s.spilled() + s.droppedTotal() + s.queueDepth() + s.inFlight());
    }

    void connectClient() {
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + port))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(300, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(300, TimeUnit.MILLISECONDS))
                .addCommandListener(new AcknowledgedIds())
                .build());
    }

    void startServerOnH2() {
        server = new MongoServer(backend.get());
        server.bind("127.0.0.1", port);
        connectClient();
    }

    void writeSpill(String name, Document... docs) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Document doc : docs) {
            lines.append(RecordDocuments.toJson(doc)).append('\n');
        }
        Files.writeString(spill.resolve(name), lines);
    }

    long spilledFiles() {
        try (Stream<Path> files = Files.list(spill)) {
            return files.filter(f -> f.getFileName().toString().startsWith("spill-"))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spilled records in the spill directory: DROPS reports, or everything else. */
    long spilledRecords(boolean dropReports) throws IOException {
        long n = 0;
        try (Stream<Path> files = Files.list(spill)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    String kind = BsonDocument.parse(line).getString("kind").getValue();
                    if (kind.equals("DROPS") == dropReports) {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
