package dev.corekit.logging;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.event.Level;

/**
 * What services and library modules call: each method runs on the process-wide recorder ({@link GlobalRecorder}).
 * With {@code core-logging} on the classpath and nothing configured, records are JSON lines on stdout, and also
 * MongoDB documents when {@code COREKIT_LOGGING_MONGODB_URI} is set; without it, SLF4J events.
 *
 * <pre>{@code
 * Order order = Operations.call("orders.create", op -> {
 *     op.attr("items", cmd.items().size());
 *     return repository.save(cmd);
 * });
 * }</pre>
 *
 * @see Recorder for the contract of each method
 */
public final class Operations {
    private Operations() {}

    /** See {@link Recorder#start}. */
    public static Operation start(String name) {
        return GlobalRecorder.get().start(name);
    }

    /** See {@link Recorder#call}. */
    public static <T, E extends Exception> T call(String name, Recorder.OperationBody<T, E> body) throws E {
        return GlobalRecorder.get().call(name, body);
    }

    /** See {@link Recorder#run}. */
    public static <E extends Exception> void run(String name, Recorder.OperationAction<E> body) throws E {
        GlobalRecorder.get().run(name, body);
    }

    /** See {@link Recorder#callAsync}. */
    public static <T> CompletableFuture<T> callAsync(
            String name, Function<Operation, ? extends CompletionStage<T>> body) {
        return GlobalRecorder.get().callAsync(name, body);
    }

    /** See {@link Recorder#event}. */
    public static void event(Level level, String name, String message, Map<String, ?> attributes, Throwable error) {
        GlobalRecorder.get().event(level, name, message, attributes, error);
    }
}
