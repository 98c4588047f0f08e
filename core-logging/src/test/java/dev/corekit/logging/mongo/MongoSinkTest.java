package dev.corekit.logging.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.logging.mongo.internal.Indexes;
import dev.corekit.logging.mongo.internal.RecordDocuments;
import dev.corekit.logging.mongo.internal.Tuning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The MongoDB sink through the real driver against an in-process MongoDB-wire server (memory backend, or H2 where data
 * must survive a server restart). Backoffs are shortened through {@link Tuning}; no assertion is about time.
 */
class MongoSinkTest extends MongoSinkFixture {
    @Test
    void operationStartAndCompletionBecomeOneDocumentAndIndexesExist() throws Exception {
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(5)));
        Recorder recorder = Recorder.of(sink);

        recorder.call("orders.create", op -> op.attr("items", 3).attr("password", "x"));
        try {
            recorder.run("orders.pay", op -> {
                throw new IllegalStateException("declined", new java.io.IOException("socket"));
            });
        } catch (IllegalStateException expected) {
            // recorded as FAILED
        }

        await("two completed operations", () -> collection().countDocuments(Filters.ne("status", "STARTED")) == 2);
        sink.flush();
        assertThat(collection().countDocuments())
                .as("one document per operation")
                .isEqualTo(2);
        Document created =
                collection().find(Filters.eq("name", "orders.create")).first();
        assertThat(created.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(created.getString("kind")).isEqualTo("OPERATION");
        assertThat(created.get("startedAt")).isInstanceOf(java.util.Date.class);
        assertThat(created.get("endedAt")).isInstanceOf(java.util.Date.class);
        assertThat(created.get("durationMicros", Number.class).longValue()).isNotNegative();
        assertThat(created.get("attributes", Document.class))
                .containsEntry("items", 3)
                .containsEntry("password", "[REDACTED]");
        Document failed = collection().find(Filters.eq("name", "orders.pay")).first();
        assertThat(failed.getString("status")).isEqualTo("FAILED");
        assertThat(failed.getString("level")).isEqualTo("ERROR");
        Document error = failed.get("error", Document.class);
        assertThat(error.getString("type")).isEqualTo(IllegalStateException.class.getName());
        assertThat(error.getString("message")).isEqualTo("declined");
        assertThat(error.getString("fingerprint")).hasSize(16);
        assertThat(error.get("retryable")).isInstanceOf(Boolean.class);
        assertThat(error.getList("causes", Document.class))
                .extracting(c -> c.getString("type"))
                .containsExactly("java.io.IOException");
        assertThat(error.getList("stack", String.class)).isNotEmpty();

        await("indexes", () -> indexes().size() == 6);
        List<Document> indexes = indexes();
        assertThat(indexes)
                .extracting(i -> i.get("key", Document.class).keySet().toString())
                .contains(
                        "[_id]",
                        "[requestId]",
                        "[name, startedAt]",
                        "[status, startedAt]",
                        "[error.fingerprint]",
                        "[startedAt]");
        Document ttl = indexes.stream()
                .filter(index -> "startedAt_ttl".equals(index.getString("name")))
                .findFirst()
                .orElseThrow();
        assertThat(((Number) ttl.get("expireAfterSeconds")).longValue())
                .isEqualTo(Duration.ofDays(7).toSeconds());

        // A second sink on the same collection (a second instance of the service) starts cleanly and changes nothing.
        MongoSink second = start(settings(1024, 64, Duration.ofSeconds(5)));
        second.accept(event(Level.INFO, "from-second"));
        await("second sink wrote", () -> second.stats().written() == 1);
        assertThat(indexes()).isEqualTo(indexes);
    }

    @Test
    void changedRetentionUpdatesTheTtlIndexOrWarnsWithoutFailingStartup() throws Exception {
        MongoSink first = start(settings(1024, 64, Duration.ofSeconds(5)));
        first.accept(event(Level.INFO, "a"));
        await("ttl index", () -> indexes().stream().anyMatch(i -> "startedAt_ttl".equals(i.getString("name"))));
        first.close();
        Logger sinkLogger = (Logger) LoggerFactory.getLogger(MongoSink.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        sinkLogger.addAppender(logs);
        try {
            MongoSink changed = start(settings(1024, 64, Duration.ofSeconds(5), Duration.ofDays(8)));
            changed.accept(event(Level.INFO, "b"));
            await("written after the index check", () -> changed.stats().written() == 1);

            long ttlSeconds = indexes().stream()
                    .filter(i -> "startedAt_ttl".equals(i.getString("name")))
                    .map(i -> ((Number) i.get("expireAfterSeconds")).longValue())
                    .findFirst()
                    .orElseThrow();
            boolean warnedWithFix = logs.list.stream()
                    .anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                            && e.getFormattedMessage().contains("collMod")
                            && e.getFormattedMessage()
                                    .contains(String.valueOf(Duration.ofDays(8).toSeconds())));
            boolean updated = ttlSeconds == Duration.ofDays(8).toSeconds();
            assertThat(updated ^ warnedWithFix)
                    .as(
                            "either the TTL was updated in place (now %s s) or, only if not, a warning names the fix"
                                    + " (warned: %s)",
                            ttlSeconds, warnedWithFix)
                    .isTrue();
        } finally {
            sinkLogger.detachAppender(logs);
        }
    }

    @Test
    void startAndCompletionPendingTogetherAreWrittenAsOneDocumentInOneWrite() throws Exception {
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(5)));
        sink.accept(event(Level.INFO, "warm-up"));
        await("warm-up written", () -> sink.stats().written() == 1);

        // Hold the writer: the server is gone, it retries the batch it holds while the next records queue up.
        server.shutdownNow();
        sink.accept(event(Level.WARN, "in-flight"));
        await("writer retrying", () -> sink.stats().retrying() && sink.stats().inFlight() == 1);
        Instant start = Instant.now();
        sink.accept(operation("op-1", LogRecord.Status.STARTED, start, Map.of("phase", "start")));
        sink.accept(operation("op-1", LogRecord.Status.SUCCEEDED, start, Map.of("rows", 10)));
        assertThat(sink.stats().queueDepth()).isEqualTo(2);
        restartServerOnSamePort();

        await("operation written", () -> collection().countDocuments(Filters.eq("_id", "op-1")) == 1);
        sink.flush();
        Document op = collection().find(Filters.eq("_id", "op-1")).first();
        assertThat(op.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(op.get("attributes", Document.class))
                .containsEntry("rows", 10)
                .doesNotContainKey("phase");
        assertThat(acknowledgedIds.stream().filter("op-1"::equals).count())
                .as("the STARTED record collapsed into the completion: one document sent")
                .isEqualTo(1);
        assertThat(sink.stats().written())
                .as("both records accounted as written")
                .isEqualTo(4);
    }

    @Test
    void aRecordTooLargeForMongoIsRejectedAloneAndOversizedStringsAreCut() throws Exception {
        Map<String, Object> attributes = new LinkedHashMap<>();
        String chunk = "x".repeat(RecordDocuments.MAX_STRING_CHARS);
        for (int i = 0; i < 1_200; i++) {
            attributes.put("k" + i, chunk); // about 19 MiB even with every value at the cap: over MongoDB's 16 MiB
        }
        LogRecord tooLarge = event(Level.ERROR, "too-large", "m", attributes);
        LogRecord longMessage = event(
                Level.WARN,
                "long-message",
                "y".repeat(100_000),
                Map.of("decimal", new java.math.BigDecimal("1234567890123456789012345678901234567890.5")));
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(5)));

        sink.accept(event(Level.INFO, "before"));
        sink.accept(tooLarge);
        sink.accept(longMessage);
        sink.accept(event(Level.WARN, "after"));
        await("all settled", () -> sink.stats().written() + sink.stats().rejected() == 4);

        assertThat(sink.stats().rejected()).isEqualTo(1);
        assertThat(collection().distinct("_id", String.class).into(new ArrayList<>()))
                .containsExactlyInAnyOrder("before", "long-message", "after");
        Document stored = collection().find(Filters.eq("_id", "long-message")).first();
        assertThat(stored.getString("message"))
                .hasSize(RecordDocuments.MAX_STRING_CHARS + "...[83616 more chars cut]".length())
                .endsWith("...[83616 more chars cut]");
        assertThat(stored.get("attributes", Document.class).get("decimal"))
                .as("more digits than Decimal128 holds: kept exactly, as a string")
                .isEqualTo("1234567890123456789012345678901234567890.5");
    }

    @Test
    void theTtlIndexIsCreatedEvenWhenAnotherIndexOnTheSameFieldsExists() throws Exception {
        collection()
                .createIndex(
                        new Document("requestId", 1),
                        new IndexOptions().unique(true).sparse(true));
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(5)));
        sink.accept(event(Level.INFO, "x"));
        await("written", () -> sink.stats().written() == 1);

        assertThat(indexes())
                .anySatisfy(index -> assertThat(index.getString("name")).isEqualTo(Indexes.TTL_INDEX))
                .anySatisfy(index -> assertThat(index.get("key")).isEqualTo(new Document("error.fingerprint", 1)));
    }

    @Test
    void spillFilesStopAtTheirSizeLimitAndWarnRecordsBeyondItAreCountedAsDropped() throws Exception {
        MongoSink sink = start(MongoSinkSettings.custom(Config.defaultsOnly())
                .mongodbUri("mongodb://127.0.0.1:" + port)
                .queueCapacity(64)
                .batchSize(64)
                .spillDirectory(spill)
                .spillMaxMb(1)
                .shutdownDrainTimeout(Duration.ofMillis(200))
                .build());
        sink.accept(event(Level.INFO, "warm-up"));
        await("warm-up written", () -> sink.stats().written() == 1);
        server.shutdownNow();

        String kilobyte = "w".repeat(1_024);
        for (int i = 0; i < 3_000; i++) {
            sink.accept(event(Level.WARN, "warn-" + i, kilobyte, Map.of()));
        }
        MongoSink.Stats stats = sink.stats();

        long onDisk;
        try (Stream<Path> files = Files.list(spill)) {
            onDisk = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(onDisk).isLessThanOrEqualTo(1024 * 1024);
        assertThat(stats.spilled()).isBetween(500L, 1_100L);
        assertThat(stats.dropped().get(Level.WARN)).isGreaterThan(1_000L);
        assertThat(invariantGap(stats)).isZero();
    }

    @Test
    void lateStartedNeverOverwritesACompletion() throws Exception {
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(5)));
        Instant start = Instant.now();
        sink.accept(operation("op-2", LogRecord.Status.FAILED, start, Map.of("rows", 1)));
        await("completion written", () -> sink.stats().written() == 1);
        sink.accept(operation("op-2", LogRecord.Status.STARTED, start, Map.of()));
        await("late start written", () -> sink.stats().written() == 2);

        assertThat(collection().find(Filters.eq("_id", "op-2")).first().getString("status"))
                .isEqualTo("FAILED");
    }

    @Test
    void outageMidStreamLosesNoWarnRecordAndReportsExactDrops() throws Exception {
        backend = () -> new H2Backend(temp.resolve("mongo.mv").toString());
        stop(); // restart the fixture on a server whose data survives a restart
        startServerOnH2();
        MongoSink sink = start(settings(64, 16, Duration.ofSeconds(5)));

        Set<String> warnIds = new HashSet<>();
        Set<String> infoIds = new HashSet<>();
        int sequence = 0;
        for (; sequence < 100; sequence++) {
            emit(sink, sequence, warnIds, infoIds);
        }
        server.shutdownNow();
        for (; sequence < 400; sequence++) {
            emit(sink, sequence, warnIds, infoIds);
        }
        MongoSink.Stats during = sink.stats();
        assertThat(during.spilled())
                .as("the queue overflowed: WARN+ went to disk")
                .isPositive();
        assertThat(during.dropped().get(Level.INFO)).as("and INFO was dropped").isPositive();
        assertThat(during.dropped().get(Level.WARN) + during.dropped().get(Level.ERROR))
                .isZero();
        restartServerOnSamePort();
        for (; sequence < 500; sequence++) {
            emit(sink, sequence, warnIds, infoIds);
        }

        await("queue drained, spill replayed, drops reported", () -> {
            MongoSink.Stats s = sink.stats();
            return s.queueDepth() == 0
                    && s.inFlight() == 0
                    && s.replayed() == s.spilled()
                    && s.dropReports() > 0
                    && spilledFiles() == 0;
        });
        MongoSink.Stats stats = sink.stats();
        Set<String> stored = new HashSet<>();
        collection().find().forEach(doc -> stored.add(doc.getString("_id")));
        assertThat(stored).as("every WARN+ record emitted").containsAll(warnIds);
        Set<String> infoLost = new HashSet<>(infoIds);
        infoLost.removeAll(stored);
        long reportedInfoDrops = 0;
        for (Document drops : collection().find(Filters.eq("kind", "DROPS"))) {
            Document attributes = drops.get("attributes", Document.class);
            reportedInfoDrops += attributes.get("dropped_INFO", Number.class).longValue();
            assertThat(attributes).containsKeys("dropped_total", "window_start", "window_end");
            assertThat(drops.getString("level")).isEqualTo("WARN");
        }
        assertThat(reportedInfoDrops)
                .as("DROPS records count every INFO record not written")
                .isEqualTo(infoLost.size());
        assertThat(stats.dropped().get(Level.INFO)).isEqualTo(infoLost.size());
        assertThat(stats.accepted()).isEqualTo(500);
        assertThat(stats.written() + stats.spilled() + stats.droppedTotal() + stats.rejected())
                .isEqualTo(500);
        assertThat(stats.rejected()).isZero();
        assertThat(stats.state()).isEqualTo(MongoSink.State.UP);
    }

    /** A client that gives up on an unreachable server quickly and records which ids the server acknowledged. */
    private static void emit(MongoSink sink, int i, Set<String> warnIds, Set<String> infoIds) {
        boolean warn = i % 3 == 0;
        String id = (warn ? "warn-" : "info-") + i;
        (warn ? warnIds : infoIds).add(id);
        sink.accept(event(warn ? (i % 2 == 0 ? Level.ERROR : Level.WARN) : Level.INFO, id));
    }

    @Test
    void closeWithFiftyThousandQueuedAccountsForEveryRecordExactly() throws Exception {
        MongoSink sink = start(settings(65_536, 512, Duration.ofSeconds(1)));
        // Hold the writer on an unreachable server while 50,000 records queue up.
        server.shutdownNow();
        int warnEmitted = 0;
        for (int i = 0; i < 50_000; i++) {
            boolean warn = i % 4 == 0;
            warnEmitted += warn ? 1 : 0;
            sink.accept(event(warn ? Level.WARN : Level.INFO, "r-" + i));
        }
        assertThat(sink.stats().queueDepth() + sink.stats().inFlight()).isEqualTo(50_000);
        restartServerOnSamePort(); // an empty server: whatever it holds afterwards was drained by close()

        MongoSink.ShutdownReport report = sink.closeWithReport();

        assertThat(report.drained() + report.spilled() + report.dropped()).isEqualTo(50_000);
        assertThat(report.total()).isEqualTo(50_000);
        assertThat(collection().countDocuments())
                .as("drained = in the collection")
                .isEqualTo(report.drained());
        long warnStored = collection().countDocuments(Filters.eq("level", "WARN"));
        assertThat(spilledRecords(false)).as("spilled = in the spill file").isEqualTo(report.spilled());
        assertThat(warnStored + report.spilled()).as("no WARN lost").isEqualTo(warnEmitted);
        assertThat(collection().countDocuments(Filters.eq("level", "INFO")) + report.dropped())
                .isEqualTo(50_000 - warnEmitted);
        MongoSink.Stats stats = sink.stats();
        assertThat(stats.dropped().get(Level.WARN))
                .as("WARN is spilled, never dropped")
                .isZero();
        assertThat(stats.dropped().get(Level.INFO)).isEqualTo(report.dropped());
        assertThat(stats.state()).isEqualTo(MongoSink.State.CLOSED);
        assertThat(invariantGap(stats)).isZero();
        if (report.dropped() > 0) {
            assertThat(spilledRecords(true))
                    .as("the unreported drops are spilled as a DROPS record")
                    .isEqualTo(1);
        }
        assertThat(sink.closeWithReport()).as("idempotent").isEqualTo(report);
    }

    @Test
    void spillFilesLeftByAPreviousProcessAreReplayedOldestFirstAtStartAndDeleted() throws Exception {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        // The older file has the completion, the newer one a STARTED replayed late: the completion must win.
        writeSpill(
                "spill-0000000000001-000001.jsonl",
                RecordDocuments.toDocument(operation("op-9", LogRecord.Status.SUCCEEDED, start, Map.of("n", 1L))),
                RecordDocuments.toDocument(event(Level.ERROR, "left-over")));
        writeSpill(
                "spill-0000000000002-000001.jsonl",
                RecordDocuments.toDocument(operation("op-9", LogRecord.Status.STARTED, start, Map.of())));

        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(5)));

        await(
                "spill files replayed and deleted",
                () -> spilledFiles() == 0 && sink.stats().replayed() == 3);
        assertThat(collection().countDocuments(Filters.eq("_id", "left-over"))).isEqualTo(1);
        Document op = collection().find(Filters.eq("_id", "op-9")).first();
        assertThat(op.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(op.get("attributes", Document.class).get("n"))
                .as("types survive the spill")
                .isEqualTo(1L);
        assertThat(op.get("durationMicros")).isEqualTo(5_000L);
        assertThat(acknowledgedIds.stream().filter("op-9"::equals).count()).isEqualTo(2);
        assertThat(acknowledgedIds.indexOf("left-over"))
                .as("the older file is replayed first")
                .isLessThan(acknowledgedIds.lastIndexOf("op-9"));
    }

    @Test
    void acceptAfterCloseNeverThrowsAndIsCounted() throws Exception {
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(1)));
        sink.close();

        assertThatCode(() -> {
                    sink.accept(event(Level.INFO, "late-info"));
                    sink.accept(event(Level.ERROR, "late-error"));
                    sink.accept(null);
                })
                .doesNotThrowAnyException();

        MongoSink.Stats stats = sink.stats();
        assertThat(stats.accepted()).isEqualTo(2);
        assertThat(stats.dropped().get(Level.INFO)).isEqualTo(1);
        assertThat(stats.spilled()).isEqualTo(1);
        assertThat(spilledRecords(false)).isEqualTo(1);
        assertThat(invariantGap(stats)).isZero();
    }

    @Test
    void manyCallersRacingCloseLeaveNoRecordUncounted() throws Exception {
        MongoSink sink = start(settings(256, 64, Duration.ofMillis(200)));
        int threads = 4;
        int perThread = 20_000;
        java.util.concurrent.CountDownLatch halfway = new java.util.concurrent.CountDownLatch(threads);
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int caller = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    if (i == perThread / 2) {
                        halfway.countDown();
                    }
                    sink.accept(event(i % 10 == 0 ? Level.ERROR : Level.DEBUG, caller + "-" + i));
                }
            });
            callers.add(thread);
            thread.start();
        }
        halfway.await();
        MongoSink.ShutdownReport report = sink.closeWithReport();
        for (Thread thread : callers) {
            thread.join();
        }

        MongoSink.Stats stats = sink.stats();
        assertThat(stats.accepted()).isEqualTo((long) threads * perThread);
        assertThat(stats.queueDepth() + stats.inFlight()).isZero();
        assertThat(stats.written() + stats.rejected() + stats.spilled() + stats.droppedTotal())
                .isEqualTo(stats.accepted());
        assertThat(stats.dropped().get(Level.ERROR))
                .as("ERROR is spilled, never dropped")
                .isZero();
        // Records spilled while running may have been replayed into MongoDB already (the writer caught up); a replay
        // cut short by close() may have written part of a file that stays to be replayed (idempotently) next start.
        long inFiles = spilledRecords(false);
        assertThat(inFiles).isEqualTo(stats.spilled() - stats.replayed());
        long counted = stats.written() + stats.replayed() + stats.dropReports();
        assertThat(collection().countDocuments()).isBetween(counted, counted + inFiles);
        assertThat(report.total()).isLessThanOrEqualTo(stats.accepted());
    }

    @Test
    void writesRunOnTheNamedDaemonWriterThreadWhichTheAppenderCanRecognise() throws Exception {
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(1)));
        sink.accept(event(Level.INFO, "x"));
        await("written", () -> sink.stats().written() == 1);

        assertThat(MongoSink.isWriterThread()).isFalse();
        assertThat(writerFlagsSeen).containsExactly(true);
        assertThat(writingThreads).singleElement().satisfies(thread -> {
            assertThat(thread.getName()).isEqualTo("corekit-mongo-sink");
            assertThat(thread.isDaemon()).isTrue();
        });
    }
}
