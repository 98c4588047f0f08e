package dev.corekit.auth.internal;

import dev.corekit.auth.CallAttribute;
import dev.corekit.auth.Principal;
import dev.corekit.auth.Procedure;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;

/** A {@code dev.corekit.auth.Call} over a servlet request and response. */
public final class ServletCall extends AbstractCall {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final String path;
    private final String principalAttribute;

    public ServletCall(
            HttpServletRequest request,
            HttpServletResponse response,
            Procedure procedure,
            String path,
            String principalAttribute) {
        super(procedure);
        this.request = request;
        this.response = response;
        this.path = path == null || path.isEmpty() ? "/" : path;
        this.principalAttribute = principalAttribute;
    }

    @Override
    protected void published(CallAttribute<?> key, Object value) {
        if (key == Principal.ATTRIBUTE) {
            request.setAttribute(principalAttribute, value);
        }
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public List<String> headers(String name) {
        var values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }

    @Override
    public int status() {
        return response.getStatus();
    }

    @Override
    public void setResponseHeader(String name, String value) {
        response.setHeader(name, value);
    }

    @Override
    public void addResponseHeader(String name, String value) {
        response.addHeader(name, value);
    }

    @Override
    public boolean isCommitted() {
        return response.isCommitted();
    }

    @Override
    public void respond(int status, String contentType, byte[] body) throws IOException {
        if (response.isCommitted()) {
            throw new IllegalStateException("the response to " + method() + " " + path + " is already committed");
        }
        response.resetBuffer();
        response.setStatus(status);
        if (contentType != null && body != null && body.length > 0) {
            response.setContentType(contentType);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
        response.flushBuffer();
    }
}
