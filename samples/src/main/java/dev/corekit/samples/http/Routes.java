package dev.corekit.samples.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The route table of the service, written once: each route names its {@link Procedure} (the name of its operation
 * record and the auth variant it requires) and the {@link Endpoint} that serves it. {@link #procedures()} goes to the
 * corekit {@code Pipeline}, {@link #handler()} to the JDK server, so the two can never disagree.
 *
 * <pre>{@code
 * Routes routes = Routes.builder()
 *         .route("GET", "/orders/{id}", Procedure.named("orders.get").withAuth("user"), orders::get)
 *         .build();
 * Pipeline pipeline = Pipeline.builder().procedures(routes.procedures()).build();
 * server.createContext("/", routes.handler()).getFilters().add(CorekitHttpFilter.of(pipeline));
 * }</pre>
 *
 * <p>Patterns are literal segments and {@code {name}} parameters (bound to the raw, still percent-encoded segment). A request no route matches gets a 404 in corekit's
 * error shape. Immutable and thread-safe.
 */
public final class Routes {
    private final Procedures procedures;
    private final Map<String, Route> byProcedure;

    private Routes(Procedures procedures, Map<String, Route> byProcedure) {
        this.procedures = procedures;
        this.byProcedure = byProcedure;
    }

    /** A builder for a route table. */
    public static Builder builder() {
        return new Builder();
    }

    /** The procedures of every route, for the interceptor pipeline. */
    public Procedures procedures() {
        return procedures;
    }

    /** The JDK handler that dispatches each request to its route's endpoint. */
    public HttpHandler handler() {
        return this::dispatch;
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        Route route = byProcedure.get(
                procedures.resolve(exchange.getRequestMethod(), path).name());
        Response response;
        if (route == null) {
            response = Response.error(404, "NOT_FOUND", "There is no such route.");
        } else {
            try {
                response = route.endpoint().handle(new Request(exchange, route.bind(path)));
            } catch (HttpError e) {
                response = Response.error(e.status(), e.code(), e.getMessage());
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(route.procedure().name() + " failed", e);
            }
        }
        response.send(exchange);
    }

    private record Route(Procedure procedure, String[] pattern, Endpoint endpoint) {
        Map<String, String> bind(String path) {
            String[] segments = path.split("/", -1);
            Map<String, String> parameters = new HashMap<>();
            for (int i = 0; i < pattern.length && i < segments.length; i++) {
                if (pattern[i].startsWith("{")) {
                    parameters.put(pattern[i].substring(1, pattern[i].length() - 1), segments[i]);
                }
            }
            return parameters;
        }
    }

    /** Builds {@link Routes}. */
    public static final class Builder {
        private final Procedures.Builder procedures = Procedures.builder();
        private final Map<String, Route> byProcedure = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Routes {@code method} requests whose path matches {@code pattern} to {@code endpoint}, as {@code procedure}.
         *
         * @throws IllegalArgumentException when another route already uses the procedure's name
         */
        public Builder route(String method, String pattern, Procedure procedure, Endpoint endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (byProcedure.containsKey(procedure.name())) {
                throw new IllegalArgumentException("two routes are named " + procedure.name());
            }
            procedures.route(method, pattern, procedure);
            byProcedure.put(procedure.name(), new Route(procedure, pattern.split("/", -1), endpoint));
            return this;
        }

        public Routes build() {
            return new Routes(procedures.build(), Map.copyOf(byProcedure));
        }
    }
}
