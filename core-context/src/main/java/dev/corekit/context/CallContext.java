package dev.corekit.context;

import dev.corekit.context.internal.ScopeStack;
import dev.corekit.context.internal.W3c;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable, request-scoped context of one call: request id, caller, tenant, the current operation, baggage, and
 * the W3C trace context (trace id and the current span id), so records join up with any OpenTelemetry tracing the
 * platform runs. One job: the value, and {@link #activate()} to make it current. Reading and writing headers is
 * {@link ContextHeaders}; carrying the context across threads is {@link ContextExecutors}; test checks for scope misuse
 * are {@code dev.corekit.context.testing.StrictScopes}.
 *
 * <pre>{@code
 * try (Scope scope = ContextHeaders.extract(request::header).withCaller("user:42").activate()) {
 *     service.handle(request);   // CallContext.current() and the MDC carry the request everywhere below
 * }
 * }</pre>
 *
 * <p><b>Spans.</b> {@link #spanId()} is the current span: while an operation runs, the operation's own id (see
 * {@link #withOperation(String)}); outside any operation, the caller's span from the incoming {@code traceparent}, or
 * null when this process started the trace. An operation records the span current when it started as its parent, so
 * records form the same tree as the trace.
 *
 * <p><b>Activation.</b> {@link #activate()} makes a context current on this thread and mirrors its fields into the
 * SLF4J MDC under {@link #MDC_KEYS} (a null field removes its key while active). Closing the returned {@link Scope}
 * restores exactly the previous state: the previous context, MDC keys that existed get their old values back, keys
 * that did not exist are removed, other MDC keys are never touched. Activating the context that is already current is
 * free. Close scopes on the thread that opened them, innermost first.
 *
 * <p><b>Async hops.</b> Nothing is inherited implicitly: the context is captured when a task is submitted and installed
 * on the worker only while the task runs, through {@link ContextExecutors}.
 *
 * <p>Instances are immutable and thread-safe; {@code with*} methods return a new context. Two contexts are equal when
 * all their fields are.
 */
public final class CallContext {
    /** MDC key of {@link #requestId()}. */
    public static final String MDC_REQUEST_ID = "requestId";
    /** MDC key of {@link #caller()}. */
    public static final String MDC_CALLER = "caller";
    /** MDC key of {@link #tenant()}. */
    public static final String MDC_TENANT = "tenant";
    /** MDC key of {@link #operationId()}. */
    public static final String MDC_OPERATION_ID = "operationId";
    /** MDC key of {@link #traceId()}. */
    public static final String MDC_TRACE_ID = "traceId";
    /** MDC key of {@link #spanId()}. */
    public static final String MDC_SPAN_ID = "spanId";

    /** Every MDC key a scope manages, in a fixed order. */
    public static final List<String> MDC_KEYS =
            List.of(MDC_REQUEST_ID, MDC_CALLER, MDC_TENANT, MDC_OPERATION_ID, MDC_TRACE_ID, MDC_SPAN_ID);

    /** At most this many baggage entries (the W3C Baggage minimum a platform must propagate). */
    public static final int MAX_BAGGAGE_ENTRIES = W3c.MAX_BAGGAGE_ENTRIES;
    /** At most this many bytes of encoded {@code baggage} header (the W3C Baggage minimum). */
    public static final int MAX_BAGGAGE_BYTES = W3c.MAX_BAGGAGE_BYTES;

    private static final CallContext ROOT = new CallContext(null, null, null, null, null, null, true, null, Map.of());

    private final String requestId;
    private final String caller;
    private final String tenant;
    private final String operationId;
    private final String traceId;
    private final String spanId;
    private final boolean sampled;
    private final String traceState;
    private final Map<String, String> baggage;

    private CallContext(
            String requestId,
            String caller,
            String tenant,
            String operationId,
            String traceId,
            String spanId,
            boolean sampled,
            String traceState,
            Map<String, String> baggage) {
        this.requestId = requestId;
        this.caller = caller;
        this.tenant = tenant;
        this.operationId = operationId;
        this.traceId = traceId;
        this.spanId = spanId;
        this.sampled = sampled;
        this.traceState = traceState;
        this.baggage = baggage;
    }

    /** The context active on this thread; {@link #root()} when none is. Never null. */
    public static CallContext current() {
        CallContext current = ScopeStack.current();
        return current == null ? ROOT : current;
    }

    /** The empty context: no request, no trace, no baggage. Current when no scope is open. */
    public static CallContext root() {
        return ROOT;
    }

    /**
     * A new request started here: a fresh request id and a fresh (sampled) trace with no parent span, for work that no
     * incoming call carries (a scheduled job, a consumer of a message without context).
     */
    public static CallContext newRequest() {
        return new CallContext(
                TraceIds.newSpanId(), null, null, null, TraceIds.newTraceId(), null, true, null, Map.of());
    }

    /** What {@link ContextHeaders} builds from an incoming call; values are already validated. */
    static CallContext incoming(
            String requestId,
            String traceId,
            String parentSpanId,
            boolean sampled,
            String traceState,
            Map<String, String> baggage) {
        return new CallContext(requestId, null, null, null, traceId, parentSpanId, sampled, traceState, baggage);
    }

    /** The request id, or null for {@link #root()}. */
    public String requestId() {
        return requestId;
    }

    /** Who is calling (e.g. {@code user:42}), or null. */
    public String caller() {
        return caller;
    }

    /** The tenant the call acts for, or null. */
    public String tenant() {
        return tenant;
    }

    /** The id of the innermost running operation, or null. */
    public String operationId() {
        return operationId;
    }

    /** The W3C trace id (32 lower-case hex characters), or null for {@link #root()}. */
    public String traceId() {
        return traceId;
    }

    /**
     * The current W3C span id: the running operation's id inside an operation, else the caller's span from the
     * incoming {@code traceparent}; null when there is neither (a trace started here, or {@link #root()}).
     */
    public String spanId() {
        return spanId;
    }

    /** Whether the trace is sampled (the W3C {@code sampled} flag); true for traces started here. */
    public boolean sampled() {
        return sampled;
    }

    /** The incoming W3C {@code tracestate}, passed on unchanged, or null. */
    public String traceState() {
        return traceState;
    }

    /** Baggage entries: unmodifiable, in insertion (or header) order. */
    public Map<String, String> baggage() {
        return baggage;
    }

    /**
     * This context with another request id (null removes it).
     *
     * @throws IllegalArgumentException unless 1 to 128 visible ASCII characters (it is sent as a header)
     */
    public CallContext withRequestId(String value) {
        if (value != null && !W3c.isRequestId(value)) {
            throw new IllegalArgumentException(
                    "a request id is 1 to 128 visible ASCII characters (no spaces or control characters), got '" + value
                            + "'");
        }
        return new CallContext(value, caller, tenant, operationId, traceId, spanId, sampled, traceState, baggage);
    }

    /** This context with another caller (null removes it). */
    public CallContext withCaller(String value) {
        return new CallContext(requestId, value, tenant, operationId, traceId, spanId, sampled, traceState, baggage);
    }

    /** This context with another tenant (null removes it). */
    public CallContext withTenant(String value) {
        return new CallContext(requestId, caller, value, operationId, traceId, spanId, sampled, traceState, baggage);
    }

    /**
     * This context inside the operation {@code operationId}: it becomes the current operation and the current span (an
     * operation is a span of the trace), and a trace is started when this context has none. The operation records the
     * span current before as its parent.
     *
     * @throws IllegalArgumentException unless {@code operationId} is a W3C span id (16 lower-case hex, not all zeros)
     */
    public CallContext withOperation(String operationId) {
        if (!TraceIds.isSpanId(operationId)) {
            throw new IllegalArgumentException(
                    "an operation id is a W3C span id (16 lower-case hex characters, not all zeros), got '"
                            + operationId + "'");
        }
        String trace = traceId == null ? TraceIds.newTraceId() : traceId;
        return new CallContext(
                requestId, caller, tenant, operationId, trace, operationId, sampled, traceState, baggage);
    }

    /**
     * This context with one more baggage entry (or a new value for {@code key}). Baggage travels downstream in the
     * {@code baggage} header, so keep it small and never put secrets in it.
     *
     * <pre>{@code
     * CallContext.current().withBaggage("plan", "gold").activate();
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code key} is not an HTTP token, or the baggage would exceed
     *     {@link #MAX_BAGGAGE_ENTRIES} entries or {@link #MAX_BAGGAGE_BYTES} encoded bytes
     * @throws NullPointerException when {@code value} is null (use {@link #withoutBaggage(String)})
     */
    public CallContext withBaggage(String key, String value) {
        if (!W3c.isBaggageKey(key)) {
            throw new IllegalArgumentException("baggage key '" + key
                    + "' is not a W3C baggage key (an HTTP token: letters, digits and !#$%&'*+-.^_`|~)");
        }
        Objects.requireNonNull(value, () -> "baggage value for '" + key + "' is null; use withoutBaggage to remove");
        Map<String, String> next = new LinkedHashMap<>(baggage);
        next.put(key, value);
        if (next.size() > MAX_BAGGAGE_ENTRIES) {
            throw new IllegalArgumentException(
                    "baggage holds at most " + MAX_BAGGAGE_ENTRIES + " entries; cannot add '" + key + "'");
        }
        int bytes = W3c.baggageBytes(next);
        if (bytes > MAX_BAGGAGE_BYTES) {
            throw new IllegalArgumentException("baggage would take " + bytes + " bytes encoded with '" + key
                    + "', over the " + MAX_BAGGAGE_BYTES + "-byte limit");
        }
        return withBaggageMap(Collections.unmodifiableMap(next));
    }

    /** This context without the baggage entry {@code key} (itself when there is none). */
    public CallContext withoutBaggage(String key) {
        if (!baggage.containsKey(key)) {
            return this;
        }
        Map<String, String> next = new LinkedHashMap<>(baggage);
        next.remove(key);
        return withBaggageMap(next.isEmpty() ? Map.of() : Collections.unmodifiableMap(next));
    }

    private CallContext withBaggageMap(Map<String, String> next) {
        return new CallContext(requestId, caller, tenant, operationId, traceId, spanId, sampled, traceState, next);
    }

    /**
     * Makes this context current on this thread, and its fields the corekit MDC keys, until the scope is closed.
     *
     * <pre>{@code
     * try (Scope scope = context.activate()) {
     *     log.info("handled");   // MDC: requestId, traceId, ...
     * }                          // previous context and MDC values restored
     * }</pre>
     */
    public Scope activate() {
        return ScopeStack.activate(this);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof CallContext)) {
            return false;
        }
        CallContext that = (CallContext) other;
        return sampled == that.sampled
                && Objects.equals(requestId, that.requestId)
                && Objects.equals(caller, that.caller)
                && Objects.equals(tenant, that.tenant)
                && Objects.equals(operationId, that.operationId)
                && Objects.equals(traceId, that.traceId)
                && Objects.equals(spanId, that.spanId)
                && Objects.equals(traceState, that.traceState)
                && baggage.equals(that.baggage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, caller, tenant, operationId, traceId, spanId, sampled, traceState, baggage);
    }

    /** Fields and baggage keys; baggage values are left out of logs. */
    @Override
    public String toString() {
        return "CallContext{requestId=" + requestId + ", caller=" + caller + ", tenant=" + tenant + ", operationId="
                + operationId + ", traceId=" + traceId + ", spanId=" + spanId + ", baggage=" + baggage.keySet() + "}";
    }
}
