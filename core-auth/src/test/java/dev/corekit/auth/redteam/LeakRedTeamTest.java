package dev.corekit.auth.redteam;

import static dev.corekit.auth.redteam.Rt.T0;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.sun.net.httpserver.HttpServer;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import dev.corekit.auth.session.SessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenException;
import dev.corekit.auth.token.TokenPair;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.auth.token.TokenVerifier;
import dev.corekit.config.Secret;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Red team: what corekit writes about refused and renewed calls -- its records (through the process-wide recorder, as
 * a service runs it) and anything logged through SLF4J -- never carries a token, the HMAC secret or a claim value.
 */
class LeakRedTeamTest {
    static final String HMAC = "leak-test-hmac-secret-0123456789abcdefghij";
    static final String MARKER = "CLAIM-MARKER-d41d8cd9";

    final InMemorySink sink = new InMemorySink();
    GlobalRecorder.Installed installed;
    final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    Logger root;
    Level previousLevel;
    final List<String> secrets = new ArrayList<>();

    @BeforeEach
    void capture() {
        installed = GlobalRecorder.install(Recorder.of(sink));
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        previousLevel = root.getLevel();
        root.setLevel(Level.TRACE);
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void release() {
        root.detachAppender(appender);
        root.setLevel(previousLevel);
        installed.close();
    }

    /** Remembers the secret parts of a token (payload and signature; the header names only alg, kid and typ). */
    String secret(String token) {
        String[] parts = token.split("\\.");
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].length() >= 8) {
                secrets.add(parts[i]);
            }
        }
        return token;
    }

    static String describe(ILoggingEvent e) {
        StringBuilder s = new StringBuilder(String.valueOf(e.getFormattedMessage()));
        s.append('|').append(e.getKeyValuePairs()).append('|').append(e.getMDCPropertyMap());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            s.append('|').append(t.getClassName()).append(':').append(t.getMessage());
        }
        return s.toString();
    }

    void assertNothingLeaked() {
        List<String> everything = new ArrayList<>();
        sink.records().forEach(r -> everything.add("record " + Rt.dump(r)));
        appender.list.forEach(e -> everything.add("log " + describe(e)));
        assertThat(everything).as("something was recorded").isNotEmpty();
        for (String line : everything) {
            assertThat(line).doesNotContain(HMAC).doesNotContain(MARKER);
            for (String secret : secrets) {
                assertThat(line).as("a token part leaked").doesNotContain(secret);
            }
        }
    }

    // ErrorBody: "Neither ever carries a stack trace, an exception message or a verifier's internal detail." /
    // TokenException: "never carries a claim value, a key or a library's internal message, so it is safe in logs" /
    // README: secrets are "masked in toString(), logs and errors" -- through the process-wide recorder and SLF4J.
    @Test
    void refusedAndRenewedCallsNeverLogTokensSecretsOrClaimValues() throws Exception {
        Rt.RtClock clock = new Rt.RtClock(T0);
        AuthSettings settings = Rt.settings()
                .issuer(Rt.ISSUER)
                .audience(Rt.AUDIENCE)
                .hmacSecret(Secret.of(HMAC))
                .accessTokenTtl(Duration.ofMinutes(5))
                .renewalWindow(Duration.ofMinutes(30))
                .build();
        SigningKey key = SigningKey.hmac("hs", Algorithm.HS256, Secret.of(HMAC));
        TokenService tokens =
                TokenService.of(key, KeySet.of(key.verificationKey()), SessionStore.inMemory(), settings, clock);
        Authenticator auth = Authenticator.builder(tokens)
                .entity("user", t -> t.subject())
                .settings(settings)
                .build();
        Pipeline p = Pipeline.builder()
                .procedures(Procedures.builder()
                        .route("GET", "/me", Procedure.named("me").withAuth("user"))
                        .build())
                .auth(auth)
                .build();
        MACSigner signer = new MACSigner(HMAC.getBytes(StandardCharsets.UTF_8));

        List<String> presented = new ArrayList<>();
        presented.add(
                secret(Rt.forge(JWSAlgorithm.HS256, "hs", signer, T0, h -> {}, c -> c.issuer("https://" + MARKER))));
        presented.add(secret(Rt.forge(
                JWSAlgorithm.HS256,
                "hs",
                signer,
                T0,
                h -> {},
                c -> c.issuer(Rt.ISSUER).audience(MARKER))));
        presented.add(secret(Rt.forge(JWSAlgorithm.HS256, "unknown-kid", signer, T0, h -> {}, c -> c.subject(MARKER))));
        presented.add(secret(Rt.forge(
                JWSAlgorithm.HS256,
                "hs",
                new MACSigner(("x" + HMAC).getBytes(StandardCharsets.UTF_8)),
                T0,
                h -> {},
                c -> c.issuer(Rt.ISSUER).subject(MARKER))));
        TokenPair revoked = tokens.login(TokenRequest.of("user", "1"));
        tokens.revoke(revoked.sessionId());
        presented.add(secret(revoked.accessToken()));
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        presented.add(secret(pair.refreshToken()));
        secret(pair.accessToken());
        presented.add("garbage." + MARKER + ".x");
        for (String token : presented) {
            Rt.RtCall.of(p, "GET", "/me")
                    .header("Authorization", "Bearer " + token)
                    .run(p, Rt.OK);
        }
        clock.advance(Duration.ofMinutes(7));
        Rt.RtCall renewed = Rt.RtCall.of(p, "GET", "/me")
                .header("Authorization", "Bearer " + pair.accessToken())
                .run(p, Rt.OK);
        assertThat(renewed.status()).isEqualTo(200);
        secret(renewed.responseHeader("Renewed-Access-Token"));
        try {
            tokens.refresh(pair.refreshToken());
            tokens.refresh(pair.refreshToken());
        } catch (TokenException reuse) {
            // the reuse revokes the session
        }
        assertNothingLeaked();
    }

    // Same promises for the JWKS path: a broken key set document, tokens with unverifiable claims.
    @Test
    void jwksFailuresNeverLogTokensOrTheDocument() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", exchange -> {
            byte[] bytes = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"broken\"}]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            AuthSettings settings =
                    Rt.settings().jwksRefreshCooldown(Duration.ofMinutes(2)).build();
            try (KeySet keys = KeySet.jwks(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json"), settings)) {
                TokenVerifier verifier = TokenVerifier.of(keys, settings);
                Authenticator auth = Authenticator.builder(verifier)
                        .entity("user", t -> t.subject())
                        .settings(settings)
                        .build();
                Pipeline p = Pipeline.builder().auth(auth).build();
                MACSigner signer = new MACSigner(HMAC.getBytes(StandardCharsets.UTF_8));
                for (String kid : List.of("broken", "other")) {
                    String token = secret(Rt.forge(
                            JWSAlgorithm.HS256,
                            kid,
                            signer,
                            java.time.Instant.now(),
                            h -> {},
                            c -> c.issuer(null).audience((String) null).subject(MARKER)));
                    Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x")
                            .header("Authorization", "Bearer " + token)
                            .run(p, Rt.OK);
                    assertThat(call.status()).isIn(401, 503);
                }
            }
        } finally {
            server.stop(0);
        }
        assertNothingLeaked();
    }
}
