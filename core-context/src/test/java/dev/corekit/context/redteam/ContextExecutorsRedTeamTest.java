package dev.corekit.context.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.Scope;
import dev.corekit.context.testing.StrictScopes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

/** Red-team checks of ContextExecutors: wrappers, pools, futures, leaked scopes, thread names. */
class ContextExecutorsRedTeamTest {

    final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void shutdown() throws Exception {
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        StrictScopes.disable();
        MDC.clear();
    }

    <T extends ExecutorService> T track(T pool) {
        pools.add(pool);
        return pool;
    }

    static CallContext ctx(String caller) {
        return CallContext.newRequest().withCaller(caller);
    }

    /** A raw single thread whose worker carries another request's context, standing for a foreign completing thread. */
    ExecutorService foreignThread(CallContext foreign) throws Exception {
        ExecutorService raw = track(Executors.newSingleThreadExecutor());
        raw.submit(() -> {
                    foreign.activate(); // leaked on purpose: this worker now runs "another request"
                })
                .get();
        return raw;
    }

    // Doc (wrap(Runnable)): "Wraps a task so that it runs in the context current now (at wrap time), then restores the
    // running thread."
    @Test
    void wrapCapturesAtWrapTimeAndRestoresTheRunningThread() {
        CallContext a = ctx("a");
        CallContext b = ctx("b");
        AtomicReference<CallContext> seen = new AtomicReference<>();
        AtomicReference<String> mdc = new AtomicReference<>();
        Runnable wrapped;
        try (Scope scope = a.activate()) {
            wrapped = ContextExecutors.wrap(() -> {
                seen.set(CallContext.current());
                mdc.set(MDC.get(CallContext.MDC_CALLER));
            });
        }
        try (Scope scope = b.activate()) {
            wrapped.run();
            assertThat(CallContext.current()).isEqualTo(b);
            assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("b");
        }
        assertThat(seen.get()).isEqualTo(a);
        assertThat(mdc.get()).isEqualTo("a");
    }

    // Doc (wrap(CallContext, Runnable)): "runs in context rather than the current one (a scheduler's loop in
    // CallContext.root() ...), then restores the running thread."
    @Test
    void wrapInRootRunsWithNoContextAndNoCorekitMdc() {
        AtomicReference<CallContext> seen = new AtomicReference<>();
        AtomicReference<String> mdc = new AtomicReference<>("unset");
        try (Scope scope = ctx("a").activate()) {
            ContextExecutors.wrap(CallContext.root(), () -> {
                        seen.set(CallContext.current());
                        mdc.set(MDC.get(CallContext.MDC_REQUEST_ID));
                    })
                    .run();
            assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("a");
        }
        assertThat(seen.get()).isEqualTo(CallContext.root());
        assertThat(mdc.get()).isNull();
    }

    // Doc (wrap(Callable)): value returned; "then restores the running thread" - even when the task throws.
    @Test
    void wrappedCallableReturnsAndRestoresEvenWhenItThrows() throws Exception {
        CallContext a = ctx("a");
        Callable<String> ok =
                ContextExecutors.wrap(a, () -> CallContext.current().caller());
        assertThat(ok.call()).isEqualTo("a");
        IllegalStateException boom = new IllegalStateException("boom");
        Callable<String> failing = ContextExecutors.wrap(a, () -> {
            throw boom;
        });
        try (Scope scope = ctx("b").activate()) {
            assertThatThrownBy(failing::call).isSameAs(boom);
            assertThat(CallContext.current().caller()).isEqualTo("b");
            assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("b");
        }
    }

