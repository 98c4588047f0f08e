package dev.corekit.query.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.Operation;
import dev.corekit.logging.Recorder;
import dev.corekit.query.CommandMonitor;
import dev.corekit.query.QuerySettings;
import dev.corekit.query.QueryStats;
import java.security.CodeSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The {@link CommandMonitor} behind {@link dev.corekit.query.QueryClient}. See the interface for the contract. */
public final class Monitor implements CommandMonitor {
    /** Name of the record written for a slow command. */
    public static final String SLOW_EVENT = "corekit.query.slow";
    /** Name of the record written for a successful reply that carries write errors. */
    public static final String WRITE_PROBLEM_EVENT = "corekit.query.write-problem";

    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final CodeSource OWN_CODE =
            Monitor.class.getProtectionDomain().getCodeSource();

    private final Recorder recorder;
    private final Duration slowThreshold;
    private final long slowNanos;
    private final InFlightTable<Started> inFlight;
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final LongAdder documents = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder slow = new LongAdder();
    private final LongAdder writeErrors = new LongAdder();
    private final ConcurrentHashMap<String, Tally> byOperation = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Tally> byTrace = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Tap> taps = new CopyOnWriteArrayList<>();
    private final AtomicLong listenerFailures = new AtomicLong();
    private final CommandListener listener = new Listener();

    public Monitor(QuerySettings settings, Recorder recorder) {
        this.recorder = recorder;
        this.slowThreshold = settings.slowQueryThreshold();
        this.slowNanos = slowThreshold.toNanos();
        this.inFlight = new InFlightTable<>(
                settings.maxTrackedCommands(), settings.inFlightExpiry().toNanos());
    }

    @Override
    public CommandListener listener() {
        return listener;
    }

    @Override
    public <T, E extends Exception> Recorder.OperationBody<T, E> attributed(Recorder.OperationBody<T, E> body) {
        Objects.requireNonNull(body, "body");
        return operation -> {
            Tally tally = new Tally();
            String traceId = CallContext.current().traceId();
            byOperation.put(operation.id(), tally);
            boolean ownsTrace = traceId != null && byTrace.putIfAbsent(traceId, tally) == null;
            try {
                return body.apply(operation);
            } finally {
                byOperation.remove(operation.id(), tally);
                if (ownsTrace) {
                    byTrace.remove(traceId, tally);
                }
                tally.writeTo(operation);
            }
        };
    }

    @Override
    public QueryStats current() {
        Tally tally = tallyOf(CallContext.current());
        return tally == null ? QueryStats.ZERO : tally.snapshot();
    }

    @Override
    public QueryStats totals() {
        return new QueryStats(
                roundTrips.sum(),
                Duration.ofNanos(nanos.sum()),
                documents.sum(),
                failures.sum(),
                slow.sum(),
                writeErrors.sum());
    }

    @Override
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public long forgotten() {
        return inFlight.expired() + inFlight.evicted();
    }

    @Override
    public long listenerFailures() {
        return listenerFailures.get();
    }

    /**
     * Adds an observer of finished commands (for test helpers). Commands started in a context the tap
     * {@link Tap#observes observes} are captured with their call site and a copy of their command document.
     */
    public AutoCloseable addTap(Tap tap) {
        taps.add(Objects.requireNonNull(tap, "tap"));
        return () -> taps.remove(tap);
    }

    /** The monitor behind a {@link CommandMonitor}, for corekit's own test helpers. */
    public static Monitor of(CommandMonitor monitor) {
        if (monitor instanceof Monitor own) {
            return own;
        }
        throw new IllegalArgumentException(
                "not a corekit monitor: " + monitor + "; use the one from QueryClient.monitor() or CommandMonitor.of");
    }

    private Tally tallyOf(CallContext context) {
        if (byOperation.isEmpty()) {
            return null;
        }
        String operationId = context.operationId();
        Tally tally = operationId == null ? null : byOperation.get(operationId);
        if (tally == null && context.traceId() != null) {
            tally = byTrace.get(context.traceId());
        }
        return tally;
    }

    private Recorder recorder() {
        return recorder != null ? recorder : GlobalRecorder.get();
    }

