package dev.corekit.context;

import dev.corekit.context.internal.W3c;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The header codec of {@link CallContext}: reads the context of an incoming call and writes the context of an outgoing
 * one, over HTTP headers or message headers alike (like OpenTelemetry's {@code TextMapPropagator}, kept apart from the
 * context value). Headers: {@value #TRACEPARENT} and {@value #TRACESTATE} (W3C Trace Context), {@value #BAGGAGE} (W3C
 * Baggage) and {@value #REQUEST_ID}.
 *
 * <pre>{@code
 * // an HTTP adapter, once per request
 * try (Scope scope = ContextHeaders.extract(name -> exchange.getRequestHeaders().getFirst(name)).activate()) {
 *     ContextHeaders.inject(CallContext.current(), outgoing::setHeader);   // a downstream call joins the trace
 * }
 * }</pre>
 *
 * <p>Reading never throws on bad input (an invalid header is ignored, see {@link #extract(Function)}); writing writes
 * the current span as the parent of the next hop, so the downstream service's records hang under this one's.
 */
public final class ContextHeaders {
    /** W3C Trace Context header: {@code 00-<trace id>-<parent span id>-<flags>}. */
    public static final String TRACEPARENT = "traceparent";
    /** W3C Trace Context vendor header, passed through unchanged when the {@code traceparent} is valid. */
    public static final String TRACESTATE = "tracestate";
    /** Request id header. */
    public static final String REQUEST_ID = "x-request-id";
    /** W3C Baggage header. */
    public static final String BAGGAGE = "baggage";

    private ContextHeaders() {}

    /**
     * The context of an incoming call, read through a header getter (names are passed lower-case; return null when
     * absent). Never throws on bad input:
     *
     * <ul>
     *   <li>{@code traceparent}: continued when valid per W3C Trace Context (version {@code 00}, lower-case hex,
     *       neither id all zeros; higher versions parsed by their 00 prefix): the trace id is kept and the caller's span
     *       becomes {@link CallContext#spanId()}, the parent of the first operation here. Otherwise it is ignored and a
     *       new trace is started. {@code tracestate} is kept only with a valid {@code traceparent}.
     *   <li>{@code x-request-id}: kept when it is 1 to 128 visible ASCII characters; otherwise a new one is made.
     *   <li>{@code baggage}: parsed per W3C Baggage; bad members are skipped and members beyond
     *       {@link CallContext#MAX_BAGGAGE_ENTRIES} / {@link CallContext#MAX_BAGGAGE_BYTES} dropped.
     * </ul>
     */
    public static CallContext extract(Function<String, String> header) {
        Objects.requireNonNull(header, "header");
        String requestId = header.apply(REQUEST_ID);
        requestId = requestId == null ? null : requestId.strip();
        if (!W3c.isRequestId(requestId)) {
            requestId = TraceIds.newSpanId();
        }
        W3c.Traceparent parent = W3c.parseTraceparent(header.apply(TRACEPARENT));
        Map<String, String> baggage = W3c.parseBaggage(header.apply(BAGGAGE));
        if (parent == null) {
            return CallContext.incoming(requestId, TraceIds.newTraceId(), null, true, null, baggage);
        }
        return CallContext.incoming(
                requestId,
                parent.traceId(),
                parent.parentId(),
                parent.sampled(),
                W3c.sanitizeTracestate(header.apply(TRACESTATE)),
                baggage);
    }

    /**
     * Like {@link #extract(Function)} for a multi-valued header map, as servlet and HTTP client APIs expose them. Names
     * match case-insensitively; {@code baggage} and {@code tracestate} values are joined with commas (as HTTP folds
     * repeated headers), the others use their first value.
     */
    public static CallContext extract(Map<String, ? extends Collection<String>> headers) {
        Objects.requireNonNull(headers, "headers");
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name == null || values == null || values.isEmpty()) {
                return;
            }
            String key = name.toLowerCase(Locale.ROOT);
            boolean joined = key.equals(BAGGAGE) || key.equals(TRACESTATE);
            for (String value : values) {
                if (value != null) {
                    lower.merge(key, value, (first, next) -> joined ? first + "," + next : first);
                }
            }
        });
        return extract(lower::get);
    }

    /**
     * Writes the headers of an outgoing call made in {@code context}: {@code traceparent} with its trace and, as parent
     * id, its current span ({@link CallContext#spanId()}: the running operation) or, when it has none, a new span id
     * for this hop; {@code tracestate} when known; {@code x-request-id}; {@code baggage} when not empty. Absent values
     * are not written; {@link CallContext#root()} writes nothing.
     */
    public static void inject(CallContext context, BiConsumer<String, String> header) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(header, "header");
        if (context.traceId() != null) {
            String parentId = TraceIds.isSpanId(context.spanId()) ? context.spanId() : TraceIds.newSpanId();
            header.accept(TRACEPARENT, W3c.formatTraceparent(context.traceId(), parentId, context.sampled()));
            if (context.traceState() != null) {
                header.accept(TRACESTATE, context.traceState());
            }
        }
        if (context.requestId() != null) {
            header.accept(REQUEST_ID, context.requestId());
        }
        if (!context.baggage().isEmpty()) {
            header.accept(BAGGAGE, W3c.formatBaggage(context.baggage()));
        }
    }
}
