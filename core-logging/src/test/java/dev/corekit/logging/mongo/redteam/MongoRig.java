package dev.corekit.logging.mongo.redteam;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.config.Config;
import dev.corekit.logging.ErrorInfo;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.mongo.MongoSinkSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The red team's test bed, built from the public API only: an in-process MongoDB-wire server (memory backend, or H2 on
 * a file when data must survive a crash and restart of the server on the same port), a reader client of the test's
 * own, and a client for the sink whose command listener records every write command the server acknowledged (ids, in
 * order, and the thread it ran on).
 */
final class MongoRig implements AutoCloseable {
    static final String DB = MongoSinkSettings.DEFAULT_MONGODB_DATABASE;
    static final String COLLECTION = MongoSinkSettings.DEFAULT_MONGODB_COLLECTION;

    final Path dir;
    final Path spill;
    private final boolean h2;
    private MongoServer server;
    final int port;
    private final List<MongoClient> clients = new ArrayList<>();
    private final List<MongoSink> sinks = new ArrayList<>();
    private MongoClient reader;

    /** One entry per acknowledged insert/update command: the ids it carried, in command order. */
    final List<List<String>> acknowledgedCommands = new CopyOnWriteArrayList<>();

    final List<String> writingThreadNames = new CopyOnWriteArrayList<>();
    final List<Boolean> writerFlags = new CopyOnWriteArrayList<>();
    private final Map<Integer, List<String>> pending = new ConcurrentHashMap<>();

    MongoRig(Path dir, boolean h2) {
        this.dir = dir;
        this.h2 = h2;
        try {
            this.spill = Files.createDirectories(dir.resolve("spill"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = new MongoServer(backend());
        port = server.bind().getPort();
    }

    private MongoBackend backend() {
        return h2 ? new H2Backend(dir.resolve("mongo.h2").toString()) : new MemoryBackend();
    }

    /** The server crashes: every connection is cut. With H2 the data stays on disk. */
    void stopServer() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /** A new server process on the same port (same data when H2). */
    void startServer() {
        if (server == null) {
            server = new MongoServer(backend());
            server.bind("127.0.0.1", port);
        }
    }

    String uri() {
        return "mongodb://127.0.0.1:" + port;
    }

    MongoSinkSettings.Builder settings() {
        return MongoSinkSettings.custom(Config.defaultsOnly())
                .mongodbUri(uri())
                .spillDirectory(spill)
                .shutdownDrainTimeout(Duration.ofSeconds(5));
    }

    /** A client for a sink, with a listener recording what the server acknowledged. */
    MongoClient sinkClient(long serverSelectionMillis) {
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri()))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(serverSelectionMillis, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(300, TimeUnit.MILLISECONDS))
                .addCommandListener(new Acknowledged())
                .build());
        clients.add(client);
        return client;
    }

    MongoSink start(MongoSinkSettings settings) {
        return start(settings, sinkClient(300));
    }

    MongoSink start(MongoSinkSettings settings, MongoClient client) {
        MongoSink sink = MongoSink.start(settings, client);
        sinks.add(sink);
        return sink;
    }

