package dev.corekit.logging;

import com.mongodb.ConnectionString;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.internal.mongo.RecordDocuments;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Persists records to one MongoDB collection without ever blocking the caller or losing a WARN/ERROR record silently.
 *
 * <p>Schema — one document per operation (its STARTED record is replaced by its completion) or per event:
 *
 * <pre>
 * { _id: record id, kind: OPERATION|EVENT|DROPS, level, name, status?, message?,
 *   startedAt: Date, endedAt?: Date, durationMicros?,
 *   requestId?, traceId?, spanId?, parentOperationId?, caller?, tenant?, thread?,
 *   attributes?: {...}, stages?: [{name, at, attributes?}],
 *   error?: {type, message, code, retryable, causes: [{type, message}], stack: [...], fingerprint} }
 * </pre>
 *
 * Indexes (created idempotently by the writer, retried while MongoDB is down): {@code requestId}; {@code name,
 * startedAt}; {@code status, startedAt}; {@code error.fingerprint}; and a TTL index on {@code startedAt} that expires
 * documents after {@link LoggingSettings#retention()}. Attribute keys have {@code .} and {@code $} replaced by
 * {@code _}.
 *
 * <p>How it behaves:
 *
 * <ul>
 *   <li>{@link #accept} offers to a bounded queue ({@link LoggingSettings#queueCapacity()}) and returns. One writer
 *       thread drains it in batches ({@link LoggingSettings#batchSize()}), one unordered bulk write per batch.
 *   <li>Events are inserted; operations are upserted by id.
 *   <li>A STARTED record and the completion of the same operation pending in one batch are written once, as the
 *       completion. STARTED is written insert-if-absent, so a late STARTED never overwrites a completion.
 *   <li>While MongoDB is unreachable the writer retries the same batch with backoff (100 ms doubling to 5 s). When the
 *       queue is full, WARN and ERROR records are appended to a spill file in
 *       {@link LoggingSettings#spillDirectory()} — the one case where the caller's thread does I/O, a buffered line
 *       flushed to the OS, not fsynced — and lower levels are dropped and counted per level. Spill files are
 *       replayed oldest first once writes succeed (and at start, for a previous process's leftovers), each deleted
 *       only when all of it is written. Dropped counts are written as a {@link LogRecord.Kind#DROPS} record.
 *   <li>{@link #close()} stops accepting, drains for at most {@link LoggingSettings#shutdownDrainTimeout()}, spills
 *       the WARN+ records left and counts the rest: {@link ShutdownReport} adds up exactly.
 *   <li>The driver's own logging never comes back in: the Logback appender skips {@code org.mongodb.driver*} events and
 *       everything logged on the writer thread ({@link #isWriterThread()}).
 * </ul>
 */
public final class MongoSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(MongoSink.class);
    private static final ThreadLocal<Boolean> WRITER = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final Level[] LEVELS = Level.values();
    private static final int DUPLICATE_KEY = 11000;
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** What the sink has done so far; numbers are exact. */
    public record Stats(
            long accepted,
            long written,
            long spilled,
            long replayed,
            long rejected,
            Map<Level, Long> dropped,
            int queueDepth,
            boolean retrying) {}

    /**
     * What happened to the records still queued at {@link #close()}.
     *
     * @param drained written to MongoDB during the drain
     * @param spilled WARN+ records left in the queue, now in the spill file
     * @param dropped lower-level records left in the queue, or offered after close, counted and lost
     */
    public record ShutdownReport(long drained, long spilled, long dropped) {}

    private final LoggingSettings settings;
    private final MongoClient client;
    private final boolean ownsClient;
    private final MongoCollection<Document> collection;
    private final ArrayBlockingQueue<LogRecord> queue;
    private final ExecutorService writer;
    private final Object spillLock = new Object();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLongArray droppedTotal = new AtomicLongArray(LEVELS.length);
    private final AtomicLongArray droppedUnreported = new AtomicLongArray(LEVELS.length);
    private volatile boolean closing;
    private volatile boolean retrying;
    private volatile long drainDeadline = Long.MAX_VALUE;
    private volatile boolean indexesReady;
    // True at start (a previous process may have left spill files) and after every spill.
    private volatile boolean spillPending = true;
    private BufferedWriter spillWriter;
    private ShutdownReport report;

    private MongoSink(LoggingSettings settings, MongoClient client, boolean ownsClient) {
        this.settings = settings;
        this.client = client;
        this.ownsClient = ownsClient;
        this.collection = client.getDatabase(settings.mongodbDatabase()).getCollection(settings.mongodbCollection());
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.writer = ContextExecutors.newFixedThreadPool("corekit-mongo-sink", 1);
        writer.execute(this::writeLoop);
    }

    /**
     * Starts a sink on a client built from {@link LoggingSettings#mongodbUri()}.
     *
     * @throws IllegalArgumentException when the settings name no MongoDB URI
     */
    public static MongoSink start(LoggingSettings settings) {
        var uri = settings.mongodbUri()
                .orElseThrow(() -> new IllegalArgumentException("no MongoDB URI: set "
                        + LoggingSettings.MONGODB_URI.envName() + " or " + LoggingSettings.MONGODB_URI.propertyName()));
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri.reveal()))
                .applicationName("corekit-logging")
                .build());
        return new MongoSink(settings, client, true);
    }

    /** Starts a sink on a client the caller owns (and closes). */
    public static MongoSink start(LoggingSettings settings, MongoClient client) {
        return new MongoSink(settings, client, false);
    }

    /** Whether the current thread is a sink's writer: its log events must not come back into the sink. */
    public static boolean isWriterThread() {
        return WRITER.get();
    }

    @Override
    public void accept(LogRecord record) {
        accepted.incrementAndGet();
        if (!closing && queue.offer(record)) {
            return;
        }
        overflow(record);
    }

    private void overflow(LogRecord record) {
        if (RecordDocuments.isWarnOrWorse(record) && spill(List.of(RecordDocuments.toDocument(record)))) {
            spilled.incrementAndGet();
            return;
        }
        int level = record.level().ordinal();
        droppedTotal.incrementAndGet(level);
        droppedUnreported.incrementAndGet(level);
    }

    /** A snapshot of what the sink has done. */
    public Stats stats() {
        Map<Level, Long> dropped = new LinkedHashMap<>();
        for (Level level : LEVELS) {
            dropped.put(level, droppedTotal.get(level.ordinal()));
        }
        return new Stats(
                accepted.get(),
                written.get(),
                spilled.get(),
                replayed.get(),
                rejected.get(),
                dropped,
                queue.size(),
                retrying);
    }

    @Override
    public void flush() {
        long deadline = System.nanoTime() + settings.shutdownDrainTimeout().toNanos();
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            sleep(5);
        }
    }

    /** Drains within the drain timeout and stops; the report's numbers add up exactly. Idempotent. */
    @Override
    public synchronized void close() {
        closeWithReport();
    }

    /** Like {@link #close()}, returning what happened to the records still queued. */
    public synchronized ShutdownReport closeWithReport() {
        if (report != null) {
            return report;
        }
        long writtenBefore = written.get();
        long spilledBefore = spilled.get();
        long droppedBefore = totalDropped();
        drainDeadline = System.nanoTime() + settings.shutdownDrainTimeout().toNanos();
        closing = true;
        writer.shutdown();
        try {
            if (!writer.awaitTermination(settings.shutdownDrainTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<LogRecord> left = new ArrayList<>();
        queue.drainTo(left);
        for (LogRecord record : left) {
            overflow(record);
        }
        synchronized (spillLock) {
            closeSpillWriter();
        }
        if (ownsClient) {
            client.close();
        }
        report = new ShutdownReport(
                written.get() - writtenBefore, spilled.get() - spilledBefore, totalDropped() - droppedBefore);
        return report;
    }

    private long totalDropped() {
        long total = 0;
        for (int i = 0; i < LEVELS.length; i++) {
            total += droppedTotal.get(i);
        }
        return total;
    }

    private void writeLoop() {
        WRITER.set(Boolean.TRUE);
        replaySpillFiles();
        List<LogRecord> batch = new ArrayList<>(settings.batchSize());
        while (true) {
            batch.clear();
            if (closing) {
                if (System.nanoTime() > drainDeadline) {
                    return;
                }
                queue.drainTo(batch, settings.batchSize());
                if (batch.isEmpty()) {
                    return;
                }
            } else {
                try {
                    LogRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        maintain();
                        continue;
                    }
                    batch.add(first);
                } catch (InterruptedException e) {
                    return;
                }
                queue.drainTo(batch, settings.batchSize() - 1);
            }
            if (!writeWithRetry(batch)) {
                // Out of drain time with MongoDB down: the batch goes the way of the rest of the queue.
                for (LogRecord record : batch) {
                    overflow(record);
                }
                return;
            }
            maintain();
        }
    }

    /** After a success: replay spilled records, report drops, make sure indexes exist. */
    private void maintain() {
        if (!indexesReady) {
            ensureIndexes();
        }
        replaySpillFiles();
        reportDrops();
    }

    private boolean writeWithRetry(List<LogRecord> batch) {
        List<WriteModel<Document>> models = models(batch);
        Duration backoff = MIN_BACKOFF;
        while (true) {
            try {
                collection.bulkWrite(models, new BulkWriteOptions().ordered(false));
                written.addAndGet(batch.size());
                retrying = false;
                return true;
            } catch (MongoBulkWriteException e) {
                // Individual documents the server refused: retrying cannot help them; the rest were written.
                rejected.addAndGet(e.getWriteErrors().size());
                written.addAndGet(batch.size() - e.getWriteErrors().size());
                LOG.warn(
                        "MongoDB refused {} log records: {}", e.getWriteErrors().size(), e.getMessage());
                retrying = false;
                return true;
            } catch (MongoException e) {
                retrying = true;
                if (closing && System.nanoTime() + backoff.toNanos() > drainDeadline) {
                    return false;
                }
                LOG.debug("MongoDB unreachable, retrying in {} ms: {}", backoff.toMillis(), e.getMessage());
                sleep(backoff.toMillis() + ThreadLocalRandom.current().nextLong(backoff.toMillis() / 4 + 1));
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private static List<WriteModel<Document>> models(List<LogRecord> batch) {
        Set<String> completed = new HashSet<>();
        for (LogRecord record : batch) {
            if (record.kind() == LogRecord.Kind.OPERATION && !record.isStart()) {
                completed.add(record.id());
            }
        }
        List<WriteModel<Document>> models = new ArrayList<>(batch.size());
        for (LogRecord record : batch) {
            if (record.isStart() && completed.contains(record.id())) {
                continue; // collapsed: the completion carries everything the start did
            }
            models.add(model(RecordDocuments.toDocument(record)));
        }
        return models;
    }

    private static WriteModel<Document> model(Document doc) {
        if (!LogRecord.Kind.OPERATION.name().equals(doc.getString("kind"))) {
            // Events and drop reports have ids of their own: a plain insert, cheaper than an upsert.
            return new InsertOneModel<>(doc);
        }
        if (RecordDocuments.isStart(doc)) {
            return new UpdateOneModel<>(
                    Filters.eq("_id", doc.get("_id")),
                    new Document("$setOnInsert", doc),
                    new UpdateOptions().upsert(true));
        }
        return new ReplaceOneModel<>(Filters.eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true));
    }

    private void reportDrops() {
        Map<String, Object> counts = new LinkedHashMap<>();
        long total = 0;
        for (Level level : LEVELS) {
            long n = droppedUnreported.getAndSet(level.ordinal(), 0);
            if (n > 0) {
                counts.put("dropped_" + level.name(), n);
                total += n;
            }
        }
        if (total == 0) {
            return;
        }
        counts.put("dropped_total", total);
        LogRecord drops = new LogRecord(
                Recorder.newId(),
                LogRecord.Kind.DROPS,
                Level.WARN,
                "corekit.logging.drops",
                null,
                total + " log records dropped while the MongoDB sink's buffer was full",
                Instant.now(),
                null,
                null,
                counts,
                List.of(),
                null,
                Thread.currentThread().getName());
        if (!writeWithRetry(List.of(drops))) {
            spill(List.of(RecordDocuments.toDocument(drops)));
        }
    }

    private void ensureIndexes() {
        try {
            collection.createIndexes(List.of(
                    new IndexModel(Indexes.ascending("requestId")),
                    new IndexModel(Indexes.ascending("name", "startedAt")),
                    new IndexModel(Indexes.ascending("status", "startedAt")),
                    new IndexModel(Indexes.ascending("error.fingerprint"), new IndexOptions().sparse(true))));
            createTtlIndex();
            indexesReady = true;
        } catch (MongoException e) {
            LOG.debug("cannot create log indexes yet: {}", e.getMessage());
        }
    }

    private void createTtlIndex() {
        long seconds = settings.retention().toSeconds();
        IndexOptions ttl = new IndexOptions().name("startedAt_ttl").expireAfter(seconds, TimeUnit.SECONDS);
        try {
            collection.createIndex(Indexes.ascending("startedAt"), ttl);
        } catch (MongoCommandException e) {
            // The retention changed since the index was made: change it in place.
            try {
                client.getDatabase(settings.mongodbDatabase())
                        .runCommand(new Document("collMod", settings.mongodbCollection())
                                .append(
                                        "index",
                                        new Document("name", "startedAt_ttl").append("expireAfterSeconds", seconds)));
            } catch (MongoException refused) {
                LOG.warn(
                        "log retention is {} s but the TTL index startedAt_ttl differs and collMod was refused ({});"
                                + " drop the index to let corekit recreate it",
                        seconds,
                        refused.getMessage());
            }
        }
    }

    /** Appends documents to the current spill file; false when the disk refused (the caller counts a drop). */
    private boolean spill(List<Document> docs) {
        synchronized (spillLock) {
            try {
                if (spillWriter == null) {
                    Files.createDirectories(settings.spillDirectory());
                    Path file = settings.spillDirectory()
                            .resolve(String.format(
                                    "spill-%013d-%08x.jsonl",
                                    System.currentTimeMillis(), System.nanoTime() & 0xffffffffL));
                    spillWriter = Files.newBufferedWriter(
                            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                }
                for (Document doc : docs) {
                    spillWriter.write(doc.toJson());
                    spillWriter.newLine();
                }
                spillWriter.flush();
                spillPending = true;
                return true;
            } catch (IOException | UncheckedIOException e) {
                LOG.error("cannot spill log records to {}: {}", settings.spillDirectory(), e.getMessage());
                return false;
            }
        }
    }

    private void closeSpillWriter() {
        if (spillWriter != null) {
            try {
                spillWriter.close();
            } catch (IOException e) {
                LOG.error("cannot close the spill file: {}", e.getMessage());
            }
            spillWriter = null;
        }
    }

    /** Writes every spill file to MongoDB, oldest first; stops at the first failure and keeps what is left. */
    private void replaySpillFiles() {
        Path directory = settings.spillDirectory();
        if (!spillPending) {
            return;
        }
        spillPending = false;
        if (!Files.isDirectory(directory)) {
            return;
        }
        synchronized (spillLock) {
            closeSpillWriter(); // new spills go to a new file while this one replays
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.getFileName().toString().startsWith("spill-"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            LOG.error("cannot list spill files in {}: {}", directory, e.getMessage());
            return;
        }
        for (Path file : files) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                List<WriteModel<Document>> models = new ArrayList<>();
                for (String line : lines) {
                    if (!line.isBlank()) {
                        models.add(model(Document.parse(line)));
                    }
                }
                for (int from = 0; from < models.size(); from += settings.batchSize()) {
                    collection.bulkWrite(
                            models.subList(from, Math.min(models.size(), from + settings.batchSize())),
                            new BulkWriteOptions().ordered(false));
                }
                replayed.addAndGet(models.size());
                Files.delete(file);
            } catch (MongoException e) {
                spillPending = true;
                return; // MongoDB is down again: the file stays and is replayed on the next success
            } catch (IOException | RuntimeException e) {
                spillPending = true;
                LOG.error("cannot replay spill file {}: {}", file, e.getMessage());
                return;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
