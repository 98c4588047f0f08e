package dev.corekit.logging;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The process-wide {@link Recorder}: what services call. With nothing configured it writes JSON lines to stdout, and
 * also to MongoDB when {@code COREKIT_LOGGING_MONGODB_URI} is set.
 *
 * <pre>{@code
 * Order order = Operations.call("orders.create", op -> {
 *     op.attr("items", cmd.items().size());
 *     return repository.save(cmd);
 * });
 * }</pre>
 *
 * <p>Tests install their own recorder and restore the previous one when done:
 *
 * <pre>{@code
 * InMemorySink sink = new InMemorySink();
 * try (var installed = Operations.install(Recorder.of(sink))) {
 *     service.handle(request);
 * }
 * }</pre>
 */
public final class Operations {
    private static volatile Recorder recorder;

    private Operations() {}

    /** The process-wide recorder, created from {@link LoggingSettings#ofDefaults()} on first use. */
    public static Recorder recorder() {
        Recorder current = recorder;
        if (current == null) {
            synchronized (Operations.class) {
                current = recorder;
                if (current == null) {
                    current = LoggingRuntime.defaultRecorder();
                    recorder = current;
                }
            }
        }
        return current;
    }

    /**
     * The process-wide MongoDB sink, started on first use when {@code COREKIT_LOGGING_MONGODB_URI} is set, and drained
     * at JVM shutdown; empty otherwise. Operation records and (through the Logback appender) log events share it.
     */
    public static Optional<MongoSink> mongoSink() {
        return LoggingRuntime.mongoSink();
    }

    /** Makes {@code replacement} the process-wide recorder until the returned handle is closed. */
    public static Installed install(Recorder replacement) {
        Objects.requireNonNull(replacement, "replacement");
        synchronized (Operations.class) {
            Recorder previous = recorder;
            recorder = replacement;
            return () -> {
                synchronized (Operations.class) {
                    recorder = previous;
                }
            };
        }
    }

    /** See {@link Recorder#start}. */
    public static Operation start(String name) {
        return recorder().start(name);
    }

    /** See {@link Recorder#call}. */
    public static <T, E extends Exception> T call(String name, Recorder.OperationBody<T, E> body) throws E {
        return recorder().call(name, body);
    }

    /** See {@link Recorder#run}. */
    public static <E extends Exception> void run(String name, Recorder.OperationAction<E> body) throws E {
        recorder().run(name, body);
    }

    /** See {@link Recorder#callAsync}. */
    public static <T> CompletableFuture<T> callAsync(
            String name, Function<Operation, ? extends CompletionStage<T>> body) {
        return recorder().callAsync(name, body);
    }

    /** Restores the previous recorder when closed. */
    @FunctionalInterface
    public interface Installed extends AutoCloseable {
        @Override
        void close();
    }
}
