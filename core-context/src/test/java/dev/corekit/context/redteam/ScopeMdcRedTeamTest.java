package dev.corekit.context.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.context.testing.StrictScopes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Red-team checks of activation, Scope close semantics, MDC mirroring and StrictScopes. */
class ScopeMdcRedTeamTest {

    @BeforeEach
    @AfterEach
    void clean() {
        StrictScopes.disable();
        MDC.clear();
    }

    static CallContext full() {
        return CallContext.newRequest().withCaller("user:42").withTenant("acme").withOperation("0123456789abcdef");
    }

    // Doc (CallContext MDC_* constants): keys requestId, caller, tenant, operationId, traceId, spanId;
    // MDC_KEYS: "Every MDC key a scope manages, in a fixed order."
    @Test
    void mdcKeysListEverySixKeys() {
        assertThat(CallContext.MDC_KEYS)
                .containsExactlyInAnyOrder("requestId", "caller", "tenant", "operationId", "traceId", "spanId");
        assertThatThrownBy(() -> CallContext.MDC_KEYS.add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    // Doc (activate): "mirrors its fields into the SLF4J MDC under MDC_KEYS"
    @Test
    void activateMirrorsEveryFieldIntoTheMdc() {
        CallContext context = full();
        try (Scope scope = context.activate()) {
            assertThat(CallContext.current()).isEqualTo(context);
            assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(context.requestId());
            assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("user:42");
            assertThat(MDC.get(CallContext.MDC_TENANT)).isEqualTo("acme");
            assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isEqualTo("0123456789abcdef");
            assertThat(MDC.get(CallContext.MDC_TRACE_ID)).isEqualTo(context.traceId());
            assertThat(MDC.get(CallContext.MDC_SPAN_ID)).isEqualTo("0123456789abcdef");
        }
        for (String key : CallContext.MDC_KEYS) {
            assertThat(MDC.get(key)).as(key).isNull();
        }
    }

    // Doc (activate): "(a null field removes its key while active)" ... "MDC keys that existed get their old values
    // back"
    @Test
    void nullFieldRemovesAStaleMdcKeyWhileActiveAndItComesBackAfter() {
        MDC.put(CallContext.MDC_TENANT, "stale-tenant");
        MDC.put(CallContext.MDC_CALLER, "stale-caller");
        try (Scope scope = CallContext.newRequest().activate()) {
            assertThat(MDC.get(CallContext.MDC_TENANT)).isNull();
            assertThat(MDC.get(CallContext.MDC_CALLER)).isNull();
        }
        assertThat(MDC.get(CallContext.MDC_TENANT)).isEqualTo("stale-tenant");
        assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("stale-caller");
    }

    // Doc (activate): "Closing the returned Scope restores exactly the previous state: ... MDC keys that existed get
    // their old values back, keys that did not exist are removed, other MDC keys are never touched."
    @Test
    void closeRestoresExactlyAndNeverTouchesOtherKeys() {
        MDC.put(CallContext.MDC_REQUEST_ID, "hand-written");
        MDC.put("custom.before", "b");
        try (Scope scope = full().activate()) {
            MDC.put("custom.inside", "i");
            MDC.put("custom.before", "changed-inside");
        }
        assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo("hand-written");
        assertThat(MDC.get(CallContext.MDC_TRACE_ID)).isNull();
        assertThat(MDC.get(CallContext.MDC_SPAN_ID)).isNull();
        assertThat(MDC.get("custom.inside")).isEqualTo("i");
        assertThat(MDC.get("custom.before")).isEqualTo("changed-inside");
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (Scope): "closing it restores exactly what was current before on this thread, MDC included"
    @Test
    void nestedScopesRestoreLayerByLayer() {
        CallContext outer = CallContext.newRequest().withCaller("outer");
        CallContext inner = CallContext.newRequest().withCaller("inner");
        try (Scope a = outer.activate()) {
            try (Scope b = inner.activate()) {
                assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("inner");
            }
            assertThat(CallContext.current()).isEqualTo(outer);
            assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("outer");
            assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(outer.requestId());
        }
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
        assertThat(MDC.get(CallContext.MDC_CALLER)).isNull();
    }

    // Doc (CallContext): "Activating the context that is already current is free."
    @Test
    void activatingTheCurrentContextAgainIsHarmless() {
        CallContext context = full();
        try (Scope a = context.activate()) {
            try (Scope b = context.activate()) {
                assertThat(CallContext.current()).isEqualTo(context);
            }
            assertThat(CallContext.current()).isEqualTo(context);
            assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(context.requestId());
        }
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (Scope): "Closing twice is a no-op." - even after another scope was opened in between.
    @Test
    void closingTwiceIsANoOpEvenAfterAnotherScopeOpened() {
        CallContext a = CallContext.newRequest().withCaller("a");
        CallContext c = CallContext.newRequest().withCaller("c");
        try (Scope outer = a.activate()) {
            Scope inner = CallContext.newRequest().withCaller("b").activate();
            inner.close();
            try (Scope third = c.activate()) {
                inner.close();
                assertThat(CallContext.current()).isEqualTo(c);
                assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("c");
            }
            assertThat(CallContext.current()).isEqualTo(a);
            assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("a");
        }
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (Scope): "Closing twice is a no-op." - also in strict mode it must not throw.
    @Test
    void closingTwiceIsANoOpInStrictModeToo() {
        StrictScopes.enable();
        Scope scope = full().activate();
        scope.close();
        assertThatCode(scope::close).doesNotThrowAnyException();
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
        StrictScopes.assertNoOpenScope();
    }

    // Doc (Scope): "otherwise it is logged once, and an out-of-order close still restores the state the scope found."
    @Test
    void lenientOutOfOrderCloseRestoresTheStateTheScopeFound() {
        MDC.put(CallContext.MDC_CALLER, "before-everything");
        Scope a = CallContext.newRequest().withCaller("a").activate();
        Scope b = CallContext.newRequest().withCaller("b").activate();
        assertThatCode(a::close).doesNotThrowAnyException();
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
        assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("before-everything");
        assertThatCode(b::close).doesNotThrowAnyException();
    }

    // Doc (StrictScopes): "Off (the default), ... a close on another thread is ignored."
    @Test
    void lenientCloseOnAnotherThreadIsIgnored() throws Exception {
        CallContext context = full();
        Scope scope = context.activate();
        try {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<CallContext> otherAfter = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    scope.close();
                    otherAfter.set(CallContext.current());
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            other.start();
            other.join();
            assertThat(failure.get()).isNull();
            assertThat(otherAfter.get()).isEqualTo(CallContext.root());
            assertThat(CallContext.current()).isEqualTo(context);
            assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(context.requestId());
        } finally {
            scope.close();
        }
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (StrictScopes): "In strict mode, closing a scope out of order ... throws IllegalStateException naming where
    // the scopes involved were opened (out of order, the thread's state is restored first, so later tests start
    // clean)."
    @Test
    void strictOutOfOrderCloseThrowsNamingWhereOpenedAndRestoresFirst() {
        StrictScopes.enable();
        Scope a = openOuterForStrictTest();
        Scope b = openInnerForStrictTest();
        assertThatThrownBy(a::close)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("openOuterForStrictTest")
                .hasMessageContaining("openInnerForStrictTest");
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
        assertThat(MDC.get(CallContext.MDC_CALLER)).isNull();
        try {
            b.close();
        } catch (IllegalStateException expectedMaybe) {
            // b was already dealt with by the restore; either outcome is acceptable here
        }
        StrictScopes.disable();
    }

    Scope openOuterForStrictTest() {
        return CallContext.newRequest().withCaller("a").activate();
    }

    Scope openInnerForStrictTest() {
        return CallContext.newRequest().withCaller("b").activate();
    }

    // Doc (StrictScopes): "In strict mode, closing a scope ... on another thread throws IllegalStateException"
    @Test
    void strictCloseOnAnotherThreadThrows() throws Exception {
        StrictScopes.enable();
        Scope scope = full().activate();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                scope.close();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        other.start();
        other.join();
        scope.close();
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class);
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (StrictScopes.assertNoOpenScope): "Fails when a scope is still open on this thread ... Throws:
    // IllegalStateException - listing the open scopes (and where they were opened, in strict mode)"
    @Test
    void assertNoOpenScopeFailsWhileOpenNamingWhereAndPassesAfterClose() {
        StrictScopes.enable();
        Scope scope = openForAssertNoOpenScope();
        assertThatThrownBy(StrictScopes::assertNoOpenScope)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("openForAssertNoOpenScope");
        scope.close();
        assertThatCode(StrictScopes::assertNoOpenScope).doesNotThrowAnyException();
    }

    Scope openForAssertNoOpenScope() {
        return full().activate();
    }

    // Doc (StrictScopes.assertNoOpenScope): "Fails when a scope is still open on this thread" (also when lenient)
    @Test
    void assertNoOpenScopeFailsInLenientModeToo() {
        Scope scope = full().activate();
        try {
            assertThatThrownBy(StrictScopes::assertNoOpenScope).isInstanceOf(IllegalStateException.class);
        } finally {
            scope.close();
        }
    }

    // Doc (StrictScopes.assertNoLeakedScopes): "Fails when a scope opened in strict mode, on any thread, was never
    // closed, naming where each was opened; the leaks are forgotten once reported."
    @Test
    void assertNoLeakedScopesReportsAScopeLeakedOnAnotherThreadOnce() throws Exception {
        StrictScopes.enable();
        Thread leaker = new Thread(this::leakAScopeOnPurpose);
        leaker.start();
        leaker.join();
        assertThatThrownBy(StrictScopes::assertNoLeakedScopes)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("leakAScopeOnPurpose");
        assertThatCode(StrictScopes::assertNoLeakedScopes).doesNotThrowAnyException();
    }

    void leakAScopeOnPurpose() {
        full().activate();
    }

    // Doc (StrictScopes.enable / isEnabled / PROPERTY)
    @Test
    void strictModeSwitchesAndPropertyName() {
        assertThat(StrictScopes.PROPERTY).isEqualTo("corekit.context.strict");
        StrictScopes.enable();
        assertThat(StrictScopes.isEnabled()).isTrue();
        StrictScopes.disable();
        assertThat(StrictScopes.isEnabled()).isFalse();
    }

    // Doc (Scope): closing innermost first restores exactly - 2,000 nested scopes unwind to root with a clean MDC.
    @Test
    void deeplyNestedScopesUnwindToRoot() {
        Deque<Scope> scopes = new ArrayDeque<>();
        for (int i = 0; i < 2000; i++) {
            scopes.push(CallContext.newRequest().withCaller("c" + i).activate());
        }
        assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("c1999");
        while (!scopes.isEmpty()) {
            scopes.pop().close();
        }
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
        for (String key : CallContext.MDC_KEYS) {
            assertThat(MDC.get(key)).isNull();
        }
    }

    // Doc (package): "a context is current only between activate() and the close of its scope, on that thread"
    @Test
    void manyThreadsActivatingConcurrentlyNeverSeeEachOther() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                results.add(pool.submit(() -> {
                    go.await();
                    int errors = 0;
                    for (int i = 0; i < 500; i++) {
                        CallContext mine = CallContext.newRequest().withCaller("c" + i);
                        try (Scope scope = mine.activate()) {
                            if (!CallContext.current().equals(mine)) {
                                errors++;
                            }
                            if (!mine.requestId().equals(MDC.get(CallContext.MDC_REQUEST_ID))) {
                                errors++;
                            }
                        }
                        if (!CallContext.current().equals(CallContext.root())
                                || MDC.get(CallContext.MDC_REQUEST_ID) != null) {
                            errors++;
                        }
                    }
                    return errors;
                }));
            }
            go.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
