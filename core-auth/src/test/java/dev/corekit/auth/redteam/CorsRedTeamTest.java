package dev.corekit.auth.redteam;

import static dev.corekit.auth.redteam.Rt.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.auth.CorsPolicy;
import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Handler;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import dev.corekit.auth.session.SessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenPair;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Red team against {@link CorsPolicy} inside the standard pipeline (with auth behind it). */
class CorsRedTeamTest {
    static final String APP = "https://app.example.com";

    final Rt.RtClock clock = new Rt.RtClock(T0);
    final AuthSettings settings = Rt.settings().build();
    final SigningKey key = SigningKey.generate("k1", Algorithm.ES256);
    final TokenService tokens =
            TokenService.of(key, KeySet.of(key.verificationKey()), SessionStore.inMemory(), settings, clock);
    final Authenticator authenticator = Authenticator.builder(tokens)
            .entity("user", t -> t.subject())
            .settings(settings)
            .build();
    final AtomicInteger handled = new AtomicInteger();
    final InMemorySink sink = new InMemorySink();

    Pipeline pipeline(CorsPolicy cors) {
        return Pipeline.builder()
                .recorder(Recorder.of(sink))
                .procedures(Procedures.builder()
                        .route("*", "/health", Procedure.named("health").withAuth(Procedure.PUBLIC))
                        .route("*", "/boom", Procedure.named("boom").withAuth(Procedure.PUBLIC))
                        .route("*", "/me", Procedure.named("me").withAuth("user"))
                        .build())
                .cors(cors)
                .auth(authenticator)
                .build();
    }

    final Pipeline pipeline = pipeline(
            CorsPolicy.builder().allowOrigins(APP, "http://localhost:3000").build());

    final Handler handler = c -> {
        handled.incrementAndGet();
        if (c.path().equals("/boom")) {
            throw new IllegalStateException("password=hunter2");
        }
        c.respond(200, "text/plain", new byte[0]);
    };

    Rt.RtCall call(Pipeline p, String method, String path, String... headers) throws Exception {
        Rt.RtCall call = Rt.RtCall.of(p, method, path);
        for (int i = 0; i < headers.length; i += 2) {
            call.header(headers[i], headers[i + 1]);
        }
        return call.run(p, handler);
    }

    Rt.RtCall call(String method, String path, String... headers) throws Exception {
        return call(pipeline, method, path, headers);
    }

    static List<String> tokens(String headerValue) {
        if (headerValue == null) {
            return List.of();
        }
        return Arrays.stream(headerValue.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }

    // "Every response gets Vary: Origin (so shared caches never serve one origin's answer to another)."
    @Test
    void everyResponseVariesOnOrigin() throws Exception {
        List<Rt.RtCall> calls = List.of(
                call("GET", "/health"),
                call("GET", "/health", "Origin", APP),
                call("GET", "/health", "Origin", "https://evil.example.com"),
                call("GET", "/me", "Origin", APP),
                call("GET", "/me"),
                call("GET", "/boom", "Origin", APP),
                call("OPTIONS", "/me", "Origin", APP, "Access-Control-Request-Method", "GET"),
                call("OPTIONS", "/me", "Origin", "https://evil.example.com", "Access-Control-Request-Method", "GET"));
        for (Rt.RtCall c : calls) {
            assertThat(tokens(c.responseHeader("Vary")))
                    .as(c.method() + " " + c.path() + " -> " + c.status())
                    .contains("origin");
        }
    }

    // "Other calls from an allowed origin get Access-Control-Allow-Origin"; credentials: "the exact origin is echoed"
    @Test
    void anAllowedOriginIsEchoedExactly() throws Exception {
        Rt.RtCall c = call("GET", "/health", "Origin", APP);
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.responseHeader("Access-Control-Allow-Origin")).isEqualTo(APP);
        assertThat(call("GET", "/health", "Origin", "http://localhost:3000")
                        .responseHeader("Access-Control-Allow-Origin"))
                .isEqualTo("http://localhost:3000");
    }

