package dev.corekit.messaging.internal;

import dev.corekit.messaging.Envelope;

/** The event whose handler is running on this thread, so that events it publishes carry causation and correlation. */
public final class Handling {
    private static final ThreadLocal<Envelope<?>> CURRENT = new ThreadLocal<>();

    private Handling() {}

    /** The event being handled on this thread, or null. */
    public static Envelope<?> current() {
        return CURRENT.get();
    }

    /** Marks {@code envelope} as being handled until the returned handle is closed. */
    public static AutoCloseableHandle enter(Envelope<?> envelope) {
        Envelope<?> previous = CURRENT.get();
        CURRENT.set(envelope);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Restores the previous state when closed. */
    @FunctionalInterface
    public interface AutoCloseableHandle extends AutoCloseable {
        @Override
        void close();
    }
}