    private void started(CommandStartedEvent event) {
        long now = System.nanoTime();
        String name = event.getCommandName();
        BsonDocument command = event.getCommand();
        CallContext context = CallContext.current();
        Capture capture = null;
        if (!taps.isEmpty() && observed(context)) {
            capture = new Capture(callSite(), Commands.isSensitive(name, command) ? null : command.clone());
        }
        inFlight.put(connectionId(event), event.getRequestId(), Started.of(context, name, command, capture), now);
    }

    private void succeeded(CommandSucceededEvent event) {
        Started started = inFlight.remove(connectionId(event), event.getRequestId());
        BsonDocument reply = event.getResponse();
        long facts = Commands.scanReply(reply);
        Commands.WriteProblems problems = (facts & Commands.WRITE_PROBLEM) != 0 ? Commands.writeProblems(reply) : null;
        finish(
                started,
                event.getCommandName(),
                event.getDatabaseName(),
                event.getElapsedTime(TimeUnit.NANOSECONDS),
                (int) (facts & Commands.COUNT_MASK),
                null,
                problems);
    }

    private void failed(CommandFailedEvent event) {
        Started started = inFlight.remove(connectionId(event), event.getRequestId());
        Throwable error = event.getThrowable();
        finish(
                started,
                event.getCommandName(),
                event.getDatabaseName(),
                event.getElapsedTime(TimeUnit.NANOSECONDS),
                0,
                error == null ? new MongoException("command failed without an error") : error,
                null);
    }

    private void finish(
            Started started,
            String commandName,
            String database,
            long elapsedNanos,
            int returned,
            Throwable error,
            Commands.WriteProblems problems) {
        CallContext context = started != null ? started.context : CallContext.current();
        boolean isSlow = elapsedNanos >= slowNanos;
        int problemCount =
                problems == null ? 0 : problems.writeErrors() + (problems.writeConcernCode() != null ? 1 : 0);
        roundTrips.increment();
        nanos.add(elapsedNanos);
        documents.add(returned);
        if (error != null) {
            failures.increment();
        }
        if (isSlow) {
            slow.increment();
        }
        if (problemCount > 0) {
            writeErrors.add(problemCount);
        }
        Tally tally = tallyOf(context);
        if (tally != null) {
            tally.add(elapsedNanos, returned, error != null, isSlow, problemCount);
        }
        if (isSlow || problemCount > 0) {
            report(started, context, commandName, database, elapsedNanos, returned, error, isSlow, problems);
        }
        if (!taps.isEmpty() && started != null && started.capture != null) {
            Observed observed = new Observed(
                    commandName,
                    database,
                    started.collection(),
                    started.shape(),
                    Duration.ofNanos(elapsedNanos),
                    returned,
                    error == null,
                    context,
                    started.capture.callSite,
                    started.capture.command);
            for (Tap tap : taps) {
                if (tap.observes(context)) {
                    tap.accept(observed);
                }
            }
        }
    }

    private void report(
            Started started,
            CallContext context,
            String commandName,
            String database,
            long elapsedNanos,
            int returned,
            Throwable error,
            boolean isSlow,
            Commands.WriteProblems problems) {
        String collection = started == null ? null : started.collection();
        String namespace = collection == null ? database : database + "." + collection;
        String shape = started == null ? "(unknown: its started event was not seen or was forgotten)" : started.shape();
        long millis = TimeUnit.NANOSECONDS.toMillis(elapsedNanos);
        Scope scope = context.equals(CallContext.current()) ? null : context.activate();
        try {
            if (isSlow) {
                Map<String, Object> attributes = new LinkedHashMap<>();
                attributes.put("command", commandName);
                attributes.put("namespace", namespace);
                attributes.put("shape", shape);
                attributes.put("durationMs", millis);
                attributes.put("thresholdMs", slowThreshold.toMillis());
                attributes.put("documents", returned);
                attributes.put("outcome", error == null ? "succeeded" : "failed");
                if (error != null) {
                    attributes.put("errorCode", errorCode(error));
                }
                recorder()
                        .event(
                                Level.WARN,
                                SLOW_EVENT,
                                commandName + " on " + namespace + " took " + millis + " ms (slow-query threshold "
                                        + slowThreshold.toMillis() + " ms)",
                                attributes,
                                null);
            }
            if (problems != null && problems.any()) {
                Map<String, Object> attributes = new LinkedHashMap<>();
                attributes.put("command", commandName);
                attributes.put("namespace", namespace);
                attributes.put("shape", shape);
                attributes.put("writeErrors", problems.writeErrors());
                if (!problems.codes().isEmpty()) {
                    attributes.put("codes", problems.codes());
                }
                if (problems.firstMessage() != null) {
                    attributes.put("firstError", problems.firstMessage());
                }
                if (problems.writeConcernCode() != null) {
                    attributes.put("writeConcernErrorCode", problems.writeConcernCode());
                    if (problems.writeConcernName() != null) {
                        attributes.put("writeConcernErrorName", problems.writeConcernName());
                    }
                    if (problems.writeConcernMessage() != null) {
                        attributes.put("writeConcernErrorMessage", problems.writeConcernMessage());
                    }
                }
                String what = problems.writeErrors() > 0
                        ? problems.writeErrors() + " write error(s)"
                                + (problems.writeConcernCode() != null ? " and a write concern error" : "")
                        : "a write concern error";
                recorder()
                        .event(
                                Level.WARN,
                                WRITE_PROBLEM_EVENT,
                                commandName + " on " + namespace + " succeeded with " + what,
                                attributes,
                                null);
            }
        } finally {
            if (scope != null) {
                scope.close();
            }
        }
    }

