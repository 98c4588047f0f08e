package dev.corekit.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.corekit.context.internal.ScopeStack;
import dev.corekit.context.testing.StrictScopes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class ScopeTest {
    private final boolean strictAtStart = StrictScopes.isEnabled();

    @BeforeEach
    void startsClean() {
        StrictScopes.assertNoOpenScope();
    }

    @AfterEach
    void leavesNothingBehind() {
        if (strictAtStart) {
            StrictScopes.enable();
        } else {
            StrictScopes.disable();
        }
        StrictScopes.assertNoOpenScope();
        for (String key : CallContext.MDC_KEYS) {
            assertThat(MDC.get(key)).as(key).isNull();
        }
    }

    @Nested
    class Restore {
        @Test
        void currentIsTheRootContextWhenNothingIsActive() {
            assertThat(CallContext.current()).isSameAs(CallContext.root());
            assertThat(CallContext.root().requestId()).isNull();
            assertThat(CallContext.root().traceId()).isNull();
            assertThat(CallContext.root().baggage()).isEmpty();
        }

        @Test
        void activateMakesTheContextCurrentAndMirrorsEveryFieldIntoMdc() {
            CallContext request = CallContext.newRequest()
                    .withCaller("user:1")
                    .withTenant("acme")
                    .withOperation("00000000000000a1");
            try (Scope scope = request.activate()) {
                assertThat(CallContext.current()).isSameAs(request);
                assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(request.requestId());
                assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("user:1");
                assertThat(MDC.get(CallContext.MDC_TENANT)).isEqualTo("acme");
                assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isEqualTo("00000000000000a1");
                assertThat(MDC.get(CallContext.MDC_TRACE_ID)).isEqualTo(request.traceId());
                assertThat(MDC.get(CallContext.MDC_SPAN_ID)).isEqualTo(request.spanId());
            }
        }

        @Test
        void closeRestoresTheRootContextAndRemovesMdcKeysThatWereAbsent() {
            try (Scope scope = CallContext.newRequest().withCaller("user:1").activate()) {
                assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("user:1");
            }
            assertThat(CallContext.current()).isSameAs(CallContext.root());
            for (String key : CallContext.MDC_KEYS) {
                assertThat(MDC.get(key)).as(key).isNull();
            }
        }

        @Test
        void closeGivesMdcKeysThatExistedTheirOldValuesBackAndLeavesUnrelatedKeysAlone() {
            MDC.put(CallContext.MDC_TENANT, "set-by-hand");
            MDC.put(CallContext.MDC_REQUEST_ID, "outer-request");
            MDC.put("unrelated", "kept");
            try {
                try (Scope scope = CallContext.newRequest()
                        .withTenant("acme")
                        .withCaller("c")
                        .activate()) {
                    assertThat(MDC.get(CallContext.MDC_TENANT)).isEqualTo("acme");
                    assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isNotEqualTo("outer-request");
                    assertThat(MDC.get("unrelated")).isEqualTo("kept");
                    MDC.put("unrelated", "changed inside");
                }
                assertThat(MDC.get(CallContext.MDC_TENANT)).isEqualTo("set-by-hand");
                assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo("outer-request");
                assertThat(MDC.get(CallContext.MDC_CALLER)).isNull();
                assertThat(MDC.get("unrelated")).isEqualTo("changed inside");
            } finally {
                MDC.remove(CallContext.MDC_TENANT);
                MDC.remove(CallContext.MDC_REQUEST_ID);
                MDC.remove("unrelated");
            }
        }

        @Test
        void onAnEmptyMdcAKeyTheScopedCodeAddedOutlivesTheScopeAndOnlyCorekitKeysAreRemoved() {
            try {
                try (Scope scope = CallContext.newRequest().withCaller("c").activate()) {
                    MDC.put("added-inside", "v");
                }
                assertThat(MDC.get("added-inside")).isEqualTo("v");
                assertThat(MDC.get(CallContext.MDC_CALLER)).isNull();
                assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isNull();
            } finally {
                MDC.remove("added-inside");
            }
        }

        @Test
        void onAnEmptyMdcAKeySwappedByTheScopedCodeIsStillRestoredExactly() {
            try {
                try (Scope scope = CallContext.newRequest().withCaller("c").activate()) {
                    // Same number of keys as the scope put, but not the same keys: the one-call clear must not apply.
                    MDC.remove(CallContext.MDC_CALLER);
                    MDC.put("swapped-in", "v");
                    MDC.put(CallContext.MDC_TRACE_ID, "changed-by-hand");
                }
                assertThat(MDC.get("swapped-in")).isEqualTo("v");
                assertThat(MDC.get(CallContext.MDC_TRACE_ID)).isNull();
                assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isNull();
            } finally {
                MDC.remove("swapped-in");
            }
        }

        @Test
        void nullFieldsAreRemovedFromMdcWhileActiveAndComeBackAfter() {
            MDC.put(CallContext.MDC_TENANT, "set-by-hand");
            try {
                try (Scope scope = CallContext.newRequest().activate()) {
                    assertThat(MDC.get(CallContext.MDC_TENANT)).isNull();
                }
                assertThat(MDC.get(CallContext.MDC_TENANT)).isEqualTo("set-by-hand");
            } finally {
                MDC.remove(CallContext.MDC_TENANT);
            }
        }

        @Test
        void nestedScopesRestoreInTurnIncludingFieldsTheInnerOneCleared() {
            CallContext outer = CallContext.newRequest().withCaller("outer");
            CallContext middle = outer.withCaller(null).withOperation("00000000000000a1");
            CallContext inner = CallContext.newRequest().withTenant("t");
            try (Scope a = outer.activate()) {
                try (Scope b = middle.activate()) {
                    assertThat(MDC.get(CallContext.MDC_CALLER)).isNull();
                    assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isEqualTo("00000000000000a1");
                    try (Scope c = inner.activate()) {
                        assertThat(CallContext.current()).isSameAs(inner);
                        assertThat(MDC.get(CallContext.MDC_TENANT)).isEqualTo("t");
                        assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isNull();
                        assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(inner.requestId());
                    }
                    assertThat(CallContext.current()).isSameAs(middle);
                    assertThat(MDC.get(CallContext.MDC_TENANT)).isNull();
                    assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isEqualTo("00000000000000a1");
                    assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(outer.requestId());
                }
                assertThat(CallContext.current()).isSameAs(outer);
                assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("outer");
                assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isNull();
            }
        }

        @Test
        void activatingTheContextThatIsAlreadyCurrentChangesNothing() {
            CallContext request = CallContext.newRequest();
            try (Scope outer = request.activate()) {
                try (Scope again = request.activate()) {
                    assertThat(CallContext.current()).isSameAs(request);
                }
                assertThat(CallContext.current()).isSameAs(request);
                assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(request.requestId());
            }
        }

        @Test
        void closingAScopeTwiceIsHarmless() {
            CallContext outer = CallContext.newRequest();
            try (Scope a = outer.activate()) {
                Scope b = CallContext.newRequest().activate();
                b.close();
                b.close();
                assertThat(CallContext.current()).isSameAs(outer);
                assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(outer.requestId());
            }
        }

        @Test
        void assertNoOpenScopeReportsAScopeLeftOpenOnThisThread() {
            CallContext leakedContext = CallContext.newRequest().withCaller("leaker");
            Scope leaked = leakedContext.activate();
            try {
                assertThatThrownBy(StrictScopes::assertNoOpenScope)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("still open on thread ["
                                + Thread.currentThread().getName() + "]")
                        .hasMessageContaining("leaker");
            } finally {
                leaked.close();
            }
        }
    }

    @Nested
    class Strict {
        @BeforeEach
        void strict() {
            StrictScopes.enable();
            StrictScopes.assertNoLeakedScopes();
        }

        @Test
        void strictModeCanBeSwitchedOnAndOff() {
            assertThat(StrictScopes.isEnabled()).isTrue();
            StrictScopes.disable();
            assertThat(StrictScopes.isEnabled()).isFalse();
        }

        @Test
        void outOfOrderCloseFailsNamingWhereBothScopesWereOpenedAndStillRestoresTheThread() {
            CallContext before = CallContext.newRequest().withCaller("before");
            try (Scope base = before.activate()) {
                Scope outer = CallContext.newRequest().activate();
                Scope inner = CallContext.newRequest().activate();

                assertThatThrownBy(outer::close)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed out of order")
                        .hasMessageContaining("ScopeTest.java")
                        .satisfies(error -> {
                            assertThat(error.getCause()).hasMessageContaining("opened a scope");
                            assertThat(error.getCause().getStackTrace()[0].getClassName())
                                    .startsWith(ScopeTest.class.getName());
                            assertThat(error.getSuppressed()).hasSize(1);
                        });

                assertThat(CallContext.current()).isSameAs(before);
                assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("before");
                assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(before.requestId());
                inner.close(); // already unwound: a no-op now
                assertThat(CallContext.current()).isSameAs(before);
            }
            StrictScopes.assertNoLeakedScopes();
        }

        @Test
        void closeOnAnotherThreadFailsNamingTheOpeningThreadAndLeavesTheScopeToItsOwner() throws Exception {
            CallContext request = CallContext.newRequest();
            Scope scope = request.activate();
            try {
                CompletableFuture<Throwable> failure = new CompletableFuture<>();
                Thread other = new Thread(
                        () -> {
                            try {
                                scope.close();
                                failure.complete(null);
                            } catch (RuntimeException e) {
                                failure.complete(e);
                            }
                        },
                        "intruder");
                other.start();
                assertThat(failure.get(5, TimeUnit.SECONDS))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(
                                "opened on thread [" + Thread.currentThread().getName() + "]")
                        .hasMessageContaining("closed on thread [intruder]")
                        .hasCauseInstanceOf(Throwable.class);
                assertThat(CallContext.current()).isSameAs(request);
            } finally {
                scope.close();
            }
            assertThat(CallContext.current()).isSameAs(CallContext.root());
        }

        @Test
        void scopesLeakedOnAnyThreadAreReportedWithWhereTheyWereOpened() throws Exception {
            Thread leaker = new Thread(
                    () -> CallContext.newRequest().withCaller("leaker").activate(), "leaker-thread");
            leaker.start();
            leaker.join(5_000);

            assertThatThrownBy(StrictScopes::assertNoLeakedScopes)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("1 CallContext scope(s) opened in strict mode were never closed")
                    .hasMessageContaining("caller=leaker")
                    .hasMessageContaining("[leaker-thread]")
                    .hasMessageContaining("ScopeTest.java");
            assertThatCode(StrictScopes::assertNoLeakedScopes)
                    .as("reported leaks are forgotten")
                    .doesNotThrowAnyException();
        }

        @Test
        void properlyNestedScopesPassStrictMode() {
            try (Scope a = CallContext.newRequest().activate()) {
                try (Scope b = CallContext.newRequest().activate()) {
                    assertThat(CallContext.current().requestId()).isNotNull();
                }
            }
            assertThatCode(StrictScopes::assertNoLeakedScopes).doesNotThrowAnyException();
        }
    }

    @Nested
    class Lenient {
        private final Logger logger = (Logger) LoggerFactory.getLogger(ScopeStack.class);
        private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

        @BeforeEach
        void captureWarnings() {
            StrictScopes.disable();
            ScopeStack.resetWarning();
            warnings.start();
            logger.addAppender(warnings);
        }

        @AfterEach
        void release() {
            logger.detachAppender(warnings);
        }

        @Test
        void outOfOrderCloseRestoresTheStateTheScopeFoundWithoutThrowingAndWarnsOnce() {
            CallContext before = CallContext.newRequest().withCaller("before");
            try (Scope base = before.activate()) {
                for (int i = 0; i < 2; i++) {
                    Scope outer = CallContext.newRequest().withTenant("outer").activate();
                    Scope inner = CallContext.newRequest()
                            .withOperation("00000000000000b2")
                            .activate();
                    assertThatCode(outer::close).doesNotThrowAnyException();
                    assertThat(CallContext.current()).isSameAs(before);
                    assertThat(MDC.get(CallContext.MDC_TENANT)).isNull();
                    assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isNull();
                    assertThat(MDC.get(CallContext.MDC_CALLER)).isEqualTo("before");
                    assertThatCode(inner::close).doesNotThrowAnyException();
                    assertThat(CallContext.current()).isSameAs(before);
                }
            }
            assertThat(warnings.list).hasSize(1);
            assertThat(warnings.list.get(0).getLevel()).isEqualTo(Level.WARN);
            assertThat(warnings.list.get(0).getFormattedMessage())
                    .contains("closed out of order")
                    .contains("corekit.context.strict");
        }

        @Test
        void closeOnAnotherThreadIsIgnoredSoTheOwnerCanStillCloseIt() throws Exception {
            CallContext request = CallContext.newRequest();
            Scope scope = request.activate();
            try {
                Thread other = new Thread(scope::close);
                other.start();
                other.join(5_000);
                assertThat(CallContext.current()).isSameAs(request);
                assertThat(MDC.get(CallContext.MDC_REQUEST_ID)).isEqualTo(request.requestId());
            } finally {
                scope.close();
            }
            assertThat(CallContext.current()).isSameAs(CallContext.root());
            assertThat(warnings.list).hasSize(1);
        }
    }
}
