package dev.corekit.benchmarks;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.corekit.logging.ConsoleSink;
import dev.corekit.logging.Recorder;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.encoder.LogstashEncoder;
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
    private static final OutputStream DISCARD = OutputStream.nullOutputStream();

    private Recorder corekit;
    private LoggerContext logback;
    private Logger logstashSync;
    private Logger logstashAsync;

    @Setup
    public void setUp() {
        corekit = Recorder.of(ConsoleSink.of(DISCARD));

        logback = new LoggerContext();
        LogstashEncoder syncEncoder = new LogstashEncoder();
        syncEncoder.setContext(logback);
        syncEncoder.start();
        OutputStreamAppender<ILoggingEvent> syncOut = new OutputStreamAppender<>();
        syncOut.setContext(logback);
        syncOut.setEncoder(syncEncoder);
        syncOut.setOutputStream(DISCARD);
        syncOut.start();
        logstashSync = logback.getLogger("bench.sync");
        logstashSync.setAdditive(false);
        logstashSync.addAppender(syncOut);

        LogstashEncoder asyncEncoder = new LogstashEncoder();
        asyncEncoder.setContext(logback);
        asyncEncoder.start();
        OutputStreamAppender<ILoggingEvent> asyncOut = new OutputStreamAppender<>();
        asyncOut.setContext(logback);
        asyncOut.setEncoder(asyncEncoder);
        asyncOut.setOutputStream(DISCARD);
        asyncOut.start();
        AsyncAppender async = new AsyncAppender();
        async.setContext(logback);
        async.setNeverBlock(true);
        async.addAppender(asyncOut);
        async.start();
        logstashAsync = logback.getLogger("bench.async");
        logstashAsync.setAdditive(false);
        logstashAsync.addAppender(async);
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
