package dev.corekit.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.context.testing.StrictScopes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class PropagationTest {
    static final CallContext REQUEST =
            CallContext.newRequest().withCaller("user:7").withTenant("acme");

    /** What a task sees: the context's caller and the MDC caller, which must agree. */
    static String seen() {
        String caller = CallContext.current().caller();
        String mdc = MDC.get(CallContext.MDC_CALLER);
        return caller == null && mdc == null
                ? "none"
                : caller + (caller != null && caller.equals(mdc) ? "" : "|mdc=" + mdc);
    }

    /** Whether this thread holds no context and no corekit MDC key. */
    static boolean clean() {
        if (CallContext.current() != CallContext.root()) {
            return false;
        }
        for (String key : CallContext.MDC_KEYS) {
            if (MDC.get(key) != null) {
                return false;
            }
        }
        return true;
    }

    /** A raw pool (allowed in this package) that counts workers found dirty before or after any task. */
    static final class CheckedPool extends ThreadPoolExecutor {
        final AtomicInteger dirty = new AtomicInteger();
        final AtomicInteger tasks = new AtomicInteger();

        CheckedPool(int threads) {
            super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        }

        @Override
        protected void beforeExecute(Thread thread, Runnable task) {
            if (!clean()) {
                dirty.incrementAndGet();
            }
        }

        @Override
        protected void afterExecute(Runnable task, Throwable error) {
            tasks.incrementAndGet();
            if (!clean()) {
                dirty.incrementAndGet();
            }
        }
    }

    static final class CheckedScheduler extends ScheduledThreadPoolExecutor {
        final AtomicInteger dirty = new AtomicInteger();

        CheckedScheduler() {
            super(1);
        }

        @Override
        protected void afterExecute(Runnable task, Throwable error) {
            if (!clean()) {
                dirty.incrementAndGet();
            }
        }
    }

    @AfterEach
    void callerThreadIsClean() {
        StrictScopes.assertNoOpenScope();
        assertThat(clean()).isTrue();
    }

    @Nested
    class Tasks {
        @Test
        void aWrappedTaskRunsInTheWrapTimeContextAndThenRestoresTheRunningThread() throws Exception {
            Runnable task;
            List<String> seen = new ArrayList<>();
            try (Scope scope = REQUEST.activate()) {
                Runnable record = () -> seen.add(seen());
                task = ContextExecutors.wrap(record);
            }
            CallContext other = CallContext.newRequest().withCaller("other");
            try (Scope scope = other.activate()) {
                task.run();
                assertThat(CallContext.current()).isSameAs(other);
                assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("other");
                assertThat(MDC.get(CallContext.MDC_TENANT)).isNull();
            }
            task.run();
            assertThat(seen).containsExactly("user:7", "user:7");
        }

        @Test
        void wrapTaskRunsInThatContextRatherThanTheCurrentOne() throws Exception {
            Callable<String> task = ContextExecutors.wrap(REQUEST, PropagationTest::seen);
            assertThat(task.call()).isEqualTo("user:7");
            List<String> seen = new ArrayList<>();
            Runnable record = () -> seen.add(seen());
            ContextExecutors.wrap(REQUEST, record).run();
            assertThat(seen).containsExactly("user:7");
        }

        @Test
        void aWrappedTaskThatThrowsStillRestoresTheThread() {
            Runnable failing;
            try (Scope scope = REQUEST.activate()) {
                Runnable boom = () -> {
                    throw new IllegalStateException("boom");
                };
                failing = ContextExecutors.wrap(boom);
            }
            assertThatThrownBy(failing::run).hasMessage("boom");
            assertThat(clean()).isTrue();
        }

        @Test
        void aTaskThatLeaksAScopeDoesNotLeakItIntoTheNextTaskOnThePool() throws Exception {
            CheckedPool raw = new CheckedPool(1);
            ExecutorService pool = ContextExecutors.taskWrapping(raw);
            try {
                try (Scope scope = REQUEST.activate()) {
                    pool.submit(() -> {
                                CallContext.newRequest().withCaller("leaked").activate(); // never closed
                            })
                            .get(5, TimeUnit.SECONDS);
                }
                assertThat(pool.submit(PropagationTest::seen).get(5, TimeUnit.SECONDS))
                        .isEqualTo("none");
            } finally {
                shutdown(pool);
            }
            assertThat(raw.dirty).hasValue(0);
        }

        @Test
        void aTaskSubmittedWithNoContextThatLeaksAnOperationScopeLeavesTheWorkerCleanToo() throws Exception {
            CheckedPool raw = new CheckedPool(1);
            ExecutorService pool = ContextExecutors.taskWrapping(raw);
            try {
                pool.submit(() -> {
                            CallContext.current()
                                    .withOperation("00000000000000c3")
                                    .activate(); // never closed
                        })
                        .get(5, TimeUnit.SECONDS);

                assertThat(pool.submit(() -> CallContext.current()).get(5, TimeUnit.SECONDS))
                        .isSameAs(CallContext.root());
                assertThat(pool.submit(() -> MDC.get(CallContext.MDC_OPERATION_ID))
                                .get(5, TimeUnit.SECONDS))
                        .isNull();
            } finally {
                shutdown(pool);
            }
            assertThat(raw.dirty).hasValue(0);
        }

        @Test
        void aHandPutMdcValueOnTheWorkerSurvivesATaskThatLeaksAScopeOverIt() throws Exception {
            CheckedPool raw = new CheckedPool(1);
            ExecutorService pool = ContextExecutors.taskWrapping(raw);
            try {
                raw.submit(() -> MDC.put(CallContext.MDC_TENANT, "put-by-hand")).get(5, TimeUnit.SECONDS);
                pool.submit(() -> {
                            CallContext.current().withTenant("leaker").activate(); // never closed
                        })
                        .get(5, TimeUnit.SECONDS);

                assertThat(raw.submit(() -> MDC.get(CallContext.MDC_TENANT)).get(5, TimeUnit.SECONDS))
                        .isEqualTo("put-by-hand");
                assertThat(raw.submit(() -> CallContext.current()).get(5, TimeUnit.SECONDS))
                        .isSameAs(CallContext.root());
            } finally {
                raw.submit(() -> MDC.remove(CallContext.MDC_TENANT)).get(5, TimeUnit.SECONDS);
                shutdown(pool);
            }
        }
    }

    @Nested
    class Pools {
        @Test
        void aPlainExecutorRunsTasksInTheSubmittersContext() throws Exception {
            Executor newThreadPerTask = task -> new Thread(task).start();
            Executor executor = ContextExecutors.taskWrapping(newThreadPerTask);
            CompletableFuture<String> seen = new CompletableFuture<>();
            try (Scope scope = REQUEST.activate()) {
                executor.execute(() -> seen.complete(seen()));
            }
            assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
            assertThat(ContextExecutors.taskWrapping(executor))
                    .as("not wrapped twice")
                    .isSameAs(executor);
        }

        @Test
        void anExecutorServiceRunsSubmitInvokeAllAndInvokeAnyInTheSubmittersContext() throws Exception {
            CheckedPool raw = new CheckedPool(2);
            ExecutorService pool = ContextExecutors.taskWrapping(raw);
            try (Scope scope = REQUEST.activate()) {
                assertThat(pool.submit(PropagationTest::seen).get()).isEqualTo("user:7");
                List<String> viaRunnable = Collections.synchronizedList(new ArrayList<>());
                pool.submit(() -> {
                            viaRunnable.add(seen());
                        })
                        .get();
                assertThat(pool.submit(() -> viaRunnable.add(seen()), "done").get())
                        .isEqualTo("done");
                assertThat(viaRunnable).containsExactly("user:7", "user:7");

                List<Callable<String>> tasks =
                        List.of(PropagationTest::seen, PropagationTest::seen, () -> MDC.get(CallContext.MDC_TENANT));
                assertThat(pool.invokeAll(tasks)).extracting(Future::get).containsExactly("user:7", "user:7", "acme");
                assertThat(pool.invokeAll(tasks, 5, TimeUnit.SECONDS))
                        .extracting(Future::get)
                        .containsExactly("user:7", "user:7", "acme");
                List<Callable<String>> one = List.of(PropagationTest::seen);
                assertThat(pool.invokeAny(one)).isEqualTo("user:7");
                assertThat(pool.invokeAny(one, 5, TimeUnit.SECONDS)).isEqualTo("user:7");
                CompletableFuture<String> viaExecute = new CompletableFuture<>();
                pool.execute(() -> viaExecute.complete(seen()));
                assertThat(viaExecute.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
            } finally {
                shutdown(pool);
            }
            assertThat(raw.dirty).hasValue(0);
            assertThat(ContextExecutors.taskWrapping(pool))
                    .as("not wrapped twice")
                    .isSameAs(pool);
        }

        @Test
        void theContextIsCapturedAtSubmitNotWhenTheTaskRuns() throws Exception {
            ExecutorService pool = ContextExecutors.newFixedThreadPool("capture", 1);
            CountDownLatch release = new CountDownLatch(1);
            try {
                Future<?> blocker = pool.submit(() -> {
                    release.await();
                    return null;
                });
                Future<String> first;
                Future<String> second;
                try (Scope scope = REQUEST.activate()) {
                    first = pool.submit(PropagationTest::seen);
                }
                try (Scope scope = CallContext.newRequest().withCaller("second").activate()) {
                    second = pool.submit(PropagationTest::seen);
                }
                release.countDown();
                blocker.get(5, TimeUnit.SECONDS);
                assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
                assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("second");
            } finally {
                shutdown(pool);
            }
        }

        @Test
        void aScheduledExecutorRunsDelayedAndPeriodicTasksInTheSchedulersContextAndCleansUpAfterEachRun()
                throws Exception {
            CheckedScheduler raw = new CheckedScheduler();
            ScheduledExecutorService scheduler = ContextExecutors.taskWrapping(raw);
            try (Scope scope = REQUEST.activate()) {
                assertThat(scheduler
                                .schedule(PropagationTest::seen, 1, TimeUnit.MILLISECONDS)
                                .get(5, TimeUnit.SECONDS))
                        .isEqualTo("user:7");
                CompletableFuture<String> delayed = new CompletableFuture<>();
                scheduler.schedule(() -> delayed.complete(seen()), 1, TimeUnit.MILLISECONDS);
                assertThat(delayed.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");

                List<String> fixedRate = Collections.synchronizedList(new ArrayList<>());
                CountDownLatch rateTicks = new CountDownLatch(3);
                ScheduledFuture<?> rate = scheduler.scheduleAtFixedRate(
                        () -> {
                            fixedRate.add(seen());
                            rateTicks.countDown();
                        },
                        0,
                        2,
                        TimeUnit.MILLISECONDS);
                List<String> fixedDelay = Collections.synchronizedList(new ArrayList<>());
                CountDownLatch delayTicks = new CountDownLatch(3);
                ScheduledFuture<?> delay = scheduler.scheduleWithFixedDelay(
                        () -> {
                            fixedDelay.add(seen());
                            delayTicks.countDown();
                        },
                        0,
                        2,
                        TimeUnit.MILLISECONDS);
                assertThat(rateTicks.await(5, TimeUnit.SECONDS)).isTrue();
                assertThat(delayTicks.await(5, TimeUnit.SECONDS)).isTrue();
                rate.cancel(false);
                delay.cancel(false);
                assertThat(fixedRate).hasSizeGreaterThanOrEqualTo(3).containsOnly("user:7");
                assertThat(fixedDelay).hasSizeGreaterThanOrEqualTo(3).containsOnly("user:7");
            } finally {
                shutdown(scheduler);
            }
            assertThat(raw.dirty).hasValue(0);
        }

        @Test
        void contextExecutorsPoolsUseNamedDaemonThreads() throws Exception {
            ExecutorService fixed = ContextExecutors.newFixedThreadPool("orders", 2);
            ScheduledExecutorService scheduled = ContextExecutors.newScheduledThreadPool("ticks", 1);
            try (Scope scope = REQUEST.activate()) {
                Callable<String> describe = () -> Thread.currentThread().getName() + "/"
                        + Thread.currentThread().isDaemon() + "/" + seen();
                assertThat(fixed.submit(describe).get()).matches("orders-\\d+/true/user:7");
                assertThat(scheduled
                                .schedule(describe, 1, TimeUnit.MILLISECONDS)
                                .get())
                        .matches("ticks-\\d+/true/user:7");
            } finally {
                shutdown(fixed);
                shutdown(scheduled);
            }
        }

        @Test
        void contextExecutorsRejectAPoolWithoutThreads() {
            assertThatThrownBy(() -> ContextExecutors.newFixedThreadPool("none", 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least one thread");
        }

        @Test
        void tenThousandTasksOnFourThreadsEachSeeTheirOwnContextAndNoWorkerKeepsAnyAfterATask() throws Exception {
            CheckedPool raw = new CheckedPool(4);
            ExecutorService pool = ContextExecutors.taskWrapping(raw);
            AtomicInteger wrongContext = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>(10_000);
            try {
                for (int i = 0; i < 10_000; i++) {
                    CallContext request = CallContext.newRequest().withCaller("user:" + i);
                    CallContext context = i % 3 == 0 ? request : request.withOperation(String.format("%016x", i + 1));
                    try (Scope scope = context.activate()) {
                        futures.add(pool.submit(() -> {
                            CallContext seen = CallContext.current();
                            if (seen != context
                                    || !context.requestId().equals(MDC.get(CallContext.MDC_REQUEST_ID))
                                    || !context.caller().equals(MDC.get(CallContext.MDC_CALLER))
                                    || !context.traceId().equals(MDC.get(CallContext.MDC_TRACE_ID))
                                    || !java.util.Objects.equals(
                                            context.operationId(), MDC.get(CallContext.MDC_OPERATION_ID))) {
                                wrongContext.incrementAndGet();
                            }
                        }));
                    }
                }
                for (Future<?> future : futures) {
                    future.get(30, TimeUnit.SECONDS);
                }
            } finally {
                shutdown(pool);
            }
            assertThat(raw.tasks).hasValue(10_000);
            assertThat(wrongContext).as("tasks that saw another context").hasValue(0);
            assertThat(raw.dirty)
                    .as("workers holding a context or corekit MDC key before or after a task")
                    .hasValue(0);
        }
    }

    static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
}
