package dev.corekit.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.context.CallContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Logging never breaks the business call: whatever a caller attaches and whatever a sink does, the caller's own
 * outcome comes through unchanged and exactly one completion record follows every STARTED record.
 */
class HostileInputTest {
    final InMemorySink sink = new InMemorySink();
    final Recorder recorder = Recorder.of(sink);

    static final class Unprintable {
        @Override
        public String toString() {
            throw new IllegalStateException("toString is broken");
        }
    }

    static final class BadMessage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadMessage() {
            super("never shown");
        }

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage is broken");
        }
    }

    @AfterEach
    void noContextLeftBehind() {
        assertThat(CallContext.current()).isSameAs(CallContext.root());
        assertThat(MDC.get(CallContext.MDC_OPERATION_ID)).isNull();
    }

    private void exactlyOneCompletionFollowsTheStart() {
        List<LogRecord> records = sink.records();
        assertThat(records).hasSize(2);
        assertThat(records.get(0).status()).isEqualTo(LogRecord.Status.STARTED);
        assertThat(records.get(1).id()).isEqualTo(records.get(0).id());
        assertThat(records.get(1).status()).isIn(LogRecord.Status.SUCCEEDED, LogRecord.Status.FAILED);
    }

    @Test
    void aNullAttributeValueIsRecordedAsAMarker() {
        String result = recorder.call("op", op -> {
            op.attr("maybe", null);
            return "value";
        });

        assertThat(result).isEqualTo("value");
        exactlyOneCompletionFollowsTheStart();
        assertThat(sink.records().get(1).attributes()).containsEntry("maybe", LogRecord.NULL_MARKER);
    }

    @Test
    void aNullAttributeKeyIsRecordedAsAMarker() {
        recorder.run("op", op -> op.attr(null, 7));

        exactlyOneCompletionFollowsTheStart();
        assertThat(sink.records().get(1).attributes()).containsEntry(LogRecord.NULL_MARKER, 7);
    }

    @Test
    void stageAndEventMapsWithNullKeysAndValuesAreRecordedWithMarkers() {
        Map<String, Object> hostile = new HashMap<>();
        hostile.put(null, "no key");
        hostile.put("no value", null);

        recorder.run("op", op -> op.stage("loaded", hostile).stage(null, null));
        recorder.event(Level.WARN, "events", "hostile", hostile, null);

        exactlyOneCompletionFollowsTheStartOf(sink.records().subList(0, 2));
        LogRecord completion = sink.records().get(1);
        assertThat(completion.stages()).hasSize(2);
        assertThat(completion.stages().get(0).attributes())
                .containsEntry(LogRecord.NULL_MARKER, "no key")
                .containsEntry("no value", LogRecord.NULL_MARKER);
        assertThat(completion.stages().get(1).name()).isEqualTo(LogRecord.NULL_MARKER);
        assertThat(sink.records().get(2).attributes()).containsEntry("no value", LogRecord.NULL_MARKER);
    }

    private static void exactlyOneCompletionFollowsTheStartOf(List<LogRecord> records) {
        assertThat(records)
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
    }

    @Test
    void aValueWhoseToStringThrowsIsRecordedAsUnprintableAndEverySinkSeesTheCompletion() {
        InMemorySink after = new InMemorySink();
        Recorder twoSinks = Recorder.of(sink, after);

        String result = twoSinks.call("op", op -> {
            op.attr("broken", new Unprintable());
            op.attr("nested", Map.of("deep", List.of(new Unprintable())));
            return "value";
        });

        assertThat(result).isEqualTo("value");
        exactlyOneCompletionFollowsTheStart();
        assertThat(after.records()).hasSize(2);
        assertThat(sink.records().get(1).attributes())
                .containsEntry("broken", "(unprintable: IllegalStateException)")
                .containsEntry("nested", Map.of("deep", List.of("(unprintable: IllegalStateException)")));
    }

    @Test
    void anExceptionWhoseGetMessageThrowsReachesTheCallerUnchanged() {
        BadMessage original = new BadMessage();

        assertThatThrownBy(() -> recorder.run("op", op -> {
                    throw original;
                }))
                .isSameAs(original);

        exactlyOneCompletionFollowsTheStart();
        ErrorInfo error = sink.records().get(1).error();
        assertThat(error.type()).isEqualTo(BadMessage.class.getName());
        assertThat(error.message()).isEqualTo("(unprintable: IllegalStateException)");
    }

    @Test
    void aSinkThatThrowsIsSkippedAndTheNextSinksStillGetEveryRecord() {
        Sink throwing = record -> {
            throw new IllegalStateException("sink broken");
        };
        Recorder withBrokenSink = Recorder.of(throwing, sink);

        int answer = withBrokenSink.call("op", op -> 42);
        assertThat(answer).isEqualTo(42);

        exactlyOneCompletionFollowsTheStart();
        assertThat(withBrokenSink.sinkFailures()).isEqualTo(2L);
    }

    @Test
    void callAsyncWhoseBodyReturnsNullFailsTheOperationAndTheFutureSayingSo() {
        CompletableFuture<String> future = recorder.callAsync("async.op", op -> null);

        assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NullPointerException.class)
                .hasMessageContaining("async.op")
                .hasMessageContaining("returned null");
        exactlyOneCompletionFollowsTheStart();
        assertThat(sink.records().get(1).status()).isEqualTo(LogRecord.Status.FAILED);
    }

    @Test
    void aSelfContainingMapIsCutAtTheMaximumDepth() {
        Map<String, Object> loop = new HashMap<>();
        loop.put("self", loop);
        List<Object> list = new ArrayList<>();
        list.add(list);

        recorder.run("op", op -> op.attr("loop", loop).attr("list", list));

        exactlyOneCompletionFollowsTheStart();
        assertThat(sink.records().get(1).attributes().get("loop").toString()).contains(Redactor.TOO_DEEP);
    }

    @Test
    void nonFiniteNumbersAreRecordedAsTheirNames() {
        recorder.run("op", op -> op.attr("nan", Double.NaN).attr("inf", Float.POSITIVE_INFINITY));

        assertThat(sink.records().get(1).attributes())
                .containsEntry("nan", "NaN")
                .containsEntry("inf", "Infinity");
    }

    @Test
    void failWithNullStillCompletesTheOperationAsFailed() {
        try (Operation op = recorder.start("op")) {
            op.fail(null);
        }

        exactlyOneCompletionFollowsTheStart();
        assertThat(sink.records().get(1).error().type()).isEqualTo(NullPointerException.class.getName());
    }

    @Test
    void aNullNameOrBodyFailsFastBeforeAnythingIsRecorded() {
        assertThatThrownBy(() -> recorder.call(null, op -> 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("operation name");
        assertThatThrownBy(() -> recorder.call("op", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("operation body");
        assertThat(sink.records()).isEmpty();
    }
}
