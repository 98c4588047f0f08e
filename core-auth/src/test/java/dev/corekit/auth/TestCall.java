package dev.corekit.auth;

import dev.corekit.auth.internal.AbstractCall;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An in-memory call for unit tests of interceptors; adapter behaviour is tested over real HTTP elsewhere. */
public final class TestCall extends AbstractCall {
    private final String method;
    private final String path;
    private final Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
    private final Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
    private int status;
    private boolean committed;
    private byte[] body = new byte[0];

    public TestCall(String method, String path, Procedure procedure) {
        super(procedure);
        this.method = method;
        this.path = path;
    }

    public static TestCall get(String path) {
        return new TestCall("GET", path, Procedure.named("test.get"));
    }

    public TestCall withHeader(String name, String value) {
        requestHeaders
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(value);
        return this;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String header(String name) {
        List<String> values = requestHeaders.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : values.get(0);
    }

    @Override
    public List<String> headers(String name) {
        return requestHeaders.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public void setResponseHeader(String name, String value) {
        if (!committed) {
            responseHeaders.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(List.of(value)));
        }
    }

    @Override
    public void addResponseHeader(String name, String value) {
        if (!committed) {
            responseHeaders
                    .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(value);
        }
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    @Override
    public void respond(int status, String contentType, byte[] body) {
        if (committed) {
            throw new IllegalStateException("committed");
        }
        this.status = status;
        this.body = body;
        if (contentType != null) {
            responseHeaders.put("content-type", List.of(contentType));
        }
        committed = true;
    }

    /** Sets a status as a handler would, without a body. */
    public void status(int status) {
        this.status = status;
        committed = true;
    }

    public String responseHeader(String name) {
        List<String> values = responseHeaders.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : String.join(", ", values);
    }

    public String body() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
