package dev.corekit.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.corekit.auth.AuthSettings;
import dev.corekit.config.Config;
import dev.corekit.context.ContextExecutors;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWKS key set against a real local HTTP JWKS endpoint that counts fetches and can fail on demand. */
class JwksKeySetTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final AuthSettings settings =
            AuthSettings.custom(Config.defaultsOnly()).build();
    private final SigningKey current = SigningKey.generate("k-current", Algorithm.ES256);
    private final SigningKey next = SigningKey.generate("k-next", Algorithm.RS256);
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile List<SigningKey> published = List.of(current);
    private volatile boolean down;
    private HttpServer server;
    private KeySet keys;
    private TokenVerifier verifier;

    @BeforeEach
    void startJwksServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            if (down) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            String body =
                    published.stream().map(SigningKey::publicJwk).collect(Collectors.joining(",", "{\"keys\":[", "]}"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        keys = KeySet.jwks(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json"), settings, clock);
        verifier = TokenVerifier.of(keys, settings, clock);
    }

    @AfterEach
    void stop() {
        keys.close();
        server.stop(0);
    }

    private String tokenOf(SigningKey key) {
        return TokenIssuer.of(key, settings, clock).accessToken(TokenRequest.of("user", "42"), null);
    }

    @Test
    void aRotatedKeyIsPickedUpByOneRefreshOnItsUnknownKid() throws Exception {
        assertThat(verifier.verify(tokenOf(current)).keyId()).contains("k-current");
        assertThat(fetches).hasValue(1);

        published = List.of(current, next);

        assertThat(verifier.verify(tokenOf(next)).keyId()).contains("k-next");
        assertThat(fetches).hasValue(2);
        assertThat(verifier.verify(tokenOf(current)).keyId()).contains("k-current");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aFloodOfOneThousandUnknownKidsCausesAtMostOneFetchPerCooldown() throws Exception {
        verifier.verify(tokenOf(current));
        assertThat(fetches).hasValue(1);
        clock.advance(
                settings.jwksRefreshCooldown().plusSeconds(1)); // a fresh rate-limit window: nimbus alone allows 2
        ExecutorService pool = ContextExecutors.newFixedThreadPool("kid-flood", 8);
        try {
            List<Future<TokenException.Reason>> results = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                SigningKey attacker = SigningKey.hmac(
                        UUID.randomUUID().toString(), Algorithm.HS256, dev.corekit.config.Secret.of("x".repeat(32)));
                String token =
                        TokenIssuer.of(attacker, settings, clock).accessToken(TokenRequest.of("user", "1"), null);
                results.add(pool.submit(() -> {
                    try {
                        verifier.verify(token);
                        return null;
                    } catch (TokenException e) {
                        return e.reason();
                    }
                }));
            }
            for (Future<TokenException.Reason> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(TokenException.Reason.INVALID);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fetches.get() - 1).as("fetches caused by the flood").isLessThanOrEqualTo(1);
        int afterFlood = fetches.get();

        clock.advance(settings.jwksRefreshCooldown().plusSeconds(1));
        published = List.of(current, next);
        assertThat(verifier.verify(tokenOf(next)).keyId()).contains("k-next");
        assertThat(fetches).hasValue(afterFlood + 1);
    }

    @Test
    void cachedKeysKeepVerifyingThroughAJwksOutage() throws Exception {
        verifier.verify(tokenOf(current));
        down = true;

        assertThat(verifier.verify(tokenOf(current)).subject()).isEqualTo("42");

        clock.advance(settings.jwksCacheTtl().plus(Duration.ofMinutes(1)));
        int before = fetches.get();
        assertThat(verifier.verify(tokenOf(current)).subject()).isEqualTo("42");
        assertThat(fetches.get())
                .as("the expired cache was refetched, and the fetch failed")
                .isGreaterThan(before);
    }

    @Test
    void withNothingCachedAnOutageMakesVerificationUnavailableNotInvalid() {
        down = true;

        assertThatThrownBy(() -> verifier.verify(tokenOf(current))).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.reason()).isEqualTo(TokenException.Reason.UNAVAILABLE);
            assertThat(e.retryable()).isTrue();
        });
    }
}
