package dev.corekit.auth;

import dev.corekit.auth.internal.CallAttributes;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.Scope;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.Operation;
import dev.corekit.logging.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.event.Level;

/**
 * Reports calls that run too long while they still run: ONE watchdog thread (not a thread or timer per call) checks
 * the calls in flight every {@link #tick()} and emits, through core-logging, a {@value #SLOW_CALL} record (WARN) when a
 * call crosses its slow threshold and a {@value #HUNG_CALL} record (ERROR, with the stack of the thread serving it)
 * when it crosses its hung threshold. Both carry the call's full context (request id, trace, the call's operation as
 * parent) and the procedure, method, path, elapsed time and threshold. When the call ends, its operation record gets
 * {@code slow=true} (and {@code hung=true}) so the completed record says it was slow.
 *
 * <pre>{@code
 * SlowCallWatchdog watchdog = SlowCallWatchdog.of(AuthSettings.fromEnvironment());   // thresholds 1s / 30s
 * Pipeline pipeline = Pipeline.builder().slowCalls(watchdog).build();
 * Procedure report = Procedure.named("reports.build").withSlowCallThreshold(Duration.ofSeconds(20));  // override
 * }</pre>
 *
 * <p>Per call it costs two concurrent-set operations; the scan costs one pass over the calls in flight per tick.
 * Thread-safe; {@link #close()} stops the thread.
 */
public final class SlowCallWatchdog implements Interceptor, AutoCloseable {
    /** Name of the record emitted when a running call crosses its slow threshold. */
    public static final String SLOW_CALL = "corekit.call.slow";
    /** Name of the record emitted when a running call crosses its hung threshold. */
    public static final String HUNG_CALL = "corekit.call.hung";
    /** Frames of the serving thread's stack in a hung-call record. */
    public static final int HUNG_STACK_FRAMES = 32;

    private final Duration slowThreshold;
    private final Duration hungThreshold;
    private final Recorder recorder;
    private final Duration tick;
    private final Set<Watch> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread;

    private SlowCallWatchdog(Duration slow, Duration hung, Recorder recorder) {
        if (hung.compareTo(slow) <= 0) {
            throw new IllegalArgumentException(
                    "the hung-call threshold " + hung + " must be longer than the slow-call" + " threshold " + slow);
        }
        this.slowThreshold = slow;
        this.hungThreshold = hung;
        this.recorder = recorder;
        long tickMillis = Math.max(5, Math.min(100, slow.toMillis() / 10));
        this.tick = Duration.ofMillis(tickMillis);
        this.thread = ContextExecutors.newScheduledThreadPool("corekit-slow-calls", 1);
        Runnable scan = ContextExecutors.wrap(CallContext.root(), this::scan);
        thread.scheduleWithFixedDelay(scan, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** A watchdog with the thresholds of {@code settings}, recording through the process-wide recorder. */
    public static SlowCallWatchdog of(AuthSettings settings) {
        return new SlowCallWatchdog(settings.slowCallThreshold(), settings.hungCallThreshold(), null);
    }

    /**
     * A watchdog with these global thresholds, recording to {@code recorder} (null: the process-wide one).
     *
     * @throws IllegalArgumentException unless {@code hung} is longer than {@code slow}, both positive
     */
    public static SlowCallWatchdog of(Duration slow, Duration hung, Recorder recorder) {
        Objects.requireNonNull(slow, "slow");
        Objects.requireNonNull(hung, "hung");
        if (slow.isNegative() || slow.isZero()) {
            throw new IllegalArgumentException("the slow-call threshold must be positive, got " + slow);
        }
        return new SlowCallWatchdog(slow, hung, recorder);
    }

    /** How often the watchdog checks: a tenth of the slow threshold, between 5 ms and 100 ms. */
    public Duration tick() {
        return tick;
    }

    /** How many calls are being watched now. */
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public String name() {
        return Pipeline.SLOW_CALLS;
    }

    @Override
    public void intercept(Call call, Chain chain) throws Exception {
        Procedure procedure = call.procedure();
        Duration slow = procedure.slowCallThreshold().orElse(slowThreshold);
        Duration hung = procedure.hungCallThreshold().orElse(hungThreshold);
        if (hung.compareTo(slow) <= 0) {
            hung = slow.plus(hung);
        }
        long start = System.nanoTime();
        Watch watch = new Watch(
                call,
                Thread.currentThread(),
                CallContext.current(),
                start,
                start + slow.toNanos(),
                start + hung.toNanos(),
                slow,
                hung);
        inFlight.add(watch);
        try {
            chain.proceed(call);
        } finally {
            inFlight.remove(watch);
            Operation operation = call.attribute(CallAttributes.OPERATION);
            if (operation != null && watch.slowReported) {
                operation.attr("slow", true).attr("slowCallThresholdMs", slow.toMillis());
                if (watch.hungReported) {
                    operation.attr("hung", true);
                }
            }
        }
    }

    private void scan() {
        long now = System.nanoTime();
        for (Watch watch : inFlight) {
            if (!watch.slowReported && now - watch.slowAt >= 0) {
                watch.slowReported = true;
                emit(
                        watch,
                        now,
                        Level.WARN,
                        SLOW_CALL,
                        "the call is still running past its slow-call threshold",
                        watch.slow,
                        false);
            }
            if (!watch.hungReported && now - watch.hungAt >= 0) {
                watch.hungReported = true;
                emit(
                        watch,
                        now,
                        Level.ERROR,
                        HUNG_CALL,
                        "the call is still running past its hung-call threshold",
                        watch.hung,
                        true);
            }
        }
    }

    private void emit(
            Watch watch, long now, Level level, String name, String message, Duration threshold, boolean stack) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("procedure", watch.procedure);
        attributes.put("http.method", watch.method);
        attributes.put("http.path", watch.path);
        attributes.put("elapsedMs", TimeUnit.NANOSECONDS.toMillis(now - watch.startedAt));
        attributes.put("thresholdMs", threshold.toMillis());
        attributes.put("thread", watch.thread.getName());
        if (stack) {
            List<String> frames = new ArrayList<>();
            StackTraceElement[] trace = watch.thread.getStackTrace();
            for (int i = 0; i < Math.min(HUNG_STACK_FRAMES, trace.length); i++) {
                frames.add(trace[i].toString());
            }
            attributes.put("stack", frames);
        }
        try (Scope scope = watch.context.activate()) {
            (recorder == null ? GlobalRecorder.get() : recorder).event(level, name, message, attributes, null);
        } catch (RuntimeException e) {
            // a recorder never throws; if one did, the watchdog keeps watching the other calls
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    @Override
    public String toString() {
        return "SlowCallWatchdog{slow=" + slowThreshold + ", hung=" + hungThreshold + ", tick=" + tick + "}";
    }

    private static final class Watch {
        final String procedure;
        final String method;
        final String path;
        final Thread thread;
        final CallContext context;
        final long startedAt;
        final long slowAt;
        final long hungAt;
        final Duration slow;
        final Duration hung;
        volatile boolean slowReported;
        volatile boolean hungReported;

        Watch(
                Call call,
                Thread thread,
                CallContext context,
                long startedAt,
                long slowAt,
                long hungAt,
                Duration slow,
                Duration hung) {
            this.procedure = call.procedure().name();
            this.method = call.method();
            this.path = call.path();
            this.thread = thread;
            this.context = context;
            this.startedAt = startedAt;
            this.slowAt = slowAt;
            this.hungAt = hungAt;
            this.slow = slow;
            this.hung = hung;
        }
    }
}
