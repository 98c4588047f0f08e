package dev.corekit.messaging;

/**
 * The AMQP headers corekit writes besides the W3C context headers of {@link dev.corekit.context.ContextHeaders}: what
 * an operator reading a dead-letter queue, or a non-corekit consumer, can rely on.
 *
 * <p>A dead-lettered message keeps its body and headers unchanged and gains {@link #DEAD_LETTER_REASON},
 * {@link #ERROR_TYPE}, {@link #ERROR_MESSAGE}, {@link #ERROR_CODE}, {@link #ERROR_FINGERPRINT}, {@link #ATTEMPTS},
 * {@link #SOURCE_QUEUE} and {@link #DEAD_LETTERED_AT}.
 */
public final class EventHeaders {
    /** Which delivery attempt the message is, from 1; incremented by corekit for each retry. */
    public static final String ATTEMPT = "x-corekit-attempt";
    /** The event's payload schema version. */
    public static final String VERSION = "x-corekit-version";
    /** The tenant of the producing call. */
    public static final String TENANT = "x-corekit-tenant";
    /**
     * Why a message was dead-lettered: {@code RETRIES_EXHAUSTED} (the last attempt failed), {@code NON_RETRYABLE} (the
     * handler threw a non-retryable error), {@code BAD_MESSAGE} (the body is not a JSON envelope), {@code UNKNOWN_TYPE}
     * (no handler for its type on this queue), {@code UNKNOWN_VERSION} (no handler for its version) or
     * {@code BAD_PAYLOAD} (the payload does not match its type). Messages that a quorum queue dead-letters after
     * {@link MessagingSettings#deliveryLimit()} redeliveries arrive without corekit headers, with RabbitMQ's
     * {@code x-first-death-reason: delivery_limit}.
     */
    public static final String DEAD_LETTER_REASON = "x-corekit-dead-letter-reason";
    /** The class name of the last error. */
    public static final String ERROR_TYPE = "x-corekit-error-type";
    /** The message of the last error, at most 1,000 characters. */
    public static final String ERROR_MESSAGE = "x-corekit-error-message";
    /** The stable code of the last error, when it has one. */
    public static final String ERROR_CODE = "x-corekit-error-code";
    /** The stable fingerprint of the last error (see {@link dev.corekit.logging.ErrorInfo}). */
    public static final String ERROR_FINGERPRINT = "x-corekit-error-fingerprint";
    /** How many attempts were made before the message was dead-lettered. */
    public static final String ATTEMPTS = "x-corekit-attempts";
    /** The queue the message was consumed from. */
    public static final String SOURCE_QUEUE = "x-corekit-source-queue";
    /** When it was dead-lettered, ISO-8601. */
    public static final String DEAD_LETTERED_AT = "x-corekit-dead-lettered-at";

    private EventHeaders() {}
}
