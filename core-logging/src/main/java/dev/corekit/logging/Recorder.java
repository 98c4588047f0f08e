package dev.corekit.logging;

import dev.corekit.context.CallContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.event.Level;

/**
 * Makes records and hands them to sinks: operations ({@link #start}, {@link #call}, {@link #run}, {@link #callAsync})
 * and events ({@link #event}). {@link Operations} is the process-wide one; build your own for tests:
 *
 * <pre>{@code
 * InMemorySink sink = new InMemorySink();
 * Recorder recorder = Recorder.of(sink);
 * recorder.call("orders.create", op -> "ok");
 * assertThat(sink.records()).extracting(LogRecord::status).containsExactly(STARTED, SUCCEEDED);
 * }</pre>
 *
 * <p>A recorder never throws from emitting: sinks take records without blocking (see {@link Sink}). It is immutable
 * and thread-safe.
 */
public final class Recorder {
    private final List<Sink> sinks;
    private final Redactor redactor;
    private final ErrorClassifier classifier;
    private final Clock clock;

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
     * Starts an operation: writes its {@link LogRecord.Status#STARTED} record and makes it current on this thread until
     * it is closed.
     */
    public Operation start(String name) {
        Objects.requireNonNull(name, "name");
        Operation operation = new Operation(this, newId(), name, now(), CallContext.current());
        emit(operation.startRecord(Thread.currentThread().getName()));
        return operation;
    }

    /**
     * Runs {@code body} as an operation and returns its result; an exception completes the operation as
     * {@link LogRecord.Status#FAILED} and is rethrown unchanged.
     */
    public <T, E extends Exception> T call(String name, OperationBody<T, E> body) throws E {
        Operation operation = start(name);
        try {
            T result = body.apply(operation);
            operation.succeed();
            return result;
        } catch (Throwable t) {
            operation.fail(t);
            throw t;
        }
    }

    /** Like {@link #call} for a body with no result. */
    public <E extends Exception> void run(String name, OperationAction<E> body) throws E {
        call(name, operation -> {
            body.accept(operation);
            return null;
        });
    }

    /**
     * Runs an asynchronous operation: {@code body} starts the work and returns its stage; the operation completes when
     * the stage does (or fails at once if {@code body} throws). The body runs with the operation current, so work it
     * submits through context-propagating executors is attributed to it.
     */
    public <T> CompletableFuture<T> callAsync(String name, Function<Operation, ? extends CompletionStage<T>> body) {
        Operation operation = start(name);
        CompletionStage<T> stage;
        try (var detached = operation.detach()) {
            stage = body.apply(operation);
        } catch (RuntimeException | Error e) {
            operation.fail(e);
            throw e;
        }
        return stage.toCompletableFuture().whenComplete((result, error) -> {
            if (error == null) {
                operation.succeed();
            } else {
                operation.fail(
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
        });
    }

    /**
     * Records an ordinary event (what the Logback appender feeds in): redacts {@code attributes} and normalizes
     * {@code error}, which may be null.
     */
    public void event(Level level, String name, String message, Map<String, ?> attributes, Throwable error) {
        emit(new LogRecord(
                newId(),
                LogRecord.Kind.EVENT,
                level,
                name,
                null,
                message,
                now(),
                null,
                recordContext(CallContext.current()),
                attributes == null || attributes.isEmpty() ? Map.of() : redactor.redact(attributes),
                List.of(),
                error == null ? null : normalize(error),
                Thread.currentThread().getName()));
    }

    /** Hands a finished record to every sink. */
    public void emit(LogRecord record) {
        for (Sink sink : sinks) {
            sink.accept(record);
        }
    }

    /** Flushes every sink. */
    public void flush() {
        for (Sink sink : sinks) {
            sink.flush();
        }
    }

    /** The sinks this recorder writes to. */
    public List<Sink> sinks() {
        return sinks;
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

    static LogRecord.RecordContext recordContext(CallContext context) {
        return new LogRecord.RecordContext(
                context.requestId(),
                context.traceId(),
                context.spanId(),
                context.operationId(),
                context.caller(),
                context.tenant());
    }

    /** 16 hex characters of randomness: unique enough per operation, cheap to make. */
    static String newId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
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