    private static Object errorCode(Throwable error) {
        if (error instanceof MongoCommandException command) {
            return command.getErrorCodeName().isEmpty() ? command.getErrorCode() : command.getErrorCodeName();
        }
        if (error instanceof MongoException mongo) {
            return mongo.getCode();
        }
        return error.getClass().getSimpleName();
    }

    private boolean observed(CallContext context) {
        for (Tap tap : taps) {
            if (tap.observes(context)) {
                return true;
            }
        }
        return false;
    }

    private static long connectionId(com.mongodb.event.CommandEvent event) {
        return event.getConnectionDescription().getConnectionId().getLocalValue();
    }

    /** The first frame outside the driver, the JDK and corekit's own query classes: where the command was issued. */
    static StackTraceElement callSite() {
        return WALKER.walk(frames -> frames.filter(frame -> !isLibrary(frame.getDeclaringClass()))
                        .findFirst()
                        .map(StackWalker.StackFrame::toStackTraceElement))
                .orElse(null);
    }

    private static boolean isLibrary(Class<?> type) {
        String name = type.getName();
        if (name.startsWith("com.mongodb.")
                || name.startsWith("org.bson.")
                || name.startsWith("java.")
                || name.startsWith("jdk.")
                || name.startsWith("sun.")) {
            return true;
        }
        if (name.startsWith("dev.corekit.query.")) {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return OWN_CODE == null || source == null || OWN_CODE.getLocation().equals(source.getLocation());
        }
        return false;
    }

    private void listenerFailed(Throwable error) {
        if (listenerFailures.getAndIncrement() == 0) {
            try {
                LOG.warn(
                        "the corekit command monitor failed ({}); the command was not affected. Further failures are"
                                + " counted in CommandMonitor.listenerFailures()",
                        error.getClass().getName(),
                        error);
            } catch (RuntimeException ignored) {
                // the logging backend failing too: the counter still tells
            }
        }
    }

    /** Observes finished commands; used by corekit's test helpers. Must not throw. */
    public interface Tap {
        /** Whether commands started in {@code context} are observed (they are then captured in full). */
        boolean observes(CallContext context);

        /** One finished command. */
        void accept(Observed command);
    }

    /**
     * A finished command as a {@link Tap} sees it.
     *
     * @param commandName e.g. {@code find}
     * @param database the database
     * @param collection the collection, or null
     * @param shape the redacted shape
     * @param duration as measured by the driver
     * @param documents documents the reply carried
     * @param succeeded whether the reply was a success
     * @param context the context it was started in
     * @param callSite where it was issued: the first frame outside the driver, the JDK and corekit; may be null
     * @param command a copy of the command document with its values (null for sensitive commands); never shown
     */
    public record Observed(
            String commandName,
            String database,
            String collection,
            String shape,
            Duration duration,
            int documents,
            boolean succeeded,
            CallContext context,
            StackTraceElement callSite,
            BsonDocument command) {
        /** Everything but the command document, whose values must never be shown. */
        @Override
        public String toString() {
            return commandName + " " + database + (collection == null ? "" : "." + collection) + " " + shape
                    + (callSite == null ? "" : " at " + callSite);
        }
    }

