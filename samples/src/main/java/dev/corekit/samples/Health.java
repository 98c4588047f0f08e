package dev.corekit.samples;

import dev.corekit.samples.http.Request;
import dev.corekit.samples.http.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code GET /health}: the state of each dependency, from what the clients already know (no probe traffic), and
 * {@code UP} overall only when every one is up: 200 then, 503 otherwise.
 *
 * <pre>{@code
 * {"status":"UP","checks":{"mongodb":"UP","messaging":"UP","storage":"UP"}}
 * }</pre>
 */
final class Health {
    static final String UP = "UP";
    static final String DOWN = "DOWN";

    private final Map<String, Supplier<String>> checks = new LinkedHashMap<>();

    /** Adds a check; {@code state} returns {@value #UP} or another word for what is wrong. */
    Health check(String name, Supplier<String> state) {
        checks.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(state, "state"));
        return this;
    }

    Response get(Request request) {
        Map<String, String> states = new LinkedHashMap<>();
        checks.forEach((name, state) -> states.put(name, stateOf(state)));
        boolean up = states.values().stream().allMatch(UP::equals);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? UP : DOWN);
        body.put("checks", states);
        return Response.json(up ? 200 : 503, body);
    }

    private static String stateOf(Supplier<String> state) {
        try {
            return state.get();
        } catch (RuntimeException e) {
            return DOWN;
        }
    }
}
