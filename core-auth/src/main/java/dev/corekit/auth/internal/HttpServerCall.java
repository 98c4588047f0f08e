package dev.corekit.auth.internal;

import com.sun.net.httpserver.HttpExchange;
import dev.corekit.auth.Procedure;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** A {@code dev.corekit.auth.Call} over a JDK {@code HttpExchange}. */
public final class HttpServerCall extends AbstractCall {
    private final HttpExchange exchange;
    private final String path;

    public HttpServerCall(HttpExchange exchange, Procedure procedure, String path) {
        super(procedure);
        this.exchange = exchange;
        this.path = path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    protected void published(dev.corekit.auth.CallAttribute<?> key, Object value) {
        if (key == dev.corekit.auth.Principal.ATTRIBUTE) {
            exchange.setAttribute(dev.corekit.auth.httpserver.CorekitHttpFilter.PRINCIPAL_ATTRIBUTE, value);
        }
    }

    @Override
    public String method() {
        return exchange.getRequestMethod();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = exchange.getRequestHeaders().get(name);
        return values == null ? List.of() : List.copyOf(values);
    }

    @Override
    public int status() {
        int code = exchange.getResponseCode();
        return code < 0 ? 0 : code;
    }

    @Override
    public void setResponseHeader(String name, String value) {
        if (!isCommitted()) {
            exchange.getResponseHeaders().set(name, value);
        }
    }

    @Override
    public void addResponseHeader(String name, String value) {
        if (!isCommitted()) {
            exchange.getResponseHeaders().add(name, value);
        }
    }

    @Override
    public boolean isCommitted() {
        return exchange.getResponseCode() >= 0;
    }

    @Override
    public void respond(int status, String contentType, byte[] body) throws IOException {
        if (isCommitted()) {
            throw new IllegalStateException("the response to " + method() + " " + path + " is already committed");
        }
        boolean empty = body == null || body.length == 0 || status == 204 || status == 304;
        if (contentType != null && !empty) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        boolean head = "HEAD".equalsIgnoreCase(method());
        exchange.sendResponseHeaders(status, empty || head ? -1 : body.length);
        if (!empty && !head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } else {
            exchange.getResponseBody().close();
        }
    }
}
