package dev.corekit.benchmarks.auth;

import dev.corekit.auth.Handler;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import dev.corekit.auth.SlowCallWatchdog;
import dev.corekit.logging.Recorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the slow-call watchdog costs each call (issue 17 item 8), measured two ways in one run: the watchdog as the only
 * interceptor against an empty pipeline, and a public call through the built-in pipeline (request context and call
 * record) with and without it. The watchdog's thread scans the calls in flight every tick meanwhile, as in a service.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WatchdogBenchmark {
    private static final byte[] BODY = "ok".getBytes(StandardCharsets.UTF_8);
    private static final Handler HANDLER = call -> call.respond(200, "text/plain", BODY);

    private SlowCallWatchdog watchdog;
    private Procedure procedure;
    private Map<String, List<String>> headers;
    private Pipeline empty;
    private Pipeline watchdogOnly;
    private Pipeline contextAndRecord;
    private Pipeline contextRecordAndWatchdog;

    @Setup(Level.Trial)
    public void setUp() {
        watchdog = SlowCallWatchdog.of(Duration.ofSeconds(1), Duration.ofSeconds(30), null);
        procedure = Procedure.named("health").withAuth(Procedure.PUBLIC);
        Procedures procedures =
                Procedures.builder().route("GET", "/health", procedure).build();
        Recorder recorder = Recorder.of(record -> {});
        empty = Pipeline.of();
        watchdogOnly = Pipeline.of(watchdog);
        contextAndRecord =
                Pipeline.builder().recorder(recorder).procedures(procedures).build();
        contextRecordAndWatchdog = Pipeline.builder()
                .recorder(recorder)
                .procedures(procedures)
                .slowCalls(watchdog)
                .build();
        headers = Map.of(
                "traceparent", List.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                "x-request-id", List.of("req-bench-1"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        watchdog.close();
    }

    private int run(Pipeline pipeline) {
        BenchCall call = new BenchCall(procedure, "GET", "/health", headers);
        try {
            pipeline.handle(call, HANDLER);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return call.status();
    }

    @Benchmark
    public int emptyPipeline() {
        return run(empty);
    }

    @Benchmark
    public int watchdogOnly() {
        return run(watchdogOnly);
    }

    @Benchmark
    public int contextAndRecord() {
        return run(contextAndRecord);
    }

    @Benchmark
    public int contextRecordAndWatchdog() {
        return run(contextRecordAndWatchdog);
    }
}
