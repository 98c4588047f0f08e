package dev.corekit.logging.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.ContextHeaders;
import dev.corekit.context.Scope;
import dev.corekit.logging.ErrorClassifier;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Operation;
import dev.corekit.logging.Operations;
import dev.corekit.logging.Recorder;
import dev.corekit.logging.Sink;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/** Red-team checks of the operation lifecycle: one STARTED, exactly one completion, outcome unchanged. */
class RecorderLifecycleRedTeamTest {

    final InMemorySink sink = new InMemorySink();
    final Recorder recorder = Recorder.of(sink);
    final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void cleanup() {
        pools.forEach(ExecutorService::shutdownNow);
        MDC.clear();
    }

    static final class BusinessError extends Error {
        private static final long serialVersionUID = 1L;

        BusinessError(String message) {
            super(message);
        }
    }

    static final class HostileFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage exploded");
        }

        @Override
        public String getLocalizedMessage() {
            throw new IllegalStateException("getLocalizedMessage exploded");
        }

        @Override
        public StackTraceElement[] getStackTrace() {
            throw new IllegalStateException("getStackTrace exploded");
        }

        @Override
        public synchronized Throwable getCause() {
            throw new IllegalStateException("getCause exploded");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString exploded");
        }
    }

    static final class ThrowingSink implements Sink {
        final RuntimeException failure;

        ThrowingSink(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public void accept(LogRecord record) {
            throw failure;
        }

        @Override
        public void flush() {
            throw failure;
        }
    }

    static final class ErrorThrowingSink implements Sink {
        @Override
        public void accept(LogRecord record) {
            throw new AssertionError("sink exploded with an Error");
        }
    }

    /** Every STARTED record is followed by exactly one completion with the same id, and nothing else. */
    static void assertOneCompletionPerStart(List<LogRecord> records) {
        Map<String, List<LogRecord>> byId = records.stream()
                .filter(r -> r.kind() == LogRecord.Kind.OPERATION)
                .collect(Collectors.groupingBy(LogRecord::id));
        for (Map.Entry<String, List<LogRecord>> entry : byId.entrySet()) {
            List<LogRecord> ofId = entry.getValue();
            assertThat(ofId).as("records of operation %s", entry.getKey()).hasSize(2);
            assertThat(ofId.get(0).status()).isEqualTo(LogRecord.Status.STARTED);
            assertThat(ofId.get(1).status()).isIn(LogRecord.Status.SUCCEEDED, LogRecord.Status.FAILED);
        }
    }

    // Doc (Recorder): 'recorder.call("orders.create", op -> "ok"); ... containsExactly(STARTED, SUCCEEDED)' and
    // (LogRecord) "An operation produces two records with the same id(): ... one at completion ... that carries
    // everything the first did."
    @Test
    void callReturnsTheValueAndWritesStartedThenSucceededWithOneId() {
        String result = recorder.call("rt.orders.create", op -> "ok");
        assertThat(result).isEqualTo("ok");
        List<LogRecord> records = sink.records();
        assertThat(records)
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
        LogRecord started = records.get(0);
        LogRecord done = records.get(1);
        assertThat(done.id()).isEqualTo(started.id());
        assertThat(done.name()).isEqualTo(started.name()).isEqualTo("rt.orders.create");
        assertThat(done.context()).isEqualTo(started.context());
        assertThat(done.startedAt()).isEqualTo(started.startedAt());
        assertThat(started.isStart()).isTrue();
        assertThat(done.isStart()).isFalse();
        assertThat(started.kind()).isEqualTo(LogRecord.Kind.OPERATION);
        assertThat(started.message()).isNull();
    }

    // Doc (LogRecord): "endedAt - when the operation completed; null while started" / durationMicros: "-1 when it has
    // not completed."
    @Test
    void startedRecordHasNoEndAndMinusOneDuration() {
        recorder.run("rt.timing", op -> {});
        LogRecord started = sink.records().get(0);
        LogRecord done = sink.records().get(1);
        assertThat(started.endedAt()).isNull();
        assertThat(started.durationMicros()).isEqualTo(-1);
        assertThat(done.endedAt()).isNotNull().isAfterOrEqualTo(done.startedAt());
        assertThat(done.durationMicros()).isGreaterThanOrEqualTo(0);
    }

    // Doc (Recorder.call): "an exception completes the operation as LogRecord.Status.FAILED and is rethrown unchanged."
    // (LogRecord) "level - ... failed operations are Level.ERROR"
    @Test
    void runtimeExceptionIsRethrownUnchangedAndRecordedAsFailed() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> recorder.call("rt.fail", op -> {
                    throw boom;
                }))
                .isSameAs(boom);
        LogRecord done = sink.records().get(1);
        assertThat(done.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(done.level()).isEqualTo(Level.ERROR);
        assertThat(done.error()).isNotNull();
        assertThat(done.error().type()).isEqualTo(IllegalStateException.class.getName());
        assertThat(done.error().message()).isEqualTo("boom");
    }

    // Doc (Recorder.call): "rethrown unchanged" - a checked exception keeps its type and identity.
    @Test
    void checkedExceptionIsRethrownUnchanged() {
        IOException io = new IOException("disk");
        assertThatThrownBy(() -> recorder.run("rt.io", op -> {
                    throw io;
                }))
                .isSameAs(io);
        assertOneCompletionPerStart(sink.records());
    }

    // Doc (Recorder): "exactly one completion record follows every STARTED record" - also when the body throws an
    // Error.
    @Test
    void anErrorFromTheBodyStillGetsExactlyOneCompletionAndIsRethrown() {
        BusinessError error = new BusinessError("fatal-ish");
        assertThatThrownBy(() -> recorder.call("rt.error", op -> {
                    throw error;
                }))
                .isSameAs(error);
        assertThat(sink.records())
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.FAILED);
    }

    // Doc (Recorder): "Only programming errors in the call itself fail fast, before anything is recorded: a null name
    // or
    // body." / start: "NullPointerException - when name is null (nothing is recorded)"
    @Test
    void nullNameOrBodyFailsFastAndRecordsNothing() {
        assertThatThrownBy(() -> recorder.start(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> recorder.call(null, op -> "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> recorder.run(null, op -> {})).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> recorder.callAsync(null, op -> CompletableFuture.completedFuture("x")))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> recorder.call("rt.null-body", (Recorder.OperationBody<String, RuntimeException>) null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> recorder.run("rt.null-body", (Recorder.OperationAction<RuntimeException>) null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> recorder.callAsync("rt.null-body", null)).isInstanceOf(NullPointerException.class);
        assertThat(sink.records()).isEmpty();
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (Operation): "close() without fail(java.lang.Throwable) means success"
    @Test
    void tryWithResourcesWithoutFailIsSuccess() {
        try (Operation op = recorder.start("rt.twr")) {
            op.stage("parsed");
        }
        assertThat(sink.records())
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
    }

    // Doc (Operation): "Completing twice is ignored: the first outcome wins."
    @Test
    void completingTwiceKeepsTheFirstOutcomeOnly() {
        Operation a = recorder.start("rt.twice-a");
        a.fail(new IllegalStateException("first"));
        a.succeed();
        a.close();
        a.fail(new IllegalArgumentException("third"));
        Operation b = recorder.start("rt.twice-b");
        b.succeed();
        b.fail(new IllegalStateException("late"));
        b.close();
        List<LogRecord> records = sink.records();
        assertOneCompletionPerStart(records);
        assertThat(records.stream().filter(r -> r.name().equals("rt.twice-a") && !r.isStart()))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.status()).isEqualTo(LogRecord.Status.FAILED);
                    assertThat(r.error().message()).isEqualTo("first");
                });
        assertThat(records.stream().filter(r -> r.name().equals("rt.twice-b") && !r.isStart()))
                .singleElement()
                .extracting(LogRecord::status)
                .isEqualTo(LogRecord.Status.SUCCEEDED);
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (Operation.fail): "a null error is recorded as a NullPointerException saying so"
    @Test
    void failWithNullIsRecordedAsANullPointerException() {
        Operation op = recorder.start("rt.fail-null");
        assertThatCode(() -> op.fail(null)).doesNotThrowAnyException();
        LogRecord done = sink.records().get(1);
        assertThat(done.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(done.error().type()).isEqualTo(NullPointerException.class.getName());
        assertThat(done.error().message()).isNotBlank();
    }

    // Doc (Operation): "While it runs, the operation is the current one: its id is in the CallContext (and MDC)" and
    // succeed(): "restoring the previous context."
    @Test
    void runningOperationIsCurrentInContextAndMdcAndTheContextIsRestoredAfter() {
        CallContext outer = CallContext.newRequest().withCaller("user:1");
        try (Scope scope = outer.activate()) {
            recorder.run("rt.current", op -> {
                assertThat(CallContext.current().operationId()).isEqualTo(op.id());
                assertThat(CallContext.current().spanId()).isEqualTo(op.id());
                assertThat(CallContext.current().caller()).isEqualTo("user:1");
                assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isEqualTo(op.id());
                assertThat(MDC.get(CallContext.MDC_SPAN_ID)).isEqualTo(op.id());
            });
            assertThat(CallContext.current()).isEqualTo(outer);
            assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isNull();
        }
        Operation op = recorder.start("rt.current-start");
        assertThat(CallContext.current().operationId()).isEqualTo(op.id());
        op.fail(new IllegalStateException("x"));
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (Operation.id): "This operation's id: the id of both of its records, and its W3C span id." (16 lower-case
    // hex, not all zeros) - for every operation.
    @Test
    void everyOperationIdIsAUniqueW3cSpanId() {
        Set<String> ids = new HashSet<>();
        Recorder quiet = Recorder.of();
        for (int i = 0; i < 30_000; i++) {
            Operation op = quiet.start("rt.ids");
            ids.add(op.id());
            assertThat(op.id()).matches("[0-9a-f]{16}").isNotEqualTo("0000000000000000");
            op.close();
        }
        assertThat(ids).hasSize(30_000);
    }

    // Doc (RecordContext): "parentSpanId - an operation's parent span: the enclosing operation"; "parentOperationId -
    // the
    // enclosing operation's id"
    @Test
    void nestedOperationsHangUnderTheEnclosingOne() {
        try (Scope scope = CallContext.newRequest().activate()) {
            recorder.run("rt.outer", outer -> recorder.run("rt.inner", inner -> {}));
        }
        LogRecord outer = sink.records(r -> r.name().equals("rt.outer")).get(0);
        LogRecord inner = sink.records(r -> r.name().equals("rt.inner")).get(0);
        assertThat(inner.context().parentSpanId()).isEqualTo(outer.id());
        assertThat(inner.context().parentOperationId()).isEqualTo(outer.id());
        assertThat(inner.context().spanId()).isEqualTo(inner.id());
        assertThat(inner.context().traceId()).isEqualTo(outer.context().traceId());
        assertThat(outer.context().parentSpanId()).isNull();
    }

    // Doc (ARCHITECTURE): "An operation started under an incoming traceparent records the incoming span as parentSpanId
    // and its own id as spanId"
    @Test
    void operationUnderAnIncomingTraceparentRecordsTheRemoteParent() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        try (Scope scope = ContextHeaders.extract(name -> name.equals("traceparent") ? traceparent : null)
                .activate()) {
            recorder.run("rt.remote", op -> {
                Map<String, String> out = new HashMap<>();
                ContextHeaders.inject(CallContext.current(), out::put);
                assertThat(out.get("traceparent")).contains("-" + op.id() + "-");
            });
        }
        LogRecord started = sink.records().get(0);
        assertThat(started.context().traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(started.context().parentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(started.context().spanId()).isEqualTo(started.id());
    }

    // Doc (ARCHITECTURE): "An operation with no incoming trace starts one."
    @Test
    void operationWithNoContextStartsATrace() {
        recorder.run("rt.no-trace", op -> {});
        LogRecord started = sink.records().get(0);
        assertThat(started.context().traceId()).matches("[0-9a-f]{32}");
        assertThat(started.context().parentSpanId()).isNull();
    }

    // Doc (LogRecord.RecordContext): "The call context a record was made in" - request id, caller, tenant.
    @Test
    void recordsCarryTheRequestCallerAndTenant() {
        CallContext context = CallContext.newRequest().withCaller("user:42").withTenant("acme");
        try (Scope scope = context.activate()) {
            recorder.run("rt.ctx", op -> {});
            recorder.event(Level.INFO, "rt.logger", "hello", null, null);
        }
        for (LogRecord record : sink.records()) {
            assertThat(record.context().requestId()).isEqualTo(context.requestId());
            assertThat(record.context().caller()).isEqualTo("user:42");
            assertThat(record.context().tenant()).isEqualTo("acme");
            assertThat(record.thread()).isEqualTo(Thread.currentThread().getName());
        }
    }

    // Doc (RecordContext): "An event carries the span it happened in and no parent." / "parentOperationId - ... (for an
    // event, the operation it happened in)"
    @Test
    void eventInsideAnOperationCarriesItsSpanAndNoParentSpan() {
        AtomicReference<String> opId = new AtomicReference<>();
        try (Scope scope = CallContext.newRequest().activate()) {
            recorder.run("rt.with-event", op -> {
                opId.set(op.id());
                recorder.event(Level.WARN, "rt.logger", "inside", Map.of("k", 1), null);
            });
        }
        LogRecord event = sink.records(r -> r.kind() == LogRecord.Kind.EVENT).get(0);
        assertThat(event.context().spanId()).isEqualTo(opId.get());
        assertThat(event.context().parentSpanId()).isNull();
        assertThat(event.context().parentOperationId()).isEqualTo(opId.get());
        assertThat(event.status()).isNull();
        assertThat(event.endedAt()).isNull();
        assertThat(event.level()).isEqualTo(Level.WARN);
        assertThat(event.message()).isEqualTo("inside");
        assertThat(event.name()).isEqualTo("rt.logger");
    }

    // Doc (Recorder.event): "Records an ordinary event: redacts and snapshots attributes (may be null) and normalizes
    // error (may be null). Never throws." / NULL_MARKER: "What a null ... message is recorded as."
    @Test
    void eventWithEveryArgumentNullNeverThrowsAndMarksTheMessage() {
        assertThatCode(() -> recorder.event(null, null, null, null, null)).doesNotThrowAnyException();
        assertThatCode(() -> recorder.event(Level.INFO, "rt.logger", null, null, null))
                .doesNotThrowAnyException();
        LogRecord last = sink.records().get(sink.records().size() - 1);
        assertThat(last.message()).isEqualTo(LogRecord.NULL_MARKER);
        assertThat(last.attributes()).isEmpty();
        assertThat(last.error()).isNull();
    }

    // Doc (LogRecord): "error - the normalized failure; null unless LogRecord.Status.FAILED or an event with a
    // throwable"
    @Test
    void errorIsOnlyOnFailedRecordsAndEventsWithAThrowable() {
        recorder.run("rt.ok", op -> {});
        recorder.event(Level.ERROR, "rt.logger", "with error", null, new IllegalStateException("e"));
        assertThat(sink.records().get(0).error()).isNull();
        assertThat(sink.records().get(1).error()).isNull();
        assertThat(sink.records().get(2).error()).isNotNull();
    }

    // Doc (Operation): "attr(...) and stage(...) may be called from any thread (async steps tag their progress) and
    // never throw"
    @Test
    void attrAndStageFromManyThreadsAllLandOnTheCompletion() throws Exception {
        ExecutorService pool = ContextExecutors.newFixedThreadPool("rt-attr", 8);
        pools.add(pool);
        Operation op = recorder.start("rt.concurrent-attrs");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 250; i++) {
                    op.attr("t" + thread + "-" + i, i);
                    if (i % 50 == 0) {
                        op.stage("s" + thread + "-" + i);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        op.close();
        LogRecord done = sink.records().get(1);
        assertThat(done.attributes()).hasSize(2000);
        assertThat(done.stages()).hasSize(40);
    }

    // Doc (Operation.attr / stage): "Never throws." - also after the operation completed.
    @Test
    void attrAndStageAfterCompletionNeverThrow() {
        Operation op = recorder.start("rt.late");
        op.close();
        assertThatCode(() -> op.attr("late", 1).stage("late").stage("late2", null))
                .doesNotThrowAnyException();
        assertOneCompletionPerStart(sink.records());
    }

    // Doc (LogRecord.Stage): "A tagged step of an operation, stamped when it was reached." / stages "in order"
    @Test
    void stagesAreInOrderAndStampedWithinTheOperation() {
        recorder.run(
                "rt.stages", op -> op.stage("one").stage("two", Map.of("n", 2)).stage(null));
        LogRecord done = sink.records().get(1);
        assertThat(done.stages())
                .extracting(LogRecord.Stage::name)
                .containsExactly("one", "two", LogRecord.NULL_MARKER);
        for (LogRecord.Stage stage : done.stages()) {
            assertThat(stage.at()).isAfterOrEqualTo(done.startedAt()).isBeforeOrEqualTo(done.endedAt());
        }
        assertThat(done.stages().get(1).attributes()).containsEntry("n", 2);
    }

    // Doc (Recorder.Builder.clock)
    @Test
    void customClockStampsTheRecords() {
        Instant fixed = Instant.parse("2030-01-02T03:04:05Z");
        Recorder clocked = Recorder.custom()
                .sink(sink)
                .clock(Clock.fixed(fixed, ZoneOffset.UTC))
                .build();
        clocked.run("rt.clock", op -> {});
        assertThat(sink.records()).allSatisfy(r -> assertThat(r.startedAt()).isEqualTo(fixed));
        assertThat(sink.records().get(1).durationMicros()).isZero();
    }

    // Doc (Recorder.Builder.sink): "Adds a sink; records go to every sink in the order added." / sinks()
    @Test
    void recordsGoToEverySinkInOrder() {
        List<String> order = new ArrayList<>();
        Recorder two = Recorder.custom()
                .sink(r -> order.add("first:" + r.status()))
                .sink(r -> order.add("second:" + r.status()))
                .build();
        two.run("rt.order", op -> {});
        assertThat(order).containsExactly("first:STARTED", "second:STARTED", "first:SUCCEEDED", "second:SUCCEEDED");
        assertThat(two.sinks()).hasSize(2);
    }

    // Doc (Recorder.Builder.errorClassifier) + (ErrorClassifier): "replace it to teach corekit about a library's
    // exceptions"
    @Test
    void customClassifierDecidesCodeAndRetryable() {
        Recorder classified = Recorder.custom()
                .sink(sink)
                .errorClassifier(t -> new ErrorClassifier.Classification("LIB_BUSY", true))
                .build();
        assertThatThrownBy(() -> classified.run("rt.classified", op -> {
                    throw new IllegalStateException("busy");
                }))
                .hasMessage("busy");
        LogRecord done = sink.records().get(1);
        assertThat(done.error().code()).isEqualTo("LIB_BUSY");
        assertThat(done.error().retryable()).isTrue();
    }

    // Doc (ErrorInfo.of): "a classifier that does [throw] yields ... no code" + (Recorder) "the operation's own outcome
    // ... comes through unchanged, and exactly one completion record follows every STARTED record"
    @Test
    void throwingOrNullReturningClassifierNeverChangesTheOutcome() {
        IllegalStateException boom = new IllegalStateException("boom");
        for (ErrorClassifier hostile : List.<ErrorClassifier>of(
                t -> {
                    throw new UnsupportedOperationException("classifier broke");
                },
                t -> null)) {
            sink.clear();
            Recorder classified =
                    Recorder.custom().sink(sink).errorClassifier(hostile).build();
            assertThatThrownBy(() -> classified.run("rt.hostile-classifier", op -> {
                        throw boom;
                    }))
                    .isSameAs(boom);
            assertThat(sink.records())
                    .extracting(LogRecord::status)
                    .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.FAILED);
            assertThat(sink.records().get(1).error().code()).isNull();
        }
    }

    // Doc (Recorder): "a sink that throws is skipped for that record, the next sinks still get it, and the failure is
    // counted in sinkFailures()" and the outcome "comes through unchanged"
    @Test
    void aThrowingSinkIsSkippedCountedAndTheNextSinkStillGetsEveryRecord() {
        Recorder withBadSink = Recorder.custom()
                .sink(new ThrowingSink(new IllegalStateException("sink down")))
                .sink(sink)
                .build();
        String result = withBadSink.call("rt.bad-sink", op -> "value");
        assertThat(result).isEqualTo("value");
        IllegalArgumentException business = new IllegalArgumentException("business");
        assertThatThrownBy(() -> withBadSink.run("rt.bad-sink-fail", op -> {
                    throw business;
                }))
                .isSameAs(business);
        withBadSink.event(Level.INFO, "rt.logger", "m", null, null);
        assertThat(sink.records()).hasSize(5);
        assertOneCompletionPerStart(sink.records());
        assertThat(withBadSink.sinkFailures()).isEqualTo(5);
    }

    // Doc (Recorder): "whatever a sink does (even one that throws despite the Sink contract), the operation's own
    // outcome ... comes through unchanged, and exactly one completion record follows every STARTED record" (run on a
    // throwaway thread: a failure here must not leak an operation into the other tests' thread)
    @Test
    void aSinkThrowingAnErrorStillDoesNotBreakTheBusinessCall() throws Exception {
        Recorder withBadSink =
                Recorder.custom().sink(new ErrorThrowingSink()).sink(sink).build();
        AtomicReference<Object> outcome = new AtomicReference<>();
        AtomicReference<CallContext> after = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                outcome.set(withBadSink.<Integer, RuntimeException>call("rt.error-sink", op -> 7));
            } catch (Throwable t) {
                outcome.set(t);
            }
            after.set(CallContext.current());
        });
        thread.start();
        thread.join(10_000);
        org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(outcome.get()).as("business outcome").isEqualTo(7);
            soft.assertThat(after.get()).as("caller thread context afterwards").isEqualTo(CallContext.root());
            soft.assertThat(sink.records())
                    .extracting(LogRecord::status)
                    .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
        });
    }

    // Doc (Recorder.flush): "Flushes every sink; a sink that throws is skipped and counted." / emit: "never propagated"
    @Test
    void flushAndEmitNeverPropagateSinkFailures() {
        Recorder withBadSink = Recorder.custom()
                .sink(new ThrowingSink(new IllegalStateException("flush down")))
                .sink(sink)
                .build();
        assertThatCode(withBadSink::flush).doesNotThrowAnyException();
        assertThat(withBadSink.sinkFailures()).isEqualTo(1);
        recorder.run("rt.to-replay", op -> {});
        LogRecord record = sink.records().get(0);
        assertThatCode(() -> withBadSink.emit(record)).doesNotThrowAnyException();
        assertThat(withBadSink.sinkFailures()).isEqualTo(2);
    }

    // Doc (Recorder): "It is immutable and thread-safe." + "exactly one completion record follows every STARTED record"
    @Test
    void manyThreadsOneRecorderEveryStartHasExactlyOneCompletion() throws Exception {
        ExecutorService pool = ContextExecutors.newFixedThreadPool("rt-many", 8);
        pools.add(pool);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    int n = i;
                    try {
                        recorder.call("rt.many", op -> {
                            op.attr("n", n);
                            if (n % 7 == 0) {
                                throw new IllegalStateException("t" + thread);
                            }
                            return n;
                        });
                    } catch (IllegalStateException expected) {
                        // part of the test
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        List<LogRecord> records = sink.records();
        assertThat(records).hasSize(16 * 300 * 2);
        assertOneCompletionPerStart(records);
    }

    // Doc (Recorder.callAsync): "the operation completes when the stage does" - on whichever thread completes it.
    @Test
    void callAsyncCompletesWhenTheStageCompletesOnAnotherThread() throws Exception {
        CompletableFuture<String> external = new CompletableFuture<>();
        CompletableFuture<String> result = recorder.callAsync("rt.async", op -> external);
        assertThat(sink.records()).extracting(LogRecord::status).containsExactly(LogRecord.Status.STARTED);
        Thread completer = new Thread(() -> external.complete("done"));
        completer.start();
        completer.join();
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("done");
        sink.await(r -> r.status() == LogRecord.Status.SUCCEEDED, 1, java.time.Duration.ofSeconds(10));
        assertOneCompletionPerStart(sink.records());
    }

    // Doc (Recorder.callAsync): a stage that fails completes the operation as FAILED.
    @Test
    void callAsyncFailsWhenTheStageFails() throws Exception {
        CompletableFuture<String> external = new CompletableFuture<>();
        CompletableFuture<String> result = recorder.callAsync("rt.async-fail", op -> external);
        IllegalStateException boom = new IllegalStateException("async boom");
        external.completeExceptionally(boom);
        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(IllegalStateException.class);
        sink.await(r -> r.status() == LogRecord.Status.FAILED, 1, java.time.Duration.ofSeconds(10));
        assertThat(sink.records().get(1).error().message()).isEqualTo("async boom");
        assertOneCompletionPerStart(sink.records());
    }

    // Doc (Recorder.callAsync): a cancelled stage is a stage that did not succeed: exactly one completion.
    @Test
    void callAsyncWithACancelledStageStillCompletesOnce() throws Exception {
        CompletableFuture<String> external = new CompletableFuture<>();
        recorder.callAsync("rt.async-cancel", op -> external);
        external.cancel(true);
        sink.await(r -> !r.isStart(), 1, java.time.Duration.ofSeconds(10));
        assertThat(sink.records().get(1).status()).isEqualTo(LogRecord.Status.FAILED);
        assertOneCompletionPerStart(sink.records());
    }

    // Doc (Recorder.callAsync): "When the body throws, the operation fails and the exception is rethrown"
    @Test
    void callAsyncBodyThatThrowsFailsAndRethrows() {
        IllegalStateException boom = new IllegalStateException("body");
        assertThatThrownBy(() -> recorder.callAsync("rt.async-throw", op -> {
                    throw boom;
                }))
                .isSameAs(boom);
        assertThat(sink.records())
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.FAILED);
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (Recorder.callAsync): "when it returns null instead of a stage, the operation fails and so does the returned
    // future, with a NullPointerException that says so."
    @Test
    void callAsyncBodyReturningNullFailsTheOperationAndTheFuture() {
        CompletableFuture<String> result = recorder.callAsync("rt.async-null", op -> null);
        assertThat(result).isCompletedExceptionally();
        assertThatThrownBy(result::join).hasCauseInstanceOf(NullPointerException.class);
        assertThat(sink.records())
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.FAILED);
        assertThat(sink.records().get(1).error().type()).isEqualTo(NullPointerException.class.getName());
    }

    // Doc (Recorder.callAsync): "The body runs with the operation current, so work it submits through
    // context-propagating executors is attributed to it."
    @Test
    void callAsyncWorkSubmittedThroughPropagatingExecutorsIsAttributedToTheOperation() throws Exception {
        ExecutorService pool = ContextExecutors.newFixedThreadPool("rt-async", 2);
        pools.add(pool);
        AtomicReference<String> opId = new AtomicReference<>();
        CompletableFuture<String> result = recorder.callAsync("rt.async-attr", op -> {
            opId.set(op.id());
            return ContextExecutors.supplyAsync(() -> CallContext.current().operationId(), pool);
        });
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(opId.get());
    }

    // Doc (ARCHITECTURE): "Context never leaks" - after callAsync returns, the caller's thread is back in its own
    // context (the operation is current for the body, not for the rest of the caller's request).
    @Test
    void callAsyncLeavesTheCallersContextAsItFoundIt() {
        CallContext mine = CallContext.newRequest().withCaller("caller");
        CompletableFuture<String> never = new CompletableFuture<>();
        try (Scope scope = mine.activate()) {
            recorder.callAsync("rt.async-ctx", op -> never);
            assertThat(CallContext.current()).isEqualTo(mine);
            assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isNull();
        }
        never.complete("x");
    }

    // Doc (Operations): "each method runs on the process-wide recorder (GlobalRecorder)" / GlobalRecorder.install:
    // "Makes replacement the process-wide recorder until the returned handle is closed." / Installed: "Restores the
    // previous recorder when closed."
    @Test
    void installedRecordersNestAndRestore() {
        InMemorySink outer = new InMemorySink();
        InMemorySink inner = new InMemorySink();
        Recorder before = GlobalRecorder.get();
        try (GlobalRecorder.Installed a = GlobalRecorder.install(Recorder.of(outer))) {
            Operations.run("rt.global-outer", op -> {});
            try (GlobalRecorder.Installed b = GlobalRecorder.install(Recorder.of(inner))) {
                Operations.call("rt.global-inner", op -> 1);
                Operations.event(Level.INFO, "rt.logger", "m", null, null);
            }
            Operations.start("rt.global-outer2").close();
        }
        assertThat(GlobalRecorder.get()).isSameAs(before);
        assertThat(outer.records())
                .extracting(LogRecord::name)
                .containsExactly("rt.global-outer", "rt.global-outer", "rt.global-outer2", "rt.global-outer2");
        assertThat(inner.records())
                .extracting(LogRecord::name)
                .containsExactly("rt.global-inner", "rt.global-inner", "rt.logger");
    }

    // Doc (Operations -> Recorder): "Only a null operation name or body fails fast." through the facade too.
    @Test
    void facadeFailsFastOnNullNameOrBody() {
        try (GlobalRecorder.Installed installed = GlobalRecorder.install(recorder)) {
            assertThatThrownBy(() -> Operations.call(null, op -> 1)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Operations.start(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Operations.run("x", null)).isInstanceOf(NullPointerException.class);
        }
        assertThat(sink.records()).isEmpty();
    }

    // Doc (LogRecord): "One immutable record as every sink receives it"
    @Test
    void recordsAreImmutable() {
        recorder.run("rt.immutable", op -> op.attr("a", 1).stage("s", Map.of("b", 2)));
        LogRecord done = sink.records().get(1);
        assertThatThrownBy(() -> done.attributes().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> done.stages().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> done.stages().get(0).attributes().put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // Doc (Recorder): "Whatever a caller attaches (..., an exception whose getMessage() throws) ... the operation's own
    // outcome, its value or its original exception, comes through unchanged, and exactly one completion record follows"
    @Test
    void aHostileBusinessExceptionIsRethrownUnchangedAndRecorded() {
        HostileFailure failure = new HostileFailure();
        assertThatThrownBy(() -> recorder.run("rt.hostile-exception", op -> {
                    throw failure;
                }))
                .isSameAs(failure);
        assertThat(sink.records())
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.FAILED);
        assertThat(sink.records().get(1).error().message()).startsWith("(unprintable:");
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    // Doc (Operation.fail): "Completes the operation as FAILED with error normalized" + (Recorder) "a recorder never
    // throws from emitting, whatever a caller attaches"
    @Test
    void failWithAHostileThrowableNeverThrows() {
        Operation op = recorder.start("rt.hostile-fail");
        assertThatCode(() -> op.fail(new HostileFailure())).doesNotThrowAnyException();
        assertThat(sink.records())
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.FAILED);
        assertThatCode(() -> recorder.event(Level.ERROR, "rt.logger", "m", null, new HostileFailure()))
                .doesNotThrowAnyException();
    }

    // Doc (Recorder.callAsync): "the operation completes when the stage does" - a stage already complete when returned.
    @Test
    void callAsyncWithAnAlreadyCompletedStageCompletesExactlyOnce() {
        CompletableFuture<String> result =
                recorder.callAsync("rt.async-done", op -> CompletableFuture.completedFuture("now"));
        assertThat(result.join()).isEqualTo("now");
        assertThat(sink.records())
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
    }

    // Doc (Recorder) "exactly one completion record follows every STARTED record" - many async operations completed
    // concurrently from many threads.
    @Test
    void manyAsyncOperationsCompletedFromManyThreadsEachCompleteOnce() throws Exception {
        ExecutorService pool = ContextExecutors.newFixedThreadPool("rt-async-many", 8);
        pools.add(pool);
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            int n = i;
            results.add(recorder.callAsync(
                    "rt.async-many",
                    op -> ContextExecutors.supplyAsync(
                            () -> {
                                op.attr("n", n);
                                if (n % 5 == 0) {
                                    throw new IllegalStateException("n" + n);
                                }
                                return n;
                            },
                            pool)));
        }
        for (CompletableFuture<Integer> result : results) {
            try {
                result.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException expected) {
                // every fifth fails on purpose
            }
        }
        sink.await(r -> !r.isStart(), 2000, java.time.Duration.ofSeconds(30));
        assertThat(sink.records()).hasSize(4000);
        assertOneCompletionPerStart(sink.records());
        assertThat(sink.records(r -> r.status() == LogRecord.Status.FAILED)).hasSize(400);
    }
}
