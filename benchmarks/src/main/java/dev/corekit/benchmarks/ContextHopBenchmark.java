package dev.corekit.benchmarks;

import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.slf4j.MDC;

/**
 * An async hop as a pool worker sees it: a request's context captured into a task that runs on a thread where no
 * context is current, so the context is really installed and removed — for corekit, the MDC too (four keys put and
 * removed), which OpenTelemetry's context does not do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ContextHopBenchmark {
    private static final ContextKey<String> REQUEST_ID = ContextKey.named("requestId");
    private static final ContextKey<String> CALLER = ContextKey.named("caller");
    private static final ContextKey<String> TRACE_ID = ContextKey.named("traceId");
    private static final ContextKey<String> SPAN_ID = ContextKey.named("spanId");

    private CallContext corekitRequest;
    private Context otelRequest;
    private Runnable task;
    private Runnable mdcMirroring;

    @Setup
    public void prepare(Blackhole blackhole) {
        task = () -> blackhole.consume(1);
        corekitRequest = CallContext.newRequest().withCaller("user:42");
        otelRequest = Context.root()
                .with(REQUEST_ID, corekitRequest.requestId())
                .with(CALLER, "user:42")
                .with(TRACE_ID, corekitRequest.traceId())
                .with(SPAN_ID, corekitRequest.spanId());
        mdcMirroring = () -> {
            Context current = Context.current();
            MDC.put("requestId", current.get(REQUEST_ID));
            MDC.put("caller", current.get(CALLER));
            MDC.put("traceId", current.get(TRACE_ID));
            MDC.put("spanId", current.get(SPAN_ID));
            try {
                task.run();
            } finally {
                MDC.remove("requestId");
                MDC.remove("caller");
                MDC.remove("traceId");
                MDC.remove("spanId");
            }
        };
    }

    @Benchmark
    public void corekitHop() {
        ContextExecutors.wrap(corekitRequest, task).run();
    }

    @Benchmark
    public void otelHop() {
        otelRequest.wrap(task).run();
    }

    /**
     * The fair peer: OpenTelemetry's context plus the same four MDC keys put and removed around the task by hand,
     * which is what a service needs for request ids in its log lines when it propagates with OTel alone.
     */
    @Benchmark
    public void otelHopWithMdc() {
        otelRequest.wrap(mdcMirroring).run();
    }

    /** The floor: only the four Logback MDC puts and their removal, no context at all. */
    @Benchmark
    public void mdcPutsAndRemovesOnly() {
        mdcMirroring.run();
    }
}
