package dev.corekit.auth.internal;

import dev.corekit.logging.ClassifiedError;

/**
 * The failure a call's operation record carries when the call was answered with a 4xx or 5xx status and no exception:
 * its code is the error body's code (or {@code HTTP_<status>}). It has no stack: it is an outcome, not a bug.
 */
public final class CallStatusError extends RuntimeException implements ClassifiedError {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public CallStatusError(int status, String code) {
        super("answered with status " + status + (code == null ? "" : " " + code), null, false, false);
        this.status = status;
        this.code = code == null ? "HTTP_" + status : code;
    }

    /** The response status. */
    public int status() {
        return status;
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public boolean retryable() {
        return status == 408 || status == 429 || status == 502 || status == 503 || status == 504;
    }
}
