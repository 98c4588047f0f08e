package dev.corekit.auth.httpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Principal;
import dev.corekit.auth.internal.HttpServerCall;
import dev.corekit.auth.internal.ScopedExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Pipeline} around every exchange of a JDK {@code com.sun.net.httpserver.HttpServer} context. Add the
 * same filter to each context (a service with one root context and its own router adds it once):
 *
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
 * server.createContext("/", router).getFilters().add(CorekitHttpFilter.of(pipeline));
 * }</pre>
 *
 * <p>The call's procedure is resolved from the method and the request path with the pipeline's {@code Procedures}.
 * When the pipeline (or the handler) fails before a response was sent, or the handler sends none, the client gets a
 * 500 {@link ErrorBody}; the exchange is always closed.
 *
 * <p><b>Exchange attributes are per exchange.</b> The JDK keeps {@code HttpExchange} attributes in the
 * {@code HttpContext}'s single map, shared by every exchange of the context, so a value one request sets is seen by the
 * next request and by concurrent ones. This filter therefore hands the rest of the chain (later filters and the
 * handler) a view of the exchange whose {@code setAttribute}/{@code getAttribute} are its own: values set during the
 * call stay with the call and are cleared when it ends; a name never set on the exchange still reads through to the
 * context's attributes (context-wide configuration keeps working). The authenticated principal lives only there:
 * read it with {@link #principal(HttpExchange)} (or the {@link #PRINCIPAL_ATTRIBUTE} attribute); a public call, or a
 * call that failed auth, has none, whatever other calls run before it or at the same time.
 *
 * <pre>{@code
 * HttpHandler me = exchange -> {
 *     Principal who = CorekitHttpFilter.principal(exchange).orElseThrow();   // set by the pipeline's auth
 *     ...
 * };
 * }</pre>
 *
 * <p>The JDK's own {@code com.sun.net.httpserver.Authenticator} cannot be combined with this filter on one context
 * (the JDK's authentication filter runs after the user filters and only accepts its own exchange type): the pipeline's
 * {@code Authenticator} is the authentication. Such a context gets 500 answers and an error record naming the problem.
 */
public final class CorekitHttpFilter extends Filter {
    /**
     * The exchange attribute holding the authenticated {@code Principal}, on the exchange the filter hands down the
     * chain only (never in the {@code HttpContext}'s shared attributes); prefer {@link #principal(HttpExchange)}.
     */
    public static final String PRINCIPAL_ATTRIBUTE = "dev.corekit.auth.Principal";

    private static final Logger LOG = LoggerFactory.getLogger(CorekitHttpFilter.class);

    private final Pipeline pipeline;
    private final AtomicBoolean warnedAboutAuthenticator = new AtomicBoolean();

    private CorekitHttpFilter(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** A filter that runs {@code pipeline}. */
    public static CorekitHttpFilter of(Pipeline pipeline) {
        return new CorekitHttpFilter(Objects.requireNonNull(pipeline, "pipeline"));
    }

    /**
     * The principal the pipeline authenticated for {@code exchange}, as handed to a handler behind this filter; empty
     * for a public call, before auth ran, or for an exchange that did not pass through this filter.
     */
    public static Optional<Principal> principal(HttpExchange exchange) {
        Objects.requireNonNull(exchange, "exchange");
        return exchange.getAttribute(PRINCIPAL_ATTRIBUTE) instanceof Principal principal
                ? Optional.of(principal)
                : Optional.empty();
    }

    @Override
    public void doFilter(HttpExchange raw, Chain chain) throws IOException {
        if (raw.getHttpContext().getAuthenticator() != null) {
            refuseJdkAuthenticator(raw);
            return;
        }
        HttpExchange exchange = ScopedExchange.of(raw, PRINCIPAL_ATTRIBUTE);
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        HttpServerCall call = new HttpServerCall(exchange, pipeline.procedures().resolve(method, path), path);
        try {
            pipeline.handle(call, served -> chain.doFilter(exchange));
            if (!call.isCommitted()) {
                ErrorBody.respond(call, 500, ErrorBody.NO_RESPONSE, "The service sent no response.");
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn(
                    "corekit pipeline failed outside the call record: {}",
                    e.getClass().getName());
            if (!call.isCommitted()) {
                try {
                    ErrorBody.respond(call, 500, ErrorBody.INTERNAL, "The service failed.");
                } catch (IOException | RuntimeException ignored) {
                    // the client is gone; nothing left to tell it
                }
            }
        } finally {
            ScopedExchange.clear(exchange);
            exchange.close();
        }
    }

    private void refuseJdkAuthenticator(HttpExchange exchange) throws IOException {
        if (warnedAboutAuthenticator.compareAndSet(false, true)) {
            LOG.error(
                    "the HttpContext {} has a com.sun.net.httpserver.Authenticator and the corekit pipeline: remove"
                            + " the JDK authenticator, the pipeline's Authenticator authenticates every call",
                    exchange.getHttpContext().getPath());
        }
        try {
            byte[] body =
                    ErrorBody.json(ErrorBody.INTERNAL, "The service failed.").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", ErrorBody.CONTENT_TYPE);
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
        } finally {
            exchange.close();
        }
    }

    @Override
    public String description() {
        return "corekit pipeline " + pipeline.names();
    }
}
