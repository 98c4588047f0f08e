package dev.corekit.auth.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSession;

/**
 * The view of a JDK {@code HttpExchange} that {@code CorekitHttpFilter} hands down the chain, with attributes of its
 * own. The JDK keeps exchange attributes in the {@code HttpContext}'s one map, shared by every exchange of the context
 * (JDK 17 up to at least 25): a value set for one request is seen by the next and by concurrent ones. Here a value set
 * on the exchange stays on the exchange and is cleared when the call ends; a name never set on it reads through to the
 * context's map (context-wide configuration keeps working), except the names in {@code privateNames}, which never do.
 * Everything else is the exchange's own.
 */
public final class ScopedExchange {
    private static final Object REMOVED = new Object();

    private ScopedExchange() {}

    /** A scoped view of {@code exchange}, an {@code HttpsExchange} when it is one. */
    public static HttpExchange of(HttpExchange exchange, String... privateNames) {
        Objects.requireNonNull(exchange, "exchange");
        Attributes attributes = new Attributes(privateNames);
        return exchange instanceof HttpsExchange https
                ? new ScopedHttps(https, attributes)
                : new ScopedHttp(exchange, attributes);
    }

    /** Forgets every value set on a scoped {@code exchange} (a no-op for any other exchange). */
    public static void clear(HttpExchange exchange) {
        if (exchange instanceof Scoped scoped) {
            scoped.clearAttributes();
        }
    }

    private interface Scoped {
        void clearAttributes();
    }

    private static final class Attributes {
        private final String[] privateNames;
        private final Map<String, Object> values = new ConcurrentHashMap<>(4);

        Attributes(String[] privateNames) {
            this.privateNames = privateNames.clone();
        }

        Object get(HttpExchange delegate, String name) {
            Objects.requireNonNull(name, "name");
            Object value = values.get(name);
            if (value != null) {
                return value == REMOVED ? null : value;
            }
            for (String privateName : privateNames) {
                if (privateName.equals(name)) {
                    return null;
                }
            }
            return delegate.getAttribute(name);
        }

        void set(String name, Object value) {
            Objects.requireNonNull(name, "name");
            values.put(name, value == null ? REMOVED : value);
        }

        void clear() {
            values.clear();
            for (String privateName : privateNames) {
                values.put(privateName, REMOVED);
            }
        }
    }

    private static final class ScopedHttp extends HttpExchange implements Scoped {
        private final HttpExchange delegate;
        private final Attributes attributes;

        ScopedHttp(HttpExchange delegate, Attributes attributes) {
            this.delegate = delegate;
            this.attributes = attributes;
        }

        @Override
        public Headers getRequestHeaders() {
            return delegate.getRequestHeaders();
        }

        @Override
        public Headers getResponseHeaders() {
            return delegate.getResponseHeaders();
        }

        @Override
        public URI getRequestURI() {
            return delegate.getRequestURI();
        }

        @Override
        public String getRequestMethod() {
            return delegate.getRequestMethod();
        }

        @Override
        public HttpContext getHttpContext() {
            return delegate.getHttpContext();
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public InputStream getRequestBody() {
            return delegate.getRequestBody();
        }

        @Override
        public OutputStream getResponseBody() {
            return delegate.getResponseBody();
        }

        @Override
        public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
            delegate.sendResponseHeaders(rCode, responseLength);
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return delegate.getRemoteAddress();
        }

        @Override
        public int getResponseCode() {
            return delegate.getResponseCode();
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return delegate.getLocalAddress();
        }

        @Override
        public String getProtocol() {
            return delegate.getProtocol();
        }

        @Override
        public void setStreams(InputStream i, OutputStream o) {
            delegate.setStreams(i, o);
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return delegate.getPrincipal();
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(delegate, name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.set(name, value);
        }

        @Override
        public void clearAttributes() {
            attributes.clear();
        }
    }

    private static final class ScopedHttps extends HttpsExchange implements Scoped {
        private final HttpsExchange delegate;
        private final Attributes attributes;

        ScopedHttps(HttpsExchange delegate, Attributes attributes) {
            this.delegate = delegate;
            this.attributes = attributes;
        }

        @Override
        public SSLSession getSSLSession() {
            return delegate.getSSLSession();
        }

        @Override
        public Headers getRequestHeaders() {
            return delegate.getRequestHeaders();
        }

        @Override
        public Headers getResponseHeaders() {
            return delegate.getResponseHeaders();
        }

        @Override
        public URI getRequestURI() {
            return delegate.getRequestURI();
        }

        @Override
        public String getRequestMethod() {
            return delegate.getRequestMethod();
        }

        @Override
        public HttpContext getHttpContext() {
            return delegate.getHttpContext();
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public InputStream getRequestBody() {
            return delegate.getRequestBody();
        }

        @Override
        public OutputStream getResponseBody() {
            return delegate.getResponseBody();
        }

        @Override
        public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
            delegate.sendResponseHeaders(rCode, responseLength);
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return delegate.getRemoteAddress();
        }

        @Override
        public int getResponseCode() {
            return delegate.getResponseCode();
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return delegate.getLocalAddress();
        }

        @Override
        public String getProtocol() {
            return delegate.getProtocol();
        }

        @Override
        public void setStreams(InputStream i, OutputStream o) {
            delegate.setStreams(i, o);
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return delegate.getPrincipal();
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(delegate, name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.set(name, value);
        }

        @Override
        public void clearAttributes() {
            attributes.clear();
        }
    }
}