    /**
     * What is remembered of a started command. The driver's command document is only valid during the callback, so
     * a small command (a find, an aggregate, a getMore: the commands a read-heavy service sends most) is kept as a byte
     * copy and its collection and shape are worked out only if they are ever needed (a slow command, a write problem,
     * a test helper); a large one, and writes (whose documents may be big), are shaped at once and not kept.
     */
    private static final class Started {
        /** The largest command kept as bytes; bigger ones are shaped at once. */
        static final int MAX_KEPT_BYTES = 1024;

        final CallContext context;
        final String commandName;
        final Capture capture;
        private RawBsonDocument command;
        private String collection;
        private String shape;

        private Started(CallContext context, String commandName, Capture capture) {
            this.context = context;
            this.commandName = commandName;
            this.capture = capture;
        }

        static Started of(CallContext context, String name, BsonDocument command, Capture capture) {
            Started started = new Started(context, name, capture);
            boolean write = name.equals("insert") || name.equals("update") || name.equals("delete");
            if (!write && !Commands.isSensitive(name, command)) {
                BsonDocument copy = command.clone();
                if (copy instanceof RawBsonDocument raw && raw.getByteLength() <= MAX_KEPT_BYTES) {
                    started.command = raw;
                    return started;
                }
                command = copy;
            }
            started.collection = Commands.collection(name, command);
            started.shape = Commands.shape(name, command);
            return started;
        }

        String collection() {
            resolve();
            return collection;
        }

        String shape() {
            resolve();
            return shape;
        }

        private void resolve() {
            if (command != null) {
                collection = Commands.collection(commandName, command);
                shape = Commands.shape(commandName, command);
                command = null;
            }
        }
    }

    private record Capture(StackTraceElement callSite, BsonDocument command) {}

    /** Per-operation sums; written by command threads, read at the operation's end. */
    private static final class Tally {
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong nanos = new AtomicLong();
        private final AtomicLong documents = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final AtomicLong slow = new AtomicLong();
        private final AtomicLong writeErrors = new AtomicLong();

        void add(long elapsedNanos, int returned, boolean failed, boolean isSlow, int problems) {
            count.incrementAndGet();
            nanos.addAndGet(elapsedNanos);
            documents.addAndGet(returned);
            if (failed) {
                failures.incrementAndGet();
            }
            if (isSlow) {
                slow.incrementAndGet();
            }
            if (problems > 0) {
                writeErrors.addAndGet(problems);
            }
        }

        QueryStats snapshot() {
            return new QueryStats(
                    count.get(),
                    Duration.ofNanos(nanos.get()),
                    documents.get(),
                    failures.get(),
                    slow.get(),
                    writeErrors.get());
        }

        void writeTo(Operation operation) {
            QueryStats stats = snapshot();
            operation.attr("db.roundTrips", stats.roundTrips());
            operation.attr("db.timeMs", stats.time().toNanos() / 1_000_000.0);
            operation.attr("db.documents", stats.documentsReturned());
            if (stats.failures() > 0) {
                operation.attr("db.failures", stats.failures());
            }
            if (stats.slowCommands() > 0) {
                operation.attr("db.slow", stats.slowCommands());
            }
            if (stats.writeErrors() > 0) {
                operation.attr("db.writeErrors", stats.writeErrors());
            }
        }
    }

    /** The listener registered on the driver: every method swallows its own failures. */
    private final class Listener implements CommandListener {
        @Override
        public void commandStarted(CommandStartedEvent event) {
            try {
                started(event);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                listenerFailed(e);
            }
        }

        @Override
        public void commandSucceeded(CommandSucceededEvent event) {
            try {
                succeeded(event);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                listenerFailed(e);
            }
        }

        @Override
        public void commandFailed(CommandFailedEvent event) {
            try {
                failed(event);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                listenerFailed(e);
            }
        }

        @Override
        public String toString() {
            return "corekit CommandMonitor listener";
        }
    }

    @Override
    public String toString() {
        return "CommandMonitor{slowQueryThreshold=" + slowThreshold + ", inFlight=" + inFlight.size() + ", totals="
                + totals() + "}";
    }
}