    // Doc (wrapFunction / wrapSupplier): "Wraps a function [supplier] so that it runs in the context current now"
    @Test
    void wrapFunctionAndSupplierRunInTheCapturedContext() {
        Function<String, String> fn;
        Supplier<String> supplier;
        try (Scope scope = ctx("captured").activate()) {
            fn = ContextExecutors.wrapFunction(x -> x + CallContext.current().caller());
            supplier = ContextExecutors.wrapSupplier(() -> CallContext.current().caller());
        }
        assertThat(fn.apply("=")).isEqualTo("=captured");
        assertThat(supplier.get()).isEqualTo("captured");
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (ARCHITECTURE): "Context never leaks: every wrapped task leaves its worker exactly as it found it, even when
    // the task leaked a scope."
    @Test
    void aTaskThatLeaksAScopeDoesNotLeakIntoTheNextTaskOfThePooledThread() throws Exception {
        ExecutorService pool = track(ContextExecutors.newFixedThreadPool("rt-leak", 1));
        try (Scope scope = ctx("leaky").activate()) {
            pool.submit(() -> {
                        ctx("leaked-inner").activate(); // never closed
                        MDC.get(CallContext.MDC_CALLER);
                    })
                    .get();
        }
        Future<String[]> next = pool.submit(() -> new String[] {
            String.valueOf(CallContext.current().caller()),
            String.valueOf(MDC.get(CallContext.MDC_CALLER)),
            String.valueOf(MDC.get(CallContext.MDC_REQUEST_ID))
        });
        assertThat(next.get()).containsExactly("null", "null", "null");
    }

    // Doc (ARCHITECTURE) "even when the task leaked a scope" - and when it leaked many, and threw afterwards.
    @Test
    void aTaskThatLeaksManyScopesAndThrowsStillLeavesTheWorkerClean() throws Exception {
        ExecutorService pool = track(ContextExecutors.newFixedThreadPool("rt-leak-many", 1));
        Future<?> failing = pool.submit(() -> {
            for (int i = 0; i < 50; i++) {
                ctx("leak" + i).activate();
            }
            throw new IllegalStateException("after leaking");
        });
        assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class);
        assertThat(pool.submit(() -> CallContext.current()).get()).isEqualTo(CallContext.root());
        assertThat(pool.submit(() -> MDC.get(CallContext.MDC_CALLER)).get()).isNull();
    }

