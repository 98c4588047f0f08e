package dev.corekit.auth.session;

import java.time.Instant;
import java.util.Objects;

/**
 * One login: the session a token pair belongs to (its id is the tokens' {@code sid} claim). A session is live until it
 * expires or is revoked; revoking it stops both its refresh token and the in-flight renewal of its access tokens.
 *
 * @param id the session id
 * @param entityType the entity type of the principal ({@code user}, ...)
 * @param subject the principal's subject
 * @param tenant the tenant, or null
 * @param createdAt when it started
 * @param expiresAt when it ends (the refresh token's expiry)
 * @param refreshId the id ({@code jti}) of the one refresh token currently valid
 * @param revokedAt when it was revoked, or null
 */
public record Session(
        String id,
        String entityType,
        String subject,
        String tenant,
        Instant createdAt,
        Instant expiresAt,
        String refreshId,
        Instant revokedAt) {

    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(entityType, "entityType");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(refreshId, "refreshId");
    }

    /** Whether the session is neither revoked nor expired at {@code now}. */
    public boolean isLive(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }

    /** This session revoked at {@code at} (itself when already revoked). */
    public Session revoked(Instant at) {
        return revokedAt != null
                ? this
                : new Session(id, entityType, subject, tenant, createdAt, expiresAt, refreshId, at);
    }

    /** This session with another current refresh token id. */
    public Session withRefreshId(String next) {
        return new Session(id, entityType, subject, tenant, createdAt, expiresAt, next, revokedAt);
    }

    /** Ids and times only; the refresh id is left out. */
    @Override
    public String toString() {
        return "Session{id=" + id + ", " + entityType + ":" + subject + ", expiresAt=" + expiresAt
                + (revokedAt == null ? "" : ", revokedAt=" + revokedAt) + "}";
    }
}
