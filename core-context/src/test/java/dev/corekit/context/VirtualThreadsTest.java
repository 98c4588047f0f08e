package dev.corekit.context;

import static dev.corekit.context.PropagationTest.REQUEST;
import static dev.corekit.context.PropagationTest.clean;
import static dev.corekit.context.PropagationTest.seen;
import static dev.corekit.context.PropagationTest.shutdown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.slf4j.MDC;

/** Virtual threads (JDK 21+), reached reflectively because corekit compiles with {@code --release 17}. */
class VirtualThreadsTest {
    private static Thread startVirtualThread(Runnable task) throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        return (Thread) Class.forName("java.lang.Thread$Builder")
                .getMethod("start", Runnable.class)
                .invoke(builder, task);
    }

    private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
        return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    }

    private static ExecutorService rawVirtualThreadPerTaskExecutor() throws ReflectiveOperationException {
        return (ExecutorService)
                Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void aWrappedTaskOnAVirtualThreadSeesTheContextAcrossAParkAndTheThreadStartsClean() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        CompletableFuture<Boolean> startedClean = new CompletableFuture<>();
        Runnable task;
        try (Scope scope = REQUEST.activate()) {
            task = ContextExecutors.wrap(() -> {
                try {
                    Thread.sleep(5); // unmounts the virtual thread from its carrier
                    seen.complete(seen() + "/" + isVirtual(Thread.currentThread()));
                } catch (Exception e) {
                    seen.completeExceptionally(e);
                }
            });
        }
        startVirtualThread(() -> {
                    startedClean.complete(clean());
                    task.run();
                })
                .join(5_000);

        assertThat(startedClean.get(5, TimeUnit.SECONDS))
                .as("virtual threads inherit nothing")
                .isTrue();
        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("user:7/true");
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void theJdkVirtualThreadPerTaskExecutorWrappedByTaskWrappingPropagatesTheContext() throws Exception {
        ExecutorService virtual = ContextExecutors.taskWrapping(rawVirtualThreadPerTaskExecutor());
        AtomicInteger wrong = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 2_000; i++) {
                CallContext context = CallContext.newRequest().withCaller("v" + i);
                try (Scope scope = context.activate()) {
                    futures.add(virtual.submit(() -> {
                        Thread.sleep(1);
                        if (CallContext.current() != context
                                || !context.caller().equals(MDC.get(CallContext.MDC_CALLER))
                                || !isVirtual(Thread.currentThread())) {
                            wrong.incrementAndGet();
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            shutdown(virtual);
        }
        assertThat(wrong).hasValue(0);
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void contextExecutorsMakesNamedContextPropagatingVirtualThreads() throws Exception {
        assertThat(ContextExecutors.virtualThreadsAvailable()).isTrue();
        ExecutorService virtual = ContextExecutors.newVirtualThreadPerTaskExecutor("io");
        try (Scope scope = REQUEST.activate()) {
            String seen = virtual.submit(() ->
                            seen() + "@" + Thread.currentThread().getName() + "/" + isVirtual(Thread.currentThread()))
                    .get(5, TimeUnit.SECONDS);
            assertThat(seen).matches("user:7@io-\\d+/true");
            CompletableFuture<String> chained =
                    ContextExecutors.supplyAsync(() -> "x", virtual).thenApplyAsync(v -> v + seen(), virtual);
            assertThat(chained.get(5, TimeUnit.SECONDS)).isEqualTo("xuser:7");
        } finally {
            shutdown(virtual);
        }
    }

    @Test
    @EnabledForJreRange(max = JRE.JAVA_20)
    void onAJdkWithoutVirtualThreadsTheExecutorFailsClearly() {
        assertThat(ContextExecutors.virtualThreadsAvailable()).isFalse();
        assertThatThrownBy(() -> ContextExecutors.newVirtualThreadPerTaskExecutor("v"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("JDK 21")
                .hasMessageContaining("newFixedThreadPool");
    }
}
