package dev.corekit.auth.token;

import dev.corekit.logging.ClassifiedError;
import java.util.Objects;

/**
 * A token was not accepted. {@link #reason()} says why in a stable form; the message is corekit's own short sentence
 * and never carries a claim value, a key or a library's internal message, so it is safe in logs (responses use fixed
 * texts, see {@code dev.corekit.auth.ErrorBody}).
 */
public final class TokenException extends Exception implements ClassifiedError {
    private static final long serialVersionUID = 1L;

    /** Why a token was not accepted. */
    public enum Reason {
        /** Not a compact JWS, too long, not the Bearer scheme, or claims that are not a JSON object. */
        MALFORMED,
        /** Signature, algorithm, key, type, issuer, audience, {@code nbf}, {@code iat}, or a missing claim. */
        INVALID,
        /** Correctly signed but past {@code exp} (plus the clock skew). */
        EXPIRED,
        /** Its session was revoked or has ended. */
        REVOKED,
        /** It could not be checked now: the key set or session store is unreachable. */
        UNAVAILABLE
    }

    private final Reason reason;
    private final transient VerifiedToken expired;

    TokenException(Reason reason, String message) {
        this(reason, message, null, null);
    }

    TokenException(Reason reason, String message, VerifiedToken expired, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.expired = expired;
    }

    /** Why the token was not accepted. */
    public Reason reason() {
        return reason;
    }

    /** {@code TOKEN_} and the reason, e.g. {@code TOKEN_EXPIRED}. */
    @Override
    public String code() {
        return "TOKEN_" + reason.name();
    }

    /** Only {@link Reason#UNAVAILABLE} may pass on a retry. */
    @Override
    public boolean retryable() {
        return reason == Reason.UNAVAILABLE;
    }

    /** For {@link Reason#EXPIRED}: the correctly signed token that expired, for renewal; else null. */
    VerifiedToken expiredToken() {
        return expired;
    }
}
