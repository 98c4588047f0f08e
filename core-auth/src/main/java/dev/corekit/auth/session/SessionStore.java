package dev.corekit.auth.session;

import java.time.Instant;
import java.util.Optional;

/**
 * Where sessions live: {@link MongoSessionStore} in production, {@link #inMemory()} in unit tests. Implementations
 * are thread-safe; {@link #rotateRefresh} is atomic (compare-and-set), so a refresh token can be used only once.
 */
public interface SessionStore {
    /** Stores a new session. */
    void create(Session session);

    /** The session with this id, live or not; empty when unknown (or already removed after its expiry). */
    Optional<Session> find(String sessionId);

    /**
     * Replaces the session's current refresh token id {@code expected} with {@code next}, only when the session is
     * live at {@code now} and {@code expected} is still current.
     *
     * @return whether it was replaced
     */
    boolean rotateRefresh(String sessionId, String expected, String next, Instant now);

    /** Revokes the session (idempotent; unknown ids are ignored). */
    void revoke(String sessionId, Instant at);

    /** A store in this process's memory, for unit tests and single-process tools; sessions are lost on restart. */
    static SessionStore inMemory() {
        return new InMemorySessionStore();
    }
}
