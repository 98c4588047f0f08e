package dev.corekit.logging.mongo.redteam;

import static dev.corekit.logging.mongo.redteam.MongoRig.await;
import static dev.corekit.logging.mongo.redteam.MongoRig.event;
import static dev.corekit.logging.mongo.redteam.MongoRig.gap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.corekit.logging.mongo.MongoSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** Red team: what flush() and close() promise, held against what the server holds. */
class FlushAndCloseRedTeamTest {
    @TempDir
    Path temp;

    // Doc (MongoSink): "flush() returns once every record queued before it was called is acknowledged by MongoDB (or
    // refused by it one by one)".
    @RepeatedTest(3)
    void afterFlushEveryRecordQueuedBeforeItIsOnTheServerForEveryConcurrentCaller() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink =
                    rig.start(rig.settings().queueCapacity(20_000).batchSize(64).build());
            int threads = 4;
            ConcurrentLinkedQueue<String> missing = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread thread = new Thread(() -> {
                    try {
                        for (int round = 0; round < 5; round++) {
                            Set<String> mine = new HashSet<>();
                            for (int i = 0; i < 301; i++) {
                                String recordId = "f" + id + "-" + round + "-" + i;
                                sink.accept(event(Level.INFO, recordId));
                                mine.add(recordId);
                            }
                            sink.flush();
                            Set<String> onServer = new HashSet<>();
                            for (BsonDocument doc : rig.collection()
                                    .find(new org.bson.Document("_id", new org.bson.Document("$in", List.copyOf(mine))))
                                    .projection(new org.bson.Document("_id", 1))) {
                                onServer.add(doc.getString("_id").getValue());
                            }
                            mine.removeAll(onServer);
                            missing.addAll(mine);
                        }
                    } finally {
                        done.countDown();
                    }
                });
                thread.start();
            }
            await("every caller flushed", () -> done.getCount() == 0);
            assertThat(missing)
                    .as("records queued before flush() but not on the server after it")
                    .isEmpty();
            MongoSink.Stats s = sink.stats();
            assertThat(s.written()).isEqualTo(4 * 5 * 301);
            assertThat(gap(s)).isZero();
        }
    }

    // Doc (flush): "at most MongoSinkSettings.shutdownDrainTimeout(); returns at once after close. Never throws."
    // Doc (MongoSink): "or when the drain timeout passes while MongoDB is unreachable".
    @RepeatedTest(3)
    void flushIsBoundedByTheDrainTimeoutWhileMongoDbIsDownEvenWithASlowClient() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            // Each write attempt of this client waits 20 s for a server: only the drain timeout can bound flush().
            MongoSink sink = rig.start(
                    rig.settings().shutdownDrainTimeout(Duration.ofMillis(300)).build(), rig.sinkClient(20_000));
            sink.accept(event(Level.INFO, "stuck"));
            assertTimeoutPreemptively(
                    Duration.ofSeconds(5), () -> assertThatCode(sink::flush).doesNotThrowAnyException());
            sink.close();
            assertTimeoutPreemptively(
                    Duration.ofSeconds(1), () -> assertThatCode(sink::flush).doesNotThrowAnyException());
        }
    }

    // Doc (MongoSink): "close() [...] within MongoSinkSettings.shutdownDrainTimeout(): writes what is queued [...] At
    // the deadline it spills the WARN+ records left and counts the rest". Doc (start with a client): "Its server
    // selection timeout bounds how long one attempt waits while MongoDB is down." The drain timeout bounds close().
    @RepeatedTest(3)
    void closeIsBoundedByTheDrainTimeoutAndAccountsForEveryPendingRecordWhileMongoDbIsDown() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            MongoSink sink = rig.start(
                    rig.settings()
                            .queueCapacity(1_000)
                            .batchSize(50)
                            .shutdownDrainTimeout(Duration.ofMillis(300))
                            .build(),
                    rig.sinkClient(20_000));
            int perLevel = 60;
            for (int i = 0; i < perLevel; i++) {
                for (Level level : Level.values()) {
                    sink.accept(event(level, "c-" + level + "-" + i));
                }
            }
            await("a batch in flight", () -> sink.stats().inFlight() > 0);
            MongoSink.Stats before = sink.stats();
            assertThat(before.queueDepth() + before.inFlight()).isEqualTo(5 * perLevel);
            MongoSink.ShutdownReport report = assertTimeoutPreemptively(Duration.ofSeconds(6), sink::closeWithReport);
            assertThat(report.drained()).isZero();
            assertThat(report.spilled()).as("%s", report).isEqualTo(2 * perLevel);
            assertThat(report.dropped()).as("%s", report).isEqualTo(3 * perLevel);
            assertThat(report.replayed()).isZero();
            assertThat(report.total()).isEqualTo(5 * perLevel);
            MongoSink.Stats after = sink.stats();
            assertThat(gap(after)).isZero();
            assertThat(after.queueDepth() + after.inFlight()).isZero();
            for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO)) {
                assertThat(after.dropped().get(level)).isEqualTo(perLevel);
            }
            assertThat(report.spillFilesLeft())
                    .isEqualTo(rig.spillFiles().size())
                    .isPositive();
            // The spill files hold exactly the WARN+ records (plus, possibly, a DROPS report for the next start).
            List<BsonDocument> spilled = rig.spilledDocuments();
            List<String> ids = spilled.stream()
                    .filter(d -> !d.getString("kind").getValue().equals("DROPS"))
                    .map(d -> d.getString("_id").getValue())
                    .toList();
            assertThat(ids)
                    .hasSize(2 * perLevel)
                    .doesNotHaveDuplicates()
                    .allMatch(id -> id.startsWith("c-WARN") || id.startsWith("c-ERROR"));
        }
    }

    // Doc (MongoSink.ShutdownReport): "What close() did with the records pending when it began (queued or in flight)
    // and those accepted while it ran: drained + spilled + dropped is exactly their number." Doc (close): "never
    // throws".
    @RepeatedTest(3)
    void theShutdownReportAddsUpWhileProducersKeepAcceptingDuringClose() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            MongoSink sink = rig.start(
                    rig.settings()
                            .queueCapacity(500)
                            .batchSize(50)
                            .shutdownDrainTimeout(Duration.ofMillis(400))
                            .build(),
                    rig.sinkClient(300));
            for (int i = 0; i < 2_000; i++) {
                sink.accept(event(Level.values()[i % 5], "pre-" + i));
            }
            await("a batch in flight", () -> sink.stats().inFlight() > 0);
            for (int i = 0; i < 600; i++) {
                sink.accept(event(Level.values()[i % 5], "top-" + i));
            }
            MongoSink.Stats before = sink.stats();
            assertThat(gap(before)).isZero();
            assertThat(before.queueDepth()).isEqualTo(500);
            AtomicBoolean closing = new AtomicBoolean();
            AtomicLong during = new AtomicLong();
            List<Thread> producers = new ArrayList<>();
            CountDownLatch producing = new CountDownLatch(3);
            for (int p = 0; p < 3; p++) {
                int id = p;
                Thread t = new Thread(() -> {
                    producing.countDown();
                    int i = 0;
                    while (!closing.get()) {
                        sink.accept(event(Level.values()[i % 5], "during-" + id + "-" + i++));
                        during.incrementAndGet();
                    }
                });
                t.start();
                producers.add(t);
            }
            producing.await();
            // The queue is full and the writer cannot write: nothing becomes pending before close begins, so the
            // records pending when close begins are exactly those of the snapshot.
            long pendingAtStart = before.queueDepth() + before.inFlight();
            long acceptedBeforeCall = sink.stats().accepted();
            MongoSink.ShutdownReport report = sink.closeWithReport();
            closing.set(true);
            for (Thread t : producers) {
                t.join();
            }
            MongoSink.Stats after = sink.stats();
            assertThat(gap(after)).isZero();
            assertThat(after.queueDepth() + after.inFlight()).isZero();
            assertThat(after.accepted()).isEqualTo(before.accepted() + during.get());
            long accounted = report.drained() + report.spilled() + report.dropped();
            assertThat(accounted)
                    .as("%s, before %s, after %s", report, before, after)
                    .isGreaterThanOrEqualTo(pendingAtStart)
                    .isLessThanOrEqualTo(pendingAtStart + after.accepted() - acceptedBeforeCall);
            assertThat(report.spilled()).isLessThanOrEqualTo(after.spilled() - before.spilled());
            assertThat(report.dropped()).isLessThanOrEqualTo(after.droppedTotal() - before.droppedTotal());
            assertThat(report.drained()).isZero();
            assertThat(report.total())
                    .isEqualTo(report.drained() + report.spilled() + report.dropped() + report.replayed());
            assertThat(sink.closeWithReport())
                    .as("later calls return the same report")
                    .isEqualTo(report);
        }
    }

    // Doc (MongoSink): "close() [...] writes what is queued, then replays spill files [...] and writes the drop report,
    // so that a job that runs for seconds leaves no spill file behind when MongoDB is up."
    // Doc (ShutdownReport): "replayed - records written from spill files during close"; "spillFilesLeft".
    @RepeatedTest(3)
    void aShortJobThatLivedThroughAnOutageLeavesNoSpillFileAndEveryWarnRecordOnTheServer() throws Exception {
        try (MongoRig rig = new MongoRig(temp, true)) {
            rig.stopServer();
            MongoSink sink =
                    rig.start(rig.settings().queueCapacity(64).batchSize(8).build());
            Set<String> warnIds = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                Level level = i % 3 == 0 ? Level.INFO : i % 3 == 1 ? Level.WARN : Level.ERROR;
                String id = "job-" + i;
                sink.accept(event(level, id));
                if (level != Level.INFO) {
                    warnIds.add(id);
                }
            }
            assertThat(sink.stats().spilled()).isPositive();
            rig.startServer();
            MongoSink.ShutdownReport report = sink.closeWithReport();
            assertThat(report.spillFilesLeft()).as("%s", report).isZero();
            assertThat(rig.spillFiles()).isEmpty();
            Map<String, BsonDocument> stored = rig.stored();
            assertThat(stored.keySet()).containsAll(warnIds);
            MongoSink.Stats s = sink.stats();
            assertThat(gap(s)).isZero();
            assertThat(s.replayed()).isEqualTo(s.spilled());
            long drops = stored.values().stream()
                    .filter(d -> d.getString("kind").getValue().equals("DROPS"))
                    .count();
            assertThat(drops).isEqualTo(s.dropReports()).isPositive();
        }
    }

    // Doc (MongoSink): "MongoDB unreachable: the writer retries the same batch with exponential backoff (100 ms
    // doubling to 5 s, up to 20 % jitter)". Doc (flush): waits "at most shutdownDrainTimeout()". A caller flushing in a
    // loop through an outage must not turn the backoff into an attempt every few milliseconds: by the documented
    // schedule, 3 s of flushing leave room for about 5 attempts, far from the 20 after which the sink says so.
    @Test
    void flushingInALoopThroughAnOutageNeverCutsTheRetryBackoffShort() {
        try (MongoRig rig = new MongoRig(temp, false);
                MongoRig.CapturedLogs logs = new MongoRig.CapturedLogs()) {
            rig.stopServer();
            MongoSink sink = rig.start(
                    rig.settings().shutdownDrainTimeout(Duration.ofSeconds(1)).build(), rig.sinkClient(50));
            sink.accept(event(Level.WARN, "waiting-for-mongo"));
            await("the writer retrying", () -> sink.stats().retrying());
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                sink.flush();
            }
            assertThat(logs.everything()).contains("unreachable").doesNotContain("after 20 attempts");
            assertThat(sink.stats().inFlight()).isEqualTo(1);
        }
    }

    // Doc (close): "Idempotent; never throws." Doc (closeWithReport): "later calls return the same report".
    @Test
    void closeIsIdempotentAndNeverThrowsEvenWhenTheSpillDirectoryIsGone() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            MongoSink sink = rig.start(rig.settings()
                    .queueCapacity(64)
                    .batchSize(8)
                    .spillDirectory(temp.resolve("gone/spill"))
                    .shutdownDrainTimeout(Duration.ofMillis(200))
                    .build());
            for (int i = 0; i < 100; i++) {
                sink.accept(event(Level.ERROR, "g-" + i));
            }
            // The spill directory disappears under the sink (a volume unmounted, a cleanup job).
            deleteRecursively(temp.resolve("gone"));
            java.nio.file.Files.writeString(temp.resolve("gone"), "now a file, not a directory");
            MongoSink.ShutdownReport[] report = new MongoSink.ShutdownReport[1];
            assertThatCode(() -> report[0] = sink.closeWithReport()).doesNotThrowAnyException();
            assertThatCode(sink::close).doesNotThrowAnyException();
            assertThat(sink.closeWithReport()).isEqualTo(report[0]);
            MongoSink.Stats s = sink.stats();
            assertThat(gap(s)).as("%s", s).isZero();
            assertThat(s.accepted()).isEqualTo(100);
        }
    }

    static void deleteRecursively(Path path) throws java.io.IOException {
        if (!java.nio.file.Files.exists(path)) {
            return;
        }
        try (var walk = java.nio.file.Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }
}
