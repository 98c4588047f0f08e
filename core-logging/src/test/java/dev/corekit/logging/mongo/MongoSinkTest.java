package dev.corekit.logging.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.LoggingSettings;
import dev.corekit.logging.MongoSink;
import dev.corekit.logging.Recorder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class MongoSinkTest {
    @TempDir
    Path spill;

    MongoServer server;
    int port;
    MongoClient client;
    MongoSink sink;
    final List<String> updatedIds = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        port = address.getPort();
        CommandListener listener = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("update")) {
                    // The event's documents are valid only during this callback: keep just the ids written.
                    synchronized (updatedIds) {
                        for (BsonValue update : event.getCommand().getArray("updates")) {
                            BsonValue id = update.asDocument().getDocument("q").get("_id");
                            updatedIds.add(id.isString() ? id.asString().getValue() : String.valueOf(id));
                        }
                    }
                }
            }
        };
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + port))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(500, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(500, TimeUnit.MILLISECONDS))
                .addCommandListener(listener)
                .build());
    }

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.close();
        }
        client.close();
        server.shutdownNow();
    }

    LoggingSettings settings(int queueCapacity, int batchSize, Duration drain) {
        return LoggingSettings.custom(Config.defaultsOnly())
                .mongodbUri("mongodb://127.0.0.1:" + port)
                .queueCapacity(queueCapacity)
                .batchSize(batchSize)
                .spillDirectory(spill)
                .shutdownDrainTimeout(drain)
                .retention(Duration.ofDays(7))
                .build();
    }

    MongoCollection<Document> collection() {
        return client.getDatabase(LoggingSettings.DEFAULT_MONGODB_DATABASE)
                .getCollection(LoggingSettings.DEFAULT_MONGODB_COLLECTION);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!holds(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
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
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", port);
    }

    static LogRecord event(Level level, String id) {
        return new LogRecord(
                id,
                LogRecord.Kind.EVENT,
                level,
                "test",
                null,
                "m",
                Instant.now(),
                null,
                null,
                Map.of(),
                List.of(),
                null,
                "t");
    }

    @Test
    void operationBecomesOneDocumentAndIndexesAreCreated() throws Exception {
        sink = MongoSink.start(settings(1024, 64, Duration.ofSeconds(5)), client);
        Recorder recorder = Recorder.of(sink);

        recorder.call("orders.create", op -> op.attr("items", 3).attr("password", "x"));
        try {
            recorder.run("orders.pay", op -> {
                throw new IllegalStateException("declined");
            });
        } catch (IllegalStateException expected) {
            // recorded
        }

        await("two completed operations", () -> collection().countDocuments(Filters.ne("status", "STARTED")) == 2);
        assertThat(collection().countDocuments()).isEqualTo(2);
        Document created =
                collection().find(Filters.eq("name", "orders.create")).first();
        assertThat(created.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(created.get("attributes", Document.class))
                .containsEntry("items", 3)
                .containsEntry("password", "[REDACTED]");
        Document failed = collection().find(Filters.eq("name", "orders.pay")).first();
        assertThat(failed.get("error", Document.class).getString("fingerprint")).hasSize(16);
        await(
                "indexes",
                () -> collection().listIndexes().into(new ArrayList<>()).size() == 6);
        Document ttl = collection().listIndexes().into(new ArrayList<>()).stream()
                .filter(index -> "startedAt_ttl".equals(index.getString("name")))
                .findFirst()
                .orElseThrow();
        assertThat(((Number) ttl.get("expireAfterSeconds")).longValue())
                .isEqualTo(Duration.ofDays(7).toSeconds());
    }

    @Test
    void startAndCompletionPendingTogetherAreWrittenOnceAcrossAnOutage() throws Exception {
        sink = MongoSink.start(settings(1024, 64, Duration.ofSeconds(5)), client);
        sink.accept(event(Level.INFO, "warm-up"));
        await("warm-up written", () -> sink.stats().written() == 1);

        server.shutdownNow();
        sink.accept(event(Level.WARN, "in-flight")); // the writer takes it and retries while the server is down
        await("writer retrying", () -> sink.stats().retrying());
        Instant start = Instant.now();
        LogRecord started = new LogRecord(
                "op-1",
                LogRecord.Kind.OPERATION,
                Level.INFO,
                "job",
                LogRecord.Status.STARTED,
                null,
                start,
                null,
                null,
                Map.of(),
                List.of(),
                null,
                "t");
        LogRecord done = new LogRecord(
                "op-1",
                LogRecord.Kind.OPERATION,
                Level.INFO,
                "job",
                LogRecord.Status.SUCCEEDED,
                null,
                start,
                Instant.now(),
                null,
                Map.of("rows", 10),
                List.of(),
                null,
                "t");
        sink.accept(started);
        sink.accept(done);
        restartServerOnSamePort();

        await("operation written", () -> collection().countDocuments(Filters.eq("_id", "op-1")) == 1);
        assertThat(collection().find(Filters.eq("_id", "op-1")).first().getString("status"))
                .isEqualTo("SUCCEEDED");
        long writesOfOp1;
        synchronized (updatedIds) {
            writesOfOp1 = updatedIds.stream().filter("op-1"::equals).count();
        }
        assertThat(writesOfOp1).as("STARTED collapsed into the completion").isEqualTo(1);
    }

    @Test
    void outageLosesNoWarnRecordAndReportsExactDrops() throws Exception {
        sink = MongoSink.start(settings(64, 16, Duration.ofSeconds(5)), client);
        for (int i = 0; i < 20; i++) {
            sink.accept(event(Level.INFO, "before-" + i));
        }
        await("records before the outage written", () -> sink.stats().written() == 20);

        server.shutdownNow();
        Set<String> warnIds = new HashSet<>();
        Set<String> infoIds = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            boolean warn = i % 3 == 0;
            String id = (warn ? "warn-" : "info-") + i;
            (warn ? warnIds : infoIds).add(id);
            sink.accept(event(warn ? (i % 2 == 0 ? Level.ERROR : Level.WARN) : Level.INFO, id));
        }
        MongoSink.Stats during = sink.stats();
        assertThat(during.spilled())
                .as("the queue overflowed: WARN+ went to disk")
                .isPositive();
        assertThat(during.dropped().get(Level.INFO)).as("and INFO was dropped").isPositive();
        restartServerOnSamePort();

        await("queue drained and spill replayed", () -> {
            MongoSink.Stats s = sink.stats();
            return s.queueDepth() == 0
                    && !s.retrying()
                    && s.replayed() == s.spilled()
                    && collection().countDocuments(Filters.eq("kind", "DROPS")) == 1;
        });
        Set<String> stored = new HashSet<>();
        collection().find().forEach(doc -> stored.add(doc.getString("_id")));
        assertThat(stored).containsAll(warnIds);
        long infoStored = infoIds.stream().filter(stored::contains).count();
        long infoDropped = sink.stats().dropped().get(Level.INFO);
        assertThat(infoStored + infoDropped).isEqualTo(infoIds.size());
        Document drops = collection().find(Filters.eq("kind", "DROPS")).first();
        assertThat(drops.get("attributes", Document.class)
                        .get("dropped_INFO", Number.class)
                        .longValue())
                .isEqualTo(infoDropped);
        try (Stream<Path> files = Files.list(spill)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("spill-")))
                    .isEmpty();
        }
    }

    @Test
    void shutdownWithFiftyThousandQueuedAccountsForEveryRecord() throws Exception {
        sink = MongoSink.start(settings(65_536, 512, Duration.ofMillis(300)), client);
        for (int i = 0; i < 50_000; i++) {
            sink.accept(event(i % 4 == 0 ? Level.WARN : Level.INFO, "r-" + i));
        }

        MongoSink.ShutdownReport report = sink.closeWithReport();

        MongoSink.Stats stats = sink.stats();
        long dropped =
                stats.dropped().values().stream().mapToLong(Long::longValue).sum();
        assertThat(stats.accepted()).isEqualTo(50_000);
        assertThat(stats.written() + stats.spilled() + dropped + stats.rejected())
                .isEqualTo(50_000);
        assertThat(report.drained() + report.spilled() + report.dropped()).isLessThanOrEqualTo(50_000);
        assertThat(collection().countDocuments()).isEqualTo(stats.written());
        assertThat(spilledLines()).isEqualTo(stats.spilled());
        assertThat(stats.dropped().get(Level.WARN))
                .as("WARN is spilled, never dropped")
                .isZero();
    }

    @Test
    void spillFileLeftByAPreviousProcessIsReplayedAtStart() throws Exception {
        Files.writeString(
                spill.resolve("spill-0000000000001-00000001.jsonl"),
                new Document("_id", "left-over")
                                .append("kind", "EVENT")
                                .append("level", "ERROR")
                                .toJson() + "\n");

        sink = MongoSink.start(settings(1024, 64, Duration.ofSeconds(5)), client);

        await("left-over replayed", () -> collection().countDocuments(Filters.eq("_id", "left-over")) == 1);
        await("spill file deleted", () -> spilledFiles() == 0);
        assertThat(sink.stats().replayed()).isEqualTo(1);
    }

    @Test
    void recordsAfterCloseAreCountedNotThrown() throws Exception {
        sink = MongoSink.start(settings(1024, 64, Duration.ofSeconds(1)), client);
        sink.close();

        sink.accept(event(Level.INFO, "late-info"));
        sink.accept(event(Level.ERROR, "late-error"));

        assertThat(sink.stats().dropped().get(Level.INFO)).isEqualTo(1);
        assertThat(sink.stats().spilled()).isEqualTo(1);
        assertThat(spilledLines()).isEqualTo(1);
    }

    @Test
    void writerThreadIsRecognisedSoItsLogsNeverComeBack() throws Exception {
        sink = MongoSink.start(settings(1024, 64, Duration.ofSeconds(1)), client);
        AtomicInteger onWriter = new AtomicInteger();
        assertThat(MongoSink.isWriterThread()).isFalse();
        sink.accept(event(Level.INFO, "x"));
        await("written", () -> sink.stats().written() == 1);
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("corekit-mongo-sink"))
                .forEach(t -> onWriter.incrementAndGet());
        assertThat(onWriter).hasValue(1);
    }

    long spilledFiles() {
        try (Stream<Path> files = Files.list(spill)) {
            return files.filter(f -> f.getFileName().toString().startsWith("spill-"))
                    .count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    long spilledLines() throws IOException {
        long lines = 0;
        try (Stream<Path> files = Files.list(spill)) {
            for (Path file : files.toList()) {
                lines += Files.readAllLines(file).stream()
                        .filter(l -> !l.isBlank())
                        .count();
            }
        }
        return lines;
    }
}
