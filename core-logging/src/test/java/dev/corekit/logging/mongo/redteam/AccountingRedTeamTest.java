package dev.corekit.logging.mongo.redteam;

import static dev.corekit.logging.mongo.redteam.MongoRig.await;
import static dev.corekit.logging.mongo.redteam.MongoRig.event;
import static dev.corekit.logging.mongo.redteam.MongoRig.gap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.corekit.logging.mongo.MongoSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** Red team: the accounting rule of {@code MongoSink} at every snapshot, under concurrency, outages and close. */
class AccountingRedTeamTest {
    @TempDir
    Path temp;

    static final Level[] LEVELS = Level.values();

    /** Watches stats() on its own thread until stopped, failing on the first snapshot that breaks the rule. */
    static final class Watcher implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        final AtomicLong snapshots = new AtomicLong();
        final AtomicLong midBatchSnapshots = new AtomicLong();
        final Thread thread;

        Watcher(MongoSink sink, int producers) {
            thread = new Thread(
                    () -> {
                        while (!stop.get()) {
                            MongoSink.Stats s = sink.stats();
                            long gap = gap(s);
                            snapshots.incrementAndGet();
                            if (s.inFlight() > 0) {
                                midBatchSnapshots.incrementAndGet();
                            }
                            // behind is never allowed; ahead by at most one per producer on the full-queue path
                            if (gap < 0 || gap > producers) {
                                violations.add("gap " + gap + " in " + s);
                            }
                            long perLevel = s.dropped().values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum();
                            if (perLevel != s.droppedTotal() || s.dropped().size() != LEVELS.length) {
                                violations.add("dropped map " + s.dropped() + " vs total " + s.droppedTotal());
                            }
                        }
                    },
                    "rt-stats-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
            assertThat(violations).as("snapshots breaking the accounting rule").isEmpty();
            assertThat(snapshots.get()).isPositive();
        }
    }

