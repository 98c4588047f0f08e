package dev.corekit.auth;

import dev.corekit.auth.internal.RoutePattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The route table of a pipeline: which {@link Procedure} a call is, from its method and path. Routes are tried in the
 * order added; the first match wins. A call that matches no route is the procedure {@code http.<method>} with the
 * default auth variant, so an unrouted path is never public by accident.
 *
 * <pre>{@code
 * Procedures procedures = Procedures.builder()
 *         .route("GET", "/health", Procedure.named("health").withAuth(Procedure.PUBLIC))
 *         .route("GET", "/orders/{id}", Procedure.named("orders.get").withAuth("user"))
 *         .route("*", "/admin/**", Procedure.named("admin").withAuth("staff"))
 *         .build();
 * }</pre>
 *
 * <p>Patterns: literal segments, {@code {name}} or {@code *} for exactly one segment, and a trailing {@code **} for any
 * rest (including none). Methods compare case-insensitively; {@code *} matches any. Immutable and thread-safe.
 */
public final class Procedures {
    private static final Procedures DEFAULTS = new Procedures(List.of());

    private final List<Route> routes;

    private Procedures(List<Route> routes) {
        this.routes = routes;
    }

    /** No routes: every call is {@code http.<method>} with the default auth variant. */
    public static Procedures ofDefaults() {
        return DEFAULTS;
    }

    /** A builder for a route table. */
    public static Builder builder() {
        return new Builder();
    }

    /** The procedure of a call with this method and path. Never null. */
    public Procedure resolve(String method, String path) {
        String upper = method == null ? "" : method.toUpperCase(Locale.ROOT);
        String safePath = path == null ? "/" : path;
        for (Route route : routes) {
            if ((route.method == null || route.method.equals(upper)) && route.pattern.matches(safePath)) {
                return route.procedure;
            }
        }
        return fallback(upper);
    }

    /** The procedures of every route, in order. */
    public List<Procedure> routed() {
        return routes.stream().map(Route::procedure).toList();
    }

    private static Procedure fallback(String method) {
        return switch (method) {
            case "GET" -> Fallbacks.GET;
            case "POST" -> Fallbacks.POST;
            case "PUT" -> Fallbacks.PUT;
            case "DELETE" -> Fallbacks.DELETE;
            case "PATCH" -> Fallbacks.PATCH;
            case "OPTIONS" -> Fallbacks.OPTIONS;
            case "HEAD" -> Fallbacks.HEAD;
            default -> Fallbacks.OTHER;
        };
    }

    private static final class Fallbacks {
        static final Procedure GET = Procedure.named("http.get");
        static final Procedure POST = Procedure.named("http.post");
        static final Procedure PUT = Procedure.named("http.put");
        static final Procedure DELETE = Procedure.named("http.delete");
        static final Procedure PATCH = Procedure.named("http.patch");
        static final Procedure OPTIONS = Procedure.named("http.options");
        static final Procedure HEAD = Procedure.named("http.head");
        static final Procedure OTHER = Procedure.named("http.other");
    }

    private record Route(String method, RoutePattern pattern, Procedure procedure) {}

    /** Builds {@link Procedures}. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();

        private Builder() {}

        /**
         * Routes calls with {@code method} ({@code *} for any) whose path matches {@code pattern} to {@code procedure}.
         *
         * @throws IllegalArgumentException when the pattern does not start with {@code /} or puts {@code **} anywhere
         *     but last
         */
        public Builder route(String method, String pattern, Procedure procedure) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(procedure, "procedure");
            String upper = method.strip().toUpperCase(Locale.ROOT);
            if (upper.isEmpty()) {
                throw new IllegalArgumentException("a route method is a method name or *, got '" + method + "'");
            }
            routes.add(new Route(upper.equals("*") ? null : upper, RoutePattern.parse(pattern), procedure));
            return this;
        }

        public Procedures build() {
            return new Procedures(List.copyOf(routes));
        }
    }
}
