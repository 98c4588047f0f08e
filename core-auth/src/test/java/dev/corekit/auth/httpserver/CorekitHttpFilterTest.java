package dev.corekit.auth.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Principal;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import dev.corekit.auth.session.SessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.config.Config;
import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only the JDK adapter has to prove: the JDK keeps {@code HttpExchange} attributes in the context's one shared
 * map, and the filter must keep per-call values (the principal first of all) with their own exchange.
 */
class CorekitHttpFilterTest {
    private final AuthSettings settings =
            AuthSettings.custom(Config.defaultsOnly()).build();
    private final SigningKey key = SigningKey.generate("k1", Algorithm.HS256);
    private final TokenService tokens = TokenService.of(key, SessionStore.inMemory(), settings);
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpServer server;
    private ExecutorService executor;
    private HttpContext context;
    private URI base;

    @BeforeEach
    void start() throws IOException {
        Pipeline pipeline = Pipeline.builder()
                .recorder(Recorder.of(new InMemorySink()))
                .procedures(Procedures.builder()
                        .route("GET", "/public", Procedure.named("public").withAuth(Procedure.PUBLIC))
                        .route("GET", "/me", Procedure.named("me").withAuth("user"))
                        .build())
                .auth(Authenticator.builder(tokens)
                        .entity("user", token -> token.subject())
                        .settings(settings)
                        .build())
                .build();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        executor = ContextExecutors.newFixedThreadPool("filter-test", 2);
        server.setExecutor(executor);
        context = server.createContext("/", CorekitHttpFilterTest::app);
        context.getFilters().add(CorekitHttpFilter.of(pipeline));
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Answers what the exchange shows: the principal, the "note" attribute and the "config" attribute. */
    private static void app(HttpExchange exchange) throws IOException {
        Object before = exchange.getAttribute("note");
        String query = exchange.getRequestURI().getQuery();
        if (query != null && query.startsWith("note=")) {
            exchange.setAttribute("note", query.substring("note=".length()));
        }
        String body = "principal="
                + CorekitHttpFilter.principal(exchange).map(Principal::caller).orElse("-")
                + " attribute=" + (exchange.getAttribute(CorekitHttpFilter.PRINCIPAL_ATTRIBUTE) == null ? "-" : "set")
                + " noteBefore=" + before + " config=" + exchange.getAttribute("config");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePrincipalBelongsToItsOwnExchangeAndNeverReachesTheContextsSharedAttributes() throws Exception {
        String token = tokens.login(TokenRequest.of("user", "42")).accessToken();

        assertThat(get("/me", "Authorization", "Bearer " + token).body()).startsWith("principal=user:42 attribute=set");
        assertThat(get("/public").body()).startsWith("principal=- attribute=-");
        assertThat(context.getAttributes()).doesNotContainKey(CorekitHttpFilter.PRINCIPAL_ATTRIBUTE);
    }

    @Test
    void aValueAHandlerSetsOnItsExchangeIsGoneForTheNextCall() throws Exception {
        assertThat(get("/public?note=first").body()).contains("noteBefore=null");
        assertThat(get("/public").body()).contains("noteBefore=null");
        assertThat(context.getAttributes()).doesNotContainKey("note");
    }

    @Test
    void contextWideAttributesStillReadThroughTheExchange() throws Exception {
        context.getAttributes().put("config", "from-context");

        assertThat(get("/public").body()).contains("config=from-context");
    }

    @Test
    void aPrincipalPlantedInTheContextsSharedAttributesIsNeverSeenAsTheCallsPrincipal() throws Exception {
        context.getAttributes()
                .put(CorekitHttpFilter.PRINCIPAL_ATTRIBUTE, Principal.of("user", "planted", null, null, "planted"));

        assertThat(get("/public").body()).startsWith("principal=- attribute=-");
    }

    @Test
    void aContextWithTheJdksOwnAuthenticatorIsRefusedWithA500() throws Exception {
        context.setAuthenticator(new BasicAuthenticator("jdk") {
            @Override
            public boolean checkCredentials(String user, String password) {
                return true;
            }
        });

        HttpResponse<String> response = get("/public", "Authorization", "Basic dXNlcjpwYXNz");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains(ErrorBody.INTERNAL);
    }
}
