package dev.corekit.auth.redteam;

import static dev.corekit.auth.redteam.Rt.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.auth.CorsPolicy;
import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Principal;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import dev.corekit.auth.httpserver.CorekitHttpFilter;
import dev.corekit.auth.servlet.CorekitServletFilter;
import dev.corekit.auth.session.SessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenPair;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.context.CallContext;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Red team over real HTTP (java.net.http and raw sockets) against both adapters: the JDK {@code HttpServer} filter and
 * the Jakarta Servlet filter in an embedded Tomcat. Every parameterized test runs against both; one test compares them.
 */
class AdapterRedTeamTest {
    static final String SECRET_DETAIL = "password=hunter2";
    static final String APP = "https://app.example.com";

    final Rt.RtClock clock = new Rt.RtClock(T0);
    final AuthSettings settings = Rt.settings()
            .accessTokenTtl(Duration.ofMinutes(5))
            .renewalWindow(Duration.ofMinutes(30))
            .build();
    final SigningKey key = SigningKey.generate("k1", Algorithm.ES256);
    final TokenService tokens =
            TokenService.of(key, KeySet.of(key.verificationKey()), SessionStore.inMemory(), settings, clock);
    final Authenticator authenticator = Authenticator.builder(tokens)
            .entity("user", t -> t.subject())
            .settings(settings)
            .build();
    final InMemorySink sink = new InMemorySink();
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    Pipeline pipeline() {
        return Pipeline.builder()
                .recorder(Recorder.of(sink))
                .procedures(Procedures.builder()
                        .route("GET", "/hello", Procedure.named("hello").withAuth(Procedure.PUBLIC))
                        .route("GET", "/fail", Procedure.named("fail").withAuth(Procedure.PUBLIC))
                        .route("GET", "/silent", Procedure.named("silent").withAuth(Procedure.PUBLIC))
                        .route("GET", "/teapot", Procedure.named("teapot").withAuth(Procedure.PUBLIC))
                        .route("GET", "/late-fail", Procedure.named("late-fail").withAuth(Procedure.PUBLIC))
                        .route("GET", "/unclosed", Procedure.named("unclosed").withAuth(Procedure.PUBLIC))
                        .route("GET", "/files/**", Procedure.named("files").withAuth(Procedure.PUBLIC))
                        .route("GET", "/admin", Procedure.named("admin").withAuth("user"))
                        .route("*", "/me", Procedure.named("me").withAuth("user"))
                        .build())
                .cors(CorsPolicy.builder().allowOrigins(APP).build())
                .auth(authenticator)
                .build();
    }

    // ---------------------------------------------------------------- the two servers

    static String body(String path, Principal principal) {
        CallContext ctx = CallContext.current();
        return "path=" + path + " caller=" + ctx.caller() + " request=" + ctx.requestId() + " principal="
                + (principal == null ? "-" : principal.caller());
    }

    URI start(String adapter) throws Exception {
        return start(adapter, "");
    }

    URI start(String adapter, String contextPath) throws Exception {
        return adapter.equals("jdk") ? startJdk() : startTomcat(contextPath);
    }

