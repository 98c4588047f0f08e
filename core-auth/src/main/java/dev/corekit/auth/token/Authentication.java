package dev.corekit.auth.token;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@link TokenService#authenticate(String)}: the verified token, and the renewed access token when the
 * presented one had expired but its session was live.
 */
public final class Authentication {
    private final VerifiedToken token;
    private final String renewedAccessToken;

    Authentication(VerifiedToken token, String renewedAccessToken) {
        this.token = Objects.requireNonNull(token, "token");
        this.renewedAccessToken = renewedAccessToken;
    }

    /** A token verified without sessions: nothing renewed. */
    public static Authentication of(VerifiedToken token) {
        return new Authentication(token, null);
    }

    /** The verified token (for a renewed call: the expired one, whose signature and claims were checked). */
    public VerifiedToken token() {
        return token;
    }

    /** The new access token the client should use from now on, when the call's token was renewed in flight. */
    public Optional<String> renewedAccessToken() {
        return Optional.ofNullable(renewedAccessToken);
    }

    @Override
    public String toString() {
        return "Authentication{" + token + (renewedAccessToken == null ? "" : ", renewed") + "}";
    }
}
