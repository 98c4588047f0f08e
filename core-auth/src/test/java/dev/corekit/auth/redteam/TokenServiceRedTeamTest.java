package dev.corekit.auth.redteam;

import static dev.corekit.auth.redteam.Rt.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.session.SessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.Authentication;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenException;
import dev.corekit.auth.token.TokenException.Reason;
import dev.corekit.auth.token.TokenIssuer;
import dev.corekit.auth.token.TokenPair;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.auth.token.TokenVerifier;
import dev.corekit.auth.token.VerifiedToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Red team against {@link TokenService}: sessions, refresh rotation, revocation and in-flight renewal. */
class TokenServiceRedTeamTest {
    static final Duration TTL = Duration.ofMinutes(5);
    static final Duration SKEW = Duration.ofSeconds(60);
    static final Duration WINDOW = Duration.ofMinutes(30);
    static final Duration REFRESH_TTL = Duration.ofDays(1);

    final Rt.RtClock clock = new Rt.RtClock(T0);
    final AuthSettings settings = Rt.settings()
            .issuer(Rt.ISSUER)
            .audience(Rt.AUDIENCE)
            .accessTokenTtl(TTL)
            .clockSkew(SKEW)
            .renewalWindow(WINDOW)
            .refreshTokenTtl(REFRESH_TTL)
            .build();
    final SigningKey key = SigningKey.generate("k1", Algorithm.ES256);
    final SessionStore sessions = SessionStore.inMemory();
    final TokenService tokens = TokenService.of(key, KeySet.of(key.verificationKey()), sessions, settings, clock);
    final ExecutorService pool = Executors.newFixedThreadPool(32);

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
    }

    static TokenException refused(ThrowingSupplier<?> action) {
        Object accepted;
        try {
            accepted = action.get();
        } catch (TokenException e) {
            return e;
        } catch (RuntimeException e) {
            throw new AssertionError("threw " + e + " instead of a TokenException", e);
        }
        throw new AssertionError("ACCEPTED: " + accepted);
    }

    interface ThrowingSupplier<T> {
        T get() throws TokenException;
    }

    TokenPair login() {
        return tokens.login(TokenRequest.of("user", "42").withTenant("acme"));
    }

    /** Moves the clock so that the access token of a login made at T0 is expired by {@code by} beyond exp + skew. */
    void expireAccessBy(Duration by) throws Exception {
        clock.set(T0.plus(TTL).plus(SKEW).plus(by));
    }

    // ---------------------------------------------------------------- token kinds

    // TokenVerifier.REFRESH_TOKEN_TYPE: "The typ of corekit's refresh tokens; never accepted as an access token."
    @Test
    void aRefreshTokenIsNeverAcceptedAsAnAccessToken() throws Exception {
        TokenPair pair = login();
        assertThat(refused(() -> tokens.authenticate(pair.refreshToken())).reason())
                .isIn(Reason.INVALID, Reason.MALFORMED);
        assertThat(refused(() -> tokens.verifier().verify(pair.refreshToken())).reason())
                .isIn(Reason.INVALID, Reason.MALFORMED);
    }

    // refresh: "Exchanges a refresh token for a new pair" -- "Throws: ... INVALID or MALFORMED for a bad token". An
    // access token is not a refresh token, and presenting one must not burn the real refresh token.
    @Test
    void anAccessTokenIsNotARefreshTokenAndDoesNotBurnTheSession() throws Exception {
        TokenPair pair = login();
        assertThat(refused(() -> tokens.refresh(pair.accessToken())).reason()).isIn(Reason.INVALID, Reason.MALFORMED);
        TokenPair next = tokens.refresh(pair.refreshToken());
        assertThat(next.sessionId()).isEqualTo(pair.sessionId());
        assertThat(tokens.authenticate(next.accessToken()).token().subject()).isEqualTo("42");
    }

    // TokenService: "a refresh token works once: presenting a used one again revokes the session, as a stolen-token
    // signal"
    @Test
    void aReusedRefreshTokenRevokesTheWholeSession() throws Exception {
        TokenPair first = login();
        TokenPair second = tokens.refresh(first.refreshToken());
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(refused(() -> tokens.refresh(first.refreshToken())).reason()).isEqualTo(Reason.REVOKED);
        assertThat(refused(() -> tokens.refresh(second.refreshToken())).reason())
                .isEqualTo(Reason.REVOKED);
        assertThat(refused(() -> tokens.authenticate(second.accessToken())).reason())
                .isEqualTo(Reason.REVOKED);
        assertThat(refused(() -> tokens.authenticate(first.accessToken())).reason())
                .isEqualTo(Reason.REVOKED);
    }

    // refresh: "REVOKED when the session ended, or when this refresh token was already used (the session is then
    // revoked); EXPIRED, INVALID or MALFORMED for a bad token" -- a forged refresh token naming a live session and its
    // current jti is INVALID and must not revoke the session (no revocation by anyone who knows a session id).
    @Test
    void aForgedRefreshTokenNeitherWorksNorRevokesTheSession() throws Exception {
        TokenPair pair = login();
        Map<String, Object> real = TokenVerifier.unverifiedClaims(pair.refreshToken());
        SignedJWT parsed = SignedJWT.parse(pair.refreshToken());
        java.security.KeyPair attacker = Rt.ec("secp256r1");
        com.nimbusds.jwt.JWTClaimsSet.Builder claims = new com.nimbusds.jwt.JWTClaimsSet.Builder();
        real.forEach(claims::claim);
        claims.issueTime(java.util.Date.from(clock.instant()))
                .expirationTime(java.util.Date.from(clock.instant().plusSeconds(3600)));
        String forged = Rt.sign(
                new com.nimbusds.jose.JWSHeader.Builder(parsed.getHeader()).build(),
                claims.build(),
                new com.nimbusds.jose.crypto.ECDSASigner(
                        (java.security.interfaces.ECPrivateKey) attacker.getPrivate()));
        assertThat(refused(() -> tokens.refresh(forged)).reason()).isIn(Reason.INVALID, Reason.MALFORMED);
        assertThat(tokens.authenticate(pair.accessToken()).token().subject()).isEqualTo("42");
        assertThat(tokens.refresh(pair.refreshToken()).sessionId()).isEqualTo(pair.sessionId());
    }

    // SessionStore: "rotateRefresh ... is atomic (compare-and-set), so a refresh token can be used only once."
    @Test
    void concurrentRefreshesOfOneTokenSucceedExactlyOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            TokenPair pair = login();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        tokens.refresh(pair.refreshToken());
                        return true;
                    } catch (TokenException e) {
                        return false;
                    }
                }));
            }
            go.countDown();
            int wins = 0;
            for (Future<Boolean> f : results) {
                wins += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(wins).as("round " + round).isEqualTo(1);
        }
    }

    // revoke: "Revokes a session: its refresh token and the renewal of its access tokens stop working at once." /
    // authenticate: "REVOKED for a revoked or ended session"
    @Test
    void revocationStopsUnexpiredAccessTokensAndTheRefreshTokenAtOnce() throws Exception {
        TokenPair pair = login();
        assertThat(tokens.authenticate(pair.accessToken()).renewedAccessToken()).isEmpty();
        tokens.revoke(pair.sessionId());
        assertThat(refused(() -> tokens.authenticate(pair.accessToken())).reason())
                .isEqualTo(Reason.REVOKED);
        assertThat(refused(() -> tokens.refresh(pair.refreshToken())).reason()).isEqualTo(Reason.REVOKED);
        // a plain verifier (no sessions) still accepts it: the session check is the service's job
        assertThat(tokens.verifier().verify(pair.accessToken()).sessionId()).contains(pair.sessionId());
    }

    // ---------------------------------------------------------------- in-flight renewal

    // "An access token that is correctly signed and otherwise valid but expired (by at most
    // corekit.auth.renewal-window) whose session is live is accepted, and a new access token is issued for it" /
    // Authentication.token(): "(for a renewed call: the expired one, whose signature and claims were checked)"
    @Test
    void anExpiredTokenOfALiveSessionIsRenewedWithTheSameIdentity() throws Exception {
        TokenPair pair = login();
        expireAccessBy(Duration.ofSeconds(5));
        assertThat(refused(() -> tokens.verifier().verify(pair.accessToken())).reason())
                .isEqualTo(Reason.EXPIRED);

        Authentication auth = tokens.authenticate(pair.accessToken());

        assertThat(auth.renewedAccessToken()).isPresent();
        assertThat(auth.token().expiresAt()).isBefore(clock.instant());
        VerifiedToken renewed =
                tokens.verifier().verify(auth.renewedAccessToken().orElseThrow());
        VerifiedToken old = auth.token();
        assertThat(renewed.subject()).isEqualTo(old.subject());
        assertThat(renewed.entityType()).isEqualTo(old.entityType());
        assertThat(renewed.sessionId()).isEqualTo(old.sessionId()).contains(pair.sessionId());
        assertThat(renewed.tenant()).contains("acme");
        assertThat(renewed.expiresAt()).isAfter(clock.instant());
        assertThat(tokens.renewals()).isEqualTo(1);
    }

    // "expired (by at most corekit.auth.renewal-window)" / AuthSettings.renewalWindow: "how long after its expiry an
    // access token of a live session is still renewed in flight"
    @Test
    void theRenewalWindowIsHonouredOnBothSides() throws Exception {
        TokenPair inside = login();
        clock.set(T0.plus(TTL).plus(WINDOW).minusSeconds(5));
        assertThat(tokens.authenticate(inside.accessToken()).renewedAccessToken())
                .isPresent();

        clock.set(T0);
        TokenPair outside = login();
        clock.set(T0.plus(TTL).plus(WINDOW).plus(SKEW).plusSeconds(5));
        assertThat(refused(() -> tokens.authenticate(outside.accessToken())).reason())
                .isEqualTo(Reason.EXPIRED);
        assertThat(tokens.renewals()).isEqualTo(1);
    }

    // "Concurrent calls with the same expired token share one renewal (single-flight), and later calls with it within
    // 60 seconds get the same renewed token, so a burst of calls renews once." (issue 17: "500 concurrent calls with
    // one expired token → exactly 1 renewal, all 500 succeed")
    @Test
    void fiveHundredConcurrentCallsWithOneExpiredTokenRenewOnceAndAllSucceed() throws Exception {
        TokenPair pair = login();
        expireAccessBy(Duration.ofSeconds(5));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return tokens.authenticate(pair.accessToken())
                        .renewedAccessToken()
                        .orElse("NONE");
            }));
        }
        go.countDown();
        Set<String> renewed = ConcurrentHashMap.newKeySet();
        for (Future<String> f : results) {
            renewed.add(f.get(60, TimeUnit.SECONDS));
        }
        assertThat(renewed).hasSize(1).doesNotContain("NONE");
        assertThat(tokens.renewals()).isEqualTo(1);
    }

    // "Concurrent calls with the same expired token share one renewal (single-flight)" -- keyed by token: many
    // sessions renewing at once each get one renewal of their own, never another session's token.
    @Test
    void concurrentRenewalsOfManySessionsNeverCrossTokens() throws Exception {
        int sessionsCount = 100;
        List<TokenPair> pairs = new ArrayList<>();
        for (int i = 0; i < sessionsCount; i++) {
            pairs.add(tokens.login(TokenRequest.of("user", "u" + i)));
        }
        expireAccessBy(Duration.ofSeconds(5));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < sessionsCount; i++) {
                TokenPair pair = pairs.get(i);
                String expected = "u" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    Authentication auth = tokens.authenticate(pair.accessToken());
                    String renewed = auth.renewedAccessToken().orElseThrow();
                    VerifiedToken t = tokens.verifier().verify(renewed);
                    if (!t.subject().equals(expected)
                            || !t.sessionId().orElse("").equals(pair.sessionId())) {
                        return "CROSSED " + expected + " got " + t.subject();
                    }
                    return renewed;
                }));
            }
        }
        go.countDown();
        Set<String> distinct = ConcurrentHashMap.newKeySet();
        for (Future<String> f : results) {
            String r = f.get(60, TimeUnit.SECONDS);
            assertThat(r).doesNotStartWith("CROSSED");
            distinct.add(r);
        }
        assertThat(distinct).hasSize(sessionsCount);
        assertThat(tokens.renewals()).isEqualTo(sessionsCount);
    }

    // "later calls with it within 60 seconds get the same renewed token" / RENEWAL_REUSE_SECONDS
    @Test
    void laterCallsWithinTheReusePeriodGetTheSameRenewedToken() throws Exception {
        assertThat(TokenService.RENEWAL_REUSE_SECONDS).isEqualTo(60);
        TokenPair pair = login();
        expireAccessBy(Duration.ofSeconds(5));
        String first =
                tokens.authenticate(pair.accessToken()).renewedAccessToken().orElseThrow();
        clock.advance(Duration.ofSeconds(50));
        String second =
                tokens.authenticate(pair.accessToken()).renewedAccessToken().orElseThrow();
        assertThat(second).isEqualTo(first);
        assertThat(tokens.renewals()).isEqualTo(1);
    }

    // Session: "revoking it stops both its refresh token and the in-flight renewal of its access tokens" / revoke:
    // "stop working at once" -- even while a renewed token is being handed out for 60 s.
    @Test
    void revocationStopsRenewalEvenWhenARenewedTokenIsCached() throws Exception {
        TokenPair pair = login();
        expireAccessBy(Duration.ofSeconds(5));
        String renewed =
                tokens.authenticate(pair.accessToken()).renewedAccessToken().orElseThrow();
        tokens.revoke(pair.sessionId());
        assertThat(refused(() -> tokens.authenticate(pair.accessToken())).reason())
                .isEqualTo(Reason.REVOKED);
        assertThat(refused(() -> tokens.authenticate(renewed)).reason()).isEqualTo(Reason.REVOKED);
    }

    // revoke: "its refresh token and the renewal of its access tokens stop working at once" -- racing renewals.
    @Test
    void renewalRacingRevocationNeverSucceedsAfterRevokeReturned() throws Exception {
        for (int round = 0; round < 5; round++) {
            clock.set(T0);
            TokenPair pair = login();
            expireAccessBy(Duration.ofSeconds(5));
            AtomicBoolean revoked = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger violations = new AtomicInteger();
            Set<String> minted = ConcurrentHashMap.newKeySet();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        boolean after = revoked.get();
                        try {
                            tokens.authenticate(pair.accessToken())
                                    .renewedAccessToken()
                                    .ifPresent(minted::add);
                            if (after) {
                                violations.incrementAndGet();
                            }
                        } catch (TokenException e) {
                            // expected once revoked
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(20);
            tokens.revoke(pair.sessionId());
            revoked.set(true);
            Thread.sleep(50);
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.SECONDS);
            }
            assertThat(violations)
                    .as("round " + round + ": calls accepted after revoke returned")
                    .hasValue(0);
            for (String token : minted) {
                assertThat(refused(() -> tokens.authenticate(token)).reason()).isEqualTo(Reason.REVOKED);
            }
        }
    }

    // "An access token ... whose session is live is accepted" -- a token without a session has nothing to renew.
    @Test
    void aSessionLessExpiredTokenIsNotRenewed() throws Exception {
        String sessionLess = tokens.issuer().accessToken(TokenRequest.of("service", "billing"), null);
        expireAccessBy(Duration.ofSeconds(5));
        assertThat(refused(() -> tokens.authenticate(sessionLess)).reason()).isEqualTo(Reason.EXPIRED);
        assertThat(tokens.renewals()).isZero();
    }

    // "An access token that is correctly signed ... is accepted" -- a forged one (same kid, attacker's key, real sid)
    // is never renewed.
    @Test
    void aForgedExpiredTokenNamingALiveSessionIsNeverRenewed() throws Exception {
        TokenPair pair = login();
        SigningKey attacker = SigningKey.generate("k1", Algorithm.ES256);
        String forged = TokenIssuer.of(attacker, settings, clock)
                .accessToken(TokenRequest.of("user", "admin"), pair.sessionId());
        assertThat(refused(() -> tokens.authenticate(forged)).reason()).isEqualTo(Reason.INVALID);
        expireAccessBy(Duration.ofSeconds(5));
        assertThat(refused(() -> tokens.authenticate(forged)).reason()).isEqualTo(Reason.INVALID);
        assertThat(tokens.renewals()).isZero();
    }

    // authenticate: "Verifies an access token and its session" -- "REVOKED for a revoked or ended session"; a session
    // id nobody ever started is not a live session.
    @Test
    void aTokenNamingAnUnknownSessionIsRejectedAndNeverRenewed() throws Exception {
        String ghost = tokens.issuer().accessToken(TokenRequest.of("user", "42"), "no-such-session");
        assertThat(refused(() -> tokens.authenticate(ghost)).reason()).isIn(Reason.REVOKED, Reason.INVALID);
        expireAccessBy(Duration.ofSeconds(5));
        assertThat(refused(() -> tokens.authenticate(ghost)).reason())
                .isIn(Reason.REVOKED, Reason.INVALID, Reason.EXPIRED);
        assertThat(tokens.renewals()).isZero();
    }

    // Session: "A session is live until it expires or is revoked" / refreshTokenTtl: "how long a refresh token, and the
    // session it belongs to, lives"
    @Test
    void anEndedSessionIsNeitherRenewedNorRefreshed() throws Exception {
        TokenPair pair = login();
        // the session ends; make the renewal window wide enough that only the session's end can refuse the renewal
        AuthSettings wide = Rt.settings()
                .accessTokenTtl(TTL)
                .clockSkew(SKEW)
                .renewalWindow(Duration.ofDays(30))
                .refreshTokenTtl(REFRESH_TTL)
                .issuer(Rt.ISSUER)
                .audience(Rt.AUDIENCE)
                .build();
        TokenService sameStore = TokenService.of(key, KeySet.of(key.verificationKey()), sessions, wide, clock);
        clock.set(T0.plus(REFRESH_TTL).plusSeconds(10));
        assertThat(refused(() -> sameStore.authenticate(pair.accessToken())).reason())
                .isIn(Reason.REVOKED, Reason.EXPIRED);
        assertThat(refused(() -> sameStore.refresh(pair.refreshToken())).reason())
                .isIn(Reason.REVOKED, Reason.EXPIRED);
        assertThat(sameStore.renewals()).isZero();
    }

    // ---------------------------------------------------------------- issued tokens

    // TokenIssuer: "Signs access tokens (type at+jwt, RFC 9068) and refresh tokens (type "refresh+jwt") ... Access
    // tokens carry iss, aud (when configured), sub, ent, sid, tid (when set), jti, iat and exp."
    @Test
    void issuedTokensCarryTheDocumentedTypesAndClaims() throws Exception {
        TokenPair pair = login();
        SignedJWT access = SignedJWT.parse(pair.accessToken());
        SignedJWT refresh = SignedJWT.parse(pair.refreshToken());
        assertThat(access.getHeader().getType().getType())
                .isEqualToIgnoringCase(TokenIssuer.ACCESS_TOKEN_TYPE)
                .isEqualToIgnoringCase("at+jwt");
        assertThat(refresh.getHeader().getType().getType()).isEqualToIgnoringCase("refresh+jwt");
        assertThat(access.getHeader().getKeyID()).isEqualTo("k1");
        Map<String, Object> claims = access.getJWTClaimsSet().getClaims();
        assertThat(claims).containsKeys("iss", "aud", "sub", "ent", "sid", "tid", "jti", "iat", "exp");
        assertThat(claims)
                .containsEntry("sub", "42")
                .containsEntry("ent", "user")
                .containsEntry("tid", "acme")
                .containsEntry("sid", pair.sessionId())
                .containsEntry("iss", Rt.ISSUER);
        assertThat(pair.accessExpiresAt()).isEqualTo(T0.plus(TTL));
        assertThat(pair.refreshExpiresAt()).isEqualTo(T0.plus(REFRESH_TTL));
        assertThat(TokenVerifier.unverifiedClaims(pair.accessToken())).containsEntry("sub", "42");
    }

    // TokenRequest.withClaim: "IllegalArgumentException - for a registered or corekit claim name (sub, exp, ent, sid,
    // ...), which corekit sets itself"
    @ParameterizedTest
    @ValueSource(strings = {"sub", "exp", "ent", "sid", "tid", "iss", "aud", "jti", "iat", "nbf"})
    void extraClaimsCannotOverrideRegisteredOrCorekitClaims(String name) throws Exception {
        assertThatThrownBy(() -> TokenRequest.of("user", "42").withClaim(name, "admin"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // TokenRequest.of: "unless the entity type is lower-case letters, digits and -, and the subject is 1 to 256
    // characters"
    @Test
    void tokenRequestValidatesEntityTypeAndSubject() throws Exception {
        assertThat(TokenRequest.of("user-2", "s".repeat(256)).subject()).hasSize(256);
        for (String[] bad : new String[][] {
            {"User", "42"}, {"user:admin", "42"}, {"", "42"}, {"user", ""}, {"user", "s".repeat(257)}, {"us er", "1"}
        }) {
            assertThatThrownBy(() -> TokenRequest.of(bad[0], bad[1]))
                    .as(String.join("/", bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // TokenPair: "toString() shows neither token."
    @Test
    void tokenPairToStringShowsNeitherToken() throws Exception {
        TokenPair pair = login();
        for (String token : List.of(pair.accessToken(), pair.refreshToken())) {
            for (String part : token.split("\\.")) {
                assertThat(pair.toString()).doesNotContain(part);
            }
        }
    }

    // Session.toString(): "Ids and times only; the refresh id is left out."
    @Test
    void sessionToStringLeavesTheRefreshIdOut() throws Exception {
        TokenPair pair = login();
        var session = sessions.find(pair.sessionId()).orElseThrow();
        assertThat(session.refreshId()).isNotBlank();
        assertThat(session.toString()).doesNotContain(session.refreshId()).contains(pair.sessionId());
    }
}
