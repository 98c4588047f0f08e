package dev.corekit.context;

import static dev.corekit.context.PropagationTest.REQUEST;
import static dev.corekit.context.PropagationTest.seen;
import static dev.corekit.context.PropagationTest.shutdown;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.context.testing.StrictScopes;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CompletableFuture chains: a dependent stage must run in the context of the step that REGISTERED it, even when the
 * previous stage is completed by a thread that carries another request's context.
 */
class FuturesTest {
    private static final CallContext INTRUDER = CallContext.newRequest().withCaller("intruder");

    private ExecutorService poolA;
    private ExecutorService poolB;

    @BeforeEach
    void pools() {
        poolA = ContextExecutors.newFixedThreadPool("a", 1);
        poolB = ContextExecutors.newFixedThreadPool("b", 1);
    }

    @AfterEach
    void release() throws InterruptedException {
        shutdown(poolA);
        shutdown(poolB);
        StrictScopes.assertNoOpenScope();
    }

    /** Completes {@code gate} on a fresh thread that carries the intruder's context. */
    private static <T> void completeAsIntruder(CompletableFuture<T> gate, T value) throws InterruptedException {
        Runnable complete = () -> gate.complete(value);
        Thread completer = new Thread(ContextExecutors.wrap(INTRUDER, complete), "completer");
        completer.start();
        completer.join(5_000);
    }

    @Test
    void stagesAcrossTwoExecutorsRunInTheRegisteringContextWhenTheCompleterCarriesAnother() throws Exception {
        CompletableFuture<String> gate = new CompletableFuture<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<String> chain;
        try (Scope scope = REQUEST.activate()) {
            chain = ContextExecutors.propagating(gate)
                    .thenApplyAsync(
                            v -> record(seen, "a:" + Thread.currentThread().getName()) + v, poolA)
                    .thenApplyAsync(
                            v -> record(seen, "b:" + Thread.currentThread().getName()) + v, poolB)
                    .thenApply(v -> record(seen, "sync") + v)
                    .whenComplete((v, e) -> record(seen, "whenComplete"))
                    .handle((v, e) -> record(seen, "handle") + v);
        }
        completeAsIntruder(gate, "!");

        assertThat(chain.get(5, TimeUnit.SECONDS)).isEqualTo("user:7user:7user:7user:7!");
        assertThat(seen)
                .containsExactly("a:a-1=user:7", "b:b-1=user:7", "sync=user:7", "whenComplete=user:7", "handle=user:7");
    }

    @Test
    void twoRequestsRegisteringOnTheSameFutureEachGetTheirOwnContext() throws Exception {
        CompletableFuture<String> shared = ContextExecutors.propagating(new CompletableFuture<>());
        CompletableFuture<String> first;
        CompletableFuture<String> second;
        try (Scope scope = REQUEST.activate()) {
            first = shared.thenApplyAsync(v -> seen(), poolA);
        }
        try (Scope scope = CallContext.newRequest().withCaller("other").activate()) {
            second = shared.thenApplyAsync(v -> seen(), poolB);
        }
        completeAsIntruder(shared, "go");

        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("other");
    }

    @Test
    void supplyAsyncRunsInTheCallersContextAndStagesRegisteredInsideAStageUseThatStagesContext() throws Exception {
        CompletableFuture<String> gate = new CompletableFuture<>();
        CompletableFuture<CompletableFuture<String>> outer;
        try (Scope scope = REQUEST.activate()) {
            outer = ContextExecutors.supplyAsync(PropagationTest::seen, poolA)
                    .thenApplyAsync(
                            first -> {
                                // Registered while this stage runs in REQUEST's context (restored by the stage
                                // wrapper).
                                return ContextExecutors.propagating(gate)
                                        .thenApplyAsync(v -> first + "/" + seen(), poolA);
                            },
                            poolB);
        }
        CompletableFuture<String> inner = outer.get(5, TimeUnit.SECONDS);
        completeAsIntruder(gate, "x");
        assertThat(inner.get(5, TimeUnit.SECONDS)).isEqualTo("user:7/user:7");
    }

