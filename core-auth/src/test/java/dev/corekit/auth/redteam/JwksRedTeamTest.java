package dev.corekit.auth.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.TokenException;
import dev.corekit.auth.token.TokenException.Reason;
import dev.corekit.auth.token.TokenVerifier;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Red team against a JWKS {@link KeySet}, with a real local HTTP JWKS endpoint that counts fetches. */
class JwksRedTeamTest {
    static final KeyPair RSA = Rt.rsa(2048);
    static final KeyPair ATTACKER = Rt.ec("secp256r1");
    static final String GOOD_JWKS = "{\"keys\":["
            + new RSAKey.Builder((RSAPublicKey) RSA.getPublic())
                    .keyID("idp-1")
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .build()
                    .toJSONString()
            + "]}";

    final AtomicInteger fetches = new AtomicInteger();
    /** One permit per fetch served, for tests that wait for fetches to happen. */
    final Semaphore served = new Semaphore(0);

    volatile String document = GOOD_JWKS;
    volatile int status = 200;
    volatile long delayMillis;
    HttpServer server;
    ExecutorService serverPool;
    URI uri;
    final List<KeySet> keySets = new ArrayList<>();
    final ExecutorService pool = Executors.newFixedThreadPool(16);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        serverPool = Executors.newFixedThreadPool(4);
        server.setExecutor(serverPool);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            try {
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
                if (bytes.length > 0) {
                    exchange.getResponseBody().write(bytes);
                }
            } catch (Exception e) {
                // client went away
            } finally {
                exchange.close();
                served.release();
            }
        });
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
    }

    @AfterEach
    void stop() throws Exception {
        keySets.forEach(KeySet::close);
        pool.shutdownNow();
        server.stop(0);
        serverPool.shutdownNow();
    }

    AuthSettings.Builder settings() {
        return Rt.settings().jwksRefreshCooldown(Duration.ofMinutes(2)).jwksTimeout(Duration.ofMillis(800));
    }

    TokenVerifier verifier(AuthSettings settings) {
        KeySet keys = KeySet.jwks(uri, settings);
        keySets.add(keys);
        return TokenVerifier.of(keys, settings);
    }

    static String idpToken(String kid) {
        return Rt.forge(
                JWSAlgorithm.RS256,
                kid,
                new RSASSASigner(RSA.getPrivate()),
                Instant.now(),
                h -> {},
                c -> c.issuer(null).audience((String) null));
    }

    static String attackerToken(String kid) throws Exception {
        return Rt.forge(
                JWSAlgorithm.ES256,
                kid,
                new ECDSASigner((ECPrivateKey) ATTACKER.getPrivate()),
                Instant.now(),
                h -> {},
                c -> c.issuer(null).audience((String) null));
    }

    // KeySet.jwks: "Nothing is fetched until the first token is verified." (control: then it verifies)
    @Test
    void nothingIsFetchedBeforeTheFirstTokenAndThenItVerifies() throws Exception {
        TokenVerifier v = verifier(settings().build());
        Thread.sleep(300);
        assertThat(fetches).hasValue(0);
        assertThat(v.verify(idpToken("idp-1")).keyId()).contains("idp-1");
        assertThat(fetches).hasValue(1);
    }

    // "concurrent callers share one fetch"
    @Test
    void concurrentColdCallersShareOneFetch() throws Exception {
        delayMillis = 200;
        TokenVerifier v = verifier(settings().build());
        String token = idpToken("idp-1");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return v.verify(token).subject();
            }));
        }
        go.countDown();
        for (Future<String> f : results) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("42");
        }
        assertThat(fetches).hasValue(1);
    }

    // "a token with an unknown kid causes at most one fetch per jwks-refresh-cooldown, whatever the number of kids or
    // callers, and tokens with unknown kids in between are rejected without a fetch" (issue 17: "1,000 random kids → at
    // most 1 JWKS fetch per cooldown")
    @Test
    void anUnknownKidFloodCausesAtMostOneFetchPerCooldown() throws Exception {
        TokenVerifier v = verifier(settings().build());
        assertThat(v.verify(idpToken("idp-1")).subject()).isEqualTo("42");
        assertThat(fetches).hasValue(1);
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            flood.add(attackerToken(UUID.randomUUID().toString()));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reason>> results = new ArrayList<>();
        for (String token : flood) {
            results.add(pool.submit(() -> {
                go.await();
                try {
                    v.verify(token);
                    return null;
                } catch (TokenException e) {
                    return e.reason();
                }
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Future<Reason> f : results) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(Reason.INVALID);
        }
        assertThat(fetches.get()).as("JWKS fetches for 1000 unknown kids").isLessThanOrEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        // the known key still verifies after the flood
        assertThat(v.verify(idpToken("idp-1")).subject()).isEqualTo("42");
    }

    // "a token with an unknown kid causes at most one fetch per jwks-refresh-cooldown" -- and (rotation) once the
    // cooldown has passed, an unknown kid does cause the fetch that picks the new key up.
    @Test
    void aRotatedKeyIsPickedUpAfterTheCooldown() throws Exception {
        TokenVerifier v =
                verifier(settings().jwksRefreshCooldown(Duration.ofSeconds(1)).build());
        assertThat(v.verify(idpToken("idp-1")).subject()).isEqualTo("42");
        KeyPair next = Rt.rsa(2048);
        document = "{\"keys\":["
                + new RSAKey.Builder((RSAPublicKey) RSA.getPublic())
                        .keyID("idp-1")
                        .build()
                        .toJSONString() + ","
                + new RSAKey.Builder((RSAPublicKey) next.getPublic())
                        .keyID("idp-2")
                        .build()
                        .toJSONString() + "]}";
        Thread.sleep(1500);
        String rotated = Rt.forge(
                JWSAlgorithm.RS256,
                "idp-2",
                new RSASSASigner(next.getPrivate()),
                Instant.now(),
                h -> {},
                c -> c.issuer(null).audience((String) null));
        assertThat(v.verify(rotated).keyId()).contains("idp-2");
        assertThat(fetches.get()).isLessThanOrEqualTo(2);
    }

    // KeySet: "the refresh is scheduled after every successful fetch and runs whether or not tokens arrive" and
    // "close() cancels the scheduled refresh and stops that thread, after which the set fetches nothing more by
    // itself".
    // Two sets on the same schedule (TTL 10 s, refresh-ahead 8 s, timeout 0.8 s: a refresh 1.2 s after each fetch);
    // once the open one has refreshed twice with no traffic, the closed one would have refreshed at least once.
    @Test
    void closingAJwksKeySetStopsItsBackgroundRefresh() throws Exception {
        AuthSettings s = settings()
                .jwksCacheTtl(Duration.ofSeconds(10))
                .jwksRefreshAhead(Duration.ofSeconds(8))
                .jwksRefreshCooldown(Duration.ofSeconds(1))
                .build();
        AtomicInteger closedFetches = new AtomicInteger();
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/jwks.json", exchange -> {
            closedFetches.incrementAndGet();
            byte[] bytes = GOOD_JWKS.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        other.start();
        try {
            KeySet closedSet = KeySet.jwks(
                    URI.create("http://127.0.0.1:" + other.getAddress().getPort() + "/jwks.json"), s);
            TokenVerifier closed = TokenVerifier.of(closedSet, s);
            TokenVerifier open = verifier(s);
            closed.verify(idpToken("idp-1"));
            open.verify(idpToken("idp-1"));
            closedSet.close();
            assertThat(served.tryAcquire(3, 30, TimeUnit.SECONDS))
                    .as("the open set's first fetch and two background refreshes, with no traffic")
                    .isTrue();
            assertThat(closedFetches).as("fetches of the closed set").hasValue(1);
        } finally {
            other.stop(0);
        }
    }

    // "when the endpoint is down, the last good set keeps verifying for jwks-outage-ttl"
    @Test
    void theLastGoodSetKeepsVerifyingThroughAnOutage() throws Exception {
        TokenVerifier v = verifier(settings()
                .jwksCacheTtl(Duration.ofSeconds(10))
                .jwksRefreshAhead(Duration.ofSeconds(2))
                .jwksRefreshCooldown(Duration.ofSeconds(1))
                .jwksOutageTtl(Duration.ofMinutes(10))
                .build());
        assertThat(v.verify(idpToken("idp-1")).subject()).isEqualTo("42");
        status = 503;
        document = "down";
        Thread.sleep(11_000);
        // the cache has expired and the endpoint is down: the last good set still verifies
        assertThat(v.verify(idpToken("idp-1")).subject()).isEqualTo("42");
        Thread.sleep(1500);
        assertThat(v.verify(idpToken("idp-1")).subject()).isEqualTo("42");
        assertThat(fetches.get()).as("the outage was noticed").isGreaterThanOrEqualTo(2);
        TokenException unknown = Rt.rejected(v, attackerToken("idp-9"));
        assertThat(unknown.reason()).isIn(Reason.INVALID, Reason.UNAVAILABLE);
    }

    // Reason.UNAVAILABLE: "It could not be checked now: the key set or session store is unreachable." / retryable():
    // "Only TokenException.Reason.UNAVAILABLE may pass on a retry."
    @Test
    void anEndpointDownFromTheStartIsUnavailableAndRetryable() throws Exception {
        status = 503;
        document = "{\"error\":\"down\"}";
        TokenException e = Rt.rejected(verifier(settings().build()), idpToken("idp-1"));
        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(e.retryable()).isTrue();
        assertThat(e.code()).isEqualTo("TOKEN_UNAVAILABLE");
    }

    // Reason.UNAVAILABLE: "the key set ... is unreachable" -- connection refused.
    @Test
    void aRefusedConnectionIsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AuthSettings s = settings().build();
        KeySet dead = KeySet.jwks(URI.create("http://127.0.0.1:" + port + "/jwks.json"), s);
        keySets.add(dead);
        assertThat(Rt.rejected(TokenVerifier.of(dead, s), idpToken("idp-1")).reason())
                .isEqualTo(Reason.UNAVAILABLE);
    }

    // AuthSettings.jwksTimeout: "connect and read timeout of a JWKS fetch" -- a hanging endpoint fails fast as
    // UNAVAILABLE.
    @Test
    void aHangingEndpointTimesOutAsUnavailable() throws Exception {
        delayMillis = 10_000;
        TokenVerifier v =
                verifier(settings().jwksTimeout(Duration.ofMillis(500)).build());
        long start = System.nanoTime();
        assertThat(Rt.rejected(v, idpToken("idp-1")).reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    // "503 ErrorBody.AUTH_UNAVAILABLE when the key set or session store cannot be reached." (and never a 500 or a leak)
    @Test
    void theAuthenticatorAnswers503AuthUnavailableWhenTheKeySetIsDown() throws Exception {
        status = 503;
        document = "{\"secret-detail\":\"jwks-internal-host.corp\"}";
        AuthSettings s = settings().build();
        Authenticator auth = Authenticator.builder(verifier(s))
                .entity("user", t -> t.subject())
                .settings(s)
                .build();
        InMemorySink sink = new InMemorySink();
        Pipeline p = Pipeline.builder().recorder(Recorder.of(sink)).auth(auth).build();
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x")
                .header("Authorization", "Bearer " + idpToken("idp-1"))
                .run(p, Rt.OK);
        assertThat(call.status()).isEqualTo(503);
        Map<String, Object> body = Rt.json(call.body());
        assertThat(body).containsEntry("code", ErrorBody.AUTH_UNAVAILABLE);
        assertThat(call.body()).doesNotContain("jwks-internal-host").doesNotContain("127.0.0.1");
        LogRecord done = sink.records(r -> r.kind() == LogRecord.Kind.OPERATION && !r.isStart())
                .get(0);
        assertThat(done.error().code()).isEqualTo(ErrorBody.AUTH_UNAVAILABLE);
    }

    // TokenVerifier.verify: "Throws: TokenException - saying why it is not accepted" -- malformed JWK set documents
    // never escape as another exception, never accept the token, and never become a 500.
    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json",
                "{}",
                "[]",
                "{\"keys\":\"x\"}",
                "{\"keys\":[{\"kty\":\"RSA\"}]}",
                "{\"keys\":[1,2]}",
                "{\"keys\":[{\"kty\":\"XYZ\",\"kid\":\"idp-1\"}]}",
                "{\"keys\":null}",
                "\u0000\u0001",
                "HUGE",
                "EMPTY",
                "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"idp-1\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]}"
            })
    void malformedJwkSetsAreATokenExceptionAndNeverA500(String doc) throws Exception {
        document = switch (doc) {
            case "HUGE" -> "{\"keys\":[],\"pad\":\"" + "x".repeat(5_000_000) + "\"}";
            case "EMPTY" -> "";
            default -> doc;
        };
        AuthSettings s = settings().build();
        TokenVerifier v = verifier(s);
        TokenException e = Rt.rejected(v, idpToken("idp-1"));
        assertThat(e.reason()).isIn(Reason.UNAVAILABLE, Reason.INVALID);
        Authenticator auth = Authenticator.builder(v)
                .entity("user", t -> t.subject())
                .settings(s)
                .build();
        Pipeline p = Pipeline.builder()
                .recorder(Recorder.of(new InMemorySink()))
                .auth(auth)
                .build();
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x")
                .header("Authorization", "Bearer " + idpToken("idp-1"))
                .run(p, Rt.OK);
        assertThat(call.status()).isIn(401, 503);
        assertThat(call.body()).hasSizeLessThan(500);
    }

    // KeySet: "HMAC keys and encryption keys in a JWKS are ignored"
    @Test
    void hmacKeysInAJwksAreIgnored() throws Exception {
        String secret = "an-idp-published-oct-secret-of-more-than-32-bytes!!";
        document = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"oct-1\",\"alg\":\"HS256\",\"k\":\"" + Rt.b64(secret) + "\"},"
                + GOOD_JWKS.substring(9);
        TokenVerifier v = verifier(settings().build());
        String hs = Rt.forge(
                JWSAlgorithm.HS256,
                "oct-1",
                new MACSigner(secret.getBytes(StandardCharsets.UTF_8)),
                Instant.now(),
                h -> {},
                c -> c.issuer(null).audience((String) null));
        assertThat(v.verify(idpToken("idp-1")).subject()).isEqualTo("42");
        assertThat(Rt.rejected(v, hs).reason()).isEqualTo(Reason.INVALID);
        // and the RSA public key of the set is no HMAC secret either
        String confused = Rt.forge(
                JWSAlgorithm.HS256,
                "idp-1",
                new MACSigner(RSA.getPublic().getEncoded()),
                Instant.now(),
                h -> {},
                c -> c.issuer(null).audience((String) null));
        assertThat(Rt.rejected(v, confused).reason()).isEqualTo(Reason.INVALID);
    }

    // KeySet: "HMAC keys and encryption keys in a JWKS are ignored"
    @Test
    void encryptionKeysInAJwksAreIgnored() throws Exception {
        KeyPair enc = Rt.rsa(2048);
        document = "{\"keys\":["
                + new RSAKey.Builder((RSAPublicKey) enc.getPublic())
                        .keyID("enc-1")
                        .keyUse(KeyUse.ENCRYPTION)
                        .build()
                        .toJSONString()
                + "," + GOOD_JWKS.substring(9);
        TokenVerifier v = verifier(settings().build());
        String token = Rt.forge(
                JWSAlgorithm.RS256,
                "enc-1",
                new RSASSASigner(enc.getPrivate()),
                Instant.now(),
                h -> {},
                c -> c.issuer(null).audience((String) null));
        assertThat(v.verify(idpToken("idp-1")).subject()).isEqualTo("42");
        assertThat(Rt.rejected(v, token).reason()).isEqualTo(Reason.INVALID);
    }

    // KeySet: "Keys of the set get their algorithm allow-list from their alg" -- an RS256 JWK never verifies PS256.
    @Test
    void aJwksKeysAlgIsItsAllowList() throws Exception {
        TokenVerifier v = verifier(settings().build());
        String ps = Rt.forge(
                JWSAlgorithm.PS256,
                "idp-1",
                new RSASSASigner(RSA.getPrivate()),
                Instant.now(),
                h -> {},
                c -> c.issuer(null).audience((String) null));
        assertThat(v.verify(idpToken("idp-1")).subject()).isEqualTo("42");
        assertThat(Rt.rejected(v, ps).reason()).isEqualTo(Reason.INVALID);
    }

    // VerificationKey: "RSA keys at least 2048 bits" (Algorithm.RS256: "RSA key of at least 2048 bits") -- a weak key
    // published in a JWKS does not verify tokens either.
    @Test
    void aWeakRsaKeyInAJwksNeverVerifies() throws Exception {
        KeyPair weak = Rt.rsa(1024);
        document = "{\"keys\":["
                + new RSAKey.Builder((RSAPublicKey) weak.getPublic())
                        .keyID("weak-1")
                        .build()
                        .toJSONString() + "," + GOOD_JWKS.substring(9);
        TokenVerifier v = verifier(settings().build());
        String token = Rt.forge(
                JWSAlgorithm.RS256,
                "weak-1",
                new RSASSASigner(
                        weak.getPrivate(),
                        java.util.Set.of(com.nimbusds.jose.crypto.opts.AllowWeakRSAKey.getInstance())),
                Instant.now(),
                h -> {},
                c -> c.issuer(null).audience((String) null));
        assertThat(v.verify(idpToken("idp-1")).subject()).isEqualTo("42");
        assertThat(Rt.rejected(v, token).reason()).isIn(Reason.INVALID, Reason.UNAVAILABLE);
    }
}