    // Doc (StrictScopes package): "StrictScopes turns scope misuse (a scope closed out of order, on another thread, or
    // never) into a failure that names where each scope was opened" - a scope leaked inside a pooled task is reported
    // (as the task's failure, or by assertNoLeakedScopes once the pool is shut down).
    @Test
    void strictModeReportsAScopeLeakedInsideAPooledTask() throws Exception {
        StrictScopes.enable();
        ExecutorService pool = ContextExecutors.newFixedThreadPool("rt-strict-leak", 1);
        Throwable taskFailure = null;
        try {
            pool.submit(this::leakInPooledTask).get();
        } catch (ExecutionException e) {
            taskFailure = e.getCause();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        Throwable reported = taskFailure;
        if (reported == null) {
            try {
                StrictScopes.assertNoLeakedScopes();
            } catch (IllegalStateException e) {
                reported = e;
            }
        } else {
            StrictScopes.assertNoLeakedScopes(); // already reported once: forgotten
        }
        assertThat(reported).isInstanceOf(IllegalStateException.class).hasMessageContaining("leakInPooledTask");
    }

    void leakInPooledTask() {
        ctx("leaked-in-pool").activate();
    }

    // Doc (newFixedThreadPool): "A fixed pool of threads daemon threads named namePrefix-N, propagating the context."
    @Test
    void fixedPoolThreadsAreDaemonsNamedPrefixN() throws Exception {
        ExecutorService pool = track(ContextExecutors.newFixedThreadPool("rt-names", 3));
        CountDownLatch all = new CountDownLatch(3);
        Map<String, Boolean> threads = new ConcurrentHashMap<>();
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> {
                threads.put(
                        Thread.currentThread().getName(), Thread.currentThread().isDaemon());
                all.countDown();
                try {
                    all.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50);
        assertThat(threads.keySet()).containsExactlyInAnyOrder("rt-names-1", "rt-names-2", "rt-names-3");
        assertThat(threads.values()).containsOnly(true);
    }

    // Doc (newFixedThreadPool / newScheduledThreadPool): "Throws: IllegalArgumentException - when threads < 1"
    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void poolsRefuseFewerThanOneThread(int threads) {
        assertThatThrownBy(() -> ContextExecutors.newFixedThreadPool("rt-bad", threads))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContextExecutors.newScheduledThreadPool("rt-bad", threads))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Doc (ContextExecutors): "Every pool propagates the context from submitter to task (captured at submit, installed
    // only while the task runs ...)" - 4,000 tasks from 8 submitting threads with their own contexts.
    @Test
    void poolPropagatesEachSubmittersContextUnderLoad() throws Exception {
        ExecutorService pool = track(ContextExecutors.newFixedThreadPool("rt-load", 4));
        ExecutorService submitters = track(Executors.newFixedThreadPool(8));
        AtomicInteger mismatches = new AtomicInteger();
        List<Future<?>> submitted = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            int submitter = s;
            submitted.add(submitters.submit(() -> {
                List<Future<?>> mine = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    CallContext context = ctx("s" + submitter + "-" + i);
                    try (Scope scope = context.activate()) {
                        mine.add(pool.submit(() -> {
                            if (!CallContext.current().equals(context)
                                    || !context.requestId().equals(MDC.get(CallContext.MDC_REQUEST_ID))) {
                                mismatches.incrementAndGet();
                            }
                        }));
                    }
                }
                for (Future<?> f : mine) {
                    f.get();
                }
                return null;
            }));
        }
        for (Future<?> f : submitted) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(mismatches).hasValue(0);
        List<Callable<CallContext>> probes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            probes.add(CallContext::current);
        }
        for (Future<CallContext> f : pool.invokeAll(probes)) {
            assertThat(f.get()).isEqualTo(CallContext.root());
        }
    }

    // Doc (taskWrapping(Executor)): "A context-propagating executor is returned as is."
    @Test
    void taskWrappingAPropagatingExecutorReturnsItAsIs() {
        ExecutorService pool = track(ContextExecutors.newFixedThreadPool("rt-asis", 1));
        assertThat(ContextExecutors.taskWrapping((Executor) pool)).isSameAs(pool);
        Executor wrapped = ContextExecutors.taskWrapping((Executor) Runnable::run);
        assertThat(ContextExecutors.taskWrapping(wrapped)).isSameAs(wrapped);
    }

    // Doc (taskWrapping(ExecutorService)): "runs each task (invokeAll/invokeAny included) in the context current when
    // it was submitted. Shutting it down shuts down executor."
    @Test
    void wrappedServicePropagatesThroughInvokeAllAndInvokeAnyAndShutsDownTheDelegate() throws Exception {
        ExecutorService raw = track(Executors.newFixedThreadPool(2));
        ExecutorService wrapped = ContextExecutors.taskWrapping(raw);
        CallContext context = ctx("invoker");
        try (Scope scope = context.activate()) {
            List<Callable<String>> tasks =
                    List.of(() -> CallContext.current().caller(), () -> MDC.get(CallContext.MDC_CALLER));
            for (Future<String> f : wrapped.invokeAll(tasks)) {
                assertThat(f.get()).isEqualTo("invoker");
            }
            assertThat(wrapped.invokeAny(tasks)).isEqualTo("invoker");
            assertThat(wrapped.invokeAll(tasks, 10, TimeUnit.SECONDS).get(0).get())
                    .isEqualTo("invoker");
            assertThat(wrapped.submit(() -> CallContext.current().caller()).get())
                    .isEqualTo("invoker");
        }
        assertThat(raw.submit(() -> CallContext.current()).get()).isEqualTo(CallContext.root());
        wrapped.shutdown();
        assertThat(raw.isShutdown()).isTrue();
    }

    // Doc (taskWrapping(ScheduledExecutorService)): "runs each task in the context current when it was scheduled;
    // periodic tasks run in it every time."
    @Test
    void periodicTasksRunInTheSchedulingContextEveryTime() throws Exception {
        ScheduledExecutorService raw = track(Executors.newScheduledThreadPool(1));
        ScheduledExecutorService wrapped = ContextExecutors.taskWrapping(raw);
        List<String> callers = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch runs = new CountDownLatch(5);
        ScheduledFuture<?> periodic;
        try (Scope scope = ctx("scheduler").activate()) {
            periodic = wrapped.scheduleAtFixedRate(
                    () -> {
                        callers.add(String.valueOf(CallContext.current().caller()));
                        ctx("leak-in-periodic").activate(); // leaked every run
                        runs.countDown();
                    },
                    0,
                    5,
                    TimeUnit.MILLISECONDS);
        }
        assertThat(runs.await(10, TimeUnit.SECONDS)).isTrue();
        periodic.cancel(false);
        assertThat(callers).hasSizeGreaterThanOrEqualTo(5).containsOnly("scheduler");
    }

    // Doc (newScheduledThreadPool): "propagating the context of the scheduling thread to every run"
    @Test
    void scheduledPoolPropagatesToDelayedAndRepeatedRuns() throws Exception {
        ScheduledExecutorService pool = track(ContextExecutors.newScheduledThreadPool("rt-sched", 2));
        CountDownLatch runs = new CountDownLatch(3);
        List<String> callers = new java.util.concurrent.CopyOnWriteArrayList<>();
        ScheduledFuture<String> delayed;
        ScheduledFuture<?> repeated;
        try (Scope scope = ctx("sched").activate()) {
            delayed = pool.schedule(() -> CallContext.current().caller(), 10, TimeUnit.MILLISECONDS);
            repeated = pool.scheduleWithFixedDelay(
                    () -> {
                        callers.add(String.valueOf(MDC.get(CallContext.MDC_CALLER)));
                        runs.countDown();
                    },
                    0,
                    5,
                    TimeUnit.MILLISECONDS);
        }
        assertThat(delayed.get(10, TimeUnit.SECONDS)).isEqualTo("sched");
        assertThat(runs.await(10, TimeUnit.SECONDS)).isTrue();
        repeated.cancel(false);
        assertThat(callers).containsOnly("sched");
    }

    // Doc (ContextExecutors, "Why futures need more than wrapped executors"): stages of supplyAsync futures "capture
    // the
    // context when each stage is registered" - even when the previous stage completes on a thread that carries another
    // request's context.
    @Test
    void supplyAsyncStagesRunInTheRegistrationContextNotTheCompletingThreads() throws Exception {
        ExecutorService foreign = foreignThread(ctx("FOREIGN"));
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first;
        CompletableFuture<String> sync;
        CompletableFuture<String> async;
        try (Scope scope = ctx("mine").activate()) {
            first = ContextExecutors.supplyAsync(
                    () -> {
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return CallContext.current().caller();
                    },
                    foreign);
            sync = first.thenApply(x -> x + "/" + CallContext.current().caller());
            async = first.thenApplyAsync(x -> x + "/" + MDC.get(CallContext.MDC_CALLER), foreign);
        }
        release.countDown();
        assertThat(sync.get(10, TimeUnit.SECONDS)).isEqualTo("mine/mine");
        assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo("mine/mine");
    }

    // Doc (ContextExecutors): "for every then*, handle, whenComplete and exceptionally* method and every stage derived
    // from them" - stages registered in different contexts each see their own.
    @Test
    void everyDerivedStageRunsInTheContextOfItsOwnRegistration() throws Exception {
        ExecutorService foreign = foreignThread(ctx("FOREIGN"));
        CompletableFuture<String> gate = new CompletableFuture<>();
        CompletableFuture<String> root;
        try (Scope scope = ctx("one").activate()) {
            root = ContextExecutors.supplyAsync(gate::join, foreign);
        }
        CompletableFuture<String> derived1;
        CompletableFuture<String> handled;
        CompletableFuture<String> composed;
        CompletableFuture<String> whenDone;
        CompletableFuture<String> recovered;
        CompletableFuture<String> combined;
        try (Scope scope = ctx("two").activate()) {
            derived1 = root.thenApply(x -> CallContext.current().caller());
        }
        try (Scope scope = ctx("three").activate()) {
            handled = derived1.handle((x, e) -> x + "," + CallContext.current().caller());
            composed = handled.thenCompose(x -> CompletableFuture.completedFuture(
                    x + "," + CallContext.current().caller()));
            combined = composed.thenCombine(
                    CompletableFuture.completedFuture("z"),
                    (x, z) -> x + "," + CallContext.current().caller());
        }
        AtomicReference<String> seenInWhenComplete = new AtomicReference<>();
        try (Scope scope = ctx("four").activate()) {
            whenDone = combined.whenComplete(
                    (x, e) -> seenInWhenComplete.set(CallContext.current().caller()));
            recovered = whenDone.<String>thenApply(x -> {
                        throw new IllegalStateException(x);
                    })
                    .exceptionally(e -> "recovered in " + CallContext.current().caller())
                    .thenApply(x -> x);
        }
        gate.complete("done"); // the supplier then returns on the foreign thread, which completes every stage
        assertThat(combined.get(10, TimeUnit.SECONDS)).isEqualTo("two,three,three,three");
        assertThat(recovered.get(10, TimeUnit.SECONDS)).isEqualTo("recovered in four");
        assertThat(seenInWhenComplete.get()).isEqualTo("four");
    }

    // Doc (runAsync): "the task and every stage registered on the returned future ... run in the context current at
    // registration."
    @Test
    void runAsyncTaskAndStagesRunInTheirContexts() throws Exception {
        ExecutorService foreign = foreignThread(ctx("FOREIGN"));
        AtomicReference<String> inTask = new AtomicReference<>();
        CompletableFuture<String> after;
        try (Scope scope = ctx("run").activate()) {
            after = ContextExecutors.runAsync(
                            () -> inTask.set(CallContext.current().caller()), foreign)
                    .thenApplyAsync(v -> CallContext.current().caller(), foreign);
        }
        assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("run");
        assertThat(inTask.get()).isEqualTo("run");
    }

    // Doc (propagating): "A future that completes as stage does ... and on which every stage registered runs in the
    // context current at registration." - "whatever thread completes"
    @Test
    void propagatingRunsStagesInTheRegistrationContextWhateverThreadCompletes() throws Exception {
        ExecutorService foreign = foreignThread(ctx("FOREIGN"));
        CompletableFuture<String> external = new CompletableFuture<>();
        CompletableFuture<String> parsed;
        CompletableFuture<String> failedPath;
        try (Scope scope = ctx("request").activate()) {
            CompletableFuture<String> propagating = ContextExecutors.propagating(external);
            parsed = propagating
                    .thenApply(x -> x + ":" + CallContext.current().caller())
                    .thenApply(x -> x + ":" + MDC.get(CallContext.MDC_CALLER));
            failedPath = propagating
                    .thenApply(x -> {
                        throw new IllegalArgumentException("bad");
                    })
                    .exceptionallyCompose(e -> CompletableFuture.completedFuture(
                            CallContext.current().caller()))
                    .thenApply(Object::toString);
        }
        foreign.execute(() -> external.complete("response"));
        assertThat(parsed.get(10, TimeUnit.SECONDS)).isEqualTo("response:request:request");
        assertThat(failedPath.get(10, TimeUnit.SECONDS)).isEqualTo("request");
    }

    // Doc (propagating): "Cancelling it does not cancel stage."
    @Test
    void cancellingThePropagatingFutureDoesNotCancelTheSource() {
        CompletableFuture<String> external = new CompletableFuture<>();
        CompletableFuture<String> propagating = ContextExecutors.propagating(external);
        propagating.cancel(true);
        assertThat(propagating.isCancelled()).isTrue();
        assertThat(external.isCancelled()).isFalse();
        assertThat(external.complete("later")).isTrue();
    }

    // Doc (propagating): "A future that completes as stage does" - also exceptionally.
    @Test
    void propagatingCompletesExceptionallyWithTheSameCause() {
        CompletableFuture<String> external = new CompletableFuture<>();
        CompletableFuture<String> propagating = ContextExecutors.propagating(external);
        IllegalStateException boom = new IllegalStateException("boom");
        external.completeExceptionally(boom);
        assertThatThrownBy(propagating::join).hasCause(boom);
    }

    // Doc (CallContext): "Nothing is inherited implicitly: the context is captured when a task is submitted and
    // installed on the worker only while the task runs, through ContextExecutors."
    @Test
    void aRawThreadInheritsNothing() throws Exception {
        AtomicReference<CallContext> seen = new AtomicReference<>();
        AtomicReference<String> mdc = new AtomicReference<>("unset");
        try (Scope scope = ctx("parent").activate()) {
            Thread child = new Thread(() -> {
                seen.set(CallContext.current());
                mdc.set(MDC.get(CallContext.MDC_CALLER));
            });
            child.start();
            child.join();
        }
        assertThat(seen.get()).isEqualTo(CallContext.root());
    }

    // Doc (startDaemonThread): "Starts a daemon thread named name that runs task in the context current now, and
    // returns it"
    @Test
    void startDaemonThreadIsNamedDaemonAndRunsInTheContextCurrentNow() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<String> seen = new AtomicReference<>();
        Thread thread;
        try (Scope scope = ctx("at-start").activate()) {
            thread = ContextExecutors.startDaemonThread("rt-daemon", () -> {
                try {
                    go.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.set(CallContext.current().caller());
            });
        }
        try (Scope scope = ctx("later").activate()) {
            go.countDown();
        }
        thread.join(10_000);
        assertThat(thread.getName()).isEqualTo("rt-daemon");
        assertThat(thread.isDaemon()).isTrue();
        assertThat(seen.get()).isEqualTo("at-start");
    }

    // Doc (addShutdownHook): "Registers task to run at JVM shutdown on a thread named name, in the context current now.
    // Returns the hook thread, for Runtime.removeShutdownHook(java.lang.Thread)."
    @Test
    void addShutdownHookReturnsTheRegisteredNamedHookThatRunsInTheCapturedContext() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        Thread hook;
        try (Scope scope = ctx("at-registration").activate()) {
            hook = ContextExecutors.addShutdownHook(
                    "rt-hook", () -> seen.set(CallContext.current().caller()));
        }
        assertThat(hook.getName()).isEqualTo("rt-hook");
        assertThat(Runtime.getRuntime().removeShutdownHook(hook)).isTrue();
        hook.start();
        hook.join(10_000);
        assertThat(seen.get()).isEqualTo("at-registration");
    }

    // Doc (Scope / StrictScopes): a scope handed to another thread and closed there is ignored (lenient), and the
    // wrapper still restores the worker that opened it.
    @Test
    void scopeOpenedInAPooledTaskAndClosedElsewhereDoesNotPoisonTheWorker() throws Exception {
        ExecutorService pool = track(ContextExecutors.newFixedThreadPool("rt-handoff", 1));
        Scope escaped = pool.submit(() -> ctx("escaped").activate()).get();
        escaped.close(); // wrong thread: ignored when lenient
        assertThat(pool.submit(() -> CallContext.current()).get()).isEqualTo(CallContext.root());
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (virtualThreadsAvailable / newVirtualThreadPerTaskExecutor): "on a JDK older than 21 this fails rather than
    // silently falling back ... Throws: UnsupportedOperationException - on a JDK without virtual threads"; on 21+,
    // "One new virtual thread per task, named namePrefix-N, propagating the context."
    @Test
    void virtualThreadExecutorFailsBefore21AndPropagatesFrom21() throws Exception {
        boolean jdk21 = Runtime.version().feature() >= 21;
        assertThat(ContextExecutors.virtualThreadsAvailable()).isEqualTo(jdk21);
        if (!jdk21) {
            assertThatThrownBy(() -> ContextExecutors.newVirtualThreadPerTaskExecutor("rt-vt"))
                    .isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        ExecutorService vts = track(ContextExecutors.newVirtualThreadPerTaskExecutor("rt-vt"));
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            try (Scope scope = ctx("v" + i).activate()) {
                results.add(vts.submit(() -> Thread.currentThread().getName() + "|"
                        + CallContext.current().caller() + "|" + MDC.get(CallContext.MDC_CALLER)));
            }
        }
        for (int i = 0; i < results.size(); i++) {
            String[] parts = results.get(i).get(10, TimeUnit.SECONDS).split("\\|");
            assertThat(parts[0]).matches("rt-vt-\\d+");
            assertThat(parts[1]).isEqualTo("v" + i);
            assertThat(parts[2]).isEqualTo("v" + i);
        }
    }

    // Doc (ARCHITECTURE): "Context never leaks: every wrapped task leaves its worker exactly as it found it, even when
    // the task leaked a scope." / package: "no state leaks into the next task of a pooled thread" - a scope leaked by
    // one request's task, closed late by the next request's task on the same worker, must not bring the first
    // request's context back.
    @Test
    void aStaleScopeFromAnEarlierTaskCannotReinstallThatRequestsContext() throws Exception {
        ExecutorService pool = track(ContextExecutors.newFixedThreadPool("rt-stale", 1));
        AtomicReference<Scope> stale = new AtomicReference<>();
        try (Scope scope = ctx("request-A").activate()) {
            pool.submit(() -> stale.set(ctx("A-inner").activate())).get();
        }
        Future<String> seen;
        try (Scope scope = ctx("request-B").activate()) {
            seen = pool.submit(() -> {
                stale.get().close();
                return CallContext.current().caller() + "|" + MDC.get(CallContext.MDC_CALLER);
            });
        }
        assertThat(seen.get()).doesNotContain("request-A").doesNotContain("A-inner");
        assertThat(pool.submit(() -> CallContext.current()).get()).isEqualTo(CallContext.root());
    }
}
