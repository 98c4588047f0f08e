package dev.corekit.benchmarks.auth;

import dev.corekit.auth.Call;
import dev.corekit.auth.CallAttribute;
import dev.corekit.auth.Procedure;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The lightest honest {@link Call}: what a server adapter does per request (request headers looked up in the server's
 * already-parsed map, attributes on the call, the status and response headers recorded), without a socket. One per
 * benchmark invocation, like one per request.
 */
final class BenchCall implements Call {
    private final Procedure procedure;
    private final String method;
    private final String path;
    private final Map<String, List<String>> requestHeaders;
    private Map<CallAttribute<?>, Object> attributes;
    private String requestIdHeader;
    private String renewedTokenHeader;
    private int status;

    /** {@code requestHeaders} is keyed by lower-case name, as servers keep them. */
    BenchCall(Procedure procedure, String method, String path, Map<String, List<String>> requestHeaders) {
        this.procedure = procedure;
        this.method = method;
        this.path = path;
        this.requestHeaders = requestHeaders;
    }

    @Override
    public Procedure procedure() {
        return procedure;
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
        List<String> values = requestHeaders.get(lower(name));
        return values == null ? null : values.get(0);
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = requestHeaders.get(lower(name));
        return values == null ? List.of() : values;
    }

    private static String lower(String name) {
        // header names in corekit and in these requests are already lower case or canonical; servers do the same
        // folding (Tomcat's MimeHeaders, the JDK's Headers normalise once per request)
        for (int i = 0; i < name.length(); i++) {
            if (Character.isUpperCase(name.charAt(i))) {
                return name.toLowerCase(java.util.Locale.ROOT);
            }
        }
        return name;
    }

    @Override
    public <T> T attribute(CallAttribute<T> key) {
        return attributes == null ? null : key.cast(attributes.get(key));
    }

    @Override
    public <T> void attribute(CallAttribute<T> key, T value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            if (attributes != null) {
                attributes.remove(key);
            }
            return;
        }
        if (attributes == null) {
            attributes = new IdentityHashMap<>(8);
        }
        attributes.put(key, value);
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public void setResponseHeader(String name, String value) {
        if ("x-request-id".equalsIgnoreCase(name)) {
            requestIdHeader = value;
        } else {
            renewedTokenHeader = value;
        }
    }

    @Override
    public void addResponseHeader(String name, String value) {
        setResponseHeader(name, value);
    }

    @Override
    public boolean isCommitted() {
        return status != 0;
    }

    @Override
    public void respond(int status, String contentType, byte[] body) {
        if (this.status != 0) {
            throw new IllegalStateException("already committed");
        }
        this.status = status;
    }

    /** The echoed request id, for the benchmark's return value (so nothing is dead code). */
    String requestIdHeader() {
        return requestIdHeader;
    }

    String otherResponseHeader() {
        return renewedTokenHeader;
    }
}
