package dev.corekit.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.slf4j.MDC;

class CallContextTest {
    @AfterEach
    void nothingLeftOpen() {
        CallContext.strictMode(false);
        CallContext.assertNoOpenScope();
        assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isNull();
    }

    @Nested
    class Scopes {
        @Test
        void activateMakesCurrentAndCloseRestoresRoot() {
            CallContext request = CallContext.newRequest().withCaller("user:1");
            try (Scope scope = request.activate()) {
                assertThat(CallContext.current()).isSameAs(request);
                assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("user:1");
                assertThat(MDC.get(CallContext.MDC_TRACE_ID)).isEqualTo(request.traceId());
            }
            assertThat(CallContext.current()).isSameAs(CallContext.root());
            assertThat(MDC.get(CallContext.MDC_CALLER)).isNull();
        }

        @Test
        void closeRestoresMdcValuesThatExistedAndRemovesKeysThatDidNot() {
            MDC.put(CallContext.MDC_TENANT, "set-by-hand");
            MDC.put("unrelated", "kept");
            try {
                try (Scope scope = CallContext.newRequest()
                        .withTenant("acme")
                        .withCaller("c")
                        .activate()) {
                    assertThat(MDC.get(CallContext.MDC_TENANT)).isEqualTo("acme");
                    MDC.put("unrelated", "changed inside");
                }
                assertThat(MDC.get(CallContext.MDC_TENANT)).isEqualTo("set-by-hand");
                assertThat(MDC.get(CallContext.MDC_CALLER)).isNull();
                assertThat(MDC.get("unrelated")).isEqualTo("changed inside");
            } finally {
                MDC.remove(CallContext.MDC_TENANT);
                MDC.remove("unrelated");
            }
        }

        @Test
        void nestedScopesRestoreInTurnAndNullFieldsLeaveMdc() {
            CallContext outer = CallContext.newRequest().withCaller("outer");
            try (Scope a = outer.activate()) {
                try (Scope b = outer.withCaller(null).withOperationId("op-1").activate()) {
                    assertThat(MDC.get(CallContext.MDC_CALLER)).isNull();
                    assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isEqualTo("op-1");
                }
                assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("outer");
                assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isNull();
                assertThat(CallContext.current()).isSameAs(outer);
            }
        }

        @Test
        void strictModeRejectsOutOfOrderCloseNamingWhereItWasOpened() {
            CallContext.strictMode(true);
            Scope outer = CallContext.newRequest().activate();
            Scope inner = CallContext.newRequest().activate();

            assertThatThrownBy(outer::close)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("out of order")
                    .cause()
                    .hasMessage("scope opened here");
            inner.close();
            outer.close();
        }

        @Test
        void strictModeRejectsCloseOnAnotherThread() throws Exception {
            CallContext.strictMode(true);
            Scope scope = CallContext.newRequest().activate();
            try {
                CompletableFuture<Throwable> failure = new CompletableFuture<>();
                Thread other = new Thread(() -> {
                    try {
                        scope.close();
                        failure.complete(null);
                    } catch (IllegalStateException e) {
                        failure.complete(e);
                    }
                });
                other.start();
                assertThat(failure.get(5, TimeUnit.SECONDS)).hasMessageContaining("but opened on");
            } finally {
                scope.close();
            }
        }

        @Test
        void lenientModeStillRestoresAfterOutOfOrderClose() {
            Scope outer = CallContext.newRequest().activate();
            Scope inner = CallContext.newRequest().activate();
            outer.close();
            inner.close();

            assertThat(CallContext.current()).isNotNull();
            // outer closed first restores root; inner's close then restores outer's scope state; close outer again is a
            // no-op
            CallContext.assertNoOpenScope();
        }

        @Test
        void leakedScopeIsReported() {
            Scope leaked = CallContext.newRequest().activate();
            try {
                assertThatThrownBy(CallContext::assertNoOpenScope).hasMessageContaining("still open");
            } finally {
                leaked.close();
            }
        }
    }

