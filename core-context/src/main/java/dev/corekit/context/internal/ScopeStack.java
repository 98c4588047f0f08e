package dev.corekit.context.internal;

import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The thread-local storage behind {@link CallContext#current()} and {@link CallContext#activate()}: a stack of frames
 * per thread, each remembering the MDC values it replaced. Internal: use the {@link CallContext} API.
 *
 * <p>Cost on the hot path (a wrapped task on a pool worker): one frame object, one {@code ThreadLocal} read and write
 * on open and on close, and MDC work only for the keys whose value changes. Activating the context that is already
 * current costs nothing and returns a shared no-op scope.
 *
 * <pre>{@code
 * Scope scope = ScopeStack.activate(context); // what CallContext.activate() does
 * }</pre>
 */
public final class ScopeStack {
    /** System property that turns strict mode on at startup. */
    public static final String STRICT_PROPERTY = "corekit.context.strict";

    private static final Logger LOG = LoggerFactory.getLogger(ScopeStack.class);
    private static final String[] KEYS = {
        CallContext.MDC_REQUEST_ID,
        CallContext.MDC_CALLER,
        CallContext.MDC_TENANT,
        CallContext.MDC_OPERATION_ID,
        CallContext.MDC_TRACE_ID,
        CallContext.MDC_SPAN_ID
    };
    private static final ThreadLocal<Frame> CURRENT = new ThreadLocal<>();
    private static final Scope NOOP = () -> {};
    private static final Set<Frame> OPEN_STRICT = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static volatile boolean strict = Boolean.getBoolean(STRICT_PROPERTY);

    private ScopeStack() {}

    /** The context of the innermost open scope on this thread, or null when none is open. */
    public static CallContext current() {
        Frame frame = CURRENT.get();
        return frame == null ? null : frame.context;
    }

    /** Makes {@code context} current on this thread, MDC included, until the returned scope is closed. */
    public static Scope activate(CallContext context) {
        Frame previous = CURRENT.get();
        CallContext before = previous == null ? null : previous.context;
        if (context == (before == null ? CallContext.root() : before)) {
            return NOOP;
        }
        Thread thread = Thread.currentThread();
        Throwable openedAt = strict ? openedAt(thread, context) : null;
        Frame frame = new Frame(context, previous, thread, openedAt, false);
        frame.enter(before);
        CURRENT.set(frame);
        if (openedAt != null) {
            OPEN_STRICT.add(frame);
        }
        return frame;
    }

    /**
     * Runs-a-task activation, for the wrappers in {@code ContextExecutors}: always opens a frame (even for the context
     * already current, or the root context on a thread with none), and closing it brings the thread back to exactly
     * what it was before the task, MDC included, even when the task leaked scopes of its own (they are unwound, and the
     * leak is reported like any other misuse). So no task, whatever it submitted with, leaves state on a pooled worker.
     */
    public static Scope enterTask(CallContext context) {
        Frame previous = CURRENT.get();
        CallContext before = previous == null ? null : previous.context;
        Thread thread = Thread.currentThread();
        Throwable openedAt = strict ? openedAt(thread, context) : null;
        Frame frame = new Frame(context, previous, thread, openedAt, true);
        frame.enter(before);
        CURRENT.set(frame);
        if (openedAt != null) {
            OPEN_STRICT.add(frame);
        }
        return frame;
    }

    /** Lets the next lenient-mode misuse log its warning again: for tests of that warning. */
    public static void resetWarning() {
        WARNED.set(false);
    }

    public static void strict(boolean enabled) {
        strict = enabled;
    }

    public static boolean strict() {
        return strict;
    }

    /** Throws when a scope is open on this thread. */
    public static void assertNoOpenScope() {
        Frame innermost = CURRENT.get();
        if (innermost == null) {
            return;
        }
        List<Frame> open = new ArrayList<>();
        for (Frame frame = innermost; frame != null; frame = frame.previous) {
            open.add(frame);
        }
        throw leakError(
                open.size() + " CallContext scope(s) still open on thread ["
                        + Thread.currentThread().getName() + "]",
                open);
    }

    /** Throws when a scope opened in strict mode, on any thread, has not been closed; forgets them either way. */
    public static void assertNoLeakedScopes() {
        List<Frame> leaked = new ArrayList<>(OPEN_STRICT);
        OPEN_STRICT.removeAll(leaked);
        if (!leaked.isEmpty()) {
            throw leakError(leaked.size() + " CallContext scope(s) opened in strict mode were never closed", leaked);
        }
    }

    private static IllegalStateException leakError(String summary, List<Frame> frames) {
        StringBuilder message = new StringBuilder(summary).append(':');
        for (Frame frame : frames) {
            message.append("\n  - ").append(frame.describe());
        }
        if (frames.get(0).openedAt == null) {
            message.append("\n(run with -D")
                    .append(STRICT_PROPERTY)
                    .append("=true or StrictScopes.enable() to see where each was opened)");
        }
        IllegalStateException error = new IllegalStateException(message.toString(), frames.get(0).openedAt);
        for (int i = 1; i < frames.size(); i++) {
            if (frames.get(i).openedAt != null) {
                error.addSuppressed(frames.get(i).openedAt);
            }
        }
        return error;
    }

    private static Throwable openedAt(Thread thread, CallContext context) {
        Throwable trace = new Throwable("thread [" + thread.getName() + "] opened a scope for " + context + " here");
        StackTraceElement[] frames = trace.getStackTrace();
        int first = 0;
        while (first < frames.length - 1 && isContextInternals(frames[first].getClassName())) {
            first++;
        }
        trace.setStackTrace(Arrays.copyOfRange(frames, first, frames.length));
        return trace;
    }

    private static boolean isContextInternals(String className) {
        return className.startsWith("dev.corekit.context.internal.")
                || className.equals("dev.corekit.context.CallContext")
                || className.startsWith("dev.corekit.context.CallContext$")
                || className.equals("dev.corekit.context.ContextExecutors")
                || className.startsWith("dev.corekit.context.ContextExecutors$");
    }

    private static String where(Throwable openedAt) {
        if (openedAt == null || openedAt.getStackTrace().length == 0) {
            return "an unknown place (strict mode was off when it was opened)";
        }
        return openedAt.getStackTrace()[0].toString();
    }

    private static void misuse(String problem, Throwable cause, Throwable other) {
        if (strict) {
            IllegalStateException error = new IllegalStateException(problem, cause);
            if (other != null) {
                error.addSuppressed(other);
            }
            throw error;
        }
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn(
                    "{}. Shown once; run with -D{}=true (or StrictScopes.enable()) to fail with where each"
                            + " scope was opened",
                    problem,
                    STRICT_PROPERTY);
        }
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    private static String field(CallContext context, int index) {
        switch (index) {
            case 0:
                return context.requestId();
            case 1:
                return context.caller();
            case 2:
                return context.tenant();
            case 3:
                return context.operationId();
            case 4:
                return context.traceId();
            default:
                return context.spanId();
        }
    }

    /** One activation: the context, what it replaced, and the MDC values to put back. */
    private static final class Frame implements Scope {
        final CallContext context;
        final Frame previous;
        final Thread owner;
        final Throwable openedAt;
        final boolean task;
        // Bit i set: this frame changed MDC key KEYS[i], whose previous value is saved<i> (null: it was absent).
        private int touched;
        private String saved0;
        private String saved1;
        private String saved2;
        private String saved3;
        private String saved4;
        private String saved5;
        private boolean closed;

        Frame(CallContext context, Frame previous, Thread owner, Throwable openedAt, boolean task) {
            this.context = context;
            this.previous = previous;
            this.owner = owner;
            this.openedAt = openedAt;
            this.task = task;
        }

        /**
         * Mirrors the context into MDC. Under another corekit scope, a field equal to the enclosing context's is left
         * alone without even reading MDC (nested operations change one field); with no scope open the MDC content is
         * unknown, so every key is read and only the ones that differ are written.
         */
        void enter(CallContext before) {
            for (int i = 0; i < KEYS.length; i++) {
                String value = field(context, i);
                if (before != null && same(value, field(before, i))) {
                    continue;
                }
                String old = MDC.get(KEYS[i]);
                if (same(value, old)) {
                    continue;
                }
                touched |= 1 << i;
                save(i, old);
                if (value == null) {
                    MDC.remove(KEYS[i]);
                } else {
                    MDC.put(KEYS[i], value);
                }
            }
        }

        private void save(int index, String value) {
            switch (index) {
                case 0 -> saved0 = value;
                case 1 -> saved1 = value;
                case 2 -> saved2 = value;
                case 3 -> saved3 = value;
                case 4 -> saved4 = value;
                default -> saved5 = value;
            }
        }

        private String saved(int index) {
            return switch (index) {
                case 0 -> saved0;
                case 1 -> saved1;
                case 2 -> saved2;
                case 3 -> saved3;
                case 4 -> saved4;
                default -> saved5;
            };
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            Thread thread = Thread.currentThread();
            if (thread != owner) {
                // Another thread's ThreadLocal and MDC cannot be restored from here: the scope stays open for its
                // owner.
                misuse(
                        "a CallContext scope opened on thread [" + owner.getName() + "] at " + where(openedAt)
                                + " was closed on thread [" + thread.getName() + "]; it stays open on ["
                                + owner.getName() + "]: close a scope on the thread that opened it",
                        openedAt,
                        null);
                return;
            }
            Frame innermost = CURRENT.get();
            if (innermost == this) {
                restore();
                return;
            }
            if (!isBelow(innermost)) {
                closed = true; // not on this thread's stack any more: nothing to restore
                return;
            }
            // Out of order: unwind the scopes opened after this one first, so that the thread ends up exactly where
            // this scope found it, then report.
            String problem = task
                    ? "a task running on thread [" + owner.getName() + "] left a CallContext scope open, opened at "
                            + where(innermost.openedAt)
                            + "; the worker was restored to its state before the task. Close every scope a task"
                            + " opens (try-with-resources)"
                    : "a CallContext scope opened at " + where(openedAt) + " on thread [" + owner.getName()
                            + "] was closed out of order: the scope opened after it at " + where(innermost.openedAt)
                            + " is still open. Both are now closed; close scopes innermost first (try-with-resources)";
            for (Frame frame = innermost; frame != this; frame = frame.previous) {
                frame.restore();
            }
            restore();
            misuse(problem, openedAt, innermost.openedAt);
        }

        private boolean isBelow(Frame innermost) {
            for (Frame frame = innermost; frame != null; frame = frame.previous) {
                if (frame == this) {
                    return true;
                }
            }
            return false;
        }

        private void restore() {
            closed = true;
            int changed = touched;
            for (int i = 0; changed != 0; i++, changed >>>= 1) {
                if ((changed & 1) != 0) {
                    String value = saved(i);
                    if (value == null) {
                        MDC.remove(KEYS[i]);
                    } else {
                        MDC.put(KEYS[i], value);
                    }
                }
            }
            // set(null) rather than remove(): the next activation on this (pooled) thread reuses the map entry.
            CURRENT.set(previous);
            if (openedAt != null) {
                OPEN_STRICT.remove(this);
            }
        }

        String describe() {
            return context + " opened on thread [" + owner.getName() + "] at " + where(openedAt);
        }

        @Override
        public String toString() {
            return "Scope{" + describe() + (closed ? ", closed" : "") + "}";
        }
    }
}
