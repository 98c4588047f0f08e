package dev.corekit.logging;

import dev.corekit.context.CallContext;
import dev.corekit.context.TraceIds;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Makes records and hands them to sinks: operations ({@link #start}, {@link #call}, {@link #run}, {@link #callAsync})
 * and events ({@link #event}). {@link Operations} runs on the process-wide one; build your own for tests:
 *
 * <pre>{@code
 * InMemorySink sink = new InMemorySink();
 * Recorder recorder = Recorder.of(sink);
 * recorder.call("orders.create", op -> "ok");
 * assertThat(sink.records()).extracting(LogRecord::status).containsExactly(STARTED, SUCCEEDED);
 * }</pre>
 *
 * <p><b>Logging never breaks the business call.</b> Whatever a caller attaches (a {@code null} key or value, a value
 * whose {@code toString()} throws, an exception whose {@code getMessage()} throws) and whatever a sink does (even one
 * that throws despite the {@link Sink} contract), the operation's own outcome, its value or its original exception,
 * comes through unchanged, and exactly one completion record follows every STARTED record. Bad values are recorded as
 * markers (see {@link Redactor}); a sink that throws is skipped for that record, the next sinks still get it, and the
 * failure is counted in {@link #sinkFailures()} and logged once. Only programming errors in the call itself fail fast,
 * before anything is recorded: a {@code null} name or body.
 *
 * <p>It is immutable and thread-safe.
 */
public final class Recorder {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);

    private final List<Sink> sinks;
    private final Redactor redactor;
    private final ErrorClassifier classifier;
    private final Clock clock;
    private final AtomicLong sinkFailures = new AtomicLong();

    private Recorder(List<Sink> sinks, Redactor redactor, ErrorClassifier classifier, Clock clock) {
        this.sinks = sinks;
        this.redactor = redactor;
        this.classifier = classifier;
        this.clock = clock;
    }

    /** A recorder writing to {@code sinks}, with default redaction and classification. */
    public static Recorder of(Sink... sinks) {
        Builder builder = custom();
        for (Sink sink : sinks) {
            builder.sink(sink);
        }
        return builder.build();
    }

    /** A builder; unset parts take their defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * Starts an operation: writes its {@link LogRecord.Status#STARTED} record and makes it current on this thread (its
     * id is the current operation and span, see {@link CallContext#withOperation}) until it completes.
     *
     * @throws NullPointerException when {@code name} is null (nothing is recorded)
     */
    public Operation start(String name) {
        Objects.requireNonNull(name, "operation name");
        Operation operation = new Operation(this, newId(), name, now(), CallContext.current());
        try {
            emit(operation.startRecord(Thread.currentThread().getName()));
        } catch (Throwable fatal) { // only a VirtualMachineError gets here: leave the thread as it was
            operation.abandon();
            throw fatal;
        }
        return operation;
    }

    /**
     * Runs {@code body} as an operation and returns its result; an exception completes the operation as
     * {@link LogRecord.Status#FAILED} and is rethrown unchanged.
     */
    public <T, E extends Exception> T call(String name, OperationBody<T, E> body) throws E {
        Objects.requireNonNull(body, "operation body");
        Operation operation = start(name);
        T result;
        try {
            result = body.apply(operation);
        } catch (Throwable t) {
            operation.fail(t);
            throw t;
        }
        operation.succeed();
        return result;
    }

    /** Like {@link #call} for a body with no result. */
    public <E extends Exception> void run(String name, OperationAction<E> body) throws E {
        Objects.requireNonNull(body, "operation body");
        call(name, operation -> {
            body.accept(operation);
            return null;
        });
    }

    /**
     * Runs an asynchronous operation: {@code body} starts the work and returns its stage; the operation completes when
     * the stage does. The body runs with the operation current, so work it submits through context-propagating
     * executors is attributed to it. When the body throws, the operation fails and the exception is rethrown; when it
     * returns {@code null} instead of a stage, the operation fails and so does the returned future, with a
     * {@link NullPointerException} that says so.
     */
    public <T> CompletableFuture<T> callAsync(String name, Function<Operation, ? extends CompletionStage<T>> body) {
        Objects.requireNonNull(body, "operation body");
        Operation operation = start(name);
        CompletionStage<T> stage;
        try (var detached = operation.detach()) {
            stage = body.apply(operation);
        } catch (RuntimeException | Error e) {
            operation.fail(e);
            throw e;
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        if (stage == null) {
            NullPointerException error =
                    new NullPointerException("the body of operation '" + name + "' returned null instead of a stage");
            operation.fail(error);
            result.completeExceptionally(error);
            return result;
        }
        stage.whenComplete((value, error) -> {
            if (error == null) {
                operation.succeed();
                result.complete(value);
            } else {
                operation.fail(
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    /**
     * Records an ordinary event: redacts and snapshots {@code attributes} (may be null) and normalizes {@code error}
     * (may be null). Never throws.
     */
    public void event(Level level, String name, String message, Map<String, ?> attributes, Throwable error) {
        try {
            emit(new LogRecord(
                    newId(),
                    LogRecord.Kind.EVENT,
                    level == null ? Level.INFO : level,
                    name == null ? LogRecord.NULL_MARKER : name,
                    null,
                    message == null ? LogRecord.NULL_MARKER : message,
                    now(),
                    null,
                    eventContext(CallContext.current()),
                    redactor.redact(attributes),
                    List.of(),
                    error == null ? null : normalize(error),
                    Thread.currentThread().getName()));
        } catch (Throwable e) {
            sinkFailed(null, Redactor.rethrowIfFatal(e));
        }
    }

    /**
     * Hands a finished record to every sink; a sink that throws (an exception or an error such as an
     * {@link AssertionError}) is skipped and counted, never propagated. Only a {@link VirtualMachineError} other than a
     * stack overflow passes through.
     */
    public void emit(LogRecord record) {
        for (Sink sink : sinks) {
            try {
                sink.accept(record);
            } catch (Throwable e) {
                sinkFailed(sink, Redactor.rethrowIfFatal(e));
            }
        }
    }

    /** Flushes every sink; a sink that throws is skipped and counted. */
    public void flush() {
        for (Sink sink : sinks) {
            try {
                sink.flush();
            } catch (Throwable e) {
                sinkFailed(sink, Redactor.rethrowIfFatal(e));
            }
        }
    }

    /** The sinks this recorder writes to. */
    public List<Sink> sinks() {
        return sinks;
    }

    /** How many times a sink threw (from {@code accept} or {@code flush}) or a record could not be made. */
    public long sinkFailures() {
        return sinkFailures.get();
    }

    private void sinkFailed(Sink sink, Throwable error) {
        if (sinkFailures.getAndIncrement() == 0) {
            try {
                LOG.error(
                        "a corekit sink failed ({}): {}; the record was skipped for it. Sinks must never throw;"
                                + " further failures are counted in Recorder.sinkFailures()",
                        sink == null ? "record" : sink.getClass().getName(),
                        error.getClass().getName());
            } catch (Throwable ignored) {
                // the logging backend failing too: the counter still tells
            }
        }
    }

    Redactor redactor() {
        return redactor;
    }

    Instant now() {
        return clock.instant();
    }

    ErrorInfo normalize(Throwable error) {
        return ErrorInfo.of(error, classifier);
    }

    /** The context an operation's records carry: its own span, the span current at its start as parent. */
    static LogRecord.RecordContext operationContext(CallContext parent, CallContext inside) {
        return new LogRecord.RecordContext(
                parent.requestId(),
                inside.traceId(),
                inside.spanId(),
                parent.spanId(),
                parent.operationId(),
                parent.caller(),
                parent.tenant());
    }

    /** The context an event carries: the span and operation it happened in. */
    static LogRecord.RecordContext eventContext(CallContext context) {
        if (context == CallContext.root()) {
            return LogRecord.RecordContext.EMPTY; // outside any request: nothing to carry, nothing to allocate
        }
        return new LogRecord.RecordContext(
                context.requestId(),
                context.traceId(),
                context.spanId(),
                null,
                context.operationId(),
                context.caller(),
                context.tenant());
    }

    /** A record id: a W3C span id (an operation's id is its span id). */
    static String newId() {
        return TraceIds.newSpanId();
    }

    /** The body of {@link #call}. */
    @FunctionalInterface
    public interface OperationBody<T, E extends Exception> {
        T apply(Operation operation) throws E;
    }

    /** The body of {@link #run}. */
    @FunctionalInterface
    public interface OperationAction<E extends Exception> {
        void accept(Operation operation) throws E;
    }

    /** Builds a {@link Recorder}. */
    public static final class Builder {
        private final List<Sink> sinks = new ArrayList<>();
        private Redactor redactor = Redactor.ofDefaults();
        private ErrorClassifier classifier = ErrorClassifier.DEFAULT;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** Adds a sink; records go to every sink in the order added. */
        public Builder sink(Sink sink) {
            sinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        public Builder redactor(Redactor redactor) {
            this.redactor = Objects.requireNonNull(redactor, "redactor");
            return this;
        }

        public Builder errorClassifier(ErrorClassifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Recorder build() {
            return new Recorder(List.copyOf(sinks), redactor, classifier, clock);
        }
    }
}
