package dev.corekit.logging.mongo.internal;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.mongo.MongoSinkSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The machinery behind {@link MongoSink}: the bounded queue, the writer thread, spill and replay, exact counters.
 * Internal; its behaviour is documented on {@link MongoSink}.
 *
 * <p>Accounting: {@code accepted == written + rejected + spilled + dropped + queued + in flight} in every
 * {@link #stats()} snapshot, exactly. Why it holds: a record queued by a caller is counted as accepted and as queued by
 * one and the same compare-and-set (the queue's producer index); every other transition of a queued record (taken into
 * a batch, settled as written, rejected, spilled or dropped) happens under {@link #handoff}, which {@link #stats()}
 * holds while it reads. A record that does not go to the queue is counted in {@link #overflowAccepted} and spilled or
 * dropped under the shared side of {@link #overflowing}, whose exclusive side {@link #stats()} holds too.
 */
public final class SinkEngine {
    private static final Logger LOG = LoggerFactory.getLogger(MongoSink.class);
    private static final Level[] LEVELS = Level.values();
    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
    private static final String DROPS_NAME = "corekit.logging.mongo-sink.drops";
    private static final List<LogRecord> NOTHING = List.of();
    /** How long the writer waits after a partial batch, so that the next one is fuller. */
    private static final long BATCH_GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The longest close() waits for a caller that claimed a queue slot to publish its record. */
    private static final long PUBLISH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The name of every sink's writer thread. */
    public static final String WRITER_NAME = "corekit-mongo-sink";

    private static final ThreadLocal<Boolean> ON_WRITER = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final MongoSinkSettings settings;
    private final MongoClient client;
    private final boolean ownsClient;
    private final MongoCollection<Document> collection;
    private final Tuning tuning;
    private final RecordQueue<LogRecord> queue;
    private final int wakeThreshold;
    private final SpillStore spill;
    private final Indexes indexes;
    private final Thread writer;

    /** Records accepted that never entered the queue (full, or closing): counted before they are settled. */
    private final AtomicLong overflowAccepted = new AtomicLong();

    /**
     * Held shared by every caller on the full-queue path while it counts and settles its record, and exclusively by
     * {@link #stats()}: without it a snapshot taken while callers overflow could count a record as accepted and not
     * yet as spilled or dropped, once per record a caller finished while the snapshot was being read.
     */
    private final StampedLock overflowing = new StampedLock();

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong dropReports = new AtomicLong();
    private final AtomicLongArray dropped = new AtomicLongArray(LEVELS.length);
    private final AtomicLongArray unreported = new AtomicLongArray(LEVELS.length);
    private final AtomicLong firstUnreportedDrop = new AtomicLong();
    private final AtomicBoolean writerParked = new AtomicBoolean();

    /**
     * Guards every move of a queued record (taken into a batch, settled) and {@link #stats()}; the consumer side of
     * {@link #queue} is used only under it.
     */
    private final Object handoff = new Object();
    // Guarded by handoff.
    private List<LogRecord> inFlight;
    // Guarded by handoff: queued records settled (written, rejected, spilled or dropped), in queue order.
    private long settledFromQueue;
    // Guarded by handoff: threads waiting in flush().
    private int flushWaiters;

    private volatile boolean closing;
    private volatile boolean closed;
    private volatile long drainDeadline;
    private volatile MongoSink.State state = MongoSink.State.UP;
    private boolean indexesReady;
    // Writer thread only: the queue is drained and close() lets the writer replay within the drain deadline.
    private boolean finishing;
    private long nextMaintenance;
    private final AtomicLong replayedAtClose = new AtomicLong();
    private final AtomicLong filesReplayedAtClose = new AtomicLong();
    private MongoSink.ShutdownReport report;

    /** Starts the writer thread; returns at once, MongoDB need not be reachable. */
    public SinkEngine(MongoSinkSettings settings, MongoClient client, boolean ownsClient, Tuning tuning) {
        this.settings = settings;
        this.client = client;
        this.ownsClient = ownsClient;
        this.tuning = tuning;
        MongoDatabase database = client.getDatabase(settings.mongodbDatabase());
        this.collection = database.getCollection(settings.mongodbCollection());
        this.queue = new RecordQueue<>(settings.queueCapacity());
        this.wakeThreshold = Math.max(1, Math.min(settings.batchSize(), settings.queueCapacity() / 2));
        this.spill = new SpillStore(settings.spillDirectory(), settings.spillMaxMb() * 1024L * 1024L);
        this.indexes = new Indexes(database, collection, settings.retention());
        // The writer owns its thread (close() unparks, interrupts and joins it) and runs outside any request: the
        // context of whoever started the sink must not stick to every record the writer logs.
        this.writer = ContextExecutors.startDaemonThread(
                WRITER_NAME, ContextExecutors.wrap(CallContext.root(), this::writeLoop));
    }

    /** Whether the current thread is a sink's writer thread. */
    public static boolean onWriterThread() {
        return ON_WRITER.get();
    }

    // ---------------------------------------------------------------- caller side

    /**
     * Queues the record: one compare-and-set, no lock, no allocation. On a full queue (or after close) spills WARN+
     * and counts the rest. Never throws.
     */
    public void accept(LogRecord record) {
        if (record == null) {
            return;
        }
        if (!closing && queue.offer(record)) {
            if (closed) {
                settleAfterClose(); // close() may have taken its last look at the queue before this offer
            } else if (writerParked.get() && queue.size() >= wakeThreshold && writerParked.compareAndSet(true, false)) {
                LockSupport.unpark(writer);
            }
            return;
        }
        long stamp = overflowing.readLock();
        try {
            overflowAccepted.incrementAndGet();
            overflow(record);
        } finally {
            overflowing.unlockRead(stamp);
        }
    }

    /** Settles one record that no write will take: WARN+ to the spill file, the rest counted. Never throws. */
    private void overflow(LogRecord record) {
        try {
            if (RecordDocuments.isWarnOrWorse(record) && spill.append(RecordDocuments.toDocument(record))) {
                spilled.incrementAndGet();
                return;
            }
        } catch (RuntimeException | StackOverflowError e) {
            // RecordDocuments makes any record a document; this is a last resort for a record that still cannot be.
        }
        countDrop(record.level());
    }

    /** Settles records no write will take: WARN+ to one spill append, the rest counted. Never throws. */
    private void overflowAll(List<LogRecord> records) {
        List<Document> docs = new ArrayList<>();
        List<LogRecord> warn = new ArrayList<>();
        for (LogRecord record : records) {
            Document doc = null;
            try {
                if (RecordDocuments.isWarnOrWorse(record)) {
                    doc = RecordDocuments.toDocument(record);
                }
            } catch (RuntimeException | StackOverflowError e) {
                doc = null;
            }
            if (doc == null) {
                countDrop(record.level());
            } else {
                docs.add(doc);
                warn.add(record);
            }
        }
        if (docs.isEmpty()) {
            return;
        }
        boolean appended;
        try {
            appended = spill.append(docs);
        } catch (RuntimeException e) {
            appended = false;
        }
        if (appended) {
            spilled.addAndGet(docs.size());
        } else {
            for (LogRecord record : warn) {
                countDrop(record.level());
            }
        }
    }

    /** A caller queued a record after close() took everything: it settles what is left itself. */
    private void settleAfterClose() {
        synchronized (handoff) {
            List<LogRecord> left = new ArrayList<>();
            queue.drainAll(left, PUBLISH_WAIT_NANOS);
            overflowAll(left);
            settledFromQueue += left.size();
        }
    }

    private void countDrop(Level level) {
        int i = level.ordinal();
        dropped.incrementAndGet(i);
        unreported.incrementAndGet(i);
        if (firstUnreportedDrop.get() == 0) {
            firstUnreportedDrop.compareAndSet(0, System.currentTimeMillis());
        }
    }

    /** A consistent snapshot of the counters (see the accounting rule above). */
    public MongoSink.Stats stats() {
        synchronized (handoff) {
            long stamp = overflowing.writeLock();
            try {
                return snapshot();
            } finally {
                overflowing.unlockWrite(stamp);
            }
        }
    }

    /** The counters, read while no record moves: under handoff, with no caller on the full-queue path. */
    private MongoSink.Stats snapshot() {
        Map<Level, Long> perLevel = new EnumMap<>(Level.class);
        for (Level level : LEVELS) {
            perLevel.put(level, dropped.get(level.ordinal()));
        }
        long writtenNow = written.get();
        long rejectedNow = rejected.get();
        long spilledNow = spilled.get();
        int inFlightNow = inFlight == null ? 0 : inFlight.size();
        long taken = queue.taken();
        long offered = queue.offered();
        // No caller is on the full-queue path (stats() holds overflowing): each record counted here is settled above.
        long overflowed = overflowAccepted.get();
        return new MongoSink.Stats(
                offered + overflowed,
                writtenNow,
                rejectedNow,
                spilledNow,
                replayed.get(),
                perLevel,
                (int) Math.max(0, offered - taken),
                inFlightNow,
                dropReports.get(),
                closed ? MongoSink.State.CLOSED : state);
    }

    /**
     * Waits, at most the drain timeout, until every record queued before the call is settled: acknowledged by MongoDB
     * (or refused by it one by one), or, once the sink is closed, spilled or dropped by close.
     */
    public void flush() {
        long target = queue.offered();
        long deadline = System.nanoTime() + settings.shutdownDrainTimeout().toNanos();
        synchronized (handoff) {
            flushWaiters++;
            try {
                while (settledFromQueue < target && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    LockSupport.unpark(writer); // no need to wait for its idle poll
                    TimeUnit.NANOSECONDS.timedWait(handoff, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                flushWaiters--;
            }
        }
    }

    /** Marks {@code count} queued records settled; wakes flush(). Under handoff. */
    private void settled(int count) {
        settledFromQueue += count;
        if (flushWaiters > 0) {
            handoff.notifyAll();
        }
    }

    /**
     * Stops accepting, drains within the drain timeout (queued records first, then spill files), spills WARN+ and
     * counts the rest. Idempotent. Never throws: every step is guarded, and the report counts what happened.
     */
    public synchronized MongoSink.ShutdownReport close() {
        if (report != null) {
            return report;
        }
        long writtenBefore = written.get();
        long spilledBefore = spilled.get();
        long droppedBefore = totalDropped() + rejected.get();
        long drainNanos = settings.shutdownDrainTimeout().toNanos();
        drainDeadline = System.nanoTime() + drainNanos;
        closing = true;
        LockSupport.unpark(writer);
        join(drainNanos + TimeUnit.MILLISECONDS.toNanos(100));
        if (writer.isAlive()) {
            writer.interrupt(); // cuts a backoff or poll short; a write in flight is claimed below
        }
        synchronized (handoff) {
            closed = true;
            List<LogRecord> left = new ArrayList<>();
            if (inFlight != null) {
                left.addAll(inFlight);
                inFlight = null;
            }
            int fromQueue = left.size() + queue.drainAll(left, PUBLISH_WAIT_NANOS);
            overflowAll(left);
            settledFromQueue += fromQueue;
            handoff.notifyAll();
        }
        guarded("spill the drop report", this::spillDropReport);
        guarded("close the spill file", spill::close);
        guarded("report spill errors", () -> {
            String spillError = spill.takeLastError();
            if (spillError != null) {
                LOG.error("{}", spillError);
            }
        });
        if (ownsClient) {
            guarded("close the MongoDB client", client::close);
        }
        // The writer stops at its next step (it is past any replay or write by now, or stuck in one whose batch we
        // claimed); wait a little so that what it counts is in the report.
        join(TimeUnit.SECONDS.toNanos(1));
        int filesLeft = -1;
        try {
            filesLeft = spill.files().size();
        } catch (IOException | RuntimeException e) {
            // reported as unknown (-1)
        }
        report = new MongoSink.ShutdownReport(
                written.get() - writtenBefore,
                spilled.get() - spilledBefore,
                totalDropped() + rejected.get() - droppedBefore,
                replayedAtClose.get(),
                (int) filesReplayedAtClose.get(),
                filesLeft);
        guarded("log the shutdown report", () -> {
            if (report.spilled() + report.dropped() > 0 || report.spillFilesLeft() > 0) {
                LOG.warn(
                        "MongoDB log sink closed: {} records drained, {} spilled to {}, {} dropped; {} records replayed"
                                + " from {} spill files, {} spill files left for the next start",
                        report.drained(),
                        report.spilled(),
                        spill.directory(),
                        report.dropped(),
                        report.replayed(),
                        report.spillFilesReplayed(),
                        report.spillFilesLeft());
            }
        });
        return report;
    }

    private static void guarded(String step, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            try {
                LOG.error("MongoDB log sink: cannot {} while closing", step, e);
            } catch (RuntimeException ignored) {
                // the logging backend failing too: closing goes on
            }
        }
    }

    private void join(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedJoin(writer, Math.max(1, nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long totalDropped() {
        long total = 0;
        for (int i = 0; i < LEVELS.length; i++) {
            total += dropped.get(i);
        }
        return total;
    }

    private boolean pastDrainDeadline() {
        return closing && System.nanoTime() - drainDeadline > 0;
    }

    // ---------------------------------------------------------------- writer side

    private void writeLoop() {
        ON_WRITER.set(Boolean.TRUE);
        maintain(true);
        long idle = BATCH_GATHER_NANOS;
        while (true) {
            try {
                List<LogRecord> batch = take();
                if (batch == null) {
                    break;
                }
                if (batch.isEmpty()) {
                    if (closing) {
                        break; // drained
                    }
                    maintain(false);
                    park(idle);
                    idle = Math.min(
                            idle * 2,
                            Math.max(BATCH_GATHER_NANOS, tuning.idlePoll().toNanos()));
                    continue;
                }
                idle = BATCH_GATHER_NANOS;
                if (!writeBatch(batch)) {
                    break;
                }
                maintain(true);
                if (batch.size() < settings.batchSize()) {
                    park(BATCH_GATHER_NANOS); // let the next batch fill up a little
                }
            } catch (RuntimeException e) {
                LOG.error("MongoDB log sink writer failed; it goes on", e);
            }
        }
        if (closing && !closed && !pastDrainDeadline()) {
            finishAtClose();
        }
    }

    /**
     * Closing, the queue drained with time left: replay spill files (a previous process's and this one's) and report
     * drops within the drain deadline, so that a process that lives for seconds leaves nothing behind it could write.
     */
    private void finishAtClose() {
        finishing = true;
        try {
            String spillError = spill.takeLastError();
            if (spillError != null) {
                LOG.error("{}", spillError);
            }
            if (state == MongoSink.State.RETRYING) {
                return; // the last write failed: the spill files stay for the next start
            }
            // Always look: another process on this directory may have left files since this one started.
            replay();
            if (!pastDrainDeadline()) {
                reportDrops(true);
            }
        } catch (RuntimeException e) {
            LOG.error("MongoDB log sink: replay at close failed; the spill files stay for the next start", e);
        }
    }

    /** Waits for records; a caller that fills the queue past the wake threshold, flush() or close() wakes it. */
    private void park(long nanos) {
        if (closing) {
            return;
        }
        writerParked.set(true);
        if (queue.size() < wakeThreshold && !closing) {
            LockSupport.parkNanos(this, nanos);
        }
        writerParked.set(false);
    }

    /** The next batch, registered as in flight; empty when nothing is queued; null when the writer must stop. */
    private List<LogRecord> take() {
        if (queue.size() == 0 && !closing) {
            return NOTHING; // nothing to take: no lock, no allocation
        }
        synchronized (handoff) {
            if (closed || pastDrainDeadline()) {
                return null;
            }
            int max = settings.batchSize();
            List<LogRecord> batch = new ArrayList<>(Math.max(1, Math.min(max, queue.size())));
            queue.drainTo(batch, max);
            if (batch.isEmpty()) {
                return NOTHING;
            }
            inFlight = batch;
            return batch;
        }
    }

    /** Writes the batch, retrying while MongoDB is unreachable; false when the drain deadline cut it short. */
    private boolean writeBatch(List<LogRecord> batch) {
        List<Document> docs = new ArrayList<>(batch.size());
        long unbuildable = 0;
        for (LogRecord record : batch) {
            try {
                docs.add(RecordDocuments.toDocument(record));
            } catch (RuntimeException | StackOverflowError e) {
                // RecordDocuments makes any record a document; a last resort: this record is lost, the batch is not.
                unbuildable++;
                LOG.error("cannot turn log record {} into a document; it is counted as rejected", record.id(), e);
            }
        }
        long failed = write(WriteModels.of(docs), true);
        synchronized (handoff) {
            if (inFlight != batch) {
                return false; // close() claimed it: it is settled there
            }
            inFlight = null;
            if (failed < 0) {
                overflowAll(batch);
            } else {
                written.addAndGet(batch.size() - failed - unbuildable);
                rejected.addAndGet(failed + unbuildable);
            }
            settled(batch.size());
        }
        return failed >= 0;
    }
    /**
     * One unordered bulk write, retried with backoff while MongoDB cannot be reached. Returns the number of records
     * the server refused (duplicates of records already stored count as written), or -1 when it gave up: only while
     * closing, at the drain deadline, or when {@code retry} is false.
     */
    private long write(WriteModels models, boolean retry) {
        if (models.models().isEmpty()) {
            return 0;
        }
        long backoff = tuning.minBackoff().toNanos();
        int attempt = 0;
        while (true) {
            try {
                collection.bulkWrite(models.models(), UNORDERED);
                up();
                return 0;
            } catch (MongoBulkWriteException e) {
                up();
                long refused = 0;
                BulkWriteError first = null;
                for (BulkWriteError error : e.getWriteErrors()) {
                    if (error.getCode() != WriteModels.DUPLICATE_KEY) {
                        refused += models.weight(error.getIndex());
                        first = first == null ? error : first;
                    }
                }
                if (first != null) {
                    LOG.warn("MongoDB refused {} log records, e.g.: {}", refused, first.getMessage());
                }
                return refused;
            } catch (MongoException | IllegalStateException e) {
                // IllegalStateException: the client was closed under us; wait for close() like for an outage.
                if (state != MongoSink.State.RETRYING) {
                    LOG.warn("MongoDB unreachable for log records, retrying: {}", e.toString());
                }
                state = MongoSink.State.RETRYING;
                if (!retry) {
                    return -1;
                }
                long wait = backoff + ThreadLocalRandom.current().nextLong(backoff / 5 + 1);
                if (closing && System.nanoTime() + wait - drainDeadline > 0) {
                    return -1;
                }
                logSpillError(); // a full spill directory must be said during the outage, not after it
                Thread.interrupted(); // a stale interrupt would fail the next attempt at once
                backOff(wait);
                backoff = Math.min(backoff * 2, tuning.maxBackoff().toNanos());
                attempt++;
                if (attempt % 20 == 0) {
                    LOG.warn("MongoDB still unreachable for log records after {} attempts: {}", attempt, e.toString());
                }
            } catch (RuntimeException e) {
                // Not the server's fault and not transient (a document over 16 MiB, a value no codec takes): retrying
                // cannot help. Write the models one by one, so that only the bad ones are lost, each logged.
                int size = models.models().size();
                if (size == 1) {
                    LOG.error("cannot write a log record to MongoDB; it is counted as rejected", e);
                    return models.weight(0);
                }
                long refused = 0;
                for (int i = 0; i < size; i++) {
                    long failed = write(models.single(i), retry);
                    if (failed < 0) {
                        return -1;
                    }
                    refused += failed;
                }
                return refused;
            }
        }
    }

    /**
     * Waits out one backoff. flush() and callers unpark the writer to hurry a write along; while MongoDB is down that
     * must not cut the backoff short, or a caller flushing in a loop would hammer it with attempts. Only close() does.
     */
    private void backOff(long nanos) {
        long until = System.nanoTime() + nanos;
        long left;
        while (!closing && (left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
            Thread.interrupted(); // only close() interrupts the writer, and it sets closing first
        }
    }

    /** Logs the last spill failure of callers (who never log), on the writer thread. */
    private void logSpillError() {
        String spillError = spill.takeLastError();
        if (spillError != null) {
            LOG.error("{}", spillError);
        }
    }

    private void up() {
        if (state == MongoSink.State.RETRYING) {
            LOG.info("MongoDB reachable again for log records");
        }
        state = MongoSink.State.UP;
    }

    /**
     * Idle and after-write work: create indexes, replay spill files, report drops. After a successful write it runs
     * at once; while idle, after a failure, it waits {@link Tuning#maintenanceRetry()} before trying again.
     */
    private void maintain(boolean afterWrite) {
        logSpillError();
        if (closing) {
            return;
        }
        long now = System.nanoTime();
        if (!afterWrite && now - nextMaintenance < 0) {
            return;
        }
        boolean ok = true;
        try {
            if (!indexesReady) {
                indexes.ensure();
                indexesReady = true;
            }
        } catch (MongoException e) {
            ok = false;
            LOG.debug("cannot create log indexes yet: {}", e.toString());
        }
        if (spill.pending()) {
            ok &= replay();
        }
        ok &= reportDrops(false);
        nextMaintenance = ok ? now : now + tuning.maintenanceRetry().toNanos();
    }

    /**
     * Writes a DROPS record for the drops not yet reported, through the normal bulk write path. Between batches it makes
     * one attempt ({@code retry} false): while MongoDB is unreachable the writer retries the batch it holds, never the
     * report, so that the queue keeps draining into the retried batch. A report that cannot be written gives its counts
     * back, to be reported after the next successful write; while closing it is spilled instead, for the next start.
     * False when MongoDB could not be reached.
     */
    private boolean reportDrops(boolean retry) {
        LogRecord drops = dropRecord();
        if (drops == null) {
            return true;
        }
        Document doc = RecordDocuments.toDocument(drops);
        long failed = write(WriteModels.of(List.of(doc)), retry);
        if (failed >= 0) {
            dropReports.incrementAndGet();
            return true;
        }
        if (closing) {
            spill.append(doc); // closing with MongoDB down: the next start replays it
        } else {
            giveBack(drops);
        }
        return false;
    }

    /** Puts the counts of a drop report that could not be written back among the unreported drops. */
    private void giveBack(LogRecord drops) {
        for (Level level : LEVELS) {
            if (drops.attributes().get("dropped." + level.name()) instanceof Number n) {
                unreported.addAndGet(level.ordinal(), n.longValue());
            }
        }
        long since = drops.startedAt().toEpochMilli();
        firstUnreportedDrop.accumulateAndGet(since, (now, was) -> now == 0 ? was : Math.min(now, was));
    }

    /** At close: the drops not yet reported go to the spill file, for the next start to replay. */
    private void spillDropReport() {
        LogRecord drops = dropRecord();
        if (drops != null && !spill.append(RecordDocuments.toDocument(drops))) {
            LOG.error("cannot record {} in {}", drops.message(), spill.directory());
        }
    }

    private LogRecord dropRecord() {
        if (firstUnreportedDrop.get() == 0) {
            return null;
        }
        long since = firstUnreportedDrop.getAndSet(0);
        Map<String, Object> attributes = new LinkedHashMap<>();
        long total = 0;
        for (Level level : LEVELS) {
            long n = unreported.getAndSet(level.ordinal(), 0);
            if (n > 0) {
                attributes.put("dropped." + level.name(), n);
                total += n;
            }
        }
        if (total == 0) {
            return null;
        }
        Instant from = Instant.ofEpochMilli(since);
        Instant to = Instant.now();
        attributes.put("dropped.total", total);
        attributes.put("window.start", from.toString());
        attributes.put("window.end", to.toString());
        return new LogRecord(
                HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()),
                LogRecord.Kind.DROPS,
                Level.WARN,
                DROPS_NAME,
                null,
                total + " log records dropped by the MongoDB sink (queue full) between " + from + " and " + to,
                from,
                null,
                null,
                attributes,
                List.of(),
                null,
                Thread.currentThread().getName());
    }

    /** While closing, queued records go first; once they are drained, replay goes on until the drain deadline. */
    private boolean replayMustStop() {
        return closing && (!finishing || pastDrainDeadline());
    }

    /**
     * Replays spill files oldest first; each is deleted once all its records are written. A file another sink holds
     * open is skipped and looked at again after the next successful write (and, with nothing written, after
     * {@link Tuning#maintenanceRetry()}), so that it is replayed soon after that sink closes it. False if MongoDB
     * failed or a file was skipped.
     */
    private boolean replay() {
        spill.replayStarting();
        List<Path> files;
        try {
            spill.rotate();
            files = spill.files();
        } catch (IOException e) {
            LOG.error("cannot list spill files in {}: {}", spill.directory(), e.toString());
            spill.replayIncomplete();
            return false;
        }
        boolean skipped = false;
        for (Path file : files) {
            if (replayMustStop()) {
                spill.replayIncomplete(); // the next start replays the rest: replays are idempotent
                return false;
            }
            try (SpillStore.Claim claim = spill.claim(file)) {
                if (claim == null) {
                    skipped = true; // another sink is writing or replaying it
                    continue;
                }
                List<Document> docs = new ArrayList<>();
                for (String line : claim.lines()) {
                    try {
                        docs.add(RecordDocuments.fromJson(line));
                    } catch (RuntimeException e) {
                        LOG.error("skipping an unreadable line of spill file {}: {}", file, e.toString());
                    }
                }
                long refused = 0;
                for (int from = 0; from < docs.size(); from += settings.batchSize()) {
                    List<Document> chunk = docs.subList(from, Math.min(docs.size(), from + settings.batchSize()));
                    long failed = replayMustStop() ? -1 : write(WriteModels.of(chunk), false);
                    if (failed < 0) {
                        spill.replayIncomplete();
                        return false; // MongoDB is down again: the file stays for the next replay
                    }
                    refused += failed; // refused one by one: logged by write(), retrying cannot help
                }
                claim.delete();
                replayed.addAndGet(docs.size() - refused);
                if (finishing) {
                    replayedAtClose.addAndGet(docs.size() - refused);
                    filesReplayedAtClose.incrementAndGet();
                }
                LOG.info("replayed {} spilled log records from {}", docs.size(), file);
            } catch (IOException e) {
                LOG.error("cannot replay spill file {}: {}", file, e.toString());
                spill.replayIncomplete();
                return false;
            }
        }
        if (skipped) {
            spill.replayIncomplete(); // look again once that sink may have closed it
            return false;
        }
        return true;
    }
}
