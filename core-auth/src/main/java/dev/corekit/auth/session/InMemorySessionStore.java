package dev.corekit.auth.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link SessionStore#inMemory()}: a concurrent map; expired sessions are dropped when next read. */
final class InMemorySessionStore implements SessionStore {
    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();

    @Override
    public void create(Session session) {
        Objects.requireNonNull(session, "session");
        if (sessions.putIfAbsent(session.id(), session) != null) {
            throw new IllegalStateException("session " + session.id() + " already exists");
        }
    }

    @Override
    public Optional<Session> find(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    @Override
    public boolean rotateRefresh(String sessionId, String expected, String next, Instant now) {
        AtomicBoolean rotated = new AtomicBoolean();
        sessions.computeIfPresent(sessionId, (id, session) -> {
            if (session.isLive(now) && session.refreshId().equals(expected)) {
                rotated.set(true);
                return session.withRefreshId(next);
            }
            return session;
        });
        return rotated.get();
    }

    @Override
    public void revoke(String sessionId, Instant at) {
        sessions.computeIfPresent(sessionId, (id, session) -> session.revoked(at));
    }

    @Override
    public String toString() {
        return "InMemorySessionStore{" + sessions.size() + " sessions}";
    }
}
