package dev.corekit.messaging;

import java.time.Duration;

/**
 * A running consumer of one queue: created by {@link Messaging#consumer(String)} (a durable queue shared by every
 * instance of a service: each event handled once per service) or {@link Messaging#broadcastConsumer(String)} (a
 * server-named queue per instance: every instance gets every event).
 *
 * <pre>{@code
 * EventConsumer billing = messaging.consumer("billing")
 *         .on(ORDER_PLACED, event -> invoices.create(event.payload()))
 *         .idempotencyStore(MongoIdempotencyStore.of(collection))
 *         .start();
 * }</pre>
 *
 * <p><b>Delivery.</b> Manual acknowledgements; at most {@link MessagingSettings#prefetch()} unacknowledged deliveries
 * and {@link MessagingSettings#concurrency()} handlers at a time. A handler that returns acknowledges the event. One
 * that throws is retried: the message is re-published to a delay queue (exponential backoff from
 * {@link MessagingSettings#retryInitialDelay()}, spread by {@link MessagingSettings#retryJitterPercent()}), which
 * dead-letters it back to the work queue when its time is up, with the attempt counted in
 * {@link EventHeaders#ATTEMPT}. After {@link MessagingSettings#maxAttempts()} attempts, or at once for a
 * {@link NonRetryableException}, a body that is not an envelope, an unknown type or version, a payload that does not
 * match its type, the message goes to the dead-letter queue ({@link #deadLetterQueueName()}) with the error in its
 * headers. Nothing is dropped: a message is acknowledged only after its retry or dead-letter copy was confirmed by the
 * broker. Broadcast consumers retry in process (their queue lives only as long as their connection).
 *
 * <p><b>Recovery.</b> When the connection, the channel or the subscription is lost (a broker error, a consumer
 * cancelled because its queue was deleted), the consumer is re-subscribed after the topology is re-declared; a
 * broadcast consumer gets a new server-named queue, visible through {@link #queueName()}.
 */
public interface EventConsumer extends AutoCloseable {
    /** The queue consumed now: for a broadcast consumer, the server-assigned name of the current connection. */
    String queueName();

    /** The dead-letter queue of this consumer. */
    String deadLetterQueueName();

    /** UP when subscribed; RECOVERING while re-subscribing; DOWN before the first subscription and after close. */
    Health health();

    /**
     * Waits until the consumer is subscribed (health UP) or {@code timeout} passes.
     *
     * @return true when subscribed
     * @throws InterruptedException when interrupted
     */
    boolean awaitSubscribed(Duration timeout) throws InterruptedException;

    /**
     * Stops taking deliveries, lets running and already-received deliveries finish (up to
     * {@link MessagingSettings#shutdownTimeout()}), then closes the channel; unacknowledged messages go back to the
     * queue.
     */
    @Override
    void close();

    /** Closes, then deletes the queues this consumer declared (work, delay and dead-letter queues). */
    void delete();

    /** Builds a consumer; handlers are registered per event type and version. */
    interface Builder {
        /**
         * Handles events of {@code type} (its name and version) with {@code handler}.
         *
         * @throws IllegalArgumentException when a handler is already registered for that name and version
         */
        <T> Builder on(EventType<T> type, EventHandler<T> handler);

        /** Deduplicates deliveries by event id in {@code store}; without one, redeliveries run the handler again. */
        Builder idempotencyStore(IdempotencyStore store);

        /** Overrides {@link MessagingSettings#prefetch()} for this consumer. */
        Builder prefetch(int prefetch);

        /** Overrides {@link MessagingSettings#concurrency()} for this consumer; at most the prefetch. */
        Builder concurrency(int concurrency);

        /** Overrides {@link MessagingSettings#maxAttempts()} for this consumer. */
        Builder maxAttempts(int maxAttempts);

        /**
         * Declares the queues, subscribes (waiting up to {@link MessagingSettings#connectTimeout()} when connected;
         * otherwise it subscribes when the connection comes up) and returns the running consumer.
         *
         * @throws IllegalStateException when no handler was registered, or the settings conflict
         */
        EventConsumer start();
    }
}
