package dev.corekit.samples.http;

import com.sun.net.httpserver.HttpExchange;
import dev.corekit.auth.ErrorBody;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What an {@link Endpoint} answers: a status, a JSON body (or none) and extra headers. Immutable. */
public final class Response {
    private static final String JSON = "application/json";

    private final int status;
    private final Object body;
    private final Map<String, String> headers;

    private Response(int status, Object body, Map<String, String> headers) {
        this.status = status;
        this.body = body;
        this.headers = headers;
    }

    /** 200 with {@code body} as JSON. */
    public static Response ok(Object body) {
        return json(200, body);
    }

    /** {@code status} with {@code body} as JSON. */
    public static Response json(int status, Object body) {
        return new Response(status, Objects.requireNonNull(body, "body"), Map.of());
    }

    /** {@code status} with corekit's error body ({@link ErrorBody}: code, message, request id). */
    public static Response error(int status, String code, String message) {
        return new Response(status, new RawJson(ErrorBody.json(code, message)), Map.of());
    }

    /** This response with the header {@code name} set to {@code value}. */
    public Response header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new Response(status, body, Map.copyOf(more));
    }

    /** The status. */
    public int status() {
        return status;
    }

    void send(HttpExchange exchange) throws IOException {
        byte[] bytes = body instanceof RawJson raw
                ? raw.json.getBytes(StandardCharsets.UTF_8)
                : Json.MAPPER.writeValueAsBytes(body);
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.getResponseHeaders().set("Content-Type", body instanceof RawJson ? ErrorBody.CONTENT_TYPE : JSON);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private record RawJson(String json) {}
}
