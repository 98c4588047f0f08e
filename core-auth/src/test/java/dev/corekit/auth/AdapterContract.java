package dev.corekit.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.auth.session.SessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.MutableClock;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenPair;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.config.Config;
import dev.corekit.context.CallContext;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every server adapter must do, proven over real HTTP with the JDK client. Each adapter test starts its real server
 * with the same tiny app:
 *
 * <ul>
 *   <li>{@code GET /hello}: 200 with {@link #hello()};
 *   <li>{@code GET /fail}: throws an exception whose message must never reach the client;
 *   <li>{@code GET /teapot}: 418 with a body of its own;
 *   <li>{@code GET /me}: like {@code /hello}, for users only.
 * </ul>
 */
public abstract class AdapterContract {
    /** A running server; closing it stops it. */
    public interface TestServer extends AutoCloseable {
        URI uri();

        @Override
        void close() throws Exception;
    }

    protected static final String SECRET_DETAIL = "password=hunter2";

    protected final InMemorySink sink = new InMemorySink();
    protected final MutableClock clock = new MutableClock(Instant.now());
    private final AuthSettings settings =
            AuthSettings.custom(Config.defaultsOnly()).build();
    private final SigningKey key = SigningKey.generate("k1", Algorithm.ES256);
    protected final TokenService tokens =
            TokenService.of(key, KeySet.of(key.verificationKey()), SessionStore.inMemory(), settings, clock);
    private final Authenticator authenticator = Authenticator.builder(tokens)
            .entity("user", token -> token.subject())
            .settings(settings)
            .build();
    protected final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestServer server;

    /** Starts the adapter's real server running {@code pipeline} around the app described above. */
    protected abstract TestServer start(Pipeline pipeline) throws Exception;

    /** The body of {@code /hello}: what the handler sees of the call's context. */
    public static String hello() {
        CallContext context = CallContext.current();
        return "hello caller=" + context.caller() + " request=" + context.requestId() + " trace=" + context.traceId();
    }

    protected Pipeline.Builder pipeline() {
        return Pipeline.builder()
                .recorder(Recorder.of(sink))
                .procedures(Procedures.builder()
                        .route("GET", "/hello", Procedure.named("hello").withAuth(Procedure.PUBLIC))
                        .route("GET", "/fail", Procedure.named("fail").withAuth(Procedure.PUBLIC))
                        .route("GET", "/teapot", Procedure.named("teapot").withAuth(Procedure.PUBLIC))
                        .route("*", "/me", Procedure.named("me").withAuth("user"))
                        .build())
                .cors(CorsPolicy.builder()
                        .allowOrigins("https://app.example.com")
                        .build())
                .auth(authenticator);
    }

    protected URI serve(Pipeline pipeline) throws Exception {
        server = start(pipeline);
        return server.uri();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    protected HttpResponse<String> get(URI base, String path, String... headers) throws Exception {
        return send("GET", base, path, headers);
    }

    protected HttpResponse<String> send(String method, URI base, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(
                request.method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    protected LogRecord completionOf(String name) throws InterruptedException {
        Predicate<LogRecord> done = r ->
                r.kind() == LogRecord.Kind.OPERATION && !r.isStart() && r.name().equals(name);
        List<LogRecord> records = sink.await(done, 1, Duration.ofSeconds(10));
        return records.get(0);
    }

    @Test
    void theHandlerRunsInTheCallContextAndTheRequestIdIsEchoed() throws Exception {
        URI base = serve(pipeline().build());

        HttpResponse<String> response = get(
                base,
                "/hello",
                "x-request-id",
                "req-7",
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello caller=null request=req-7 trace=0af7651916cd43dd8448eb211c80319c");
        assertThat(response.headers().firstValue("x-request-id")).contains("req-7");
        LogRecord record = completionOf("hello");
        assertThat(record.status()).isEqualTo(LogRecord.Status.SUCCEEDED);
        assertThat(record.attributes()).containsEntry("http.status", 200);
        assertThat(record.context().requestId()).isEqualTo("req-7");
    }

    @Test
    void aCallWithoutRequestIdGetsAGeneratedOneEchoed() throws Exception {
        URI base = serve(pipeline().build());

        HttpResponse<String> response = get(base, "/hello");

        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(response.body()).contains("request=" + requestId);
    }

    @Test
    void aFailingHandlerGetsAStableJsonErrorWithoutItsMessage() throws Exception {
        URI base = serve(pipeline().build());

        HttpResponse<String> response = get(base, "/fail", "x-request-id", "req-9");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.body())
                .isEqualTo("{\"code\":\"INTERNAL\",\"message\":\"The service failed. Quote the request id to"
                        + " support.\",\"requestId\":\"req-9\"}");
        LogRecord record = completionOf("fail");
        assertThat(record.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(record.error().type()).isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void aClientErrorStatusIsAFailedOutcome() throws Exception {
        URI base = serve(pipeline().build());

        HttpResponse<String> response = get(base, "/teapot");

        assertThat(response.statusCode()).isEqualTo(418);
        assertThat(response.body()).isEqualTo("short and stout");
        LogRecord record = completionOf("teapot");
        assertThat(record.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(record.error().code()).isEqualTo("HTTP_418");
    }

    @Test
    void aCallWithoutTokenIs401WithChallengeJsonBodyAndCorsHeaders() throws Exception {
        URI base = serve(pipeline().build());

        HttpResponse<String> response = get(base, "/me", "Origin", "https://app.example.com", "x-request-id", "r-401");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("www-authenticate")).contains("Bearer realm=\"api\"");
        assertThat(response.headers().firstValue("access-control-allow-origin")).contains("https://app.example.com");
        assertThat(response.headers().allValues("vary"))
                .anySatisfy(v -> assertThat(v).contains("Origin"));
        assertThat(response.body())
                .isEqualTo("{\"code\":\"UNAUTHENTICATED\",\"message\":\"An access token is required.\","
                        + "\"requestId\":\"r-401\"}");
        assertThat(completionOf("me").error().code()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void aPreflightIsAnsweredBeforeAuthWithADayOfCache() throws Exception {
        URI base = serve(pipeline().build());

        HttpResponse<String> response = send(
                "OPTIONS",
                base,
                "/me",
                "Origin",
                "https://app.example.com",
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "authorization, content-type");
        HttpResponse<String> foreign = send(
                "OPTIONS", base, "/me", "Origin", "https://evil.example.com", "Access-Control-Request-Method", "POST");

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("access-control-max-age")).contains("86400");
        assertThat(response.headers().firstValue("access-control-allow-methods"))
                .hasValueSatisfying(v -> assertThat(v).contains("POST"));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void anAuthenticatedCallRunsAsItsPrincipal() throws Exception {
        URI base = serve(pipeline().build());
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));

        HttpResponse<String> response = get(base, "/me", "Authorization", "Bearer " + pair.accessToken());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("hello caller=user:42 ");
        assertThat(response.headers().firstValue(Authenticator.RENEWED_ACCESS_TOKEN_HEADER))
                .isEmpty();
    }

    @Test
    void anExpiredTokenOfALiveSessionIsRenewedInTheResponseHeader() throws Exception {
        URI base = serve(pipeline().build());
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        clock.advance(Duration.ofMinutes(30));

        HttpResponse<String> response =
                get(base, "/me", "Authorization", "Bearer " + pair.accessToken(), "Origin", "https://app.example.com");

        assertThat(response.statusCode()).isEqualTo(200);
        String renewed = response.headers()
                .firstValue(Authenticator.RENEWED_ACCESS_TOKEN_HEADER)
                .orElseThrow();
        assertThat(tokens.verifier().verify(renewed).subject()).isEqualTo("42");
        assertThat(response.headers().firstValue("access-control-expose-headers"))
                .hasValueSatisfying(v -> assertThat(v).contains(Authenticator.RENEWED_ACCESS_TOKEN_HEADER));
    }
}
