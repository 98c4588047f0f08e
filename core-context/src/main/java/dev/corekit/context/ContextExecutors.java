package dev.corekit.context;

import dev.corekit.context.internal.ContextExecutor;
import dev.corekit.context.internal.ContextExecutorService;
import dev.corekit.context.internal.ContextFuture;
import dev.corekit.context.internal.ContextScheduledExecutorService;
import dev.corekit.context.internal.Contextual;
import dev.corekit.context.internal.VirtualThreads;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Everything that carries a {@link CallContext} from one thread to another, in one place: task wrappers
 * ({@link #wrap(Runnable)} and friends), executor wrappers ({@link #taskWrapping(ExecutorService)}), the pools corekit
 * code and services create, and the entry points for {@code CompletableFuture} chains that keep the context. Every pool
 * propagates the context from submitter to task (captured at submit, installed only while the task runs, then the
 * worker's previous state restored, so nothing leaks into the next task of a pooled thread) and names its daemon threads
 * {@code namePrefix-1}, {@code namePrefix-2}, ... (The ArchUnit rule pack forbids raw {@code Executors.new*}
 * elsewhere.)
 *
 * <pre>{@code
 * ExecutorService pricing = ContextExecutors.newFixedThreadPool("pricing", 4);
 * CompletableFuture<Order> order = ContextExecutors.supplyAsync(() -> pricing.quote(cmd), pricing)
 *         .thenApplyAsync(quote -> repository.save(cmd, quote), storage);  // runs in the caller's context
 * }</pre>
 *
 * <p><b>Why futures need more than wrapped executors.</b> A dependent stage such as
 * {@code thenApplyAsync(fn, wrappedExecutor)} is submitted to its executor when the previous stage completes, on the
 * completing thread, which may carry another request's context; a wrapped executor captures that one. The futures
 * returned by {@link #supplyAsync}, {@link #runAsync} and {@link #propagating} instead capture the context when each
 * stage is registered, for every {@code then*}, {@code handle}, {@code whenComplete} and {@code exceptionally*} method
 * and every stage derived from them. (Their {@code minimalCompletionStage()} is a plain JDK stage and does not.)
 */
public final class ContextExecutors {
    private ContextExecutors() {}

    /**
     * Wraps a task so that it runs in the context current now (at wrap time), then restores the running thread.
     *
     * <pre>{@code
     * Runnable task = () -> cache.refresh(key);
     * scheduler.execute(ContextExecutors.wrap(task));
     * }</pre>
     *
     * <p>As with {@code ExecutorService.submit}, Java picks the {@link Callable} overload for a lambda whose body could
     * return a value; declare such a lambda as a {@code Runnable} first when a {@code Runnable} is needed.
     */
    public static Runnable wrap(Runnable task) {
        return Contextual.runnable(CallContext.current(), task);
    }

    /** Wraps a task so that it runs in the context current now (at wrap time), then restores the running thread. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        return Contextual.callable(CallContext.current(), task);
    }

    /**
     * Wraps a task so that it runs in {@code context} rather than the current one (a scheduler's loop in
     * {@link CallContext#root()}, a message handler in the context its envelope carried), then restores the running
     * thread.
     */
    public static Runnable wrap(CallContext context, Runnable task) {
        return Contextual.runnable(Objects.requireNonNull(context, "context"), task);
    }

    /** Wraps a task so that it runs in {@code context} rather than the current one, then restores the running thread. */
    public static <T> Callable<T> wrap(CallContext context, Callable<T> task) {
        return Contextual.callable(Objects.requireNonNull(context, "context"), task);
    }

    /**
     * Wraps a function so that it runs in the context current now: for APIs that take callbacks, such as a plain
     * {@code CompletableFuture} stage ({@code future.thenApplyAsync(ContextExecutors.wrapFunction(fn), pool)}).
     */
    public static <T, R> Function<T, R> wrapFunction(Function<? super T, ? extends R> function) {
        return Contextual.function(CallContext.current(), function);
    }

    /** Wraps a supplier so that it runs in the context current now (e.g. for {@code CompletableFuture.supplyAsync}). */
    public static <T> Supplier<T> wrapSupplier(Supplier<T> supplier) {
        return Contextual.supplier(CallContext.current(), supplier);
    }

    /**
     * An executor that runs each task in the context current when it was submitted. A context-propagating executor is
     * returned as is.
     *
     * <pre>{@code
     * Executor executor = ContextExecutors.taskWrapping(httpClientExecutor);
     * }</pre>
     */
    public static Executor taskWrapping(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        if (executor instanceof ScheduledExecutorService scheduled) {
            return taskWrapping(scheduled);
        }
        if (executor instanceof ExecutorService service) {
            return taskWrapping(service);
        }
        return executor instanceof ContextExecutor ? executor : new ContextExecutor(executor);
    }

    /**
     * An executor service that runs each task ({@code invokeAll}/{@code invokeAny} included) in the context current
     * when it was submitted. Shutting it down shuts down {@code executor}.
     */
    public static ExecutorService taskWrapping(ExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        if (executor instanceof ScheduledExecutorService scheduled) {
            return taskWrapping(scheduled);
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
     * A fixed pool of {@code threads} daemon threads named {@code namePrefix-N}, propagating the context.
     *
     * @throws IllegalArgumentException when {@code threads < 1}
     */
    public static ExecutorService newFixedThreadPool(String namePrefix, int threads) {
        requirePositive(threads);
        return taskWrapping(Executors.newFixedThreadPool(threads, named(namePrefix)));
    }

    /**
     * A scheduled pool of {@code threads} daemon threads named {@code namePrefix-N}, propagating the context of the
     * scheduling thread to every run; cancelled tasks are removed from the queue at once.
     *
     * @throws IllegalArgumentException when {@code threads < 1}
     */
    public static ScheduledExecutorService newScheduledThreadPool(String namePrefix, int threads) {
        requirePositive(threads);
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, named(namePrefix));
        pool.setRemoveOnCancelPolicy(true);
        return taskWrapping((ScheduledExecutorService) pool);
    }

    /**
     * One new virtual thread per task, named {@code namePrefix-N}, propagating the context. Corekit compiles for
     * Java 17 and reaches virtual threads reflectively; on a JDK older than 21 this fails rather than silently
     * falling back to platform threads, which would turn an unbounded virtual-thread design into unbounded OS threads.
     * Check {@link #virtualThreadsAvailable()} to choose a fallback yourself.
     *
     * @throws UnsupportedOperationException on a JDK without virtual threads (older than 21)
     */
    public static ExecutorService newVirtualThreadPerTaskExecutor(String namePrefix) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        return taskWrapping(VirtualThreads.perTaskExecutor(namePrefix));
    }

    /** Whether this JDK has virtual threads (JDK 21 or newer). */
    public static boolean virtualThreadsAvailable() {
        return VirtualThreads.available();
    }

    /**
     * Starts a daemon thread named {@code name} that runs {@code task} in the context current now, and returns it: for
     * a long-lived loop that owns its thread and must be unparked, interrupted or joined by name (a pool would hide the
     * thread). For ordinary background work use a pool from this class.
     *
     * <pre>{@code
     * Thread writer = ContextExecutors.startDaemonThread("audit-writer", ContextExecutors.wrap(CallContext.root(), this::loop));
     * }</pre>
     */
    public static Thread startDaemonThread(String name, Runnable task) {
        Thread thread = new Thread(wrap(task), Objects.requireNonNull(name, "name"));
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Registers {@code task} to run at JVM shutdown on a thread named {@code name}, in the context current now.
     * Returns the hook thread, for {@link Runtime#removeShutdownHook}.
     */
    public static Thread addShutdownHook(String name, Runnable task) {
        Thread hook = new Thread(wrap(task), Objects.requireNonNull(name, "name"));
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /**
     * Like {@link CompletableFuture#supplyAsync(Supplier, Executor)}, but the supplier and every stage registered on
     * the returned future (and on futures derived from it) run in the context current at registration.
     */
    public static <T> CompletableFuture<T> supplyAsync(Supplier<T> supplier, Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return new ContextFuture<T>().completeAsync(supplier, executor);
    }

    /**
     * Like {@link CompletableFuture#runAsync(Runnable, Executor)}, but the task and every stage registered on the
     * returned future (and on futures derived from it) run in the context current at registration.
     */
    public static CompletableFuture<Void> runAsync(Runnable task, Executor executor) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(executor, "executor");
        return new ContextFuture<Void>()
                .completeAsync(
                        () -> {
                            task.run();
                            return null;
                        },
                        executor);
    }

    /**
     * A future that completes as {@code stage} does (e.g. an HTTP client's response future) and on which every stage
     * registered runs in the context current at registration. Cancelling it does not cancel {@code stage}.
     *
     * <pre>{@code
     * ContextExecutors.propagating(http.sendAsync(request, ofString()))
     *         .thenApply(response -> parse(response));  // runs in this request's context, whatever thread completes
     * }</pre>
     */
    public static <T> CompletableFuture<T> propagating(CompletionStage<T> stage) {
        return ContextFuture.of(stage);
    }

    private static void requirePositive(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a pool needs at least one thread, got " + threads);
        }
    }

    private static ThreadFactory named(String namePrefix) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        AtomicInteger counter = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, namePrefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
