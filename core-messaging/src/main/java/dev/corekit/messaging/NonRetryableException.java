package dev.corekit.messaging;

import dev.corekit.logging.ClassifiedError;

/**
 * Thrown by a handler to send an event to the dead-letter queue at once, without retries: for failures a retry cannot
 * fix (a business rule rejects it, a referenced entity does not exist). Any exception implementing
 * {@link ClassifiedError} with {@code retryable() == false} has the same effect; every other exception is retried.
 *
 * <pre>{@code
 * if (order == null) {
 *     throw new NonRetryableException("ORDER_UNKNOWN", "order " + id + " does not exist");
 * }
 * }</pre>
 */
public class NonRetryableException extends RuntimeException implements ClassifiedError {
    private static final long serialVersionUID = 1L;

    private final String code;

    /** A failure with a stable upper-case {@code code} and a message. */
    public NonRetryableException(String code, String message) {
        this(code, message, null);
    }

    /** A failure with a stable upper-case {@code code}, a message and its cause. */
    public NonRetryableException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }

    /** Always false. */
    @Override
    public final boolean retryable() {
        return false;
    }
}
