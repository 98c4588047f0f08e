package dev.corekit.context;

import dev.corekit.context.internal.ContextExecutor;
import dev.corekit.context.internal.ContextExecutorService;
import dev.corekit.context.internal.ContextScheduledExecutorService;
import dev.corekit.context.internal.Contextual;
import dev.corekit.context.internal.ScopeStack;
import dev.corekit.context.internal.W3c;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The immutable, request-scoped context of one call: request id, caller, tenant, the current operation id, baggage,
 * and the W3C trace context (trace id + the span id this call continues), so records join up with any OpenTelemetry
 * tracing the platform runs.
 *
 * <p>An adapter opens it once per request; everything below reads {@link #current()}:
 *
 * <pre>{@code
 * try (Scope scope = CallContext.fromHeaders(request::header).withCaller("user:42").activate()) {
 *     service.handle(request);   // CallContext.current() and the MDC carry the request everywhere below
 *     CallContext.current().writeHeaders(outgoing::setHeader); // traceparent, x-request-id, baggage downstream
 * }
 * }</pre>
 *
 * <p><b>Activation.</b> {@link #activate()} makes a context current on this thread and mirrors its fields into the
 * SLF4J MDC under {@link #MDC_REQUEST_ID} and friends (a null field removes its key while active). Closing the returned
 * {@link Scope} restores exactly the previous state: the previous context, MDC keys that existed get their old values
 * back, keys that did not exist are removed, other MDC keys are never touched. Activating the context that is already
 * current is free. Close scopes on the thread that opened them, innermost first; see {@link #strictMode(boolean)}.
 *
 * <p><b>Async hops.</b> Nothing is inherited implicitly. The context is captured when a task is submitted and installed
 * on the worker only while the task runs, so nothing leaks into the next task of a pooled thread: wrap tasks with
 * {@link #wrap(Runnable)}, wrap executors with {@link #taskWrapping(ExecutorService)}, or create pools with
 * {@link ContextExecutors}. For {@code CompletableFuture} chains use {@link ContextExecutors#supplyAsync} or
 * {@link ContextExecutors#propagating}, whose stages run in the context current when each stage was registered.
 *
 * <p><b>Headers.</b> {@link #fromHeaders(Function)} reads {@code traceparent}/{@code tracestate} (W3C Trace Context;
 * an invalid header is ignored and a new trace started, never an exception), {@code x-request-id} (a new one when
 * absent or unusable) and {@code baggage} (W3C Baggage). {@link #writeHeaders(BiConsumer)} writes them for an outgoing
 * call.
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

    /** W3C Trace Context header: {@code 00-<trace id>-<parent span id>-<flags>}. */
    public static final String TRACEPARENT = "traceparent";
    /** W3C Trace Context vendor header, passed through unchanged when the {@code traceparent} is valid. */
    public static final String TRACESTATE = "tracestate";
    /** Request id header. */
    public static final String REQUEST_ID_HEADER = "x-request-id";
    /** W3C Baggage header. */
    public static final String BAGGAGE_HEADER = "baggage";

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

    /** A new request: a fresh request id and a fresh (sampled) trace. */
    public static CallContext newRequest() {
        return new CallContext(
                W3c.newSpanId(), null, null, null, W3c.newTraceId(), W3c.newSpanId(), true, null, Map.of());
    }

    /**
     * The context of an incoming call, read through a header getter (names are passed lower-case; return null when
     * absent). Never throws on bad input:
     *
     * <ul>
     *   <li>{@code traceparent}: continued when valid per W3C Trace Context (version {@code 00}, lower-case hex,
     *       neither id all zeros; higher versions parsed by their 00 prefix); otherwise ignored and a new trace is
     *       started. {@code tracestate} is kept only with a valid {@code traceparent}.
     *   <li>{@code x-request-id}: kept when it is 1 to 128 visible ASCII characters; otherwise a new one is made.
     *   <li>{@code baggage}: parsed per W3C Baggage; bad members are skipped and members beyond
     *       {@link #MAX_BAGGAGE_ENTRIES} / {@link #MAX_BAGGAGE_BYTES} dropped.
     * </ul>
     *
     * <pre>{@code
     * CallContext context = CallContext.fromHeaders(name -> exchange.getRequestHeaders().getFirst(name));
     * }</pre>
     */
    public static CallContext fromHeaders(Function<String, String> header) {
        Objects.requireNonNull(header, "header");
        String requestId = header.apply(REQUEST_ID_HEADER);
        requestId = requestId == null ? null : requestId.strip();
        if (!W3c.isRequestId(requestId)) {
            requestId = W3c.newSpanId();
        }
        W3c.Traceparent parent = W3c.parseTraceparent(header.apply(TRACEPARENT));
        Map<String, String> baggage = W3c.parseBaggage(header.apply(BAGGAGE_HEADER));
        if (parent == null) {
            return new CallContext(requestId, null, null, null, W3c.newTraceId(), W3c.newSpanId(), true, null, baggage);
        }
        return new CallContext(
                requestId,
                null,
                null,
                null,
                parent.traceId(),
                parent.parentId(),
                parent.sampled(),
                W3c.sanitizeTracestate(header.apply(TRACESTATE)),
                baggage);
    }

    /**
     * Like {@link #fromHeaders(Function)} for a multi-valued header map, as servlet and HTTP client APIs expose them.
     * Names match case-insensitively; {@code baggage} and {@code tracestate} values are joined with commas (as HTTP
     * folds repeated headers), the others use their first value.
     */
    public static CallContext fromHeaders(Map<String, ? extends Collection<String>> headers) {
        Objects.requireNonNull(headers, "headers");
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name == null || values == null || values.isEmpty()) {
                return;
            }
            String key = name.toLowerCase(Locale.ROOT);
            boolean joined = key.equals(BAGGAGE_HEADER) || key.equals(TRACESTATE);
            for (String value : values) {
                if (value != null) {
                    lower.merge(key, value, (first, next) -> joined ? first + "," + next : first);
                }
            }
        });
        return fromHeaders(lower::get);
    }

    /**
     * Writes the headers of an outgoing call: {@code traceparent} with this trace and, as parent id, the current
     * operation's id when it is a valid span id or else a new span id for this hop; {@code tracestate} when known;
     * {@code x-request-id}; {@code baggage} when not empty. Absent values are not written.
     *
     * <pre>{@code
     * CallContext.current().writeHeaders(request::setHeader);
     * }</pre>
     */
    public void writeHeaders(BiConsumer<String, String> header) {
        Objects.requireNonNull(header, "header");
        if (traceId != null) {
            String parentId = W3c.isSpanId(operationId) ? operationId : W3c.newSpanId();
            header.accept(TRACEPARENT, W3c.formatTraceparent(traceId, parentId, sampled));
            if (traceState != null) {
                header.accept(TRACESTATE, traceState);
            }
        }
        if (requestId != null) {
            header.accept(REQUEST_ID_HEADER, requestId);
        }
        if (!baggage.isEmpty()) {
            header.accept(BAGGAGE_HEADER, W3c.formatBaggage(baggage));
        }
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
     * The W3C span id this call continues: the caller's span (the parent id of the incoming {@code traceparent}), or a
     * fresh one when this context started the trace. Null for {@link #root()}.
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

    /** This context with another current operation id (null removes it). */
    public CallContext withOperationId(String value) {
        return new CallContext(requestId, caller, tenant, value, traceId, spanId, sampled, traceState, baggage);
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

    /**
     * Wraps a task so that it runs in the context current now (at wrap time), then restores the running thread.
     *
     * <pre>{@code
     * Runnable task = () -> cache.refresh(key);
     * new Thread(CallContext.wrap(task)).start();
     * }</pre>
     *
     * <p>As with {@code ExecutorService.submit}, Java picks the {@link Callable} overload for a lambda whose body could
     * return a value; declare such a lambda as a {@code Runnable} first when a {@code Runnable} is needed.
     */
    public static Runnable wrap(Runnable task) {
        return Contextual.runnable(current(), task);
    }

    /** Wraps a task so that it runs in the context current now (at wrap time), then restores the running thread. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        return Contextual.callable(current(), task);
    }

    /**
     * Wraps a function so that it runs in the context current now: for APIs that take callbacks, such as a plain
     * {@code CompletableFuture} stage ({@code future.thenApplyAsync(CallContext.wrapFunction(fn), pool)}).
     */
    public static <T, R> Function<T, R> wrapFunction(Function<? super T, ? extends R> function) {
        return Contextual.function(current(), function);
    }

    /** Wraps a supplier so that it runs in the context current now (e.g. for {@code CompletableFuture.supplyAsync}). */
    public static <T> Supplier<T> wrapSupplier(Supplier<T> supplier) {
        return Contextual.supplier(current(), supplier);
    }

    /** Wraps a task so that it runs in THIS context (rather than the current one), then restores the running thread. */
    public Runnable wrapTask(Runnable task) {
        return Contextual.runnable(this, task);
    }

    /** Wraps a task so that it runs in THIS context (rather than the current one), then restores the running thread. */
    public <T> Callable<T> wrapTask(Callable<T> task) {
        return Contextual.callable(this, task);
    }

    /**
     * An executor that runs each task in the context current when it was submitted. A context-propagating executor is
     * returned as is.
     *
     * <pre>{@code
     * Executor executor = CallContext.taskWrapping(httpClientExecutor);
     * }</pre>
     */
    public static Executor taskWrapping(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        if (executor instanceof ScheduledExecutorService) {
            return taskWrapping((ScheduledExecutorService) executor);
        }
        if (executor instanceof ExecutorService) {
            return taskWrapping((ExecutorService) executor);
        }
        return executor instanceof ContextExecutor ? executor : new ContextExecutor(executor);
    }

    /**
     * An executor service that runs each task ({@code invokeAll}/{@code invokeAny} included) in the context current
     * when it was submitted. Shutting it down shuts down {@code executor}.
     */
    public static ExecutorService taskWrapping(ExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        if (executor instanceof ScheduledExecutorService) {
            return taskWrapping((ScheduledExecutorService) executor);
        }
        return executor instanceof ContextExecutorService ? executor : new ContextExecutorService(executor);
    }

    /**
     * A scheduled executor service that runs each task in the context current when it was scheduled; periodic tasks
     * run in it every time.
     */
    public static ScheduledExecutorService taskWrapping(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return executor instanceof ContextScheduledExecutorService
                ? executor
                : new ContextScheduledExecutorService(executor);
    }

    /**
     * Strict mode, for tests (like OpenTelemetry's {@code StrictContextStorage}): each scope records where it was
     * opened, and closing a scope out of order or on another thread throws {@link IllegalStateException} naming where
     * the scopes involved were opened. Out of order, the thread's state is restored first, so later tests start clean.
     * Also enabled with {@code -Dcorekit.context.strict=true}. Off (the default), the same misuse is logged once as a
     * warning and an out-of-order close still restores the state the scope found; a close on another thread is
     * ignored.
     *
     * <pre>{@code
     * CallContext.strictMode(true);          // in a test's before-all hook
     * CallContext.assertNoLeakedScopes();    // in its after-each hook, once executors are shut down
     * }</pre>
     */
    public static void strictMode(boolean enabled) {
        ScopeStack.strict(enabled);
    }

    /** Whether strict mode is on. */
    public static boolean isStrictMode() {
        return ScopeStack.strict();
    }

    /**
     * Fails when a scope is still open on this thread: for a test's {@code @AfterEach}.
     *
     * @throws IllegalStateException listing the open scopes (and where they were opened, in strict mode)
     */
    public static void assertNoOpenScope() {
        ScopeStack.assertNoOpenScope();
    }

    /**
     * Fails when a scope opened in strict mode, on any thread, was never closed, naming where each was opened; the
     * leaks are forgotten once reported. Call it after the executors under test are shut down, so in-flight tasks are
     * not mistaken for leaks.
     *
     * @throws IllegalStateException listing the leaked scopes
     */
    public static void assertNoLeakedScopes() {
        ScopeStack.assertNoLeakedScopes();
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
