package dev.corekit.auth.httpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.internal.HttpServerCall;
import java.io.IOException;
import java.util.Objects;
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
 */
public final class CorekitHttpFilter extends Filter {
    /** The exchange attribute holding the authenticated {@code Principal}. */
    public static final String PRINCIPAL_ATTRIBUTE = "dev.corekit.auth.Principal";

    private static final Logger LOG = LoggerFactory.getLogger(CorekitHttpFilter.class);

    private final Pipeline pipeline;

    private CorekitHttpFilter(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** A filter that runs {@code pipeline}. */
    public static CorekitHttpFilter of(Pipeline pipeline) {
        return new CorekitHttpFilter(Objects.requireNonNull(pipeline, "pipeline"));
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
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
            exchange.close();
        }
    }

    @Override
    public String description() {
        return "corekit pipeline " + pipeline.names();
    }
}
