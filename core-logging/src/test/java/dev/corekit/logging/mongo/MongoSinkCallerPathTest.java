package dev.corekit.logging.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.logging.Recorder;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * What the caller's thread pays to hand an event to the sink, counted in bytes allocated on that thread (never in
 * time): every fresh 4 KiB of heap a caller touches can cost it a page fault, which is what the tail of issue 14 was
 * made of. The timing itself is measured by {@code CallerCostBenchmark}.
 */
class MongoSinkCallerPathTest extends MongoSinkFixture {
    static final int EVENTS = 20_000;

    @Test
    void anEventIntoTheSinkAllocatesOnlyTheRecordOnTheCallersThread() throws Exception {
        MongoSink sink = start(settings(65_536, 512, Duration.ofSeconds(10)));
        Recorder recorder = Recorder.of(sink);
        Map<String, Object> attributes = Map.of("orderId", 42L, "items", 3);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < EVENTS; i++) { // warm up: class loading and the first compilations allocate
            recorder.event(Level.INFO, "orders", "order placed", attributes, null);
        }
        sink.flush();

        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < EVENTS; i++) {
            recorder.event(Level.INFO, "orders", "order placed", attributes, null);
        }
        long perEvent = (threads.getCurrentThreadAllocatedBytes() - before) / EVENTS;
        sink.flush();

        // Measured 352 B: the record (64 B), its id (88 B with HexFormat's buffer), its timestamp (24 B), the redacted
        // attribute snapshot (88 B) and iterating the caller's map (~88 B); the queue hand-off allocates nothing. It
        // was 665 B before the record path was slimmed down (issue 14).
        assertThat(perEvent)
                .as("bytes allocated per event on the caller's thread")
                .isLessThanOrEqualTo(400);
        assertThat(sink.stats().written()).isEqualTo(2L * EVENTS);
        assertThat(sink.stats().droppedTotal() + sink.stats().spilled()).isZero();
    }
}
