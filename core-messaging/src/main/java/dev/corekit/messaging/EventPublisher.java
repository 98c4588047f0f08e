package dev.corekit.messaging;

import java.util.concurrent.CompletableFuture;

/**
 * Publishes events to the events exchange ({@link MessagingSettings#exchange()}), routed by their type name, with
 * publisher confirms. Get it from {@link Messaging#publisher()}.
 *
 * <pre>{@code
 * messaging.publisher().publish(ORDER_PLACED, new OrderPlaced(orderId, total))
 *         .whenComplete((receipt, error) -> { if (error != null) outbox.keep(orderId); });
 * }</pre>
 *
 * <p><b>Every future completes</b>, never hangs: with a {@link PublishReceipt} once the broker confirmed the message,
 * or with a {@link PublishException} whose {@link PublishException#reason() reason} says why not (nacked; returned
 * because no queue is bound for the type; no confirm within {@link MessagingSettings#publishTimeout()}; the buffer
 * full; too large; closed). Publishing never blocks the caller: while the connection is down, recovering or blocked by
 * the broker, publishes wait in a bounded buffer and are sent on reconnect; messages left unconfirmed on a channel that
 * closed are sent again, so a consumer may see an event twice (corekit consumers deduplicate by event id).
 *
 * <p>The envelope is filled from the current {@link dev.corekit.context.CallContext} (request id, tenant, W3C trace
 * context, baggage; a fresh request and trace when there is none) and, inside a handler, from the event being handled
 * (correlation id kept, causation id = the handled event's id).
 *
 * <p>Stages registered on the returned future run in the caller's context, on a corekit thread: do not block in them
 * (use the {@code *Async} variants with your own executor for blocking work). Thread-safe.
 */
public interface EventPublisher {
    /** Publishes {@code payload} as a new event of {@code type}, with a fresh id. */
    <T> CompletableFuture<PublishReceipt> publish(EventType<T> type, T payload);

    /**
     * Publishes {@code payload} as the event {@code eventId}: for producers that must publish the same event again
     * after a crash (an outbox, a fan-out page) and need consumers to recognise it.
     *
     * @param eventId 1 to 128 visible ASCII characters
     * @throws IllegalArgumentException when {@code eventId} is not
     */
    <T> CompletableFuture<PublishReceipt> publish(EventType<T> type, String eventId, T payload);
}
