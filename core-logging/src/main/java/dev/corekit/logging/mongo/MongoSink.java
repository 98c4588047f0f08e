package dev.corekit.logging.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.corekit.config.Secret;
import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Sink;
import dev.corekit.logging.mongo.internal.SinkEngine;
import dev.corekit.logging.mongo.internal.Tuning;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.event.Level;

/**
 * Persists records to one MongoDB collection without ever blocking the caller or losing a WARN/ERROR record silently.
 *
 * <pre>{@code
 * MongoSink sink = MongoSink.start(MongoSinkSettings.fromEnvironment()).registerShutdownHook();
 * Recorder recorder = Recorder.of(ConsoleSink.stdout(), sink);
 * }</pre>
 *
 * <h2>Schema</h2>
 *
 * One collection ({@link MongoSinkSettings#mongodbDatabase()}.{@link MongoSinkSettings#mongodbCollection()}), one document
 * per operation (its STARTED record is replaced by its completion: both share the {@code _id}) or per event or drop
 * report. Absent values are left out rather than stored as null.
 *
 * <pre>
 * { _id: String            record id (operation id, event id)
 *   kind: "OPERATION" | "EVENT" | "DROPS",   level: "TRACE".."ERROR",   name: String (operation or logger name)
 *   status?: "STARTED" | "SUCCEEDED" | "FAILED",   message?: String
 *   startedAt: Date,   endedAt?: Date,   durationMicros?: Int64
 *   requestId?, traceId?, spanId?, parentSpanId?, parentOperationId?, caller?, tenant?, thread?: String
 *   attributes?: { ... }                 '.', '$' and NUL in keys replaced by '_'; a null value is "(null)"
 *   stages?: [ { name, at: Date, attributes? } ]
 *   error?: { type, message?, code?, retryable: Boolean, causes?: [ { type, message? } ], stack?: [String],
 *             fingerprint: 16 hex }
 *   unreadable?: String                  only on a hand-built record whose stages or error could not be read }
 * </pre>
 *
 * A {@link LogRecord.Kind#DROPS} document (level WARN, name {@code corekit.logging.mongo-sink.drops}) carries
 * {@code attributes.dropped_<LEVEL>} (exact counts), {@code dropped_total}, {@code window_start} and
 * {@code window_end} (ISO-8601): the records of those levels dropped in that window.
 *
 * <h2>Indexes</h2>
 *
 * Created idempotently by the writer thread when it starts, and retried while MongoDB is unreachable (startup never
 * fails for them): {@code requestId}; {@code name, startedAt desc}; {@code status, startedAt desc};
 * {@code error.fingerprint} (sparse); and the TTL index {@code startedAt_ttl} on {@code startedAt} with
 * {@code expireAfterSeconds} = {@link MongoSinkSettings#retention()}. There is no {@code expireAt} field: expiry is
 * computed from {@code startedAt}, so a changed retention applies to stored documents too. When the retention changed,
 * the TTL index is updated with {@code collMod}; a server that refuses gets a warning naming the fix (run the
 * {@code collMod} by hand, or drop {@code startedAt_ttl} and restart), and logging goes on.
 *
 * <h2>Behaviour</h2>
 *
 * <ul>
 *   <li>{@link #accept} never blocks and never throws: it offers the record to a bounded lock-free queue
 *       ({@link MongoSinkSettings#queueCapacity()}; one compare-and-set, no lock shared with the writer, no allocation)
 *       and returns. One daemon writer thread named {@code corekit-mongo-sink} drains it in batches of at most
 *       {@link MongoSinkSettings#batchSize()}, one unordered {@code bulkWrite} per batch. Documents are built on the
 *       writer thread. The writer polls: it waits about a millisecond after a partial batch so that the next one is
 *       fuller, longer (up to 50 ms) while nothing comes, and a caller wakes it only when the queue holds a batch.
 *   <li>Collapse: a STARTED record and the completion of the same operation in one batch are written once, as the
 *       completion. STARTED is written as a {@code $setOnInsert} upsert and a completion as a replace with upsert,
 *       so a STARTED arriving late (a replayed spill) never overwrites a completion. Events are inserted; a duplicate
 *       key (a record replayed twice) counts as written.
 *   <li>Any record can be stored: a value whose {@code toString()} throws is stored as
 *       {@code (unprintable: <type>)}, a null attribute value as {@code (null)}, a number no BSON number holds
 *       exactly (an integer beyond 64 bits; a decimal beyond Decimal128's 34 digits or exponent range) as its exact
 *       decimal string, and a record whose stages or error cannot even be read keeps its identifying fields plus {@code unreadable}. Records made by a {@code Recorder}
 *       never need this (it snapshots values safely); records built by hand might.
 *   <li>MongoDB unreachable: the writer retries the same batch with exponential backoff (100 ms doubling to 5 s, up to
 *       20 % jitter) while callers keep queueing (idle work between batches, such as a drop report, makes one attempt and
 *       waits for the next successful write). When the queue is full, WARN and ERROR records are appended to a
 *       spill file in {@link MongoSinkSettings#spillDirectory()} — the one case where the caller's thread does I/O,
 *       under one short lock — and lower levels are dropped and counted exactly per level. Spill files are bounded by
 *       {@link MongoSinkSettings#spillMaxMb()}: once the directory holds that much, WARN+ records are dropped and
 *       counted too, and the error is logged, so that a long outage cannot fill the disk.
 *   <li>Spill files: {@code spill-<epoch millis>-<sequence>.jsonl}, one document per line in MongoDB Extended JSON
 *       (exactly the document that would have been written, types preserved). Each append is flushed to the
 *       operating system before {@code accept} returns, so it survives a crash of the process; the file is fsynced
 *       when it is closed (before replay and at shutdown), not per record: a crash of the machine can lose the last
 *       unsynced lines. The open file is locked, so sinks sharing the directory never replay each other's open file.
 *   <li>Replay: after a successful write, at start (a previous process's leftovers) and at close (see below), spill
 *       files are written oldest first through the same upsert rules, each deleted only once all of its records are
 *       written. Which files: after a successful write, those this sink spilled, and a file another sink sharing the
 *       directory held open when this one last looked (never replayed while open), once that sink has closed it; a
 *       file another sink starts after this one's last look is replayed at this sink's close or at the next start.
 *   <li>Drops are reported exactly: once writes succeed again, a {@link LogRecord.Kind#DROPS} record with the counts
 *       per level since the last report is written the same way; {@link #stats()} has the running totals.
 *   <li>{@link #flush()} returns once every record queued before it was called is acknowledged by MongoDB (or refused
 *       by it one by one), or when the drain timeout passes while MongoDB is unreachable. Records spilled because the
 *       queue was full are written by the next replay, not awaited by {@code flush()}.
 *   <li>{@link #close()} stops accepting (later records: WARN+ spilled, the rest counted as dropped) and, within
 *       {@link MongoSinkSettings#shutdownDrainTimeout()}: writes what is queued, then replays spill files left by
 *       earlier processes (or by this one) and writes the drop report, so that a job that runs for seconds leaves no
 *       spill file behind when MongoDB is up. At the deadline it spills the WARN+ records left and counts the rest;
 *       unreported drops are spilled as a DROPS record for the next start. It never throws: a step that fails is
 *       logged and closing goes on. {@link #closeWithReport()} returns the {@link ShutdownReport}: what happened to
 *       the pending records (the numbers add up exactly), what was replayed, and how many spill files are left.
 *   <li>Shutdown: {@link #registerShutdownHook()} drains at JVM exit; the global wiring ({@code Operations}) does the
 *       same for the process-wide sink through {@link ContextExecutors#addShutdownHook}.
 *   <li>No re-entry: a Logback appender feeding this sink must skip the driver's own events (logger names starting
 *       with {@code org.mongodb.driver}) and every event logged on the writer thread ({@link #isWriterThread()}), so
 *       an unreachable database cannot loop through its own logs. Corekit's {@code CorekitAppender} does both.
 * </ul>
 *
 * <h2>Accounting</h2>
 *
 * Every {@link #stats()} snapshot is consistent: {@code accepted == written + rejected + spilled + dropped + queueDepth
 * + inFlight} ({@link Stats}), also while the writer is in the middle of a batch, because every move of a queued
 * record and the snapshot itself happen under one lock that callers never take, also while callers overflow a full
 * queue: a caller on the full-queue path counts and settles its record under the shared side of a second lock, whose
 * exclusive side the snapshot holds (a snapshot may wait for a spill append in progress). {@code rejected} counts
 * records the server refused one by one (never seen in normal operation; logged).
 */
