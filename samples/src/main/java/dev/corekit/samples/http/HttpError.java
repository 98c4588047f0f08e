package dev.corekit.samples.http;

import dev.corekit.logging.ClassifiedError;
import java.util.Objects;

/**
 * A client error an {@link Endpoint} answers with: its status, a stable upper-case code and a sentence for people. The
 * message is sent to the client, so it never carries internal detail. An operation that fails with one records its code
 * ({@link ClassifiedError}).
 */
public final class HttpError extends RuntimeException implements ClassifiedError {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    private HttpError(int status, String code, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    /** 400 with {@code code}. */
    public static HttpError badRequest(String code, String message) {
        return new HttpError(400, code, message);
    }

    /** 404 NOT_FOUND. */
    public static HttpError notFound(String message) {
        return new HttpError(404, "NOT_FOUND", message);
    }

    /** Any status with {@code code}. */
    public static HttpError of(int status, String code, String message) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 400 to 599, got " + status);
        }
        return new HttpError(status, code, message);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The stable error code, e.g. {@code INVALID_ORDER}. */
    @Override
    public String code() {
        return code;
    }

    /** A client error does not pass on a retry; 503 and 429 may. */
    @Override
    public boolean retryable() {
        return status == 503 || status == 429;
    }
}
