package dev.corekit.logging.mongo.redteam;

import static dev.corekit.logging.mongo.redteam.MongoRig.await;
import static dev.corekit.logging.mongo.redteam.MongoRig.event;
import static dev.corekit.logging.mongo.redteam.MongoRig.gap;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.mongo.MongoSinkSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** Red team: spill files (what goes there, their format, crashes, locking, replay order, the size budget). */
class SpillRedTeamTest {
    @TempDir
    Path temp;

    static final Pattern SPILLED_LINE = Pattern.compile("RT:SPILLED (\\d+) PENDING (\\d+) DROPPED (\\d+)");

    /** Fills the queue of a sink whose MongoDB is down with INFO records until one is dropped (the queue is full). */
    static void fillUntilFull(MongoSink sink, String prefix) {
        await("a batch in flight", () -> {
            sink.accept(event(Level.INFO, prefix + "-probe-" + System.nanoTime()));
            return sink.stats().inFlight() > 0;
        });
        long droppedBefore = sink.stats().droppedTotal();
        int i = 0;
        while (sink.stats().droppedTotal() == droppedBefore) {
            sink.accept(event(Level.INFO, prefix + "-fill-" + i++));
        }
    }

    // Doc (MongoSink): "When the queue is full, WARN and ERROR records are appended to a spill file [...] and lower
    // levels are dropped and counted exactly per level." Doc: "Each append is flushed to the operating system before
    // accept returns".
    @RepeatedTest(3)
    void onAFullQueueOnlyWarnAndErrorReachDiskEachBeforeAcceptReturnsAndDropsAreExactPerLevel() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            MongoSink sink =
                    rig.start(rig.settings().queueCapacity(64).batchSize(8).build());
            fillUntilFull(sink, "x");
            MongoSink.Stats full = sink.stats();
            int rounds = 40;
            for (int i = 0; i < rounds; i++) {
                for (Level level : Level.values()) {
                    sink.accept(event(level, "ovf-" + level + "-" + i));
                    if (level == Level.WARN || level == Level.ERROR) {
                        assertThat(rig.spilledDocuments())
                                .as("spilled lines on disk when accept returned")
                                .hasSize((int) sink.stats().spilled());
                    }
                }
            }
            MongoSink.Stats s = sink.stats();
            assertThat(gap(s)).isZero();
            assertThat(s.spilled() - full.spilled()).isEqualTo(2L * rounds);
            assertThat(s.dropped().get(Level.TRACE) - full.dropped().get(Level.TRACE))
                    .isEqualTo(rounds);
            assertThat(s.dropped().get(Level.DEBUG) - full.dropped().get(Level.DEBUG))
                    .isEqualTo(rounds);
            assertThat(s.dropped().get(Level.INFO) - full.dropped().get(Level.INFO))
                    .isEqualTo(rounds);
            assertThat(s.dropped().get(Level.WARN)).isZero();
            assertThat(s.dropped().get(Level.ERROR)).isZero();
            assertThat(rig.spilledDocuments())
                    .allSatisfy(d -> assertThat(d.getString("level").getValue()).isIn("WARN", "ERROR"));
        }
    }

    // Doc (MongoSink): "Spill files: spill-<epoch millis>-<sequence>.jsonl, one document per line in MongoDB Extended
    // JSON (exactly the document that would have been written, types preserved)." Doc (Replay): "after a successful
    // write [...] spill files are written oldest first through the same upsert rules, each deleted only once all of
    // its records are written."
    @RepeatedTest(3)
    void spillFilesAreNamedAsDocumentedKeepBsonTypesAndAreReplayedVerbatimAfterTheNextSuccessfulWrite()
            throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            MongoSink sink =
                    rig.start(rig.settings().queueCapacity(64).batchSize(8).build());
            fillUntilFull(sink, "t");
            long before = System.currentTimeMillis();
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("long", 1L << 40);
            attributes.put("int", 7);
            attributes.put("double", 2.5);
            attributes.put("bool", true);
            attributes.put("list", List.of(1, "two", false));
            attributes.put("map", Map.of("inner", 3L));
            LogRecord failed = MongoRig.completed("typed-op", Instant.parse("2024-01-02T03:04:05.678Z"), true);
            sink.accept(event(Level.WARN, "typed-event", "typed", attributes));
            sink.accept(failed);
            long after = System.currentTimeMillis();
            List<Path> files = rig.spillFiles();
            assertThat(files).isNotEmpty();
            for (Path file : files) {
                Matcher name = Pattern.compile("spill-(\\d+)-(\\d+)\\.jsonl")
                        .matcher(file.getFileName().toString());
                assertThat(name.matches()).as(file.getFileName().toString()).isTrue();
                assertThat(Long.parseLong(name.group(1))).isBetween(before - 60_000, after);
            }
            Map<String, BsonDocument> spilled = new LinkedHashMap<>();
            for (BsonDocument doc : rig.spilledDocuments()) {
                spilled.put(doc.getString("_id").getValue(), doc);
            }
            BsonDocument typed = spilled.get("typed-event");
            assertThat(typed).isNotNull();
            assertThat(typed.get("startedAt").getBsonType()).isEqualTo(BsonType.DATE_TIME);
            BsonDocument attrs = typed.getDocument("attributes");
            assertThat(attrs.get("long").getBsonType()).isEqualTo(BsonType.INT64);
            assertThat(attrs.get("int").getBsonType()).isIn(BsonType.INT32, BsonType.INT64);
            assertThat(attrs.get("double").getBsonType()).isEqualTo(BsonType.DOUBLE);
            assertThat(attrs.get("bool").getBsonType()).isEqualTo(BsonType.BOOLEAN);
            assertThat(attrs.get("list").getBsonType()).isEqualTo(BsonType.ARRAY);
            assertThat(attrs.getDocument("map").get("inner").getBsonType()).isEqualTo(BsonType.INT64);
            BsonDocument op = spilled.get("typed-op");
            assertThat(op.get("durationMicros").getBsonType()).isEqualTo(BsonType.INT64);
            assertThat(op.get("endedAt").getBsonType()).isEqualTo(BsonType.DATE_TIME);
            assertThat(op.getDocument("error").get("retryable").getBsonType()).isEqualTo(BsonType.BOOLEAN);

            rig.startServer();
            await(
                    "the spill files replayed and deleted after MongoDB came back",
                    () -> rig.spillFiles().isEmpty());
            Map<String, BsonDocument> stored = rig.stored();
            assertThat(stored.get("typed-event")).isEqualTo(typed);
            assertThat(stored.get("typed-op")).isEqualTo(op);
            MongoSink.Stats s = sink.stats();
            assertThat(s.replayed()).isEqualTo(s.spilled());
        }
    }

    // Doc (MongoSink): "Each append is flushed to the operating system before accept returns, so it survives a crash
    // of the process". Doc (Replay): "at start (a previous process's leftovers) [...] each deleted only once all of
    // its records are written".
    @RepeatedTest(3)
    void spilledRecordsSurviveAHardKillOfTheJvmAndTheNextStartReplaysThem() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            long spilled;
            try (Child child = Child.start(
                    temp, List.of(), ChildSink.class, rig.spill.toString(), String.valueOf(rig.port), "300", "k-")) {
                Matcher line = SPILLED_LINE.matcher(child.awaitLine("RT:SPILLED"));
                assertThat(line.matches()).isTrue();
                spilled = Long.parseLong(line.group(1));
                assertThat(spilled).isPositive();
                child.kill();
            }
            List<BsonDocument> onDisk = rig.spilledDocuments();
            assertThat(onDisk).as("every spilled record survived the kill").hasSize((int) spilled);
            Set<String> ids = new HashSet<>();
            onDisk.forEach(d -> ids.add(d.getString("_id").getValue()));
            rig.startServer();
            MongoSink sink = rig.start(rig.settings().build());
            await(
                    "the dead process's spill replayed at start",
                    () -> rig.spillFiles().isEmpty());
            assertThat(rig.stored().keySet()).containsAll(ids);
            assertThat(sink.stats().replayed()).isEqualTo(spilled);
        }
    }

    // Doc (registerShutdownHook): "Makes JVM shutdown close this sink (drain, spill, count)". Doc (close): "At the
    // deadline it spills the WARN+ records left".
    @RepeatedTest(3)
    void aNormalExitWithTheShutdownHookSpillsEveryPendingWarnRecordForTheNextStart() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            try (Child child = Child.start(
                    temp, List.of(), ChildSink.class, rig.spill.toString(), String.valueOf(rig.port), "100", "h-")) {
                Matcher line = SPILLED_LINE.matcher(child.awaitLine("RT:SPILLED"));
                assertThat(line.matches()).isTrue();
                assertThat(Long.parseLong(line.group(3))).isZero();
                child.send("exit");
                assertThat(child.awaitExit()).isZero();
            }
            Set<String> ids = new HashSet<>();
            for (BsonDocument doc : rig.spilledDocuments()) {
                if (doc.getString("kind").getValue().equals("EVENT")) {
                    ids.add(doc.getString("_id").getValue());
                }
            }
            assertThat(ids)
                    .as("all 100 WARN/ERROR records on disk after a normal exit")
                    .hasSize(100);
        }
    }

    // Doc (MongoSink): "The open file is locked, so sinks sharing the directory never replay each other's open file."
    // Doc (Replay): "after a successful write [...] spill files are written oldest first".
    @RepeatedTest(3)
    void aSinkNeverReplaysTheOpenFileOfALiveSinkInAnotherJvmButDoesOnceThatOneIsClosed() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            int dead = Child.deadPort();
            try (Child child = Child.start(
                    temp, List.of(), ChildSink.class, rig.spill.toString(), String.valueOf(dead), "200", "live-")) {
                Matcher line = SPILLED_LINE.matcher(child.awaitLine("RT:SPILLED"));
                assertThat(line.matches()).isTrue();
                long spilled = Long.parseLong(line.group(1));
                assertThat(spilled).isPositive();
                MongoSink sink = rig.start(rig.settings().build());
                for (int round = 0; round < 5; round++) {
                    sink.accept(event(Level.INFO, "mine-" + round));
                    sink.flush();
                }
                await("my records written", () -> rig.stored().containsKey("mine-4"));
                assertThat(rig.stored().keySet()).noneMatch(id -> id.startsWith("live-"));
                assertThat(rig.spilledDocuments()).hasSize((int) spilled);
                assertThat(sink.stats().replayed()).isZero();

                child.send("exit");
                assertThat(child.awaitExit()).isZero();
                // The other sink is closed: its files are leftovers now, replayed after my next successful write.
                await("the closed sink's files replayed", () -> {
                    sink.accept(event(Level.INFO, "poke-" + System.nanoTime()));
                    sink.flush();
                    return rig.spillFiles().isEmpty();
                });
                assertThat(rig.stored().keySet().stream().filter(id -> id.startsWith("live-")))
                        .hasSize(200);
            }
        }
    }

    // Same promise, two sinks in one JVM: "sinks sharing the directory never replay each other's open file."
    @RepeatedTest(3)
    void aSinkNeverReplaysTheOpenFileOfALiveSinkInTheSameJvm() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            int dead = Child.deadPort();
            MongoSink down = MongoSink.start(MongoSinkSettings.custom(Config.defaultsOnly())
                    .mongodbUri("mongodb://127.0.0.1:" + dead + "/?serverSelectionTimeoutMS=200&connectTimeoutMS=200")
                    .queueCapacity(64)
                    .batchSize(8)
                    .spillDirectory(rig.spill)
                    .shutdownDrainTimeout(Duration.ofMillis(300))
                    .build());
            try {
                for (int i = 0; i < 150; i++) {
                    down.accept(event(Level.WARN, "same-" + i));
                }
                long spilled = down.stats().spilled();
                assertThat(spilled).isPositive();
                MongoSink up = rig.start(rig.settings().build());
                for (int round = 0; round < 5; round++) {
                    up.accept(event(Level.INFO, "up-" + round));
                    up.flush();
                }
                assertThat(rig.stored().keySet()).contains("up-4").noneMatch(id -> id.startsWith("same-"));
                assertThat(up.stats().replayed()).isZero();
                // The live sink keeps appending to its open file, which stays whole.
                down.accept(event(Level.ERROR, "same-late"));
                assertThat(rig.spilledDocuments()).hasSize((int) spilled + 1);
                down.close();
                await("the closed sink's files replayed", () -> {
                    up.accept(event(Level.INFO, "poke-" + System.nanoTime()));
                    up.flush();
                    return rig.spillFiles().isEmpty();
                });
                assertThat(rig.stored().keySet().stream().filter(id -> id.startsWith("same-")))
                        .hasSize(151);
            } finally {
                down.close();
            }
        }
    }

    // Doc (Replay): "spill files are written oldest first".
    @RepeatedTest(3)
    void leftoversAreReplayedOldestFirst() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            int dead = Child.deadPort();
            List<String> order = new ArrayList<>();
            for (String generation : List.of("g1", "g2", "g3")) {
                MongoSink old = MongoSink.start(MongoSinkSettings.custom(Config.defaultsOnly())
                        .mongodbUri("mongodb://127.0.0.1:" + dead + "/?serverSelectionTimeoutMS=200")
                        .queueCapacity(64)
                        .batchSize(8)
                        .spillDirectory(rig.spill)
                        .shutdownDrainTimeout(Duration.ofMillis(100))
                        .build());
                for (int i = 0; i < 100; i++) {
                    old.accept(event(Level.WARN, generation + "-" + i));
                }
                old.close();
                order.add(generation);
            }
            assertThat(rig.spillFiles()).hasSizeGreaterThanOrEqualTo(3);
            rig.start(rig.settings().build());
            await("leftovers replayed", () -> rig.spillFiles().isEmpty());
            List<String> written = new ArrayList<>();
            rig.acknowledgedCommands.forEach(written::addAll);
            int lastG1 = lastIndex(written, "g1-");
            int firstG2 = firstIndex(written, "g2-");
            int lastG2 = lastIndex(written, "g2-");
            int firstG3 = firstIndex(written, "g3-");
            assertThat(lastG1).as("written order %s", written).isLessThan(firstG2);
            assertThat(lastG2).as("written order %s", written).isLessThan(firstG3);
        }
    }

    static int firstIndex(List<String> ids, String prefix) {
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no " + prefix + " in " + ids);
    }

    static int lastIndex(List<String> ids, String prefix) {
        for (int i = ids.size() - 1; i >= 0; i--) {
            if (ids.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no " + prefix + " in " + ids);
    }

    // Doc (MongoSink): "Spill files are bounded by MongoSinkSettings.spillMaxMb(): once the directory holds that much,
    // WARN+ records are dropped and counted too, and the error is logged, so that a long outage cannot fill the
    // disk." Doc (Drops): "a DROPS record with the counts per level since the last report".
    @RepeatedTest(3)
    void theSpillBudgetCapsTheDirectoryDropsWarnExactlyAndReportsIt() throws Exception {
        try (MongoRig rig = new MongoRig(temp, true);
                MongoRig.CapturedLogs logs = new MongoRig.CapturedLogs()) {
            rig.stopServer();
            MongoSink sink = rig.start(
                    rig.settings().queueCapacity(64).batchSize(8).spillMaxMb(1).build());
            String big = "w".repeat(64 * 1024);
            // The queue (64) and one batch in flight (8) hold 72 records before anything spills; then the budget
            // fills at a few dozen spilled lines, whatever the store cuts of a long message.
            int records = 200;
            for (int i = 0; i < records; i++) {
                sink.accept(event(i % 2 == 0 ? Level.WARN : Level.ERROR, "big-" + i, big, Map.of()));
            }
            MongoSink.Stats s = sink.stats();
            assertThat(gap(s)).isZero();
            long warnDropped = s.dropped().get(Level.WARN) + s.dropped().get(Level.ERROR);
            assertThat(warnDropped).as("%s", s).isPositive();
            long oneRecord = 70 * 1024;
            assertThat(rig.spillBytes()).isLessThanOrEqualTo(1024 * 1024 + oneRecord);
            // Logged by the writer thread (callers never log), during the outage: not after MongoDB is back.
            await(
                    "the spill budget error logged while MongoDB is still down",
                    () -> logs.events().stream()
                            .anyMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)
                                    && e.getLoggerName().startsWith("dev.corekit.logging.mongo")
                                    && mentions(e, "full")));

            rig.startServer();
            MongoSink.ShutdownReport report = sink.closeWithReport();
            MongoSink.Stats closed = sink.stats();
            assertThat(report.spillFilesLeft()).isZero();
            Map<String, BsonDocument> stored = rig.stored();
            long storedBig =
                    stored.keySet().stream().filter(id -> id.startsWith("big-")).count();
            long droppedWarnPlus =
                    closed.dropped().get(Level.WARN) + closed.dropped().get(Level.ERROR);
            assertThat(records - storedBig).isEqualTo(droppedWarnPlus);
            long reportedWarn = 0;
            long reportedError = 0;
            for (BsonDocument doc : stored.values()) {
                if (doc.getString("kind").getValue().equals("DROPS")) {
                    BsonDocument a = doc.getDocument("attributes");
                    reportedWarn += a.containsKey("dropped_WARN")
                            ? a.get("dropped_WARN").asNumber().longValue()
                            : 0;
                    reportedError += a.containsKey("dropped_ERROR")
                            ? a.get("dropped_ERROR").asNumber().longValue()
                            : 0;
                }
            }
            assertThat(reportedWarn).isEqualTo(closed.dropped().get(Level.WARN));
            assertThat(reportedError).isEqualTo(closed.dropped().get(Level.ERROR));
        }
    }

    // Doc: "once the directory holds that much, WARN+ records are dropped" — the directory, files of earlier processes
    // included. Doc (Replay): "at close [...] replays spill files left by earlier processes".
    @Test
    void leftoversOfEarlierProcessesCountAgainstTheBudgetAndAreReplayedAtClose() throws Exception {
        try (MongoRig rig = new MongoRig(temp, true)) {
            rig.stopServer();
            // A leftover of a dead process, in the documented format, already at the budget.
            StringBuilder lines = new StringBuilder();
            String payload = "o".repeat(32 * 1024);
            for (int i = 0; i < 40; i++) {
                lines.append("{\"_id\": \"old-")
                        .append(i)
                        .append("\", \"kind\": \"EVENT\", \"level\": \"WARN\", \"name\": \"rt.old\", \"message\": \"")
                        .append(payload)
                        .append("\", \"startedAt\": {\"$date\": \"2024-01-01T00:00:00Z\"}}\n");
            }
            Files.writeString(rig.spill.resolve("spill-1000000000000-0.jsonl"), lines, StandardCharsets.UTF_8);
            assertThat(Files.size(rig.spill.resolve("spill-1000000000000-0.jsonl")))
                    .isGreaterThan(1024 * 1024);
            MongoSink sink = rig.start(
                    rig.settings().queueCapacity(64).batchSize(8).spillMaxMb(1).build());
            fillUntilFull(sink, "b");
            for (int i = 0; i < 10; i++) {
                sink.accept(event(Level.ERROR, "over-" + i));
            }
            MongoSink.Stats s = sink.stats();
            assertThat(s.spilled())
                    .as("the directory already holds the budget: %s", s)
                    .isZero();
            assertThat(s.dropped().get(Level.ERROR)).isEqualTo(10);
            rig.startServer();
            MongoSink.ShutdownReport report = sink.closeWithReport();
            assertThat(report.replayed()).as("%s", report).isEqualTo(40);
            assertThat(report.spillFilesReplayed()).isEqualTo(1);
            assertThat(report.spillFilesLeft()).isZero();
            assertThat(rig.stored().keySet().stream().filter(id -> id.startsWith("old-")))
                    .hasSize(40);
        }
    }

    static boolean mentions(ILoggingEvent event, String word) {
        return event.getFormattedMessage().toLowerCase(java.util.Locale.ROOT).contains(word);
    }

    static long lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count();
    }
}
