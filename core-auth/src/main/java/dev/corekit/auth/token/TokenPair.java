package dev.corekit.auth.token;

import java.time.Instant;
import java.util.Objects;

/**
 * An access token and the refresh token of its session. {@code toString()} shows neither token.
 *
 * @param accessToken the access token, sent as {@code Authorization: Bearer ...}
 * @param refreshToken the refresh token, exchanged for a new pair with {@link TokenService#refresh(String)}
 * @param sessionId the session both belong to
 * @param accessExpiresAt when the access token expires
 * @param refreshExpiresAt when the refresh token, and the session, end
 */
public record TokenPair(
        String accessToken, String refreshToken, String sessionId, Instant accessExpiresAt, Instant refreshExpiresAt) {
    public TokenPair {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(accessExpiresAt, "accessExpiresAt");
        Objects.requireNonNull(refreshExpiresAt, "refreshExpiresAt");
    }

    @Override
    public String toString() {
        return "TokenPair{sessionId=" + sessionId + ", accessExpiresAt=" + accessExpiresAt + ", refreshExpiresAt="
                + refreshExpiresAt + "}";
    }
}
