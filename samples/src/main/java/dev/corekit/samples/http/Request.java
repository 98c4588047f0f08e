package dev.corekit.samples.http;

import com.fasterxml.jackson.core.JacksonException;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One incoming request as an {@link Endpoint} sees it: method, path parameters bound by its route, query parameters,
 * headers and the body. Belongs to the thread that serves the request.
 */
public final class Request {
    /** The largest JSON body {@link #body(Class)} reads. */
    public static final int MAX_JSON_BYTES = 1 << 20;

    private final HttpExchange exchange;
    private final Map<String, String> pathParameters;

    Request(HttpExchange exchange, Map<String, String> pathParameters) {
        this.exchange = exchange;
        this.pathParameters = pathParameters;
    }

    /** The request method, upper case. */
    public String method() {
        return exchange.getRequestMethod();
    }

    /**
     * The path parameter {@code name} of the route pattern ({@code /orders/{id}}).
     *
     * @throws IllegalArgumentException when the route has no such parameter (a programming error)
     */
    public String pathParameter(String name) {
        String value = pathParameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route has no path parameter '" + name + "'");
        }
        return value;
    }

    /** The first value of the query parameter {@code name}, decoded; null when absent. */
    public String query(String name) {
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

    /** The query parameter {@code name} as a number from {@code min} to {@code max}, or {@code fallback} when absent. */
    public int queryInt(String name, int fallback, int min, int max) {
        String raw = query(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpError.badRequest(
                "INVALID_PARAMETER",
                "Query parameter '" + name + "' must be a whole number from " + min + " to " + max + ".");
    }

    /** The first value of the request header {@code name}; null when absent. */
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /**
     * The JSON body as {@code type}.
     *
     * @throws HttpError 400 when the body is missing, too large or not a valid {@code type}
     */
    public <T> T body(Class<T> type) throws IOException {
        byte[] bytes = readUpTo(MAX_JSON_BYTES);
        if (bytes.length == 0) {
            throw HttpError.badRequest("INVALID_BODY", "The request needs a JSON body.");
        }
        try {
            T value = Json.MAPPER.readValue(bytes, type);
            if (value == null) {
                throw HttpError.badRequest("INVALID_BODY", "The request needs a JSON body.");
            }
            return value;
        } catch (JacksonException e) {
            throw HttpError.badRequest("INVALID_BODY", "The body is not a valid " + type.getSimpleName() + " in JSON.");
        }
    }

    /** The raw body as a stream, for uploads; read it once. */
    public InputStream bodyStream() {
        return exchange.getRequestBody();
    }

    private byte[] readUpTo(int limit) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw HttpError.of(413, "BODY_TOO_LARGE", "The JSON body is larger than " + limit + " bytes.");
            }
            return bytes;
        }
    }
}
