package dev.corekit.auth;

import dev.corekit.context.ContextHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The CORS interceptor: an origin allow-list, answered preflights, and the response headers browsers need.
 *
 * <ul>
 *   <li>Every response gets {@code Vary: Origin} (so shared caches never serve one origin's answer to another).
 *   <li>A preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an allowed origin is answered here
 *       with 204, the allowed methods and headers, and {@code Access-Control-Max-Age} ({@code corekit.auth.cors-max-age},
 *       24 h by default); it never reaches auth. From an origin that is not allowed, or for a method that is not, it gets
 *       403 {@link ErrorBody#ORIGIN_NOT_ALLOWED}.
 *   <li>Other calls from an allowed origin get {@code Access-Control-Allow-Origin} and the exposed headers (request
 *       id, renewed token, {@code WWW-Authenticate}, {@code Retry-After}), also on 401/403 answers, so a browser app can
 *       read why it was refused. Calls from other origins proceed without CORS headers: the browser withholds the
 *       response.
 *   <li>Credentials: with {@code allowCredentials} the exact origin is echoed with
 *       {@code Access-Control-Allow-Credentials: true}; a wildcard origin with credentials is refused at build time.
 * </ul>
 *
 * <pre>{@code
 * CorsPolicy cors = CorsPolicy.builder().allowOrigins("https://app.example.com").allowCredentials(true).build();
 * }</pre>
 */
public final class CorsPolicy implements Interceptor {
    /** Methods allowed unless configured. */
    public static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
    /** Request headers allowed unless configured. */
    public static final List<String> DEFAULT_HEADERS = List.of(
            "authorization",
            "content-type",
            ContextHeaders.REQUEST_ID,
            ContextHeaders.TRACEPARENT,
            ContextHeaders.TRACESTATE,
            ContextHeaders.BAGGAGE);
    /** Response headers exposed to scripts unless configured. */
    public static final List<String> DEFAULT_EXPOSED = List.of(
            ContextHeaders.REQUEST_ID, Authenticator.RENEWED_ACCESS_TOKEN_HEADER, "WWW-Authenticate", "Retry-After");

    private final Set<String> origins;
    private final boolean anyOrigin;
    private final boolean credentials;
    private final Set<String> methods;
    private final Set<String> headers;
    private final String methodsValue;
    private final String headersValue;
    private final String exposedValue;
    private final String maxAge;

    private CorsPolicy(Builder builder) {
        this.origins = Set.copyOf(builder.origins);
        this.anyOrigin = origins.contains("*");
        this.credentials = builder.credentials;
        if (anyOrigin && credentials) {
            throw new IllegalStateException("CORS: credentials cannot be allowed for any origin (*); list the origins");
        }
        this.methods = Set.copyOf(builder.methods);
        this.headers = Set.copyOf(builder.headers);
        this.methodsValue = String.join(", ", builder.methods);
        this.headersValue = String.join(", ", builder.headers);
        this.exposedValue = String.join(", ", builder.exposed);
        this.maxAge = Long.toString(builder.maxAge.toSeconds());
    }

    /** The policy of {@code settings}: {@code corekit.auth.cors-*}. */
    public static CorsPolicy of(AuthSettings settings) {
        return builder()
                .allowOrigins(settings.corsAllowedOrigins().toArray(new String[0]))
                .allowCredentials(settings.corsAllowCredentials())
                .maxAge(settings.corsMaxAge())
                .build();
    }

    /** A builder: no origin allowed, default methods and headers, no credentials, 24 h preflight cache. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return Pipeline.CORS;
    }

    @Override
    public void intercept(Call call, Chain chain) throws Exception {
        call.addResponseHeader("Vary", "Origin");
        String origin = call.header("Origin");
        if (origin == null) {
            chain.proceed(call);
            return;
        }
        boolean allowed = anyOrigin || origins.contains(origin);
        String requestedMethod = call.header("Access-Control-Request-Method");
        if ("OPTIONS".equalsIgnoreCase(call.method()) && requestedMethod != null) {
            call.addResponseHeader("Vary", "Access-Control-Request-Method");
            call.addResponseHeader("Vary", "Access-Control-Request-Headers");
            if (!allowed
                    || !methods.contains(requestedMethod.strip().toUpperCase(Locale.ROOT))
                    || !headersAllowed(call.header("Access-Control-Request-Headers"))) {
                ErrorBody.respond(call, 403, ErrorBody.ORIGIN_NOT_ALLOWED, "This cross-origin request is not allowed.");
                return;
            }
            allowOrigin(call, origin);
            call.setResponseHeader("Access-Control-Allow-Methods", methodsValue);
            call.setResponseHeader("Access-Control-Allow-Headers", headersValue);
            call.setResponseHeader("Access-Control-Max-Age", maxAge);
            call.respond(204, null, new byte[0]);
            return;
        }
        if (allowed) {
            allowOrigin(call, origin);
            call.setResponseHeader("Access-Control-Expose-Headers", exposedValue);
        }
        chain.proceed(call);
    }

    private boolean headersAllowed(String requested) {
        if (requested == null || requested.isBlank()) {
            return true;
        }
        for (String header : requested.split(",")) {
            String name = header.strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !headers.contains(name)) {
                return false;
            }
        }
        return true;
    }

    private void allowOrigin(Call call, String origin) {
        call.setResponseHeader("Access-Control-Allow-Origin", anyOrigin && !credentials ? "*" : origin);
        if (credentials) {
            call.setResponseHeader("Access-Control-Allow-Credentials", "true");
        }
    }

    @Override
    public String toString() {
        return "CorsPolicy{origins=" + origins + ", credentials=" + credentials + ", maxAge=" + maxAge + "s}";
    }

    /** Builds a {@link CorsPolicy}. */
    public static final class Builder {
        private final List<String> origins = new ArrayList<>();
        private boolean credentials;
        private final Set<String> methods = new LinkedHashSet<>(DEFAULT_METHODS);
        private final Set<String> headers = new LinkedHashSet<>(DEFAULT_HEADERS);
        private final Set<String> exposed = new LinkedHashSet<>(DEFAULT_EXPOSED);
        private Duration maxAge = AuthSettings.DEFAULT_CORS_MAX_AGE;

        private Builder() {}

        /** Allows these origins ({@code scheme://host[:port]}), or every origin with {@code *}. */
        public Builder allowOrigins(String... allowed) {
            for (String origin : allowed) {
                Objects.requireNonNull(origin, "origin");
                if (!origin.equals("*") && !origin.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
                    throw new IllegalArgumentException(
                            "a CORS origin is scheme://host[:port] without a path, like https://app.example.com; got '"
                                    + origin + "'");
                }
                origins.add(origin);
            }
            return this;
        }

        /** Whether cross-origin calls may carry credentials (cookies, {@code Authorization}). */
        public Builder allowCredentials(boolean allow) {
            this.credentials = allow;
            return this;
        }

        /** Replaces the allowed methods. */
        public Builder allowMethods(String... allowed) {
            methods.clear();
            for (String method : allowed) {
                methods.add(method.strip().toUpperCase(Locale.ROOT));
            }
            return this;
        }

        /** Adds allowed request headers. */
        public Builder allowHeaders(String... allowed) {
            for (String header : allowed) {
                headers.add(header.strip().toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** Adds exposed response headers. */
        public Builder exposeHeaders(String... names) {
            for (String header : names) {
                exposed.add(header.strip());
            }
            return this;
        }

        /**
         * How long browsers may cache a preflight answer.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder maxAge(Duration value) {
            if (Objects.requireNonNull(value, "value").isNegative()) {
                throw new IllegalArgumentException("the CORS max age must not be negative, got " + value);
            }
            this.maxAge = value;
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalStateException for credentials with a wildcard origin
         */
        public CorsPolicy build() {
            return new CorsPolicy(this);
        }
    }
}
