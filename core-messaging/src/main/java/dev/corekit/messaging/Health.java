package dev.corekit.messaging;

/**
 * The state of a broker connection (or of both, see {@link Messaging#health()}), as a readiness probe should see it.
 * It never claims more than is true: {@link #UP} is reported only once the connection is open, the topology declared
 * and every channel and consumer registered on it.
 */
public enum Health {
    /** Connected, topology declared, channels and consumers registered: publishes are sent and deliveries arrive. */
    UP,
    /**
     * Was up, and something was lost (the connection, a channel, a consumer cancelled by the broker): corekit is
     * re-establishing it with backoff. Publishes are buffered meanwhile.
     */
    RECOVERING,
    /**
     * Connected, but the broker has blocked the connection (a memory or disk alarm): publishes are buffered and fail at
     * their deadline unless the broker unblocks. Consumers, on their own connection, keep working.
     */
    BLOCKED,
    /** Not connected: not yet connected since start, or closed. Publishes are buffered until connected (or closed). */
    DOWN;

    /** The worse of two states, in the order UP, BLOCKED, RECOVERING, DOWN. */
    public Health worse(Health other) {
        return rank(this) >= rank(other) ? this : other;
    }

    private static int rank(Health health) {
        return switch (health) {
            case UP -> 0;
            case BLOCKED -> 1;
            case RECOVERING -> 2;
            case DOWN -> 3;
        };
    }
}