    // "an origin allow-list" / "Calls from other origins proceed without CORS headers: the browser withholds the
    // response." -- look-alike origins are other origins.
    @ParameterizedTest
    @ValueSource(
            strings = {
                "null",
                "https://app.example.com.evil.com",
                "https://evilapp.example.com",
                "https://app.example.co",
                "http://app.example.com",
                "https://app.example.com:8443",
                "https://app.example.com.",
                "https://app.example.com@evil.com",
                "https://evil.com/https://app.example.com",
                "https://app.example.com`.evil.com",
                "https://app.example.com%2eevil.com",
                "*",
                "https://example.com",
                "http://localhost:3001",
                "http://localhost",
                "https://app.example.comx",
                "HTTPS://APP.EXAMPLE.COM.EVIL.COM",
                "https://app.example.com, https://evil.com"
            })
    void lookAlikeOriginsGetNoCorsHeaders(String origin) throws Exception {
        Rt.RtCall c = call("GET", "/health", "Origin", origin);
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.responseHeader("Access-Control-Allow-Origin")).isNull();
        assertThat(c.responseHeader("Access-Control-Allow-Credentials")).isNull();
    }

    // "From an origin that is not allowed ... it gets 403 ErrorBody.ORIGIN_NOT_ALLOWED" -- preflights of look-alikes.
    @ParameterizedTest
    @ValueSource(
            strings = {
                "null",
                "https://app.example.com.evil.com",
                "https://evilapp.example.com",
                "http://app.example.com"
            })
    void preflightsOfLookAlikeOriginsAre403OriginNotAllowed(String origin) throws Exception {
        Rt.RtCall c = call("OPTIONS", "/me", "Origin", origin, "Access-Control-Request-Method", "GET");
        assertThat(c.status()).isEqualTo(403);
        assertThat(Rt.json(c.body())).containsEntry("code", ErrorBody.ORIGIN_NOT_ALLOWED);
        assertThat(c.responseHeader("Access-Control-Allow-Origin")).isNull();
        assertThat(handled).hasValue(0);
    }

    // credentials: "the exact origin is echoed" -- an origin in another case is a different string: either not allowed,
    // or echoed exactly as the browser sent it (a browser compares byte for byte).
    @Test
    void anOriginInAnotherCaseIsNeverAnsweredWithADifferentString() throws Exception {
        for (String origin : List.of("https://APP.EXAMPLE.COM", "HTTPS://app.example.com", "https://App.Example.Com")) {
            String allow = call("GET", "/health", "Origin", origin).responseHeader("Access-Control-Allow-Origin");
            assertThat(allow).as(origin).isIn(null, origin);
        }
    }

    // "A preflight (OPTIONS with Access-Control-Request-Method) from an allowed origin is answered here with 204, the
    // allowed methods and headers, and Access-Control-Max-Age (corekit.auth.cors-max-age, 24 h by default); it never
    // reaches auth."
    @Test
    void anAllowedPreflightIsAnswered204WithoutReachingAuthOrTheHandler() throws Exception {
        String header = CorsPolicy.DEFAULT_HEADERS.get(0);
        Rt.RtCall c = call(
                "OPTIONS",
                "/me",
                "Origin",
                APP,
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                header);
        assertThat(c.status()).isEqualTo(204);
        assertThat(c.responseHeader("Access-Control-Allow-Origin")).isEqualTo(APP);
        assertThat(tokens(c.responseHeader("Access-Control-Allow-Methods"))).contains("post");
        assertThat(tokens(c.responseHeader("Access-Control-Allow-Headers"))).contains(header.toLowerCase(Locale.ROOT));
        assertThat(c.responseHeader("Access-Control-Max-Age")).isEqualTo("86400");
        assertThat(c.responseHeader("WWW-Authenticate")).isNull();
        assertThat(handled).hasValue(0);
        assertThat(AuthSettings.DEFAULT_CORS_MAX_AGE).isEqualTo(Duration.ofHours(24));
    }

    // "answered here with 204, the allowed methods and headers" -- the allowed ones, not whatever the request asks for.
    @Test
    void aPreflightDoesNotReflectArbitraryRequestedHeaders() throws Exception {
        Rt.RtCall c = call(
                "OPTIONS",
                "/me",
                "Origin",
                APP,
                "Access-Control-Request-Method",
                "GET",
                "Access-Control-Request-Headers",
                "x-evil-header");
        if (c.status() == 204) {
            assertThat(tokens(c.responseHeader("Access-Control-Allow-Headers"))).doesNotContain("x-evil-header");
        } else {
            assertThat(c.status()).isEqualTo(403);
        }
    }

    // "From an origin that is not allowed, or for a method that is not, it gets 403 ErrorBody.ORIGIN_NOT_ALLOWED."
    @Test
    void aPreflightForAMethodNotAllowedIs403() throws Exception {
        String method = List.of("PROPFIND", "TRACE", "CONNECT", "LOCK").stream()
                .filter(m -> !CorsPolicy.DEFAULT_METHODS.contains(m))
                .findFirst()
                .orElseThrow();
        Rt.RtCall c = call("OPTIONS", "/me", "Origin", APP, "Access-Control-Request-Method", method);
        assertThat(c.status()).isEqualTo(403);
        assertThat(Rt.json(c.body())).containsEntry("code", ErrorBody.ORIGIN_NOT_ALLOWED);
        assertThat(handled).hasValue(0);
    }

    // Builder.allowMethods: "Replaces the allowed methods."
    @Test
    void allowMethodsReplacesTheDefaults() throws Exception {
        Pipeline p = pipeline(
                CorsPolicy.builder().allowOrigins(APP).allowMethods("GET").build());
        assertThat(call(p, "OPTIONS", "/me", "Origin", APP, "Access-Control-Request-Method", "GET")
                        .status())
                .isEqualTo(204);
        assertThat(call(p, "OPTIONS", "/me", "Origin", APP, "Access-Control-Request-Method", "DELETE")
                        .status())
                .isEqualTo(403);
    }

    // "A preflight (OPTIONS with Access-Control-Request-Method)" -- a bare OPTIONS is not one and is not answered by
    // CORS: it goes on to auth.
    @Test
    void aBareOptionsIsNotAPreflightAndStillNeedsAToken() throws Exception {
        Rt.RtCall c = call("OPTIONS", "/me", "Origin", APP);
        assertThat(c.status()).isEqualTo(401);
    }

    // "Other calls from an allowed origin get Access-Control-Allow-Origin and the exposed headers (request id, renewed
    // token, WWW-Authenticate, Retry-After), also on 401/403 answers, so a browser app can read why it was refused."
    @Test
    void refusalsFromAnAllowedOriginCarryCorsAndExposedHeaders() throws Exception {
        TokenPair revoked = tokens.login(TokenRequest.of("user", "1"));
        tokens.revoke(revoked.sessionId());
        Rt.RtCall unauth = call("GET", "/me", "Origin", APP);
        Rt.RtCall forbidden = call("GET", "/me", "Origin", APP, "Authorization", "Bearer " + revoked.accessToken());
        assertThat(unauth.status()).isEqualTo(401);
        assertThat(forbidden.status()).isEqualTo(403);
        for (Rt.RtCall c : List.of(unauth, forbidden)) {
            assertThat(c.responseHeader("Access-Control-Allow-Origin")).isEqualTo(APP);
            assertThat(tokens(c.responseHeader("Access-Control-Expose-Headers")))
                    .contains("x-request-id", "renewed-access-token", "www-authenticate", "retry-after");
        }
    }

    // Pipeline "cors": "CORS headers are on every response, 401 and 403 included" -- and a 500 is a response too.
    @Test
    void aServerErrorFromAnAllowedOriginCarriesCorsHeaders() throws Exception {
        Rt.RtCall c = call("GET", "/boom", "Origin", APP);
        assertThat(c.status()).isEqualTo(500);
        assertThat(c.responseHeader("Access-Control-Allow-Origin")).isEqualTo(APP);
    }

    // "Calls from other origins proceed without CORS headers"
    @Test
    void callsFromOtherOriginsProceedWithoutCorsHeaders() throws Exception {
        Rt.RtCall c = call("GET", "/health", "Origin", "https://evil.example.com");
        assertThat(c.status()).isEqualTo(200);
        assertThat(handled).hasValue(1);
        assertThat(c.allResponseHeaders().keySet()).noneMatch(h -> h.startsWith("access-control-"));
    }

    // "a wildcard origin with credentials is refused at build time" / Builder.build: "IllegalStateException - for
    // credentials with a wildcard origin"
    @Test
    void credentialsWithAWildcardAreRefusedAtBuildTime() throws Exception {
        assertThatThrownBy(() -> CorsPolicy.builder()
                        .allowOrigins("*")
                        .allowCredentials(true)
                        .build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> CorsPolicy.builder()
                        .allowCredentials(true)
                        .allowOrigins(APP, "*")
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    // Same promise through settings: CorsPolicy.of(settings) -- "The policy of settings: corekit.auth.cors-*."
    @Test
    void credentialsWithAWildcardAreRefusedThroughSettingsToo() throws Exception {
        assertThatThrownBy(() -> CorsPolicy.of(Rt.settings()
                        .corsAllowedOrigins(List.of("*"))
                        .corsAllowCredentials(true)
                        .build()))
                .isInstanceOf(RuntimeException.class);
    }

    // "Credentials: with allowCredentials the exact origin is echoed with Access-Control-Allow-Credentials: true"
    @Test
    void withCredentialsTheExactOriginIsEchoedWithAllowCredentials() throws Exception {
        Pipeline p = pipeline(
                CorsPolicy.builder().allowOrigins(APP).allowCredentials(true).build());
        Rt.RtCall ok = call(p, "GET", "/health", "Origin", APP);
        assertThat(ok.responseHeader("Access-Control-Allow-Origin")).isEqualTo(APP);
        assertThat(ok.responseHeader("Access-Control-Allow-Credentials")).isEqualTo("true");
        Rt.RtCall preflight = call(p, "OPTIONS", "/me", "Origin", APP, "Access-Control-Request-Method", "GET");
        assertThat(preflight.responseHeader("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(preflight.responseHeader("Access-Control-Allow-Origin")).isEqualTo(APP);
        Rt.RtCall other = call(p, "GET", "/health", "Origin", "https://evil.example.com");
        assertThat(other.responseHeader("Access-Control-Allow-Credentials")).isNull();
        Rt.RtCall nul = call(p, "GET", "/health", "Origin", "null");
        assertThat(nul.responseHeader("Access-Control-Allow-Credentials")).isNull();
    }

    // Builder.allowOrigins: "or every origin with *" -- and never credentials then.
    @Test
    void aWildcardAllowsEveryOriginWithoutCredentials() throws Exception {
        Pipeline p = pipeline(CorsPolicy.builder().allowOrigins("*").build());
        Rt.RtCall c = call(p, "GET", "/health", "Origin", "https://anyone.example.net");
        assertThat(c.responseHeader("Access-Control-Allow-Origin")).isIn("*", "https://anyone.example.net");
        assertThat(c.responseHeader("Access-Control-Allow-Credentials")).isNull();
        assertThat(tokens(c.responseHeader("Vary"))).contains("origin");
    }

    // CorsPolicy.builder(): "no origin allowed" / AuthSettings.corsAllowedOrigins: "empty allows none"
    @Test
    void aDefaultPolicyAllowsNoOrigin() throws Exception {
        Pipeline p = pipeline(CorsPolicy.builder().build());
        assertThat(call(p, "GET", "/health", "Origin", APP).responseHeader("Access-Control-Allow-Origin"))
                .isNull();
        assertThat(call(p, "OPTIONS", "/me", "Origin", APP, "Access-Control-Request-Method", "GET")
                        .status())
                .isEqualTo(403);
        Pipeline fromSettings = pipeline(CorsPolicy.of(Rt.settings().build()));
        assertThat(call(fromSettings, "GET", "/health", "Origin", APP).responseHeader("Access-Control-Allow-Origin"))
                .isNull();
    }

    // "Access-Control-Max-Age (corekit.auth.cors-max-age, 24 h by default)" / CorsPolicy.of: "The policy of settings"
    @Test
    void theMaxAgeComesFromSettings() throws Exception {
        CorsPolicy cors = CorsPolicy.of(Rt.settings()
                .corsAllowedOrigins(List.of(APP))
                .corsMaxAge(Duration.ofMinutes(10))
                .build());
        Rt.RtCall c = call(pipeline(cors), "OPTIONS", "/me", "Origin", APP, "Access-Control-Request-Method", "GET");
        assertThat(c.status()).isEqualTo(204);
        assertThat(c.responseHeader("Access-Control-Max-Age")).isEqualTo("600");
    }

    // Builder.maxAge: "IllegalArgumentException - when negative"
    @Test
    void aNegativeMaxAgeIsRefused() throws Exception {
        assertThatThrownBy(() -> CorsPolicy.builder().maxAge(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