    @Nested
    class Headers {
        @Test
        void validTraceparentIsContinued() {
            CallContext context = CallContext.fromHeaders(Map.of(
                    "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                    "x-request-id", "req-9")::get);

            assertThat(context.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(context.spanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(context.requestId()).isEqualTo("req-9");
        }

        @Test
        void invalidTraceparentStartsANewTraceInsteadOfFailing() {
            for (String bad : List.of(
                    "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                    "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                    "garbage")) {
                CallContext context = CallContext.fromHeaders(Map.of("traceparent", bad)::get);
                assertThat(context.traceId()).as(bad).hasSize(32).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
                assertThat(context.requestId()).as("a request id is made up").hasSize(16);
            }
        }

        @Test
        void outgoingHeadersKeepTheTraceWithANewSpanAndCarryBaggage() {
            CallContext context = CallContext.newRequest().withBaggage("plan", "gold tier");
            Map<String, String> written = new java.util.HashMap<>();
            context.writeHeaders(written::put);

            assertThat(written.get("traceparent"))
                    .matches("00-" + context.traceId() + "-[0-9a-f]{16}-01")
                    .doesNotContain(context.spanId());
            assertThat(written)
                    .containsEntry("x-request-id", context.requestId())
                    .containsEntry("baggage", "plan=gold+tier");
            CallContext received = CallContext.fromHeaders(Map.of(
                    "Baggage", List.of(written.get("baggage")), "TraceParent", List.of(written.get("traceparent"))));
            assertThat(received.baggage()).containsEntry("plan", "gold tier");
            assertThat(received.traceId()).isEqualTo(context.traceId());
        }

        @Test
        void baggageLimitsAndBadKeysAreRejected() {
            assertThatThrownBy(() -> CallContext.root().withBaggage("bad key", "v"))
                    .hasMessageContaining("'bad key' is not a W3C baggage token");
            CallContext full = CallContext.root();
            for (int i = 0; i < CallContext.MAX_BAGGAGE_ENTRIES; i++) {
                full = full.withBaggage("k" + i, "v");
            }
            CallContext atLimit = full;
            assertThatThrownBy(() -> atLimit.withBaggage("one-more", "v")).hasMessageContaining("at most 64 entries");
            assertThatThrownBy(() -> CallContext.root().withBaggage("big", "x".repeat(9000)))
                    .hasMessageContaining("exceeds 8192 bytes");
        }
    }

    @Nested
    class Propagation {
        final CallContext request = CallContext.newRequest().withCaller("user:7");

        @Test
        void executorServiceSubmitInvokeAllAndInvokeAnyCarryTheSubmittersContext() throws Exception {
            ExecutorService pool = ContextExecutors.newFixedThreadPool("t", 2);
            try (Scope scope = request.activate()) {
                assertThat(pool.submit(() -> CallContext.current().caller()).get())
                        .isEqualTo("user:7");
                List<Callable<String>> tasks = List.of(
                        () -> MDC.get(CallContext.MDC_CALLER),
                        () -> CallContext.current().caller());
                assertThat(pool.invokeAll(tasks)).extracting(Future::get).containsExactly("user:7", "user:7");
                assertThat(pool.invokeAny(tasks)).isEqualTo("user:7");
                CompletableFuture<String> viaExecute = new CompletableFuture<>();
                CallContext.taskWrapping((java.util.concurrent.Executor) pool)
                        .execute(() -> viaExecute.complete(CallContext.current().caller()));
                assertThat(viaExecute.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
            } finally {
                pool.shutdown();
            }
        }

        @Test
        void scheduledTasksCarryTheSchedulersContext() throws Exception {
            ScheduledExecutorService pool = ContextExecutors.newScheduledThreadPool("s", 1);
            try (Scope scope = request.activate()) {
                assertThat(pool.schedule(() -> CallContext.current().caller(), 1, TimeUnit.MILLISECONDS)
                                .get())
                        .isEqualTo("user:7");
                CountDownLatch ticks = new CountDownLatch(3);
                List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
                ScheduledFuture<?> rate = pool.scheduleAtFixedRate(
                        () -> {
                            seen.add(CallContext.current().caller());
                            ticks.countDown();
                        },
                        0,
                        1,
                        TimeUnit.MILLISECONDS);
                assertThat(ticks.await(5, TimeUnit.SECONDS)).isTrue();
                rate.cancel(false);
                assertThat(seen).isNotEmpty().containsOnly("user:7");
            } finally {
                pool.shutdown();
            }
        }

        @Test
        void completableFutureStagesKeepTheContextOfTheStepThatRegisteredThem() throws Exception {
            ExecutorService a = ContextExecutors.newFixedThreadPool("a", 1);
            ExecutorService b = ContextExecutors.newFixedThreadPool("b", 1);
            CompletableFuture<String> gate = new CompletableFuture<>();
            try {
                CompletableFuture<String> chain;
                try (Scope scope = request.activate()) {
                    chain = gate.thenApplyAsync(
                                    CallContext.wrapFunction(
                                            v -> v + ":" + CallContext.current().caller()),
                                    a)
                            .thenApplyAsync(
                                    CallContext.wrapFunction(
                                            v -> v + ":" + CallContext.current().caller()),
                                    b);
                }
                // The gate completes on a thread that carries ANOTHER request's context.
                try (Scope other =
                        CallContext.newRequest().withCaller("intruder").activate()) {
                    gate.complete("start");
                }

                assertThat(chain.get(5, TimeUnit.SECONDS)).isEqualTo("start:user:7:user:7");
            } finally {
                a.shutdown();
                b.shutdown();
            }
        }

        @Test
        void wrappedExecutorsAloneCaptureAtSubmissionWhichIsCompletionTime() throws Exception {
            // The counter-example the previous test guards against: without wrapFunction the dependent stage is
            // submitted when the gate completes, so it sees the completer's context.
            ExecutorService a = ContextExecutors.newFixedThreadPool("a", 1);
            CompletableFuture<String> gate = new CompletableFuture<>();
            try {
                CompletableFuture<String> chain;
                try (Scope scope = request.activate()) {
                    chain = gate.thenApplyAsync(v -> CallContext.current().caller(), a);
                }
                try (Scope other =
                        CallContext.newRequest().withCaller("completer").activate()) {
                    gate.complete("x");
                }
                assertThat(chain.get(5, TimeUnit.SECONDS)).isEqualTo("completer");
            } finally {
                a.shutdown();
            }
        }

        @Test
        @EnabledForJreRange(min = JRE.JAVA_21)
        void virtualThreadsCarryTheContextThroughTheSameWrappers() throws Exception {
            assertThat(ContextExecutors.virtualThreadsAvailable()).isTrue();
            ExecutorService virtual = ContextExecutors.newVirtualThreadPerTaskExecutor("v");
            try (Scope scope = request.activate()) {
                assertThat(virtual.submit(() -> CallContext.current().caller() + "@"
                                        + Thread.currentThread().getName())
                                .get())
                        .startsWith("user:7@v-");
            } finally {
                virtual.shutdown();
            }
        }

        @Test
        @EnabledForJreRange(max = JRE.JAVA_20)
        void virtualThreadsOnAnOldJdkFailClearly() {
            assertThatThrownBy(() -> ContextExecutors.newVirtualThreadPerTaskExecutor("v"))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("JDK 21");
        }

        @Test
        void tenThousandPooledTasksEachSeeTheirOwnContextAndLeakNothing() throws Exception {
            ExecutorService raw = ContextExecutors.newFixedThreadPool("leak", 4);
            AtomicInteger wrongContext = new AtomicInteger();
            AtomicInteger leaks = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            try {
                for (int i = 0; i < 10_000; i++) {
                    String caller = "user:" + i;
                    try (Scope scope =
                            CallContext.newRequest().withCaller(caller).activate()) {
                        futures.add(raw.submit(() -> {
                            if (!caller.equals(CallContext.current().caller())
                                    || !caller.equals(MDC.get(CallContext.MDC_CALLER))) {
                                wrongContext.incrementAndGet();
                            }
                        }));
                    }
                }
                for (Future<?> future : futures) {
                    future.get(10, TimeUnit.SECONDS);
                }
                // After the tasks, every worker must be back to no context and no corekit MDC keys.
                for (int i = 0; i < 200; i++) {
                    raw.submit(() -> {}).get();
                }
                CountDownLatch done = new CountDownLatch(4);
                for (int i = 0; i < 4; i++) {
                    // Submitted from the root context: the task sees what the worker held between tasks.
                    raw.execute(() -> {
                        if (CallContext.current() != CallContext.root()
                                || MDC.get(CallContext.MDC_CALLER) != null
                                || MDC.get(CallContext.MDC_REQUEST_ID) != null) {
                            leaks.incrementAndGet();
                        }
                        done.countDown();
                    });
                }
                assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            } finally {
                raw.shutdown();
            }

            assertThat(wrongContext).hasValue(0);
            assertThat(leaks).hasValue(0);
        }
    }
}
