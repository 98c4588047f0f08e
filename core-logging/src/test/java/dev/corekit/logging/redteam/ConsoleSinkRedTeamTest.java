package dev.corekit.logging.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.logging.console.ConsoleSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** Red-team checks of ConsoleSink: one valid JSON object per line, never throws, never interleaves. */
class ConsoleSinkRedTeamTest {

    static final String HOSTILE = "nul\u0000 cr\r lf\n crlf\r\n tab\t esc\u001b bell\u0007 del\u007f"
            + " ls\u2028 ps\u2029 quote\" backslash\\ slash/ emoji😀 bom\uFEFF </script> {\"json\":1}";

    static final class FailingStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            throw new IOException("disk full");
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("disk full");
        }
    }

    static final class ExplodingStream extends OutputStream {
        @Override
        public void write(int b) {
            throw new IllegalStateException("stream exploded");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            throw new IllegalStateException("stream exploded");
        }

        @Override
        public void flush() {
            throw new IllegalStateException("flush exploded");
        }
    }

    static final class CloseTracking extends ByteArrayOutputStream {
        boolean closed;

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }

    static final class ToStringThrows {
        @Override
        public String toString() {
            throw new IllegalStateException("toString exploded");
        }
    }

    static LogRecord handMade(Map<String, Object> attributes) {
        try {
            return new LogRecord(
                    "0123456789abcdef",
                    LogRecord.Kind.EVENT,
                    Level.INFO,
                    "rt.hand",
                    null,
                    "hand made",
                    Instant.now(),
                    null,
                    LogRecord.RecordContext.EMPTY,
                    attributes,
                    List.of(),
                    null,
                    "main");
        } catch (RuntimeException e) {
            Assumptions.abort("LogRecord refuses this shape: " + e);
            return null;
        }
    }

    // Doc (ConsoleSink): "Writes each record as one JSON line"
    @Test
    void eachRecordIsOneValidJsonLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder recorder = Recorder.of(ConsoleSink.of(out));
        try (Scope scope = CallContext.newRequest().withCaller("user:1").activate()) {
            recorder.run("rt.console", op -> op.attr("items", 3).stage("priced", Map.of("total", 12.5)));
            recorder.event(
                    Level.WARN, "rt.logger", "hello", Map.of("k", List.of(1, 2)), new IllegalStateException("x"));
        }
        List<JsonNode> lines = JsonLines.parse(out.toByteArray());
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).toString()).contains("rt.console").contains("STARTED");
        assertThat(lines.get(1).toString()).contains("SUCCEEDED").contains("priced");
        assertThat(lines.get(2).toString()).contains("hello").contains("IllegalStateException");
    }

    // Doc (ConsoleSink): "Writes each record as one JSON line" - whatever characters the values hold.
    @Test
    void hostileCharactersStayInsideOneValidJsonLineAndRoundTrip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder recorder = Recorder.of(ConsoleSink.of(out));
        recorder.run("rt.hostile" + HOSTILE, op -> {
            op.attr("v", HOSTILE);
            op.attr("key" + HOSTILE, "x");
            op.stage(HOSTILE, Map.of("s", HOSTILE));
        });
        recorder.event(Level.INFO, HOSTILE, HOSTILE, Map.of("m", Map.of(HOSTILE, List.of(HOSTILE))), null);
        List<JsonNode> lines = JsonLines.parse(out.toByteArray());
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1).findValuesAsText("v")).contains(HOSTILE);
        assertThat(lines.get(2).findValuesAsText("message")).contains(HOSTILE);
    }

    // Doc (ConsoleSink): one JSON line per record - lone surrogates (invalid UTF-16) must not break the line or the
    // JSON.
    @Test
    void loneSurrogatesDoNotBreakTheJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder recorder = Recorder.of(ConsoleSink.of(out));
        recorder.event(
                Level.INFO,
                "rt",
                "lone \uD800 high, lone \uDFFF low, reversed \uDC00\uD800",
                Map.of("k\uD800", "v\uDBFF"),
                null);
        assertThat(JsonLines.parse(out.toByteArray())).hasSize(1);
    }

    // Doc (ConsoleSink): "Lines are written whole, one at a time, so concurrent records never interleave."
    @Test
    void concurrentRecordsNeverInterleave() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleSink sink = ConsoleSink.of(out);
        Recorder recorder = Recorder.of(sink);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        String big = "x".repeat(4000);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 300; i++) {
                        recorder.event(Level.INFO, "rt.t" + thread, HOSTILE + i, Map.of("big", big, "i", i), null);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        sink.flush();
        List<JsonNode> lines = JsonLines.parse(out.toByteArray());
        assertThat(lines).hasSize(16 * 300);
        assertThat(sink.failedWrites()).isZero();
    }

    // Doc (ConsoleSink): "A write that fails is counted (failedWrites()), never thrown."
    @Test
    void failingStreamIsCountedNeverThrown() {
        ConsoleSink sink = ConsoleSink.of(new FailingStream());
        Recorder recorder = Recorder.of(sink);
        String result = recorder.call("rt.disk-full", op -> "business");
        assertThat(result).isEqualTo("business");
        assertThat(sink.failedWrites()).isEqualTo(2);
        assertThatCode(sink::flush).doesNotThrowAnyException();
    }

    // Doc (ConsoleSink.accept): "never throws (a record that cannot be written is counted)" - a stream throwing
    // unchecked exceptions.
    @Test
    void explodingStreamIsCountedNeverThrown() {
        ConsoleSink sink = ConsoleSink.of(new ExplodingStream());
        Recorder recorder = Recorder.of(sink);
        assertThatCode(() -> recorder.run("rt.exploding", op -> {})).doesNotThrowAnyException();
        assertThat(sink.failedWrites()).isEqualTo(2);
        assertThatCode(sink::flush).doesNotThrowAnyException();
        assertThatCode(sink::close).doesNotThrowAnyException();
        assertThat(recorder.sinkFailures()).isZero();
    }

    // Doc (ConsoleSink.of): "A sink writing to out, which it does not close."
    @Test
    void closeDoesNotCloseTheGivenStream() {
        CloseTracking out = new CloseTracking();
        ConsoleSink sink = ConsoleSink.of(out);
        sink.accept(handMade(Map.of()));
        sink.close();
        assertThat(out.closed).isFalse();
        assertThatCode(() -> sink.accept(handMade(Map.of()))).doesNotThrowAnyException();
    }

    // Doc (Sink.accept): "Takes one record; returns fast, never throws." / ConsoleSink.accept "never throws"
    @Test
    void acceptOfNullNeverThrows() {
        ConsoleSink sink = ConsoleSink.of(new ByteArrayOutputStream());
        assertThatCode(() -> sink.accept(null)).doesNotThrowAnyException();
    }

    // Doc (ConsoleSink): "Writes each record as one JSON line" / accept "never throws" - a hand-made record with values
    // JSON cannot represent as numbers (NaN, infinities): any line written must still be valid JSON.
    @Test
    void nonFiniteNumbersInAHandMadeRecordStillGiveValidJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleSink sink = ConsoleSink.of(out);
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("nan", Double.NaN);
        attributes.put("inf", Double.POSITIVE_INFINITY);
        attributes.put("fnan", Float.NaN);
        assertThatCode(() -> sink.accept(handMade(attributes))).doesNotThrowAnyException();
        List<JsonNode> lines = JsonLines.parse(out.toByteArray());
        assertThat(lines.size() + sink.failedWrites()).isEqualTo(1);
    }

    // Doc (ConsoleSink.accept): "never throws" - a hand-made record holding a hostile object or a self-containing map
    // (the Recorder would have snapshotted them, a hand-made record did not).
    @Test
    void hostileValuesInAHandMadeRecordNeverThrow() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleSink sink = ConsoleSink.of(out);
        Map<String, Object> selfish = new HashMap<>();
        selfish.put("self", selfish);
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("hostile", new ToStringThrows());
        attributes.put("self", selfish);
        Object deep = "bottom";
        for (int i = 0; i < 50_000; i++) {
            deep = List.of(deep);
        }
        attributes.put("deep", deep);
        attributes.put(null, null);
        assertThatCode(() -> sink.accept(handMade(attributes))).doesNotThrowAnyException();
        List<JsonNode> lines = JsonLines.parse(out.toByteArray());
        assertThat(lines.size() + sink.failedWrites()).isEqualTo(1);
    }

    // Doc (ConsoleSink): "Writes each record as one JSON line" - a 5 MB value.
    @Test
    void hugeValueIsStillOneLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder recorder = Recorder.of(ConsoleSink.of(out));
        String huge = "ü\n".repeat(2_500_000);
        recorder.event(Level.INFO, "rt", "huge", Map.of("huge", huge), null);
        List<JsonNode> lines = JsonLines.parse(out.toByteArray());
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).findValuesAsText("huge")).containsExactly(huge);
    }

    // Doc (ConsoleSink): "stdout() writes to the process's file descriptor 1 directly, so a library that replaces
    // System.out cannot swallow the platform's records."
    @Test
    void stdoutSinkBypassesAReplacedSystemOut() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            ConsoleSink sink = ConsoleSink.stdout();
            sink.accept(handMade(Map.of("marker", "rt-fd1-marker")));
            sink.flush();
            assertThat(sink.failedWrites()).isZero();
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("rt-fd1-marker");
    }
}
