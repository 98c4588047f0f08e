package dev.corekit.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.session.SessionStore;
import dev.corekit.config.Config;
import dev.corekit.context.ContextExecutors;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final AuthSettings settings =
            AuthSettings.custom(Config.defaultsOnly()).build();
    private final SigningKey key = SigningKey.generate("k1", Algorithm.ES256);
    private final SessionStore store = SessionStore.inMemory();
    private final TokenService tokens = TokenService.of(key, KeySet.of(key.verificationKey()), store, settings, clock);

    @Test
    void loginIssuesAPairWhoseAccessTokenAuthenticates() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42").withClaim("plan", "gold"));

        Authentication auth = tokens.authenticate(pair.accessToken());

        assertThat(auth.token().sessionId()).contains(pair.sessionId());
        assertThat(auth.token().claim("plan")).contains("gold");
        assertThat(auth.renewedAccessToken()).isEmpty();
        assertThat(pair.toString()).doesNotContain(pair.accessToken()).doesNotContain(pair.refreshToken());
    }

    @Test
    void aRefreshTokenWorksOnceAndReusingItRevokesTheSession() throws Exception {
        TokenPair first = tokens.login(TokenRequest.of("user", "42"));

        TokenPair second = tokens.refresh(first.refreshToken());
        assertThat(second.sessionId()).isEqualTo(first.sessionId());
        assertThat(tokens.authenticate(second.accessToken()).token().subject()).isEqualTo("42");

        assertThatThrownBy(() -> tokens.refresh(first.refreshToken()))
                .isInstanceOfSatisfying(
                        TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.REVOKED));
        assertThatThrownBy(() -> tokens.authenticate(second.accessToken()))
                .isInstanceOfSatisfying(
                        TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.REVOKED));
    }

    @Test
    void refreshAndAccessTokensCannotStandInForEachOther() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));

        assertThatThrownBy(() -> tokens.authenticate(pair.refreshToken())).hasMessage("token type not accepted");
        assertThatThrownBy(() -> tokens.refresh(pair.accessToken())).hasMessage("not a refresh token");
    }

    @Test
    void revokingASessionStopsItsAccessTokensAndTheirRenewal() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        tokens.revoke(pair.sessionId());

        assertThatThrownBy(() -> tokens.authenticate(pair.accessToken())).hasMessage("session revoked or ended");
        clock.advance(Duration.ofMinutes(20));
        assertThatThrownBy(() -> tokens.authenticate(pair.accessToken())).hasMessage("session revoked or ended");
        assertThat(tokens.renewals()).isZero();
    }

    @Test
    void anExpiredTokenOfALiveSessionIsRenewedInFlight() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42").withTenant("acme"));
        clock.advance(Duration.ofMinutes(20));

        Authentication auth = tokens.authenticate(pair.accessToken());

        String renewed = auth.renewedAccessToken().orElseThrow();
        VerifiedToken fresh = tokens.verifier().verify(renewed);
        assertThat(fresh.subject()).isEqualTo("42");
        assertThat(fresh.tenant()).contains("acme");
        assertThat(fresh.sessionId()).contains(pair.sessionId());
        assertThat(fresh.expiresAt()).isEqualTo(clock.instant().plus(AuthSettings.DEFAULT_ACCESS_TOKEN_TTL));
        assertThat(tokens.renewals()).isEqualTo(1);
    }

    @Test
    void aTokenExpiredLongerThanTheRenewalWindowIsNotRenewed() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        clock.advance(AuthSettings.DEFAULT_ACCESS_TOKEN_TTL
                .plus(AuthSettings.DEFAULT_RENEWAL_WINDOW)
                .plusMinutes(2));

        assertThatThrownBy(() -> tokens.authenticate(pair.accessToken()))
                .isInstanceOfSatisfying(
                        TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.EXPIRED));
    }

    @Test
    void fiveHundredConcurrentCallsWithOneExpiredTokenRenewExactlyOnceAndAllSucceed() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        clock.advance(Duration.ofMinutes(20));
        int calls = 500;
        ExecutorService pool = ContextExecutors.newFixedThreadPool("renewal-test", 64);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return tokens.authenticate(pair.accessToken())
                            .renewedAccessToken()
                            .orElseThrow();
                }));
            }
            start.countDown();
            Set<String> renewed = new HashSet<>();
            for (Future<String> result : results) {
                renewed.add(result.get(30, TimeUnit.SECONDS));
            }
            assertThat(renewed).hasSize(1);
            assertThat(tokens.renewals()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