    @Test
    void combiningComposingAndRecoveringStagesRunInTheRegisteringContext() throws Exception {
        CompletableFuture<String> left = new CompletableFuture<>();
        CompletableFuture<String> right = new CompletableFuture<>();
        CompletableFuture<String> failing = new CompletableFuture<>();
        CompletableFuture<String> combined;
        CompletableFuture<String> composed;
        CompletableFuture<String> recovered;
        CompletableFuture<String> either;
        CompletableFuture<Void> accepted;
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Scope scope = REQUEST.activate()) {
            CompletableFuture<String> l = ContextExecutors.propagating(left);
            combined = l.thenCombineAsync(right, (a, b) -> seen(), poolB);
            composed = l.thenCompose(v -> CompletableFuture.completedFuture(seen()));
            either = l.applyToEitherAsync(new CompletableFuture<>(), v -> seen(), poolA);
            accepted = l.thenAcceptBoth(right, (a, b) -> seen.add(seen())).thenRun(() -> seen.add(seen()));
            recovered = ContextExecutors.propagating(failing)
                    .exceptionallyAsync(e -> seen(), poolA)
                    .exceptionally(e -> "not reached");
        }
        Runnable complete = () -> {
            left.complete("l");
            right.complete("r");
            failing.completeExceptionally(new IllegalStateException("down"));
        };
        Thread completer = new Thread(ContextExecutors.wrap(INTRUDER, complete));
        completer.start();
        completer.join(5_000);

        assertThat(combined.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
        assertThat(composed.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
        assertThat(either.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
        assertThat(recovered.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
        accepted.get(5, TimeUnit.SECONDS);
        assertThat(seen).containsExactly("user:7", "user:7");
    }

    @Test
    void aStageRegisteredWithNoContextRunsWithNoneEvenWhenTheCompleterHasOne() throws Exception {
        CompletableFuture<String> gate = new CompletableFuture<>();
        CompletableFuture<String> chain = ContextExecutors.propagating(gate).thenApply(v -> seen());
        completeAsIntruder(gate, "x");
        assertThat(chain.get(5, TimeUnit.SECONDS)).isEqualTo("none");
    }

    @Test
    void wrappedExecutorsAloneCaptureAtCompletionTimeWhichIsWhyStagesMustCaptureAtRegistration() throws Exception {
        CompletableFuture<String> gate = new CompletableFuture<>();
        CompletableFuture<String> plain;
        CompletableFuture<String> withWrapFunction;
        try (Scope scope = REQUEST.activate()) {
            plain = gate.thenApplyAsync(v -> seen(), poolA);
            withWrapFunction = gate.thenApplyAsync(ContextExecutors.wrapFunction(v -> seen()), poolA);
        }
        completeAsIntruder(gate, "x");

        assertThat(plain.get(5, TimeUnit.SECONDS))
                .as("a plain CompletableFuture submits the stage when the gate completes: the completer's context")
                .isEqualTo("intruder");
        assertThat(withWrapFunction.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
    }

    @Test
    void wrapSupplierCarriesTheContextIntoAPlainSupplyAsync() throws Exception {
        CompletableFuture<String> future;
        try (Scope scope = REQUEST.activate()) {
            future = CompletableFuture.supplyAsync(ContextExecutors.wrapSupplier(PropagationTest::seen), poolA);
        }
        assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo("user:7");
    }

    @Test
    void runAsyncAndPropagatingAnAlreadyPropagatingFuture() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done;
        try (Scope scope = REQUEST.activate()) {
            done = ContextExecutors.runAsync(() -> seen.add(seen()), poolA);
        }
        done.get(5, TimeUnit.SECONDS);
        assertThat(seen).containsExactly("user:7");
        assertThat(ContextExecutors.propagating(done)).isSameAs(done);
    }

    private static String record(List<String> seen, String step) {
        String context = seen();
        seen.add(step + "=" + context);
        return context;
    }
}
