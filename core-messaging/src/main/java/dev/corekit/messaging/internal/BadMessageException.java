package dev.corekit.messaging.internal;

import dev.corekit.logging.ClassifiedError;

/** A delivery that cannot be handled whatever the retries: it goes to the dead-letter queue at once. */
public final class BadMessageException extends RuntimeException implements ClassifiedError {
    private static final long serialVersionUID = 1L;

    /** Why, as written to {@link dev.corekit.messaging.EventHeaders#DEAD_LETTER_REASON}. */
    public enum Reason {
        BAD_MESSAGE,
        UNKNOWN_TYPE,
        UNKNOWN_VERSION,
        BAD_PAYLOAD
    }

    private final Reason reason;

    public BadMessageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String code() {
        return "MESSAGING_" + reason.name();
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
