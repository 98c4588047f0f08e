package dev.corekit.benchmarks;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.corekit.logging.Recorder;
import dev.corekit.logging.console.ConsoleSink;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.argument.StructuredArguments;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.event.Level;

/**
 * What the caller's thread pays to emit one structured record with two attributes, encoded as JSON and written to a
 * stream that discards it: corekit's record ({@link Recorder#event}, and a whole operation = two records) against
 * logstash-logback-encoder's event, written synchronously and through Logback's {@link AsyncAppender}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EmissionBenchmark {
    private Recorder corekit;
    private LoggerContext logback;
    private Logger logstashSync;
    private Logger logstashAsync;

    @Setup
    public void setUp() {
        corekit = Recorder.of(ConsoleSink.of(java.io.OutputStream.nullOutputStream()));

        logback = new LoggerContext();
        logstashSync = LogstashPeer.synchronous(logback, "bench.sync");
        // Logback's defaults: a 256-event queue that discards INFO once 80 % full.
        logstashAsync = LogstashPeer.asynchronous(logback, "bench.async", 256, 256 / 5);
    }

    @TearDown
    public void tearDown() {
        logback.stop();
    }

    @Benchmark
    public void corekitEventJson() {
        corekit.event(Level.INFO, "orders", "order placed", Map.of("orderId", 42L, "items", 3), null);
    }

    @Benchmark
    public Object corekitOperationJson() {
        return corekit.call("orders.create", op -> op.attr("orderId", 42L).attr("items", 3));
    }

    @Benchmark
    public void logstashEventJsonSync() {
        logstashSync.info("order placed", StructuredArguments.kv("orderId", 42L), StructuredArguments.kv("items", 3));
    }

    @Benchmark
    public void logstashEventJsonAsync() {
        logstashAsync.info("order placed", StructuredArguments.kv("orderId", 42L), StructuredArguments.kv("items", 3));
    }
}
