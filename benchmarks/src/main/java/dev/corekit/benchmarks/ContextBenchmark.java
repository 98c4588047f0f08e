package dev.corekit.benchmarks;

import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.Scope;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Capturing a context into a task and running it, which is what every async hop pays: corekit's
 * {@link CallContext#wrap(Runnable)} (context + MDC) against OpenTelemetry's {@code Context.wrap} (context only).
 *
 * <ul>
 *   <li>here: the task runs where its context is already current (OpenTelemetry's own benchmark
 *       shape);
 *   <li>{@link ContextHopBenchmark}: the task runs on a thread with no context, as on a pool worker.
 * </ul>
 */
@State(org.openjdk.jmh.annotations.Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ContextBenchmark {
    private static final ContextKey<String> REQUEST_ID = ContextKey.named("requestId");
    private static final ContextKey<String> CALLER = ContextKey.named("caller");

    private Scope corekitScope;
    private io.opentelemetry.context.Scope otelScope;
    private CallContext corekitRequest;
    private Context otelRequest;
    private Blackhole blackhole;
    private Runnable task;

    @Setup(Level.Trial)
    public void activate(Blackhole blackhole) {
        this.blackhole = blackhole;
        this.task = () -> this.blackhole.consume(1);
        corekitRequest = CallContext.newRequest().withCaller("user:42");
        otelRequest = Context.root().with(REQUEST_ID, "9f1c2a7e").with(CALLER, "user:42");
    }

    @Setup(Level.Iteration)
    public void activateForSameContext() {
        corekitScope = corekitRequest.activate();
        otelScope = otelRequest.makeCurrent();
    }

    @TearDown(Level.Iteration)
    public void restore() {
        otelScope.close();
        corekitScope.close();
    }

    @Benchmark
    public void corekitSameContext() {
        ContextExecutors.wrap(task).run();
    }

    @Benchmark
    public void otelSameContext() {
        Context.current().wrap(task).run();
    }
}