    // Doc (MongoSink, Accounting): "Every stats() snapshot is consistent: accepted == written + rejected + spilled +
    // dropped + queueDepth + inFlight (MongoSink.Stats), also while the writer is in the middle of a batch [...]
    // accepted can run ahead by one per such caller, never behind."
    // Doc (MongoSink, Behaviour): "When the queue is full, WARN and ERROR records are appended to a spill file [...]
    // and lower levels are dropped and counted exactly per level."
    @RepeatedTest(3)
    void accountingHoldsAtEverySnapshotWhileManyProducersRaceAnOutageAndARestart() throws Exception {
        int producers = 6;
        int perPhase = 1_500;
        try (MongoRig rig = new MongoRig(temp, true)) {
            MongoSink sink =
                    rig.start(rig.settings().queueCapacity(256).batchSize(32).build());
            CyclicBarrier phase = new CyclicBarrier(producers + 1);
            long[][] acceptedPerLevel = new long[producers][LEVELS.length];
            List<Thread> threads = new ArrayList<>();
            try (Watcher watcher = new Watcher(sink, producers)) {
                for (int p = 0; p < producers; p++) {
                    int producer = p;
                    Thread t = new Thread(
                            () -> {
                                try {
                                    for (int ph = 0; ph < 3; ph++) {
                                        for (int i = 0; i < perPhase; i++) {
                                            Level level = LEVELS[(i + producer) % LEVELS.length];
                                            sink.accept(event(level, "p" + producer + "-" + ph + "-" + i));
                                            acceptedPerLevel[producer][level.ordinal()]++;
                                        }
                                        phase.await();
                                        phase.await();
                                    }
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            },
                            "rt-producer-" + p);
                    t.start();
                    threads.add(t);
                }
                // phase 0: MongoDB up
                phase.await();
                rig.stopServer();
                phase.await();
                // phase 1: MongoDB down; the writer must be seen holding a batch it cannot write
                phase.await();
                await("the writer retrying with a batch in flight", () -> {
                    MongoSink.Stats s = sink.stats();
                    return s.state() == MongoSink.State.RETRYING && s.inFlight() > 0;
                });
                MongoSink.Stats midBatch = sink.stats();
                assertThat(midBatch.inFlight()).isPositive();
                assertThat(gap(midBatch))
                        .as("snapshot mid-batch, no caller active: %s", midBatch)
                        .isZero();
                rig.startServer();
                phase.await();
                // phase 2: MongoDB restarted on the same port
                phase.await();
                phase.await();
                for (Thread t : threads) {
                    t.join();
                }
                await("the queue drained after the restart", () -> MongoRig.idle(sink));
                assertThat(watcher.midBatchSnapshots.get()).isPositive();
            }
            MongoSink.Stats quiet = sink.stats();
            assertThat(gap(quiet)).as("no caller active: %s", quiet).isZero();
            assertThat(quiet.accepted()).isEqualTo(3L * producers * perPhase);

            MongoSink.ShutdownReport report = sink.closeWithReport();
            MongoSink.Stats closed = sink.stats();
            assertThat(gap(closed)).isZero();
            assertThat(closed.state()).isEqualTo(MongoSink.State.CLOSED);
            assertThat(closed.queueDepth() + closed.inFlight()).isZero();
            assertThat(closed.rejected()).isZero();
            assertThat(report.spillFilesLeft())
                    .as("MongoDB is up at close: %s", report)
                    .isZero();
            assertThat(rig.spillFiles()).isEmpty();

            // What the server holds, level by level, is exactly what was accepted minus what was counted as dropped.
            Map<Level, Long> stored = new EnumMap<>(Level.class);
            for (BsonDocument doc : rig.stored().values()) {
                if (doc.getString("kind").getValue().equals("EVENT")) {
                    stored.merge(Level.valueOf(doc.getString("level").getValue()), 1L, Long::sum);
                }
            }
            for (Level level : LEVELS) {
                long accepted = 0;
                for (long[] perProducer : acceptedPerLevel) {
                    accepted += perProducer[level.ordinal()];
                }
                long kept = stored.getOrDefault(level, 0L);
                assertThat(accepted - kept)
                        .as("%s: accepted %d, stored %d, counted dropped %s", level, accepted, kept, closed.dropped())
                        .isEqualTo(closed.dropped().get(level));
            }
            assertThat(closed.dropped().get(Level.WARN) + closed.dropped().get(Level.ERROR))
                    .as("WARN+ is spilled, never dropped, while the spill budget holds")
                    .isZero();
            assertThat(closed.replayed())
                    .as("every spilled record was replayed")
                    .isEqualTo(closed.spilled());
        }
    }

    // Doc (MongoSink, Accounting): "... also while the writer is in the middle of a batch, because every move of a
    // queued record and the snapshot itself happen under one lock that callers never take."
    @RepeatedTest(3)
    void aSnapshotWhileTheWriterHoldsABatchItCannotWriteIsExact() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            MongoSink sink =
                    rig.start(rig.settings().queueCapacity(100).batchSize(10).build());
            for (int i = 0; i < 55; i++) {
                sink.accept(event(Level.INFO, "mid-" + i));
            }
            await("a batch in flight", () -> sink.stats().inFlight() > 0);
            for (int i = 0; i < 200; i++) {
                MongoSink.Stats s = sink.stats();
                assertThat(gap(s)).as("%s", s).isZero();
                assertThat(s.queueDepth() + s.inFlight()).isEqualTo(55);
                assertThat(s.written()).isZero();
            }
        }
    }

    // Doc (MongoSink.Stats): "accepted - records given to MongoSink.accept(LogRecord) (null is ignored), including
    // after close". Doc (MongoSink): "close() stops accepting (later records: WARN+ spilled, the rest counted as
    // dropped)". Doc (accept): "never throws".
    @Test
    void recordsAfterCloseAreCountedWarnSpilledTheRestDroppedAndNullIsIgnored() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink = rig.start(rig.settings().build());
            assertThatCode(() -> sink.accept(null)).doesNotThrowAnyException();
            assertThat(sink.stats().accepted()).isZero();
            sink.accept(event(Level.INFO, "before"));
            sink.close();
            MongoSink.Stats atClose = sink.stats();
            for (Level level : LEVELS) {
                assertThatCode(() -> sink.accept(event(level, "after-" + level)))
                        .doesNotThrowAnyException();
            }
            assertThatCode(() -> sink.accept(null)).doesNotThrowAnyException();
            MongoSink.Stats after = sink.stats();
            assertThat(after.accepted()).isEqualTo(atClose.accepted() + LEVELS.length);
            assertThat(after.spilled() - atClose.spilled()).isEqualTo(2);
            assertThat(after.droppedTotal() - atClose.droppedTotal()).isEqualTo(3);
            assertThat(after.dropped().get(Level.TRACE)).isEqualTo(1);
            assertThat(after.dropped().get(Level.DEBUG)).isEqualTo(1);
            assertThat(after.dropped().get(Level.INFO)).isEqualTo(1);
            assertThat(gap(after)).isZero();
            assertThat(after.state()).isEqualTo(MongoSink.State.CLOSED);
            List<String> spilledIds = rig.spilledDocuments().stream()
                    .map(d -> d.getString("_id").getValue())
                    .toList();
            assertThat(spilledIds).contains("after-WARN", "after-ERROR").doesNotContain("after-INFO");
        }
    }

    // Doc (MongoSink.State): "UP - The last write succeeded. RETRYING - MongoDB is unreachable: the writer is
    // retrying [...] CLOSED - close() was called." Doc (Stats.retrying): "Whether the writer is retrying because
    // MongoDB is unreachable."
    @RepeatedTest(3)
    void stateFollowsTheOutageAndTheRestart() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink = rig.start(rig.settings().build());
            sink.accept(event(Level.INFO, "first"));
            sink.flush();
            assertThat(sink.stats().state()).isEqualTo(MongoSink.State.UP);
            rig.stopServer();
            sink.accept(event(Level.INFO, "during"));
            await("RETRYING", () -> sink.stats().state() == MongoSink.State.RETRYING);
            assertThat(sink.stats().retrying()).isTrue();
            rig.startServer();
            await("UP again", () -> sink.stats().state() == MongoSink.State.UP);
            assertThat(sink.stats().retrying()).isFalse();
            sink.close();
            assertThat(sink.stats().state()).isEqualTo(MongoSink.State.CLOSED);
            assertThat(sink.stats().retrying()).isFalse();
        }
    }

    // Doc (accept): "never blocks on MongoDB, never throws". Doc (MongoSink): "accept [...] never blocks and never
    // throws: it offers the record to a bounded lock-free queue".
    @RepeatedTest(3)
    void acceptNeverBlocksWhileMongoDbIsDownEvenFromManyThreads() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            // A client whose attempts each wait 30 s: a blocking accept would show at once.
            MongoSink sink =
                    rig.start(rig.settings().queueCapacity(64).batchSize(8).build(), rig.sinkClient(30_000));
            int threads = 4;
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        sink.accept(event(Level.DEBUG, "nb-" + id + "-" + i));
                    }
                    done.countDown();
                });
                thread.setDaemon(true);
                thread.start();
            }
            await("20 000 accepts with MongoDB down", java.time.Duration.ofSeconds(60), () -> done.getCount() == 0);
            MongoSink.Stats s = sink.stats();
            assertThat(s.accepted()).isEqualTo(20_000);
            assertThat(gap(s)).isZero();
            assertThat(s.dropped().get(Level.DEBUG)).isEqualTo(20_000 - s.queueDepth() - s.inFlight());
        }
    }
}
