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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The machinery behind {@link MongoSink}: the bounded queue, the writer thread, spill and replay, exact counters.
 * Internal; its behaviour is documented on {@link MongoSink}.
 *
 * <p>Accounting invariant, exact when no caller is inside {@link #accept}: {@code accepted == written + rejected +
 * spilled + dropped + queued + in flight}. Each record is settled exactly once: the writer settles the batch it holds
 * ({@link #inFlight}) unless {@link #close} claimed it first; both sides claim under {@link #handoff}.
 */
public final class SinkEngine {
    private static final Logger LOG = LoggerFactory.getLogger(MongoSink.class);
    private static final Level[] LEVELS = Level.values();
    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
    private static final String DROPS_NAME = "corekit.logging.mongo-sink.drops";
    /** The name of every sink's writer thread. */
    public static final String WRITER_NAME = "corekit-mongo-sink";

    private static final ThreadLocal<Boolean> ON_WRITER = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final MongoSinkSettings settings;
    private final MongoClient client;
    private final boolean ownsClient;
    private final MongoCollection<Document> collection;
    private final Tuning tuning;
    private final ArrayBlockingQueue<LogRecord> queue;
    private final SpillStore spill;
    private final Indexes indexes;
    private final Thread writer;

    private final LongAdder accepted = new LongAdder();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong dropReports = new AtomicLong();
    private final AtomicLongArray dropped = new AtomicLongArray(LEVELS.length);
    private final AtomicLongArray unreported = new AtomicLongArray(LEVELS.length);
    private final AtomicLong firstUnreportedDrop = new AtomicLong();

    private final Object handoff = new Object();
    private final AtomicReference<List<LogRecord>> inFlight = new AtomicReference<>();
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile long drainDeadline;
    private volatile MongoSink.State state = MongoSink.State.UP;
    private boolean indexesReady;
    private long nextMaintenance;
    private MongoSink.ShutdownReport report;

    /** Starts the writer thread; returns at once, MongoDB need not be reachable. */
    public SinkEngine(MongoSinkSettings settings, MongoClient client, boolean ownsClient, Tuning tuning) {
        this.settings = settings;
        this.client = client;
        this.ownsClient = ownsClient;
        this.tuning = tuning;
        MongoDatabase database = client.getDatabase(settings.mongodbDatabase());
        this.collection = database.getCollection(settings.mongodbCollection());
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
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

    /** Queues the record; on a full queue (or after close) spills WARN+ and counts the rest. Never throws. */
    public void accept(LogRecord record) {
        if (record == null) {
            return;
        }
        try {
            accepted.increment();
            if (!closing && queue.offer(record)) {
                // close() may have taken its last look at the queue before this offer: then the record is ours.
                if (closed && queue.remove(record)) {
                    overflow(record);
                }
                return;
            }
            overflow(record);
        } catch (RuntimeException e) {
            countDrop(record.level());
        }
    }

    private void overflow(LogRecord record) {
        if (RecordDocuments.isWarnOrWorse(record) && spill.append(RecordDocuments.toDocument(record))) {
            spilled.incrementAndGet();
            return;
        }
        countDrop(record.level());
    }

    /** Settles records no write will take: WARN+ to one spill append, the rest counted. */
    private void overflowAll(List<LogRecord> records) {
        List<Document> docs = new ArrayList<>();
        List<LogRecord> warn = new ArrayList<>();
        for (LogRecord record : records) {
            if (RecordDocuments.isWarnOrWorse(record)) {
                docs.add(RecordDocuments.toDocument(record));
                warn.add(record);
            } else {
                countDrop(record.level());
            }
        }
        if (docs.isEmpty()) {
            return;
        }
        if (spill.append(docs)) {
            spilled.addAndGet(docs.size());
        } else {
            for (LogRecord record : warn) {
                countDrop(record.level());
            }
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

    /** A snapshot of the counters. */
    public MongoSink.Stats stats() {
        Map<Level, Long> perLevel = new EnumMap<>(Level.class);
        for (Level level : LEVELS) {
            perLevel.put(level, dropped.get(level.ordinal()));
        }
        List<LogRecord> batch = inFlight.get();
        return new MongoSink.Stats(
                accepted.sum(),
                written.get(),
                rejected.get(),
                spilled.get(),
                replayed.get(),
                Map.copyOf(perLevel),
                queue.size(),
                batch == null ? 0 : batch.size(),
                dropReports.get(),
                closed ? MongoSink.State.CLOSED : state);
    }

    /** Waits, at most the drain timeout, until nothing is queued or in flight. */
    public void flush() {
        long deadline = System.nanoTime() + settings.shutdownDrainTimeout().toNanos();
        while ((!queue.isEmpty() || inFlight.get() != null) && !closed && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Stops accepting, drains within the drain timeout, spills WARN+ and counts the rest. Idempotent. */
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
        List<LogRecord> left = new ArrayList<>();
        synchronized (handoff) {
            closed = true;
            List<LogRecord> claimed = inFlight.getAndSet(null);
            if (claimed != null) {
                left.addAll(claimed);
            }
            queue.drainTo(left);
            overflowAll(left);
        }
        spillDropReport();
        spill.close();
        String spillError = spill.takeLastError();
        if (spillError != null) {
            LOG.error("{}", spillError);
        }
        if (ownsClient) {
            client.close();
        }
        // The writer stops at its next step (it is past any replay or write by now, or stuck in one whose batch we
        // claimed); wait a little so that what it counts is in the report.
        join(TimeUnit.SECONDS.toNanos(1));
        report = new MongoSink.ShutdownReport(
                written.get() - writtenBefore,
                spilled.get() - spilledBefore,
                totalDropped() + rejected.get() - droppedBefore);
        if (report.spilled() + report.dropped() > 0) {
            LOG.warn(
                    "MongoDB log sink closed: {} records drained, {} spilled to {}, {} dropped",
                    report.drained(),
                    report.spilled(),
                    spill.directory(),
                    report.dropped());
        }
        return report;
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

    // ---------------------------------------------------------------- writer side

    private void writeLoop() {
        ON_WRITER.set(Boolean.TRUE);
        maintain(true);
        while (true) {
            try {
                List<LogRecord> batch = take();
                if (batch == null) {
                    return;
                }
                if (batch.isEmpty()) {
                    maintain(false);
                    continue;
                }
                if (!writeBatch(batch)) {
                    return;
                }
                maintain(true);
            } catch (RuntimeException e) {
                LOG.error("MongoDB log sink writer failed; it goes on", e);
            }
        }
    }

    /** The next batch, registered as in flight; empty when idle; null when the writer must stop. */
    private List<LogRecord> take() {
        int max = settings.batchSize();
        synchronized (handoff) {
            if (closed) {
                return null;
            }
            List<LogRecord> batch = new ArrayList<>(Math.min(max, 1024));
            if (closing) {
                if (System.nanoTime() - drainDeadline > 0) {
                    return null;
                }
                queue.drainTo(batch, max);
                if (batch.isEmpty()) {
                    return null; // drained
                }
            } else {
                // Polling under the lock is fine: close() waits at most one idle poll for it.
                LogRecord first;
                try {
                    first = queue.poll(tuning.idlePoll().toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    return batch;
                }
                if (first == null) {
                    return batch;
                }
                batch.add(first);
                queue.drainTo(batch, max - 1);
            }
            inFlight.set(batch);
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
            } catch (RuntimeException e) {
                // An attribute whose toString() throws: this record cannot be stored, the rest of the batch can.
                unbuildable++;
                LOG.error("cannot turn log record {} into a document; it is counted as rejected", record.id(), e);
            }
        }
        WriteModels models = WriteModels.of(docs);
        long failed = write(models, true);
        if (failed < 0) {
            synchronized (handoff) {
                if (inFlight.compareAndSet(batch, null)) {
                    overflowAll(batch);
                }
            }
            return false;
        }
        failed += unbuildable;
        synchronized (handoff) {
            if (inFlight.compareAndSet(batch, null)) {
                written.addAndGet(batch.size() - failed);
                rejected.addAndGet(failed);
            }
        }
        return true;
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
                Thread.interrupted(); // a stale interrupt would fail the next attempt at once
                LockSupport.parkNanos(wait);
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
        String spillError = spill.takeLastError();
        if (spillError != null) {
            LOG.error("{}", spillError);
        }
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
        reportDrops();
        nextMaintenance = ok ? now : now + tuning.maintenanceRetry().toNanos();
    }

    /** Writes a DROPS record for the drops not yet reported, through the normal bulk write path. */
    private void reportDrops() {
        LogRecord drops = dropRecord();
        if (drops == null) {
            return;
        }
        long failed = write(WriteModels.of(List.of(RecordDocuments.toDocument(drops))), true);
        if (failed < 0) {
            spill.append(RecordDocuments.toDocument(drops)); // closing with MongoDB down: the next start replays it
        } else {
            dropReports.incrementAndGet();
        }
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

    /** Replays spill files oldest first; each is deleted once all its records are written. False if MongoDB failed. */
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
        for (Path file : files) {
            if (closing) {
                spill.replayIncomplete(); // the next start replays the rest: replays are idempotent
                return false;
            }
            try (SpillStore.Claim claim = spill.claim(file)) {
                if (claim == null) {
                    continue; // another sink is writing or replaying it
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
                    long failed = closing ? -1 : write(WriteModels.of(chunk), false);
                    if (failed < 0) {
                        spill.replayIncomplete();
                        return false; // MongoDB is down again: the file stays for the next replay
                    }
                    refused += failed; // refused one by one: logged by write(), retrying cannot help
                }
                claim.delete();
                replayed.addAndGet(docs.size() - refused);
                LOG.info("replayed {} spilled log records from {}", docs.size(), file);
            } catch (IOException e) {
                LOG.error("cannot replay spill file {}: {}", file, e.toString());
                spill.replayIncomplete();
                return false;
            }
        }
        return true;
    }
}
