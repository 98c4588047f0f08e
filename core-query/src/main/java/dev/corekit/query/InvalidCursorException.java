package dev.corekit.query;

import dev.corekit.logging.ClassifiedError;

/**
 * A keyset cursor token that cannot be used ({@link KeysetPager#page}): malformed, altered (or signed with another
 * cursor key), or issued for another query. The message says which, never what the token holds. Not retryable: the
 * caller starts again from the first page. An HTTP adapter maps it to 400.
 */
public final class InvalidCursorException extends IllegalArgumentException implements ClassifiedError {
    private static final long serialVersionUID = 1L;

    /** The code operation records carry. */
    public static final String CODE = "INVALID_CURSOR";

    /** What is wrong with the token. */
    public enum Reason {
        /** Not a token of ours: not base64url, too short, an unknown version, unreadable values. */
        MALFORMED,
        /** The signature does not match: altered, forged, or issued with another {@code corekit.query.cursor-key}. */
        TAMPERED,
        /** Genuine, but issued for another collection, filter or sort. */
        FOREIGN
    }

    private final Reason reason;

    InvalidCursorException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** What is wrong with the token. */
    public Reason reason() {
        return reason;
    }

    @Override
    public String code() {
        return CODE;
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