public final class MongoSink implements Sink {
    private final SinkEngine engine;
    private final AtomicReference<Thread> shutdownHook = new AtomicReference<>();

    /** Whether MongoDB is taking writes. */
    public enum State {
        /** The last write succeeded. */
        UP,
        /** MongoDB is unreachable: the writer is retrying, records queue up and then spill or drop. */
        RETRYING,
        /** {@link #close()} was called. */
        CLOSED
    }

    /**
     * A snapshot of what the sink has done; every number is exact (see the accounting rule on {@link MongoSink}).
     *
     * @param accepted records given to {@link #accept} (null is ignored), including after close
     * @param written records stored in MongoDB (a collapsed STARTED counts as written with its completion)
     * @param rejected records MongoDB refused one by one (logged); not retried
     * @param spilled WARN+ records appended to a spill file by this sink
     * @param replayed records written from spill files (this or a previous process's)
     * @param dropped records counted and lost, per level (every level present)
     * @param queueDepth records waiting in the queue
     * @param inFlight records in the batch being written
     * @param dropReports DROPS records written
     * @param state whether MongoDB is taking writes
     */
    public record Stats(
            long accepted,
            long written,
            long rejected,
            long spilled,
            long replayed,
            Map<Level, Long> dropped,
            int queueDepth,
            int inFlight,
            long dropReports,
            State state) {
        public Stats {
            dropped = Map.copyOf(dropped);
        }

        /** Dropped records of every level. */
        public long droppedTotal() {
            return dropped.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Whether the writer is retrying because MongoDB is unreachable. */
        public boolean retrying() {
            return state == State.RETRYING;
        }
    }

    /**
     * What {@link #close()} did with the records pending when it began (queued or in flight) and those accepted while
     * it ran: {@code drained + spilled + dropped} is exactly their number. Separately, what it replayed from spill
     * files and what it left on disk.
     *
     * @param drained written to MongoDB during the drain
     * @param spilled WARN+ records appended to the spill file, replayed by the next start
     * @param dropped lower-level records counted and lost (plus any MongoDB refused)
     * @param replayed records written from spill files during close (earlier processes' or this one's), beyond the
     *     pending ones above
     * @param spillFilesReplayed spill files written to MongoDB and deleted during close
     * @param spillFilesLeft spill files in {@link MongoSinkSettings#spillDirectory()} once closed, for the next start
     *     (including one this close wrote); -1 when the directory could not be listed
     */
    public record ShutdownReport(
            long drained, long spilled, long dropped, long replayed, int spillFilesReplayed, int spillFilesLeft) {
        /** Every record the report accounts for. */
        public long total() {
            return drained + spilled + dropped;
        }
    }

    private MongoSink(SinkEngine engine) {
        this.engine = engine;
    }

    /**
     * Starts a sink with its own client built from {@link MongoSinkSettings#mongodbUri()} (server selection times out
     * after 5 s unless the URI says otherwise); {@link #close()} closes that client. Returns at once: MongoDB need not
     * be reachable.
     *
     * @throws IllegalArgumentException when the settings name no MongoDB URI
     */
    public static MongoSink start(MongoSinkSettings settings) {
        Objects.requireNonNull(settings, "settings");
        Secret uri = settings.mongodbUri()
                .orElseThrow(() ->
                        new IllegalArgumentException("no MongoDB URI: set " + MongoSinkSettings.MONGODB_URI.envName()
                                + " or " + MongoSinkSettings.MONGODB_URI.propertyName()));
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applicationName("corekit-logging")
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .applyConnectionString(new ConnectionString(uri.reveal()))
                .build());
        return new MongoSink(new SinkEngine(settings, client, true, Tuning.current()));
    }

