package dev.corekit.messaging;

import dev.corekit.messaging.internal.InMemoryIdempotencyStore;
import java.time.Clock;
import java.time.Duration;

/**
 * Remembers which events a consumer has handled, so that a redelivered event (a connection lost before the ack, a
 * publisher that re-sent an unconfirmed message) does not run its handler's side effect twice.
 *
 * <p>The consumer claims an event before running its handler, completes the claim when the handler returns and then
 * acknowledges; it releases the claim when the handler throws, so a retry can claim it again. A delivery that finds the
 * event {@link Claim#DONE} is acknowledged without running the handler; one that finds it {@link Claim#BUSY} (another
 * delivery of the same id is running right now) is retried later without counting an attempt. A claim whose holder
 * died is taken over when its lease ends.
 *
 * <p>Implementations: {@link #inMemory()} for tests and single-process use, and
 * {@code dev.corekit.messaging.mongo.MongoIdempotencyStore} (a MongoDB collection with a unique id, a TTL index and
 * majority writes) for services. Implementations are thread-safe; a method that cannot reach its storage throws, and
 * the consumer retries the delivery later without counting an attempt.
 */
public interface IdempotencyStore {
    /** The outcome of {@link #claim}. */
    enum Claim {
        /** The caller holds the claim and runs the handler. */
        ACQUIRED,
        /** The event was handled before: acknowledge without running the handler. */
        DONE,
        /** Another delivery of the event holds a live claim: try again later. */
        BUSY
    }

    /**
     * Claims {@code key} for {@code owner} for {@code lease}, unless it is done or claimed by a live lease.
     *
     * @param key the consumer's queue and the event id
     * @param owner unique per delivery
     * @param lease how long the claim holds before another delivery may take it over
     */
    Claim claim(String key, String owner, Duration lease);

    /**
     * Marks {@code key} done, remembered for {@code retention}. Returns false when {@code owner} no longer held the
     * claim (its lease ended and another delivery took it over).
     */
    boolean complete(String key, String owner, Duration retention);

    /** Drops {@code owner}'s claim on {@code key} so that a retry can claim it; no effect when it holds none. */
    void release(String key, String owner);

    /** A store in this process's memory, on the system clock: for tests and single-instance services. */
    static IdempotencyStore inMemory() {
        return inMemory(Clock.systemUTC());
    }

    /** A store in this process's memory on {@code clock}, for tests that move time. */
    static IdempotencyStore inMemory(Clock clock) {
        return new InMemoryIdempotencyStore(clock);
    }
}
