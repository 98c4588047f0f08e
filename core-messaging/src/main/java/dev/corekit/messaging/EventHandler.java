package dev.corekit.messaging;

/**
 * Handles one event. Runs with the producer's {@link dev.corekit.context.CallContext} restored (request id, trace,
 * tenant, baggage) inside an operation record named {@code messaging.handle}, whose parent span is the producer's.
 * Returning normally acknowledges the event; throwing anything, an {@link Error} included, retries it (see
 * {@link NonRetryableException} for failures that must not be retried). With an {@link IdempotencyStore}, a handler that returned normally is not run again for the
 * same event id, even when the broker redelivers it.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface EventHandler<T> {
    /** Handles {@code event}; throws to have it retried or dead-lettered. */
    void handle(Envelope<T> event) throws Exception;
}
