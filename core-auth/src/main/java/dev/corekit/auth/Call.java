package dev.corekit.auth;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The framework-neutral view of one incoming call that every {@link Interceptor} sees, whatever server adapter made it
 * (the Jakarta Servlet filter, the JDK {@code HttpServer} filter, a test). It names the {@link Procedure} the call was
 * routed to, exposes the request method, path and headers, carries typed {@link CallAttribute attributes} and the
 * authenticated {@link Principal}, and lets an interceptor set response headers or answer the call itself.
 *
 * <pre>{@code
 * Interceptor tenantGuard = (call, chain) -> {
 *     if (call.header("x-tenant") == null) {
 *         ErrorBody.respond(call, 400, "TENANT_REQUIRED", "The x-tenant header is required.");
 *         return;                          // the rest of the chain does not run
 *     }
 *     chain.proceed(call);
 * };
 * }</pre>
 *
 * <p>Response headers must be set before the response is committed: set them before {@link Interceptor.Chain#proceed}.
 * A call belongs to the thread that serves it; attributes are not meant to be shared across threads.
 */
public interface Call {
    /** The procedure this call was routed to; never null. */
    Procedure procedure();

    /** The request method, upper case ({@code GET}, {@code POST}, ...). */
    String method();

    /** The request path, without the query string and without a servlet context path; starts with {@code /}. */
    String path();

    /** The first value of the request header {@code name} (matched case-insensitively), or null when absent. */
    String header(String name);

    /** Every value of the request header {@code name} (matched case-insensitively), in order; empty when absent. */
    List<String> headers(String name);

    /** The value of {@code key} on this call, or null when unset. */
    <T> T attribute(CallAttribute<T> key);

    /** Sets (or with null removes) the value of {@code key} on this call. */
    <T> void attribute(CallAttribute<T> key, T value);

    /** Who the auth interceptor authenticated; empty for a public procedure or before auth ran. */
    default Optional<Principal> principal() {
        return Optional.ofNullable(attribute(Principal.ATTRIBUTE));
    }

    /**
     * The response status: what the handler or an interceptor sent, or set so far; 0 while nothing was set and the
     * server has no default (the JDK {@code HttpServer} before {@code sendResponseHeaders}).
     */
    int status();

    /** Sets a response header, replacing earlier values. Ignored once the response is committed. */
    void setResponseHeader(String name, String value);

    /** Adds a value to a response header. Ignored once the response is committed. */
    void addResponseHeader(String name, String value);

    /** Whether the status line and headers were already sent, so that headers and status can no longer change. */
    boolean isCommitted();

    /**
     * Answers the call with {@code status}, a content type and a body (may be empty), and completes the response.
     * Interceptors that answer a call do not proceed down the chain.
     *
     * @throws IllegalStateException when the response is already committed
     * @throws IOException when the client connection fails
     */
    void respond(int status, String contentType, byte[] body) throws IOException;
}