    URI startJdk() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        ExecutorService executor = Executors.newFixedThreadPool(16);
        server.setExecutor(executor);
        server.createContext("/", AdapterRedTeamTest::jdkApp).getFilters().add(CorekitHttpFilter.of(pipeline()));
        server.start();
        servers.add(() -> {
            server.stop(0);
            executor.shutdownNow();
        });
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    static void jdkApp(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        switch (path) {
            case "/fail" -> throw new IllegalStateException(SECRET_DETAIL);
            case "/silent" -> {
                return;
            }
            case "/teapot" -> jdkSend(exchange, 418, "short and stout");
            case "/late-fail" -> {
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write("partial".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                throw new IllegalStateException(SECRET_DETAIL);
            }
            case "/unclosed" -> {
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write("unclosed".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
            }
            default ->
                jdkSend(exchange, 200, body(path, (Principal)
                        exchange.getAttribute(CorekitHttpFilter.PRINCIPAL_ATTRIBUTE)));
        }
    }

    static void jdkSend(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    URI startTomcat(String contextPath) throws Exception {
        Path base = Files.createTempDirectory("rt-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext(contextPath, base.toString());
        Tomcat.addServlet(context, "app", new App());
        context.addServletMappingDecoded("/*", "app");
        FilterDef filter = new FilterDef();
        filter.setFilterName("corekit");
        filter.setFilter(CorekitServletFilter.of(pipeline()));
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("corekit");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        tomcat.start();
        servers.add(() -> {
            tomcat.stop();
            tomcat.destroy();
        });
        return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + contextPath);
    }

    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getPathInfo() == null ? request.getServletPath() : request.getPathInfo();
            switch (path) {
                case "/fail" -> throw new IllegalStateException(SECRET_DETAIL);
                case "/silent" -> {
                    return;
                }
                case "/teapot" -> send(response, 418, "short and stout");
                case "/late-fail" -> {
                    response.setStatus(200);
                    response.getOutputStream().write("partial".getBytes(StandardCharsets.UTF_8));
                    response.flushBuffer();
                    throw new IllegalStateException(SECRET_DETAIL);
                }
                default ->
                    send(response, 200, body(path, (Principal)
                            request.getAttribute(CorekitServletFilter.PRINCIPAL_ATTRIBUTE)));
            }
        }

        private static void send(HttpServletResponse response, int status, String body) throws IOException {
            response.setStatus(status);
            response.setContentType("text/plain");
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    HttpResponse<String> send(String method, URI base, String path, String... headers) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(
                request.method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(URI base, String path, String... headers) throws Exception {
        return send("GET", base, path, headers);
    }

    static List<String> list(HttpResponse<?> response, String header) {
        List<String> out = new ArrayList<>();
        for (String v : response.headers().allValues(header)) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** Sends raw bytes and returns the raw response (status line and headers, then body). */
    static String raw(URI base, byte[] request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) != -1) {
                    out.write(buf, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                // keep-alive server: what arrived is the answer
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static String authority(URI base) {
        return base.getHost() + ":" + base.getPort();
    }

    String access(String subject) {
        return tokens.login(TokenRequest.of("user", subject)).accessToken();
    }

    // ---------------------------------------------------------------- 401 / 403 / 200

    // Authenticator: "401 ErrorBody.UNAUTHENTICATED with WWW-Authenticate: Bearer realm="..." when there is no
    // Authorization header" / ErrorBody: "Content-Type: application/json; charset=utf-8" / Pipeline: "the request id
    // is echoed in the x-request-id response header" / CorsPolicy: "Every response gets Vary: Origin"
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void aMissingTokenIsA401WithChallengeJsonBodyRequestIdAndVary(String adapter) throws Exception {
        URI base = start(adapter);
        HttpResponse<String> r = get(base, "/me", "x-request-id", "rq-401");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm=\"api\""));
        assertThat(r.headers()
                        .firstValue("Content-Type")
                        .orElseThrow()
                        .toLowerCase(Locale.ROOT)
                        .replace(" ", ""))
                .isEqualTo("application/json;charset=utf-8");
        assertThat(Rt.json(r.body()))
                .containsEntry("code", ErrorBody.UNAUTHENTICATED)
                .containsEntry("requestId", "rq-401");
        assertThat(r.headers().firstValue("x-request-id")).contains("rq-401");
        assertThat(list(r, "Vary")).contains("origin");
    }

    // "On success the Principal is on the call, the call context's caller is entity:subject" / CorekitHttpFilter
    // .PRINCIPAL_ATTRIBUTE: "The exchange attribute holding the authenticated Principal." / CorekitServletFilter: "The
    // authenticated Principal is also a request attribute named dev.corekit.auth.Principal."
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void aValidTokenReachesTheAppWithCallerAndPrincipalAttribute(String adapter) throws Exception {
        URI base = start(adapter);
        HttpResponse<String> r = get(base, "/me", "Authorization", "Bearer " + access("42"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("caller=user:42").contains("principal=user:42");
        assertThat(CorekitServletFilter.PRINCIPAL_ATTRIBUTE).isEqualTo("dev.corekit.auth.Principal");
    }

    // "with error="invalid_request" when it is not exactly one Bearer <token>" -- two real Authorization headers.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void twoAuthorizationHeadersOverHttpAreAnInvalidRequest(String adapter) throws Exception {
        URI base = start(adapter);
        String token = access("42");
        HttpResponse<String> r =
                get(base, "/me", "Authorization", "Bearer " + token, "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_request\"");
    }

    // ErrorBody: "Neither ever carries a stack trace, an exception message or a verifier's internal detail." -- a
    // non-ASCII and an oversized bearer value over real HTTP.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void hostileBearerValuesOverHttpAre401NeverA500(String adapter) throws Exception {
        URI base = start(adapter);
        String big = "eyJhbGciOiJIUzI1NiJ9." + "A".repeat(6000) + ".c2ln";
        HttpResponse<String> r = get(base, "/me", "Authorization", "Bearer " + big);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("AAAAAAAAAA");
        byte[] latin1 = ("GET /me HTTP/1.1\r\nHost: " + authority(base)
                        + "\r\nAuthorization: Bearer t\u00f6k\u00e9n.\u00ff.x\r\n" + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        String response = raw(base, latin1);
        assertThat(response).startsWith("HTTP/1.1 401");
        assertThat(response).doesNotContain("t\u00f6k\u00e9n");
    }

    // "403 ErrorBody.SESSION_REVOKED for a revoked session"; "a token renewed in flight is sent back in the
    // "Renewed-Access-Token" response header"
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void revokedIs403AndRenewalTravelsInTheResponseHeader(String adapter) throws Exception {
        URI base = start(adapter);
        TokenPair revoked = tokens.login(TokenRequest.of("user", "1"));
        tokens.revoke(revoked.sessionId());
        HttpResponse<String> r403 = get(base, "/me", "Authorization", "Bearer " + revoked.accessToken());
        assertThat(r403.statusCode()).isEqualTo(403);
        assertThat(Rt.json(r403.body())).containsEntry("code", ErrorBody.SESSION_REVOKED);

        String token = access("42");
        clock.advance(Duration.ofMinutes(7));
        HttpResponse<String> renewed = get(base, "/me", "Authorization", "Bearer " + token, "Origin", APP);
        assertThat(renewed.statusCode()).isEqualTo(200);
        String fresh = renewed.headers().firstValue("Renewed-Access-Token").orElseThrow();
        assertThat(get(base, "/me", "Authorization", "Bearer " + fresh).statusCode())
                .isEqualTo(200);
        assertThat(list(renewed, "Access-Control-Expose-Headers")).contains("renewed-access-token");
    }

    // ---------------------------------------------------------------- failures of the app

    // CorekitHttpFilter: "When the pipeline (or the handler) fails before a response was sent ... the client gets a 500
    // ErrorBody" / CorekitServletFilter: "When the pipeline fails before a response was committed, the client gets a
    // 500 ErrorBody." / ErrorBody.INTERNAL: "details are in its records under the request id, never in the response"
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void aFailingHandlerIsA500ErrorBodyWithoutDetail(String adapter) throws Exception {
        URI base = start(adapter);
        HttpResponse<String> r = get(base, "/fail", "x-request-id", "rq-fail");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(Rt.json(r.body())).containsEntry("code", ErrorBody.INTERNAL).containsEntry("requestId", "rq-fail");
        assertThat(r.body())
                .doesNotContain("hunter2")
                .doesNotContain("Exception")
                .doesNotContain("at dev.");
        assertThat(r.headers().firstValue("x-request-id")).contains("rq-fail");
    }

    // CorekitHttpFilter: "or the handler sends none, the client gets a 500 ErrorBody; the exchange is always closed." /
    // ErrorBody.NO_RESPONSE: "500: the handler returned without sending a response."
    @Test
    void jdkAHandlerThatSendsNothingIsA500NoResponseAndTheExchangeIsClosed() throws Exception {
        URI base = start("jdk");
        HttpResponse<String> r = get(base, "/silent");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(Rt.json(r.body())).containsEntry("code", ErrorBody.NO_RESPONSE);
        LogRecord done = sink.await(
                        x -> x.kind() == LogRecord.Kind.OPERATION
                                && !x.isStart()
                                && x.name().equals("silent"),
                        1,
                        Duration.ofSeconds(5))
                .get(0);
        assertThat(done.status()).isEqualTo(LogRecord.Status.FAILED);
    }

    // Pipeline "call-record": "4xx and 5xx complete it as failed" -- over real HTTP, for the app's own 418.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void theAppsOwn4xxIsAFailedRecordAndItsBodyIsUntouched(String adapter) throws Exception {
        URI base = start(adapter);
        HttpResponse<String> r = get(base, "/teapot");
        assertThat(r.statusCode()).isEqualTo(418);
        assertThat(r.body()).isEqualTo("short and stout");
        LogRecord done = sink.await(
                        x -> x.kind() == LogRecord.Kind.OPERATION
                                && !x.isStart()
                                && x.name().equals("teapot"),
                        1,
                        Duration.ofSeconds(5))
                .get(0);
        assertThat(done.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(done.attributes()).containsEntry("http.status", 418);
    }

    // CorekitHttpFilter: "When the pipeline (or the handler) fails before a response was sent ... the client gets a 500
    // ErrorBody" / CorekitServletFilter: "When the pipeline fails before a response was committed, the client gets a
    // 500 ErrorBody." -- after the response was sent, no error body is spliced into it, and nothing leaks.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void aFailureAfterTheResponseWasSentNeverSplicesAnErrorBody(String adapter) throws Exception {
        URI base = start(adapter);
        String response = raw(
                base,
                ("GET /late-fail HTTP/1.1\r\nHost: " + authority(base) + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(response)
                .doesNotContain("hunter2")
                .doesNotContain("INTERNAL")
                .doesNotContain("IllegalStateException");
        LogRecord done = sink.await(
                        x -> x.kind() == LogRecord.Kind.OPERATION
                                && !x.isStart()
                                && x.name().equals("late-fail"),
                        1,
                        Duration.ofSeconds(5))
                .get(0);
        assertThat(done.status()).isEqualTo(LogRecord.Status.FAILED);
    }

    // CorekitHttpFilter: "the exchange is always closed" -- a handler that sends headers and a body but never closes
    // the exchange still completes the client's response.
    @Test
    void jdkTheExchangeIsClosedEvenWhenTheHandlerForgets() throws Exception {
        URI base = start("jdk");
        HttpResponse<String> r = get(base, "/unclosed");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("unclosed");
    }

    // Authenticator: "401 ErrorBody.UNAUTHENTICATED ... when there is no Authorization header" -- a token in the query
    // string or in a cookie is no Authorization header.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void aTokenOutsideTheAuthorizationHeaderIsNotRead(String adapter) throws Exception {
        URI base = start(adapter);
        String token = access("42");
        assertThat(get(base, "/me?access_token=" + token).statusCode()).isEqualTo(401);
        assertThat(get(base, "/me", "Cookie", "access_token=" + token).statusCode())
                .isEqualTo(401);
        assertThat(get(base, "/me", "X-Authorization", "Bearer " + token).statusCode())
                .isEqualTo(401);
    }

    // Call: "The framework-neutral view of one incoming call ... whatever server adapter made it" / Procedures: "an
    // unrouted path is never public by accident" -- dot segments must not make a private path public on one adapter
    // and private on the other (route "/files/**" is public, "/admin" is for users).
    @Test
    void dotSegmentsResolveToTheSameProcedureOnBothAdapters() throws Exception {
        URI jdk = start("jdk");
        URI servlet = start("servlet");
        List<String> diffs = new ArrayList<>();
        for (String path : List.of("/files/../admin", "/files/%2e%2e/admin", "/files/./../admin")) {
            String jdkHead = firstLine(raw(jdk, request(jdk, path)));
            String servletHead = firstLine(raw(servlet, request(servlet, path)));
            boolean jdkPublic = jdkHead.startsWith("HTTP/1.1 200");
            boolean servletPublic = servletHead.startsWith("HTTP/1.1 200");
            if (jdkPublic != servletPublic) {
                diffs.add(path + ": jdk=" + jdkHead + " servlet=" + servletHead);
            }
        }
        assertThat(diffs).as(String.join("\n", diffs)).isEmpty();
    }

    static byte[] request(URI base, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + authority(base) + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    static String firstLine(String response) {
        int end = response.indexOf("\r\n");
        return end < 0 ? response : response.substring(0, end);
    }

    // ---------------------------------------------------------------- CORS over HTTP

    // CorsPolicy: preflight "answered here with 204 ... Access-Control-Max-Age ... (24 h by default); it never reaches
    // auth" / "From an origin that is not allowed ... 403 ErrorBody.ORIGIN_NOT_ALLOWED"
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void preflightsOverHttp(String adapter) throws Exception {
        URI base = start(adapter);
        HttpResponse<String> ok =
                send("OPTIONS", base, "/me", "Origin", APP, "Access-Control-Request-Method", "DELETE");
        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(ok.headers().firstValue("Access-Control-Max-Age")).contains("86400");
        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains(APP);
        assertThat(list(ok, "Vary")).contains("origin");
        HttpResponse<String> bad =
                send("OPTIONS", base, "/me", "Origin", "null", "Access-Control-Request-Method", "GET");
        assertThat(bad.statusCode()).isEqualTo(403);
        assertThat(Rt.json(bad.body())).containsEntry("code", ErrorBody.ORIGIN_NOT_ALLOWED);
        assertThat(bad.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    // ---------------------------------------------------------------- request id over HTTP

    // "the request id is echoed in the x-request-id response header" -- an obs-folded or control-character request id
    // must never smuggle a response header.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void aHostileRequestIdNeverInjectsAResponseHeader(String adapter) throws Exception {
        URI base = start(adapter);
        List<byte[]> attacks = List.of(
                ("GET /hello HTTP/1.1\r\nHost: " + authority(base) + "\r\nx-request-id: abc\r\n Set-Cookie: evil=1\r\n"
                                + "Connection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1),
                ("GET /hello HTTP/1.1\r\nHost: " + authority(base) + "\r\nx-request-id: abc\u0085Set-Cookie: evil=1\r\n"
                                + "Connection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1),
                ("GET /hello HTTP/1.1\r\nHost: " + authority(base) + "\r\nx-request-id: abc\rSet-Cookie: evil=1\r\n"
                                + "Connection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] attack : attacks) {
            String response = raw(base, attack);
            int end = response.indexOf("\r\n\r\n");
            String head = end < 0 ? response : response.substring(0, end);
            assertThat(head.toLowerCase(Locale.ROOT))
                    .as(adapter + " response head:\n" + head)
                    .doesNotContain("\nset-cookie")
                    .doesNotContain("\rset-cookie");
            assertThat(head).isNotEmpty();
        }
    }

    // CorekitServletFilter: "The procedure is resolved from the method and the path inside the web application (without
    // the context path)."
    @Test
    void servletRoutesByThePathInsideTheWebApplication() throws Exception {
        URI base = start("servlet", "/shop");
        assertThat(get(base, "/hello").statusCode()).isEqualTo(200);
        assertThat(get(base, "/me").statusCode()).isEqualTo(401);
        assertThat(get(base, "/me", "Authorization", "Bearer " + access("7")).body())
                .contains("principal=user:7");
        List<LogRecord> hello = sink.await(
                x -> x.kind() == LogRecord.Kind.OPERATION
                        && !x.isStart()
                        && x.name().equals("hello"),
                1,
                Duration.ofSeconds(5));
        assertThat(hello).hasSize(1);
    }

    // ---------------------------------------------------------------- concurrency over HTTP

    // Pipeline: "Immutable and thread-safe." -- hundreds of concurrent HTTP calls keep their own principal and id.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void concurrentHttpCallsKeepTheirOwnPrincipalAndRequestId(String adapter) throws Exception {
        URI base = start(adapter);
        List<String> userTokens = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            userTokens.add(access("u" + u));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Map<Integer, String> problems = new ConcurrentHashMap<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    HttpResponse<String> r = get(
                            base,
                            "/me",
                            "Authorization",
                            "Bearer " + userTokens.get(n % 20),
                            "x-request-id",
                            "rq-" + n);
                    String expected = "caller=user:u" + (n % 20) + " request=rq-" + n + " ";
                    if (r.statusCode() != 200
                            || !r.body().contains(expected)
                            || !r.headers()
                                    .firstValue("x-request-id")
                                    .orElse("")
                                    .equals("rq-" + n)) {
                        problems.put(n, r.statusCode() + " " + r.body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(problems).isEmpty();
    }

    // CorekitHttpFilter.PRINCIPAL_ATTRIBUTE: "The exchange attribute holding the authenticated Principal." /
    // CorekitServletFilter: "The authenticated Principal is also a request attribute" -- it belongs to ITS exchange:
    // a later public call has none, and concurrent calls never see each other's.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void aPublicCallNeverSeesThePreviousCallsPrincipalAttribute(String adapter) throws Exception {
        URI base = start(adapter);
        assertThat(get(base, "/me", "Authorization", "Bearer " + access("42")).body())
                .contains("principal=user:42");
        assertThat(get(base, "/hello").body())
                .as("a public call after an authenticated one")
                .contains("principal=-");
    }

    // Same promise under concurrency: each authenticated or public call sees only its own principal attribute.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void concurrentCallsNeverSeeEachOthersPrincipalAttribute(String adapter) throws Exception {
        URI base = start(adapter);
        List<String> userTokens = new ArrayList<>();
        for (int u = 0; u < 8; u++) {
            userTokens.add(access("p" + u));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Map<Integer, String> problems = new ConcurrentHashMap<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    boolean anonymous = n % 3 == 0;
                    HttpResponse<String> r = anonymous
                            ? get(base, "/hello")
                            : get(base, "/me", "Authorization", "Bearer " + userTokens.get(n % 8));
                    String expected = anonymous ? "principal=-" : "principal=user:p" + (n % 8);
                    if (!r.body().endsWith(expected)) {
                        problems.put(n, "expected " + expected + " got " + r.body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(problems)
                .as("%d of 300 calls saw another call's principal", problems.size())
                .isEmpty();
    }

    // TokenService: "Concurrent calls with the same expired token share one renewal (single-flight), and later calls
    // with it within 60 seconds get the same renewed token, so a burst of calls renews once." -- over real HTTP.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void aBurstOfHttpCallsWithOneExpiredTokenRenewsOnce(String adapter) throws Exception {
        URI base = start(adapter);
        String token = access("42");
        clock.advance(Duration.ofMinutes(7));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        java.util.Set<String> renewed = ConcurrentHashMap.newKeySet();
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                futures.add(pool.submit(() -> {
                    HttpResponse<String> r = get(base, "/me", "Authorization", "Bearer " + token);
                    statuses.add(r.statusCode());
                    renewed.add(r.headers().firstValue("Renewed-Access-Token").orElse("NONE"));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses).hasSize(100).containsOnly(200);
        assertThat(renewed).hasSize(1).doesNotContain("NONE");
        assertThat(tokens.renewals()).isEqualTo(1);
    }

    // Pipeline "call-record": "one Operation record per call ... its outcome follows the response" -- under concurrency
    // over real HTTP each call's record carries its own status, and each renewed token goes to its own caller.
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "servlet"})
    void concurrentMixedCallsKeepTheirOwnRecordsAndRenewedTokens(String adapter) throws Exception {
        URI base = start(adapter);
        List<String> expiring = new ArrayList<>();
        for (int u = 0; u < 30; u++) {
            expiring.add(access("e" + u));
        }
        clock.advance(Duration.ofMinutes(7));
        String[] paths = {"/hello", "/teapot", "/fail", "/me", "/renew"};
        int[] statuses = {200, 418, 500, 401, 200};
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Map<String, String> problems = new ConcurrentHashMap<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    int kind = n % paths.length;
                    String rid = "mix-" + n;
                    HttpResponse<String> r = kind == 4
                            ? get(base, "/me", "Authorization", "Bearer " + expiring.get(n % 30), "x-request-id", rid)
                            : get(base, paths[kind], "x-request-id", rid);
                    if (r.statusCode() != statuses[kind]) {
                        problems.put(rid, "status " + r.statusCode());
                    }
                    if (kind == 4) {
                        String renewed =
                                r.headers().firstValue("Renewed-Access-Token").orElse(null);
                        String subject = renewed == null
                                ? null
                                : String.valueOf(dev.corekit.auth.token.TokenVerifier.unverifiedClaims(renewed)
                                        .get("sub"));
                        if (!("e" + (n % 30)).equals(subject)) {
                            problems.put(rid, "renewed token for " + subject);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<LogRecord> done = sink.await(
                x -> x.kind() == LogRecord.Kind.OPERATION
                        && !x.isStart()
                        && x.context().requestId() != null
                        && x.context().requestId().startsWith("mix-"),
                300,
                Duration.ofSeconds(20));
        for (LogRecord r : done) {
            int n = Integer.parseInt(r.context().requestId().substring(4));
            Object status = r.attributes().get("http.status");
            if (status == null || ((Number) status).intValue() != statuses[n % paths.length]) {
                problems.put(r.context().requestId(), "record status " + status);
            }
        }
        assertThat(problems).isEmpty();
    }

    // ---------------------------------------------------------------- parity

    /** What a client can observe of one answer, for comparison across adapters. */
    static Map<String, Object> observe(HttpResponse<String> r) {
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("status", r.statusCode());
        String type = r.headers()
                .firstValue("Content-Type")
                .orElse("")
                .toLowerCase(Locale.ROOT)
                .replace(" ", "");
        seen.put("json", type.startsWith("application/json"));
        if (type.startsWith("application/json")) {
            seen.put("code", Rt.json(r.body()).get("code"));
        }
        seen.put("challenge", r.headers().firstValue("WWW-Authenticate").orElse(null));
        seen.put("acao", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        seen.put(
                "acac",
                r.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
        seen.put("maxAge", r.headers().firstValue("Access-Control-Max-Age").orElse(null));
        seen.put("vary", list(r, "Vary").contains("origin"));
        seen.put("expose", list(r, "Access-Control-Expose-Headers"));
        seen.put("requestId", r.headers().firstValue("x-request-id").orElse(null));
        seen.put("renewed", r.headers().firstValue("Renewed-Access-Token").isPresent());
        return seen;
    }

    // Call: "The framework-neutral view of one incoming call that every Interceptor sees, whatever server adapter made
    // it" / issue 17: "both pass one adapter contract suite over real HTTP" -- the same requests get the same answers.
    @Test
    void bothAdaptersGiveTheSameAnswersToTheSameRequests() throws Exception {
        URI jdk = start("jdk");
        URI servlet = start("servlet");
        TokenPair revoked = tokens.login(TokenRequest.of("user", "1"));
        tokens.revoke(revoked.sessionId());
        String good = access("42");
        String expiring = access("43");
        String[][] requests = {
            {"GET", "/hello"},
            {"GET", "/hello", "Origin", APP},
            {"GET", "/hello", "Origin", "https://evil.example.com"},
            {"GET", "/me"},
            {"GET", "/me", "Origin", APP},
            {"GET", "/me", "Authorization", "Basic eDp5"},
            {"GET", "/me", "Authorization", "Bearer a.b.c"},
            {"GET", "/me", "Authorization", "Bearer " + good},
            {"GET", "/me", "Authorization", "Bearer " + revoked.accessToken(), "Origin", APP},
            {"GET", "/nowhere"},
            {"GET", "/fail", "Origin", APP},
            {"GET", "/teapot"},
            {"OPTIONS", "/me", "Origin", APP, "Access-Control-Request-Method", "PUT"},
            {"OPTIONS", "/me", "Origin", "https://evil.example.com", "Access-Control-Request-Method", "PUT"},
            {"OPTIONS", "/me", "Origin", APP, "Access-Control-Request-Method", "TRACE"},
            {"OPTIONS", "/me"},
            {"POST", "/me", "Authorization", "Bearer " + good},
            {"DELETE", "/hello"},
        };
        List<String> diffs = new ArrayList<>();
        int i = 0;
        for (String[] request : requests) {
            String[] headers = new String[request.length - 2 + 2];
            System.arraycopy(request, 2, headers, 0, request.length - 2);
            headers[headers.length - 2] = "x-request-id";
            headers[headers.length - 1] = "rq-parity-" + i++;
            Map<String, Object> a = observe(send(request[0], jdk, request[1], headers));
            Map<String, Object> b = observe(send(request[0], servlet, request[1], headers));
            if (!a.equals(b)) {
                diffs.add(request[0] + " " + request[1] + "\n   jdk:     " + a + "\n   servlet: " + b);
            }
        }
        clock.advance(Duration.ofMinutes(7));
        Map<String, Object> a = observe(get(jdk, "/me", "Authorization", "Bearer " + expiring, "x-request-id", "rq-r"));
        Map<String, Object> b =
                observe(get(servlet, "/me", "Authorization", "Bearer " + expiring, "x-request-id", "rq-r"));
        if (!a.equals(b)) {
            diffs.add("renewal\n   jdk:     " + a + "\n   servlet: " + b);
        }
        assertThat(diffs).as(String.join("\n", diffs)).isEmpty();
    }
}
