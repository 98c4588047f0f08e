package dev.corekit.auth.token;

import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.session.Session;
import dev.corekit.auth.session.SessionStore;
import dev.corekit.context.TraceIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokens with sessions: login issues an access and a refresh token in a new session; refresh rotates the refresh token
 * (a refresh token works once: presenting a used one again revokes the session, as a stolen-token signal); revoke ends
 * a session; {@link #authenticate(String)} verifies an access token, checks its session, and renews an expired one in
 * flight.
 *
 * <pre>{@code
 * TokenService tokens = TokenService.of(signingKey, MongoSessionStore.of(collection), settings);
 * TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
 * Authentication auth = tokens.authenticate(pair.accessToken());
 * }</pre>
 *
 * <p><b>In-flight renewal.</b> An access token that is correctly signed and otherwise valid but expired (by at most
 * {@code corekit.auth.renewal-window}) whose session is live is accepted, and a new access token is issued for it;
 * the auth interceptor returns it in the {@value dev.corekit.auth.Authenticator#RENEWED_ACCESS_TOKEN_HEADER} response
 * header. Concurrent calls with the same expired token share one renewal (single-flight), and later calls with it
 * within {@value #RENEWAL_REUSE_SECONDS} seconds get the same renewed token, so a burst of calls renews once.
 *
 * <p>Thread-safe.
 */
public final class TokenService {
    /** How long the token renewed for an expired token is handed to further calls with that token, in seconds. */
    public static final int RENEWAL_REUSE_SECONDS = 60;

    private static final int RENEWAL_SWEEP_SIZE = 1024;

    private final TokenIssuer issuer;
    private final TokenVerifier verifier;
    private final SessionStore sessions;
    private final Clock clock;
    private final Duration renewalWindow;
    private final ConcurrentMap<String, Renewal> renewals = new ConcurrentHashMap<>();
    private final AtomicLong renewalCount = new AtomicLong();

    private TokenService(TokenIssuer issuer, TokenVerifier verifier, SessionStore sessions, Duration renewalWindow) {
        this.issuer = issuer;
        this.verifier = verifier;
        this.sessions = sessions;
        this.clock = verifier.clock();
        this.renewalWindow = renewalWindow;
    }

    /**
     * A service signing with {@code key} and verifying with its verification key alone.
     *
     * @see #of(SigningKey, KeySet, SessionStore, AuthSettings, Clock) to also accept tokens of previous keys
     */
    public static TokenService of(SigningKey key, SessionStore sessions, AuthSettings settings) {
        return of(key, KeySet.of(key.verificationKey()), sessions, settings, Clock.systemUTC());
    }

    /**
     * A service signing with {@code key} and verifying with {@code keys} (which should contain {@code key}'s
     * verification key and, during a rotation, the previous ones).
     */
    public static TokenService of(
            SigningKey key, KeySet keys, SessionStore sessions, AuthSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        return new TokenService(
                TokenIssuer.of(key, settings, clock),
                TokenVerifier.of(keys, settings, clock),
                Objects.requireNonNull(sessions, "sessions"),
                settings.renewalWindow());
    }

    /** Starts a session for {@code request} and issues its token pair. */
    public TokenPair login(TokenRequest request) {
        Objects.requireNonNull(request, "request");
        Instant now = clock.instant();
        String sessionId = TraceIds.newTraceId();
        String refreshId = TraceIds.newTraceId();
        Instant sessionEnd = now.plus(issuer.refreshTtl());
        sessions.create(new Session(
                sessionId,
                request.entityType(),
                request.subject(),
                request.tenant(),
                now,
                sessionEnd,
                refreshId,
                null));
        return new TokenPair(
                issuer.accessToken(request, sessionId),
                issuer.refreshToken(request, sessionId, refreshId, sessionEnd),
                sessionId,
                now.plus(issuer.accessTtl()),
                sessionEnd);
    }

    /**
     * Exchanges a refresh token for a new pair in the same session; the presented refresh token is used up.
     *
     * @throws TokenException {@code REVOKED} when the session ended, or when this refresh token was already used (the
     *     session is then revoked); {@code EXPIRED}, {@code INVALID} or {@code MALFORMED} for a bad token
     */
    public TokenPair refresh(String refreshToken) throws TokenException {
        VerifiedToken token = verifier.verifyRefresh(refreshToken);
        Session session = liveSession(token);
        Instant now = clock.instant();
        String next = TraceIds.newTraceId();
        if (!sessions.rotateRefresh(session.id(), token.tokenId().orElse(""), next, now)) {
            sessions.revoke(session.id(), now);
            throw new TokenException(TokenException.Reason.REVOKED, "refresh token reused: session revoked");
        }
        TokenRequest request = requestOf(token);
        return new TokenPair(
                issuer.accessToken(request, session.id()),
                issuer.refreshToken(request, session.id(), next, session.expiresAt()),
                session.id(),
                now.plus(issuer.accessTtl()),
                session.expiresAt());
    }

    /** Revokes a session: its refresh token and the renewal of its access tokens stop working at once. */
    public void revoke(String sessionId) {
        sessions.revoke(Objects.requireNonNull(sessionId, "sessionId"), clock.instant());
    }

    /**
     * Verifies an access token and its session; renews it in flight when it expired within the renewal window and
     * its session is live (see the class description).
     *
     * @throws TokenException {@code REVOKED} for a revoked or ended session; {@code EXPIRED} when it expired and
     *     cannot be renewed; otherwise as {@link TokenVerifier#verify(String)}
     */
    public Authentication authenticate(String accessToken) throws TokenException {
        try {
            VerifiedToken token = verifier.verify(accessToken);
            if (token.sessionId().isPresent()) {
                liveSession(token);
            }
            return new Authentication(token, null);
        } catch (TokenException e) {
            VerifiedToken expired = e.expiredToken();
            if (e.reason() != TokenException.Reason.EXPIRED || expired == null) {
                throw e;
            }
            return new Authentication(expired, renew(expired, e));
        }
    }

    /** The verifier behind {@link #authenticate(String)}, for tokens checked without sessions. */
    public TokenVerifier verifier() {
        return verifier;
    }

    /** The issuer, for session-less tokens (e.g. short-lived service tokens). */
    public TokenIssuer issuer() {
        return issuer;
    }

    /** How many in-flight renewals this service has issued. */
    public long renewals() {
        return renewalCount.get();
    }

    private String renew(VerifiedToken expired, TokenException cause) throws TokenException {
        Instant now = clock.instant();
        if (expired.sessionId().isEmpty()
                || expired.expiresAt().plus(renewalWindow).isBefore(now)) {
            throw cause;
        }
        liveSession(expired);
        String key = expired.tokenId().orElseGet(expired::token);
        Renewal mine = new Renewal(now.plusSeconds(RENEWAL_REUSE_SECONDS));
        Renewal shared =
                renewals.compute(key, (k, existing) -> existing == null || existing.staleAt(now) ? mine : existing);
        if (shared == mine) {
            if (renewals.size() > RENEWAL_SWEEP_SIZE) {
                renewals.values().removeIf(renewal -> renewal.staleAt(now));
            }
            try {
                String renewed = issuer.accessToken(
                        requestOf(expired), expired.sessionId().get());
                renewalCount.incrementAndGet();
                mine.result.complete(renewed);
            } catch (RuntimeException e) {
                renewals.remove(key, mine);
                mine.result.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return shared.result.join();
        } catch (CompletionException e) {
            throw new TokenException(TokenException.Reason.UNAVAILABLE, "renewal failed", null, null);
        }
    }

    private Session liveSession(VerifiedToken token) throws TokenException {
        String sessionId = token.sessionId()
                .orElseThrow(() -> new TokenException(TokenException.Reason.INVALID, "no session in the token"));
        Optional<Session> found;
        try {
            found = sessions.find(sessionId);
        } catch (RuntimeException e) {
            throw new TokenException(TokenException.Reason.UNAVAILABLE, "the session store failed", null, null);
        }
        Session session =
                found.orElseThrow(() -> new TokenException(TokenException.Reason.REVOKED, "session not found"));
        if (!session.isLive(clock.instant())) {
            throw new TokenException(TokenException.Reason.REVOKED, "session revoked or ended");
        }
        if (!session.subject().equals(token.subject())
                || !session.entityType().equals(token.entityType().orElse(""))) {
            throw new TokenException(TokenException.Reason.INVALID, "token does not match its session");
        }
        return session;
    }

    private static TokenRequest requestOf(VerifiedToken token) throws TokenException {
        String entity = token.entityType()
                .orElseThrow(() -> new TokenException(TokenException.Reason.INVALID, "no entity type in the token"));
        TokenRequest request = TokenRequest.of(entity, token.subject());
        if (token.tenant().isPresent()) {
            request = request.withTenant(token.tenant().get());
        }
        for (Map.Entry<String, Object> claim : token.claims().entrySet()) {
            if (!TokenRequest.isReserved(claim.getKey())) {
                request = request.withClaim(claim.getKey(), claim.getValue());
            }
        }
        return request;
    }

    private static final class Renewal {
        final Instant reuseUntil;
        final CompletableFuture<String> result = new CompletableFuture<>();

        Renewal(Instant reuseUntil) {
            this.reuseUntil = reuseUntil;
        }

        boolean staleAt(Instant now) {
            return result.isDone() && (result.isCompletedExceptionally() || now.isAfter(reuseUntil));
        }
    }

    @Override
    public String toString() {
        return "TokenService{issuer=" + issuer + ", sessions=" + sessions + "}";
    }
}
