package dev.corekit.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.corekit.config.Config;
import dev.corekit.config.Setting;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.ContextHeaders;
import dev.corekit.context.Scope;
import dev.corekit.logging.Operation;
import dev.corekit.logging.Operations;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runnable service on the JDK HTTP server, built the way a team would build one on corekit: settings from the
 * environment, JSON in and out, nothing configured per service. Run it with {@code ./mvnw -Prun-sample package}.
 *
 * <p>Every request opens its {@link CallContext} from the incoming headers ({@code traceparent}, {@code x-request-id})
 * once, in the adapter; handlers run as {@link Operations} and never thread context by hand. The greeting is composed
 * on a pool wrapped once at startup ({@link ContextExecutors}), through a {@code CompletableFuture} hop: the nested
 * operation's record carries the request's context without a line of code for it. The response echoes the request id
 * so a client can find its records.
 *
 * <p>Routes: {@code GET /health}, {@code GET /greetings?name=Ada}.
 */
public final class SampleService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SampleService.class);

    /** The HTTP port; 0 picks a free one. */
    public static final Setting<Integer> PORT = Setting.integer("sample", "port", 8080, 0, 65_535);

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    // Wrapped once, here: every task submitted to it runs in the context of the request that submitted it.
    private final ExecutorService composers = ContextExecutors.newFixedThreadPool("greeting-composer", 2);

    private SampleService(HttpServer server) {
        this.server = server;
    }

    /** Starts the service on the port {@code config} gives. */
    public static SampleService start(Config config) throws IOException {
        int port = config.get(PORT);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        SampleService service = new SampleService(server);
        server.createContext("/health", exchange -> service.respond(exchange, 200, Map.of("status", "UP")));
        server.createContext("/greetings", exchange -> service.inContext(exchange, () -> service.greet(exchange)));
        server.start();
        LOG.info("sample service listening on http://127.0.0.1:{}", service.port());
        return service;
    }

    /** The port the service listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The adapter: one context per request, from its headers, active while the handler runs. */
    private void inContext(HttpExchange exchange, Handler handler) throws IOException {
        CallContext context =
                ContextHeaders.extract(name -> exchange.getRequestHeaders().getFirst(name.toLowerCase(Locale.ROOT)));
        exchange.getResponseHeaders().set(ContextHeaders.REQUEST_ID, context.requestId());
        try (Scope scope = context.activate()) {
            handler.handle();
        }
    }

    @FunctionalInterface
    private interface Handler {
        void handle() throws IOException;
    }

    private void greet(HttpExchange exchange) throws IOException {
        Operations.run("greetings.get", op -> {
            op.attr("method", exchange.getRequestMethod());
            greetInOperation(exchange, op);
        });
    }

    private void greetInOperation(HttpExchange exchange, Operation op) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Map.of("error", "only GET is allowed on /greetings"));
            return;
        }
        String name = queryParameter(exchange, "name");
        if (name == null || name.isBlank()) {
            respond(exchange, 400, Map.of("error", "query parameter 'name' is required"));
            return;
        }
        op.attr("nameLength", name.strip().length());
        // The async hop: composed on the pool, recorded as its own operation under this one, in this request.
        CompletableFuture<String> greeting = CompletableFuture.supplyAsync(
                () -> Operations.call("greetings.compose", compose -> "Hello, " + name.strip()), composers);
        op.stage("composed");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("greeting", greeting.join());
        respond(exchange, 200, body);
    }

    private static String queryParameter(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void respond(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        composers.shutdown();
    }

    /** Starts the service; its HTTP threads keep the JVM running until it is stopped (Ctrl+C). */
    public static void main(String[] args) throws IOException {
        start(Config.fromEnvironment());
    }
}
