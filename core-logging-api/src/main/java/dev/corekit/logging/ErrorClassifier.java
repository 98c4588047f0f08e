package dev.corekit.logging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

/**
 * Decides an error's code and whether a retry may help. A policy: replace it to teach corekit about a library's
 * exceptions; exceptions of your own can simply implement {@link ClassifiedError}.
 */
@FunctionalInterface
public interface ErrorClassifier {
    /**
     * The result of classifying an error.
     *
     * @param code a stable code, or null
     * @param retryable whether retrying may succeed
     */
    record Classification(String code, boolean retryable) {}

    /**
     * {@link ClassifiedError}s say for themselves; timeouts and I/O failures anywhere in the chain are retryable with
     * codes {@code TIMEOUT} and {@code IO}; anything else has no code and is not retryable.
     */
    ErrorClassifier DEFAULT = throwable -> {
        for (Throwable t : ErrorInfo.chain(throwable)) {
            if (t instanceof ClassifiedError classified) {
                return new Classification(classified.code(), classified.retryable());
            }
        }
        for (Throwable t : ErrorInfo.chain(throwable)) {
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return new Classification("TIMEOUT", true);
            }
        }
        for (Throwable t : ErrorInfo.chain(throwable)) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return new Classification("IO", true);
            }
        }
        return new Classification(null, false);
    };

    /** Classifies one error. */
    Classification classify(Throwable throwable);
}
