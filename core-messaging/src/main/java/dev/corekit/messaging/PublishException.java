package dev.corekit.messaging;

import dev.corekit.logging.ClassifiedError;
import java.util.Objects;

/**
 * Why a publish future failed. Every publish future completes, with a {@link PublishReceipt} or with this exception
 * (never hanging): the {@link #reason()} says what happened, {@link #retryable()} whether publishing again may help.
 *
 * <p>A failure other than {@link Reason#TOO_LARGE}, {@link Reason#INVALID} and {@link Reason#BUFFER_FULL} does not
 * prove the broker never got the message: a confirm can be lost with the connection. Publishing again is safe, since
 * consumers deduplicate by event id.
 */
public final class PublishException extends RuntimeException implements ClassifiedError {
    private static final long serialVersionUID = 1L;

    /** What happened to the publish. */
    public enum Reason {
        /** The broker refused the message (an internal error; on Qpid also an unroutable mandatory message). */
        NACKED(true),
        /** No queue is bound for its routing key: the broker returned it (mandatory publish). */
        RETURNED(false),
        /** No confirm arrived within {@link MessagingSettings#publishTimeout()}, buffering time included. */
        TIMED_OUT(true),
        /** {@link MessagingSettings#bufferCapacity()} publishes were already pending. */
        BUFFER_FULL(true),
        /** The encoded event exceeds {@link MessagingSettings#maxMessageBytes()}. */
        TOO_LARGE(false),
        /**
         * The payload could not be encoded as JSON (a getter threw, a cycle), or is not an instance of the event
         * type's payload class (possible only through raw types or unchecked casts).
         */
        INVALID(false),
        /** The publisher was closed before the message was confirmed. */
        CLOSED(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }
    }

    private final Reason reason;
    private final String eventId;

    /** A failure of the publish of {@code eventId}; {@code message} says what happened in words. */
    public PublishException(Reason reason, String eventId, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.eventId = eventId;
    }

    /** What happened. */
    public Reason reason() {
        return reason;
    }

    /** The id of the event whose publish failed. */
    public String eventId() {
        return eventId;
    }

    /** {@code MESSAGING_PUBLISH_} followed by the reason, e.g. {@code MESSAGING_PUBLISH_TIMED_OUT}. */
    @Override
    public String code() {
        return "MESSAGING_PUBLISH_" + reason.name();
    }

    @Override
    public boolean retryable() {
        return reason.retryable;
    }
}
