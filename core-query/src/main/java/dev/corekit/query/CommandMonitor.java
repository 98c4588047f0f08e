package dev.corekit.query;

import com.mongodb.event.CommandListener;
import dev.corekit.logging.Recorder;
import dev.corekit.query.internal.Monitor;
import java.util.Objects;

/**
 * Watches every command a MongoDB client sends: attributes it to the {@link dev.corekit.context.CallContext} and the
 * {@link dev.corekit.logging.Operation} it ran in, and writes a slow-query record (the filter's shape, values redacted)
 * for each command at or over {@link QuerySettings#slowQueryThreshold()}, and a write-problem record for each
 * successful reply that still carries {@code writeErrors} or a {@code writeConcernError}. {@link QueryClient} registers
 * one on the client it builds; nothing else is needed.
 *
 * <p>Per-operation numbers: wrap an operation's body, and its completion record gets {@code db.roundTrips},
 * {@code db.timeMs} and {@code db.documents} (plus {@code db.failures}, {@code db.slow} and {@code db.writeErrors}
 * when not zero):
 *
 * <pre>{@code
 * List<Order> orders = Operations.call("orders.list", monitor.attributed(op -> repository.list(customerId)));
 * }</pre>
 *
 * <p>A command counts once, toward the innermost attributed operation it ran in; a command in an operation that is not
 * attributed counts toward the first attributed operation of the same trace, so the root operation of a request sees
 * every command its request sent that no nested attributed operation claimed. Work handed to other threads through
 * {@link dev.corekit.context.ContextExecutors} is attributed like work on the calling thread.
 *
 * <p>Guarantees: the listener never throws into the driver (a failure of its own is counted in
 * {@link #listenerFailures()} and logged once); commands between their started and completed events are remembered
 * in bounded memory ({@link QuerySettings#maxTrackedCommands()} entries, each forgotten after
 * {@link QuerySettings#inFlightExpiry()}); sensitive commands (authentication, user management), which the driver hands
 * over as empty documents, are shown as such and never fail the monitor. Thread-safe.
 */
public interface CommandMonitor {

    /** A monitor that records through the process-wide recorder ({@code GlobalRecorder}), looked up at each record. */
    static CommandMonitor of(QuerySettings settings) {
        return new Monitor(Objects.requireNonNull(settings, "settings"), null);
    }

    /** A monitor that records through {@code recorder}. */
    static CommandMonitor of(QuerySettings settings, Recorder recorder) {
        return new Monitor(Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(recorder, "recorder"));
    }

    /** The driver listener to register on a client ({@code MongoClientSettings.Builder#addCommandListener}). */
    CommandListener listener();

    /**
     * Decorates an operation body: commands it sends are counted for the operation and added to its completion record
     * as attributes, whether it succeeds or fails.
     */
    <T, E extends Exception> Recorder.OperationBody<T, E> attributed(Recorder.OperationBody<T, E> body);

    /** Like {@link #attributed} for a body with no result ({@code Operations.run}). */
    default <E extends Exception> Recorder.OperationAction<E> attributedAction(Recorder.OperationAction<E> action) {
        Objects.requireNonNull(action, "action");
        Recorder.OperationBody<Void, E> body = attributed(operation -> {
            action.accept(operation);
            return null;
        });
        return body::apply;
    }

    /**
     * What the innermost attributed operation of the current context has sent so far; {@link QueryStats#ZERO} outside
     * any.
     */
    QueryStats current();

    /** Everything this monitor has seen since it was created. */
    QueryStats totals();

    /** Commands started and not yet completed, as remembered now. */
    int inFlight();

    /**
     * Started commands forgotten before their completion arrived: expired ({@link QuerySettings#inFlightExpiry()}) or
     * evicted because more than {@link QuerySettings#maxTrackedCommands()} were in flight.
     */
    long forgotten();

    /** Failures inside the monitor itself, each swallowed so that the driver never sees it. */
    long listenerFailures();
}
