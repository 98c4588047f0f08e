package dev.corekit.auth.httpserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.corekit.auth.AdapterContract;
import dev.corekit.auth.Pipeline;
import dev.corekit.context.ContextExecutors;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/** The adapter contract on a real JDK {@code HttpServer} bound to loopback. */
class HttpServerAdapterTest extends AdapterContract {
    @Override
    protected TestServer start(Pipeline pipeline) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService executor = ContextExecutors.newFixedThreadPool("test-http", 4);
        server.setExecutor(executor);
        server.createContext("/", HttpServerAdapterTest::app).getFilters().add(CorekitHttpFilter.of(pipeline));
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return new TestServer() {
            @Override
            public URI uri() {
                return uri;
            }

            @Override
            public void close() {
                server.stop(0);
                executor.shutdownNow();
            }
        };
    }

    private static void app(HttpExchange exchange) throws IOException {
        switch (exchange.getRequestURI().getPath()) {
            case "/hello", "/me" -> send(exchange, 200, hello());
            case "/fail" -> throw new IllegalStateException(SECRET_DETAIL);
            case "/teapot" -> send(exchange, 418, "short and stout");
            default -> send(exchange, 404, "no such page");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
