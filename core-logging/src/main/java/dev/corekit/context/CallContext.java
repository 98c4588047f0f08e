package dev.corekit.context;

import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The immutable context of one call: request id, caller, tenant, the current operation id, baggage, and the W3C trace
 * context (trace id + span id) so records join up with any OpenTelemetry tracing the platform already runs.
 *
 * <p>An adapter opens it once per request; everything below reads {@link #current()}:
 *
 * <pre>{@code
 * try (Scope scope = CallContext.fromHeaders(headers::get).withCaller("user:42").activate()) {
 *     service.handle(request);   // CallContext.current() and MDC carry the request everywhere below
 * }
 * }</pre>
 *
 * <p>Async hops keep it: wrap tasks with {@link #wrap(Runnable)} or executors with {@link #taskWrapping(ExecutorService)}
 * (or build pools with {@link ContextExecutors}); the context is captured when a task is submitted and restored on
 * the worker only while the task runs, so nothing leaks into the next task of a pooled thread.
 *
 * <p>{@link #activate()} mirrors the fields into SLF4J's MDC under {@link #MDC_REQUEST_ID} and friends, and the
 * returned {@link Scope} restores the MDC exactly: values that were there come back, keys that were not are removed,
 * unrelated keys are untouched.
 */
public final class CallContext {
    public static final String MDC_REQUEST_ID = "requestId";
    public static final String MDC_CALLER = "caller";
    public static final String MDC_TENANT = "tenant";
    public static final String MDC_OPERATION_ID = "operationId";
    public static final String MDC_TRACE_ID = "traceId";
    public static final String MDC_SPAN_ID = "spanId";

    /** Incoming and outgoing header names. */
    public static final String TRACEPARENT = "traceparent";

    public static final String REQUEST_ID_HEADER = "x-request-id";
    public static final String BAGGAGE_HEADER = "baggage";

    /** Baggage limits, as the W3C baggage spec recommends: entries and total encoded size. */
    public static final int MAX_BAGGAGE_ENTRIES = 64;

    public static final int MAX_BAGGAGE_BYTES = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(CallContext.class);
    private static final CallContext ROOT = new CallContext(null, null, null, null, null, null, Map.of());
    private static final ThreadLocal<ScopeImpl> CURRENT = new ThreadLocal<>();
    private static final Pattern TRACEPARENT_FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
    private static final Pattern BAGGAGE_KEY = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static volatile boolean strict = Boolean.getBoolean("corekit.context.strict");
    private static volatile boolean warnedOutOfOrder;

    private final String requestId;
    private final String caller;
    private final String tenant;
    private final String operationId;
    private final String traceId;
    private final String spanId;
    private final Map<String, String> baggage;

    private CallContext(
            String requestId,
            String caller,
            String tenant,
            String operationId,
            String traceId,
            String spanId,
            Map<String, String> baggage) {
        this.requestId = requestId;
        this.caller = caller;
        this.tenant = tenant;
        this.operationId = operationId;
        this.traceId = traceId;
        this.spanId = spanId;
        this.baggage = baggage;
    }

    /** The context active on this thread; {@link #root()} when none is. Never null. */
    public static CallContext current() {
        ScopeImpl scope = CURRENT.get();
        return scope == null ? ROOT : scope.context;
    }

    /** The empty context: no request, no trace. */
    public static CallContext root() {
        return ROOT;
    }

    /** A new request: a fresh request id and a fresh trace. */
    public static CallContext newRequest() {
        return new CallContext(randomHex(16), null, null, null, randomHex(32), randomHex(16), Map.of());
    }

    /**
     * The context of an incoming call: {@code traceparent} (W3C; an invalid one is ignored and a new trace started),
     * {@code x-request-id} (a new one when absent) and {@code baggage}. Header lookup is by lower-case name.
     */
    public static CallContext fromHeaders(Function<String, String> header) {
        String requestId = header.apply(REQUEST_ID_HEADER);
        if (requestId == null || requestId.isBlank() || requestId.length() > 128) {
            requestId = randomHex(16);
        }
        String traceId = null;
        String parentSpan = null;
        String traceparent = header.apply(TRACEPARENT);
        if (traceparent != null) {
            var matcher = TRACEPARENT_FORMAT.matcher(traceparent.strip());
            if (matcher.matches() && !isZeros(matcher.group(1)) && !isZeros(matcher.group(2))) {
                traceId = matcher.group(1);
                parentSpan = matcher.group(2);
            }
        }
        if (traceId == null) {
            traceId = randomHex(32);
            parentSpan = randomHex(16);
        }
        return new CallContext(
                requestId.strip(), null, null, null, traceId, parentSpan, parseBaggage(header.apply(BAGGAGE_HEADER)));
    }

    /** Like {@link #fromHeaders(Function)} for a multi-valued header map (first value, names case-insensitive). */
    public static CallContext fromHeaders(Map<String, ? extends Collection<String>> headers) {
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name != null && values != null && !values.isEmpty()) {
                lower.putIfAbsent(
                        name.toLowerCase(java.util.Locale.ROOT),
                        values.iterator().next());
            }
        });
        return fromHeaders(lower::get);
    }

    /**
     * Writes the headers of an outgoing call: {@code traceparent} with this trace and a new span id for the hop,
     * {@code x-request-id} and {@code baggage}.
     */
    public void writeHeaders(BiConsumer<String, String> header) {
        if (traceId != null) {
            header.accept(TRACEPARENT, "00-" + traceId + "-" + randomHex(16) + "-01");
        }
        if (requestId != null) {
            header.accept(REQUEST_ID_HEADER, requestId);
        }
        if (!baggage.isEmpty()) {
            StringBuilder value = new StringBuilder();
            baggage.forEach((key, v) -> {
                if (value.length() > 0) {
                    value.append(',');
                }
                value.append(key)
                        .append('=')
                        .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
            });
            header.accept(BAGGAGE_HEADER, value.toString());
        }
    }

    public String requestId() {
        return requestId;
    }

    public String caller() {
        return caller;
    }

    public String tenant() {
        return tenant;
    }

    public String operationId() {
        return operationId;
    }

    public String traceId() {
        return traceId;
    }

    public String spanId() {
        return spanId;
    }

    /** Immutable baggage entries, in insertion order. */
    public Map<String, String> baggage() {
        return baggage;
    }

    public CallContext withRequestId(String value) {
        return new CallContext(value, caller, tenant, operationId, traceId, spanId, baggage);
    }

    public CallContext withCaller(String value) {
        return new CallContext(requestId, value, tenant, operationId, traceId, spanId, baggage);
    }

    public CallContext withTenant(String value) {
        return new CallContext(requestId, caller, value, operationId, traceId, spanId, baggage);
    }

    public CallContext withOperationId(String value) {
        return new CallContext(requestId, caller, tenant, value, traceId, spanId, baggage);
    }

    /**
     * A context with one more baggage entry.
     *
     * @throws IllegalArgumentException for a key that is not a token, or beyond {@link #MAX_BAGGAGE_ENTRIES} /
     *     {@link #MAX_BAGGAGE_BYTES}
     */
    public CallContext withBaggage(String key, String value) {
        Objects.requireNonNull(value, "value");
        if (key == null || !BAGGAGE_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("baggage key '" + key + "' is not a W3C baggage token");
        }
        Map<String, String> next = new LinkedHashMap<>(baggage);
        next.put(key, value);
        if (next.size() > MAX_BAGGAGE_ENTRIES) {
            throw new IllegalArgumentException("baggage holds at most " + MAX_BAGGAGE_ENTRIES + " entries");
        }
        int bytes = next.entrySet().stream()
                .mapToInt(e -> e.getKey().length() + e.getValue().length() + 2)
                .sum();
        if (bytes > MAX_BAGGAGE_BYTES) {
            throw new IllegalArgumentException(
                    "baggage exceeds " + MAX_BAGGAGE_BYTES + " bytes with key '" + key + "'");
        }
        return new CallContext(requestId, caller, tenant, operationId, traceId, spanId, Map.copyOf(next));
    }

    /** Makes this context current on this thread (MDC included) until the scope is closed. */
    public Scope activate() {
        ScopeImpl previous = CURRENT.get();
        CallContext before = previous == null ? ROOT : previous.context;
        ScopeImpl scope = new ScopeImpl(
                this, previous, Thread.currentThread(), strict ? new Throwable("scope opened here") : null);
        scope.saveAndWriteMdc(before);
        CURRENT.set(scope);
        return scope;
    }

    /** Wraps a task so that it runs in the context current now (at wrap time). */
    public static Runnable wrap(Runnable task) {
        return current().wrapTask(task);
    }

    /** Wraps a task so that it runs in the context current now (at wrap time). */
    public static <T> Callable<T> wrap(Callable<T> task) {
        return current().wrapTask(task);
    }

    /** Wraps a function so that it runs in the context current now: for CompletableFuture stages. */
    public static <T, R> Function<T, R> wrapFunction(Function<T, R> function) {
        CallContext captured = current();
        return value -> {
            try (Scope scope = captured.activate()) {
                return function.apply(value);
            }
        };
    }

    /** Wraps a task so that it runs in this context. */
    public Runnable wrapTask(Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Scope scope = activate()) {
                task.run();
            }
        };
    }

    /** Wraps a task so that it runs in this context. */
    public <T> Callable<T> wrapTask(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Scope scope = activate()) {
                return task.call();
            }
        };
    }

    /** An executor that runs each task in the context current when it was submitted. */
    public static Executor taskWrapping(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return task -> executor.execute(wrap(task));
    }

    /** An executor service that runs each task in the context current when it was submitted. */
    public static ExecutorService taskWrapping(ExecutorService executor) {
        return new dev.corekit.context.internal.ContextExecutorService(executor);
    }

    /** A scheduled executor service that runs each task in the context current when it was scheduled. */
    public static ScheduledExecutorService taskWrapping(ScheduledExecutorService executor) {
        return new dev.corekit.context.internal.ContextScheduledExecutorService(executor);
    }

    /**
     * Strict mode for tests: a scope closed out of order or on another thread throws {@link IllegalStateException}
     * naming where it was opened. Also enabled by {@code -Dcorekit.context.strict=true}.
     */
    public static void strictMode(boolean enabled) {
        strict = enabled;
    }

    /**
     * Fails when a scope is still open on this thread: for tests' {@code @AfterEach}.
     *
     * @throws IllegalStateException naming the leaked context (and where it was opened, in strict mode)
     */
    public static void assertNoOpenScope() {
        ScopeImpl open = CURRENT.get();
        if (open != null) {
            throw new IllegalStateException(
                    "a CallContext scope is still open on "
                            + Thread.currentThread().getName() + ": " + open.context,
                    open.openedAt);
        }
    }

    @Override
    public String toString() {
        return "CallContext{requestId=" + requestId + ", caller=" + caller + ", tenant=" + tenant + ", operationId="
                + operationId + ", traceId=" + traceId + ", spanId=" + spanId + ", baggage=" + baggage.keySet() + "}";
    }

    private static Map<String, String> parseBaggage(String header) {
        if (header == null || header.isBlank() || header.length() > MAX_BAGGAGE_BYTES) {
            return Map.of();
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (String member : header.split(",")) {
            String entry = member.split(";", 2)[0];
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = entry.substring(0, eq).strip();
            if (!BAGGAGE_KEY.matcher(key).matches() || entries.size() == MAX_BAGGAGE_ENTRIES) {
                continue;
            }
            try {
                entries.put(
                        key,
                        java.net.URLDecoder.decode(
                                entry.substring(eq + 1).strip(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                // A malformed value is ignored like a malformed member: incoming headers never fail a request.
            }
        }
        return Map.copyOf(entries);
    }

    private static boolean isZeros(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    static String randomHex(int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder out = new StringBuilder(length);
        HexFormat hex = HexFormat.of();
        while (out.length() < length) {
            out.append(hex.toHexDigits(random.nextLong()));
        }
        String id = out.substring(0, length);
        return isZeros(id) ? randomHex(length) : id;
    }

    private static final class ScopeImpl implements Scope {
        private static final String[] KEYS = {
            MDC_REQUEST_ID, MDC_CALLER, MDC_TENANT, MDC_OPERATION_ID, MDC_TRACE_ID, MDC_SPAN_ID
        };

        final CallContext context;
        final ScopeImpl previous;
        final Thread owner;
        final Throwable openedAt;
        // Allocated only when this scope changes an MDC key: re-activating the same request changes none.
        private String[] savedMdc;
        private boolean[] touched;
        private boolean closed;

        ScopeImpl(CallContext context, ScopeImpl previous, Thread owner, Throwable openedAt) {
            this.context = context;
            this.previous = previous;
            this.owner = owner;
            this.openedAt = openedAt;
        }

        void saveAndWriteMdc(CallContext before) {
            for (int i = 0; i < KEYS.length; i++) {
                String value = field(context, i);
                // Fast path: a field whose value is the one the enclosing context already put in MDC (null included)
                // is left alone, and so is its MDC key; corekit owns these keys, so a key it never touches needs no
                // restoring. Nested operations change one field, and re-activating the same request changes none.
                if (Objects.equals(value, field(before, i))) {
                    continue;
                }
                if (touched == null) {
                    touched = new boolean[KEYS.length];
                    savedMdc = new String[KEYS.length];
                }
                touched[i] = true;
                savedMdc[i] = MDC.get(KEYS[i]);
                if (value == null) {
                    MDC.remove(KEYS[i]);
                } else {
                    MDC.put(KEYS[i], value);
                }
            }
        }

        private static String field(CallContext context, int index) {
            return switch (index) {
                case 0 -> context.requestId;
                case 1 -> context.caller;
                case 2 -> context.tenant;
                case 3 -> context.operationId;
                case 4 -> context.traceId;
                default -> context.spanId;
            };
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != owner) {
                misuse("closed on " + Thread.currentThread().getName() + " but opened on " + owner.getName());
                return; // another thread's state cannot be restored from here
            }
            ScopeImpl innermost = CURRENT.get();
            if (innermost != this) {
                if (!isBelow(innermost)) {
                    closed = true; // already unwound by an outer scope's close
                    return;
                }
                misuse("closed out of order: an inner scope is still open");
                // Unwind the inner scopes first, so that the thread ends up exactly where this scope found it.
                for (ScopeImpl scope = innermost; scope != this; scope = scope.previous) {
                    scope.restore();
                }
            }
            restore();
        }

        private boolean isBelow(ScopeImpl innermost) {
            for (ScopeImpl scope = innermost; scope != null; scope = scope.previous) {
                if (scope == this) {
                    return true;
                }
            }
            return false;
        }

        private void misuse(String problem) {
            if (strict) {
                throw new IllegalStateException("CallContext scope " + problem, openedAt);
            }
            if (!warnedOutOfOrder) {
                warnedOutOfOrder = true;
                LOG.warn("CallContext scope {}; restoring the state it found (shown once)", problem);
            }
        }

        private void restore() {
            closed = true;
            for (int i = 0; touched != null && i < KEYS.length; i++) {
                if (!touched[i]) {
                    continue;
                }
                String saved = savedMdc[i];
                if (saved == null) {
                    MDC.remove(KEYS[i]);
                } else {
                    MDC.put(KEYS[i], saved);
                }
            }
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