    /**
     * Starts a sink on a client the caller owns and closes after the sink. Its server selection timeout bounds how
     * long one attempt waits while MongoDB is down. Returns at once.
     */
    public static MongoSink start(MongoSinkSettings settings, MongoClient client) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(client, "client");
        return new MongoSink(new SinkEngine(settings, client, false, Tuning.current()));
    }

    /**
     * Whether the current thread is a Mongo sink's writer thread. Whatever is logged on it must not be fed back into
     * a sink; a Logback appender checks this (and skips {@code org.mongodb.driver*} loggers). Cheap: a type check.
     */
    public static boolean isWriterThread() {
        return SinkEngine.onWriterThread();
    }

    /** Queues the record; never blocks on MongoDB, never throws (see the class documentation for a full queue). */
    @Override
    public void accept(LogRecord record) {
        engine.accept(record);
    }

    /**
     * Waits until every record queued before this call is acknowledged by MongoDB (or refused by it one by one), at
     * most {@link MongoSinkSettings#shutdownDrainTimeout()}; returns at once after close. Never throws.
     */
    @Override
    public void flush() {
        engine.flush();
    }

    /** A consistent snapshot of the counters (see Accounting above). */
    public Stats stats() {
        return engine.stats();
    }

    /**
     * Stops accepting, drains and replays within the drain timeout, spills WARN+ and counts the rest. Idempotent; never
     * throws.
     */
    @Override
    public void close() {
        closeWithReport();
    }

    /** Like {@link #close()}, returning what happened to the records pending; later calls return the same report. */
    public ShutdownReport closeWithReport() {
        return engine.close();
    }

    /**
     * Makes JVM shutdown close this sink (drain, spill, count) on a thread named {@code corekit-mongo-sink-drain}.
     * Idempotent. The process-wide sink of {@code Operations} registers its own hook; do not call this for it.
     *
     * @return this sink
     */
    public MongoSink registerShutdownHook() {
        if (shutdownHook.get() == null) {
            synchronized (shutdownHook) {
                if (shutdownHook.get() == null) {
                    shutdownHook.set(ContextExecutors.addShutdownHook("corekit-mongo-sink-drain", this::close));
                }
            }
        }
        return this;
    }
}
