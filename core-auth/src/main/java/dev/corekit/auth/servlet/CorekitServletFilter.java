package dev.corekit.auth.servlet;

import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.internal.ServletCall;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Pipeline} around every request of a Jakarta Servlet (6.x) container: register it once for
 * {@code /*} and every servlet is served through the pipeline.
 *
 * <pre>{@code
 * FilterRegistration.Dynamic corekit = servletContext.addFilter("corekit", CorekitServletFilter.of(pipeline));
 * corekit.addMappingForUrlPatterns(null, false, "/*");
 * }</pre>
 *
 * <p>The procedure is resolved from the method and the path inside the web application (without the context path).
 * The authenticated {@code Principal} is also a request attribute named {@code dev.corekit.auth.Principal} (request
 * attributes belong to their request; the filter removes any value set before it ran, so a public call has none).
 * When the pipeline fails before a response was committed, the client gets a 500 {@link ErrorBody}.
 */
public final class CorekitServletFilter implements Filter {
    /** The request attribute holding the authenticated {@code Principal}. */
    public static final String PRINCIPAL_ATTRIBUTE = "dev.corekit.auth.Principal";

    private static final Logger LOG = LoggerFactory.getLogger(CorekitServletFilter.class);

    private final Pipeline pipeline;

    private CorekitServletFilter(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** A filter that runs {@code pipeline}. */
    public static CorekitServletFilter of(Pipeline pipeline) {
        return new CorekitServletFilter(Objects.requireNonNull(pipeline, "pipeline"));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse httpResponse)) {
            chain.doFilter(request, response);
            return;
        }
        // the principal attribute is the pipeline's alone: never one an earlier filter or dispatch left on the request
        http.removeAttribute(PRINCIPAL_ATTRIBUTE);
        String path = http.getRequestURI().substring(http.getContextPath().length());
        ServletCall call = new ServletCall(
                http, httpResponse, pipeline.procedures().resolve(http.getMethod(), path), path, PRINCIPAL_ATTRIBUTE);
        try {
            pipeline.handle(call, served -> chain.doFilter(request, response));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn(
                    "corekit pipeline failed outside the call record: {}",
                    e.getClass().getName());
            if (!call.isCommitted()) {
                ErrorBody.respond(call, 500, ErrorBody.INTERNAL, "The service failed.");
            }
        }
    }
}