    MongoCollection<BsonDocument> collection() {
        if (reader == null) {
            reader = MongoClients.create(MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(uri()))
                    .applyToClusterSettings(c -> c.serverSelectionTimeout(2, TimeUnit.SECONDS))
                    .build());
        }
        return reader.getDatabase(DB).getCollection(COLLECTION, BsonDocument.class);
    }

    /** Every document the server holds, by id. */
    Map<String, BsonDocument> stored() {
        for (int attempt = 0; ; attempt++) {
            try {
                Map<String, BsonDocument> byId = new java.util.LinkedHashMap<>();
                for (BsonDocument doc : collection().find()) {
                    byId.put(doc.getString("_id").getValue(), doc);
                }
                return byId;
            } catch (com.mongodb.MongoException e) {
                // The first command on a connection cut by a restart fails once; the next one reconnects.
                if (attempt > 5) {
                    throw e;
                }
            }
        }
    }

    List<Path> spillFiles() {
        try (Stream<Path> files = Files.list(spill)) {
            return files.filter(f -> f.getFileName().toString().startsWith("spill-"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every non-blank line of every spill file, parsed as Extended JSON. */
    List<BsonDocument> spilledDocuments() {
        List<BsonDocument> docs = new ArrayList<>();
        for (Path file : spillFiles()) {
            try {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        docs.add(BsonDocument.parse(line));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return docs;
    }

    long spillBytes() {
        long total = 0;
        for (Path file : spillFiles()) {
            try {
                total += Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return total;
    }

    @Override
    public void close() {
        for (MongoSink sink : sinks) {
            sink.close();
        }
        for (MongoClient client : clients) {
            client.close();
        }
        if (reader != null) {
            reader.close();
        }
        stopServer();
    }

    private final class Acknowledged implements CommandListener {
        @Override
        public void commandStarted(CommandStartedEvent event) {
            List<String> ids = new ArrayList<>();
            BsonDocument command = event.getCommand();
            if (event.getCommandName().equals("insert")) {
                for (BsonValue doc : command.getArray("documents")) {
                    ids.add(idOf(doc.asDocument().get("_id")));
                }
            } else if (event.getCommandName().equals("update")) {
                for (BsonValue update : command.getArray("updates")) {
                    ids.add(idOf(update.asDocument().getDocument("q").get("_id")));
                }
            } else {
                return;
            }
            writingThreadNames.add(Thread.currentThread().getName());
            writerFlags.add(MongoSink.isWriterThread());
            pending.put(event.getRequestId(), ids);
        }

        @Override
        public void commandSucceeded(CommandSucceededEvent event) {
            List<String> ids = pending.remove(event.getRequestId());
            if (ids != null) {
                acknowledgedCommands.add(List.copyOf(ids));
            }
        }

        private String idOf(BsonValue id) {
            return id == null ? "null" : id.isString() ? id.asString().getValue() : String.valueOf(id);
        }
    }

    // ---- waiting on conditions (never a fixed sleep) ----

    static void await(String what, BooleanSupplier condition) {
        await(what, Duration.ofSeconds(30), condition);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** accepted - (written + rejected + spilled + dropped + queueDepth + inFlight): the accounting rule's gap. */
    static long gap(MongoSink.Stats s) {
        return s.accepted()
                - (s.written() + s.rejected() + s.spilled() + s.droppedTotal() + s.queueDepth() + s.inFlight());
    }

    static boolean idle(MongoSink sink) {
        MongoSink.Stats s = sink.stats();
        return s.queueDepth() == 0 && s.inFlight() == 0;
    }

    // ---- records ----

    static LogRecord event(Level level, String id) {
        return event(level, id, "message " + id, Map.of("id", id));
    }

    static LogRecord event(Level level, String id, String message, Map<String, Object> attributes) {
        return new LogRecord(
                id,
                LogRecord.Kind.EVENT,
                level,
                "rt.events",
                null,
                message,
                Instant.now(),
                null,
                null,
                attributes,
                List.of(),
                null,
                "rt-producer");
    }

    static LogRecord started(String id, Instant at) {
        return new LogRecord(
                id,
                LogRecord.Kind.OPERATION,
                Level.INFO,
                "rt.op",
                LogRecord.Status.STARTED,
                null,
                at,
                null,
                new LogRecord.RecordContext("req-" + id, null, null, null, null, null, null),
                Map.of("phase", "start"),
                List.of(),
                null,
                "rt-producer");
    }

    static LogRecord completed(String id, Instant at, boolean failed) {
        return new LogRecord(
                id,
                LogRecord.Kind.OPERATION,
                failed ? Level.ERROR : Level.INFO,
                "rt.op",
                failed ? LogRecord.Status.FAILED : LogRecord.Status.SUCCEEDED,
                null,
                at,
                at.plusMillis(7),
                new LogRecord.RecordContext("req-" + id, null, null, null, null, null, null),
                Map.of("phase", "end"),
                List.of(new LogRecord.Stage("priced", at.plusMillis(3), Map.of("total", 12))),
                failed ? ErrorInfo.of(new IllegalStateException("boom")) : null,
                "rt-producer");
    }

    // ---- captured logs ----

    /** Captures every event logged in this JVM's Logback context while open. */
    static final class CapturedLogs implements AutoCloseable {
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Logger root;

        CapturedLogs() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            appender.setContext(context);
            appender.start();
            root.addAppender(appender);
        }

        List<ILoggingEvent> events() {
            return List.copyOf(appender.list);
        }

        String everything() {
            StringBuilder text = new StringBuilder();
            for (ILoggingEvent event : events()) {
                text.append(event.getLoggerName())
                        .append(' ')
                        .append(event.getFormattedMessage())
                        .append('\n');
                for (var proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
                    text.append(proxy.getClassName())
                            .append(": ")
                            .append(proxy.getMessage())
                            .append('\n');
                }
            }
            return text.toString();
        }

        @Override
        public void close() {
            root.detachAppender(appender);
            appender.stop();
        }
    }
}
