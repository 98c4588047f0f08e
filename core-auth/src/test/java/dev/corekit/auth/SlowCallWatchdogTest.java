package dev.corekit.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlowCallWatchdogTest {
    private final InMemorySink sink = new InMemorySink();
    private final Recorder recorder = Recorder.of(sink);
    private final SlowCallWatchdog watchdog =
            SlowCallWatchdog.of(Duration.ofMillis(50), Duration.ofMillis(150), recorder);
    private final Pipeline pipeline =
            Pipeline.builder().recorder(recorder).slowCalls(watchdog).build();
    private final ExecutorService callers = ContextExecutors.newFixedThreadPool("slow-test", 4);

    @AfterEach
    void stop() {
        watchdog.close();
        callers.shutdownNow();
    }

    private static boolean named(LogRecord record, String name) {
        return record.kind() == LogRecord.Kind.EVENT && record.name().equals(name);
    }

    @Test
    void aSlowThenHungCallIsReportedWhileStillRunningAndItsRecordSaysSo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestCall call = new TestCall("GET", "/reports", Procedure.named("reports.build"))
                .withHeader("x-request-id", "req-slow");
        Future<?> running = callers.submit(() -> {
            pipeline.handle(call, c -> {
                release.await(30, TimeUnit.SECONDS);
                ((TestCall) c).status(200);
            });
            return null;
        });

        LogRecord slow = sink.await(r -> named(r, SlowCallWatchdog.SLOW_CALL), 1, Duration.ofSeconds(10))
                .get(0);
        LogRecord hung = sink.await(r -> named(r, SlowCallWatchdog.HUNG_CALL), 1, Duration.ofSeconds(10))
                .get(0);
        assertThat(running).isNotDone();
        LogRecord started = sink.records(LogRecord::isStart).get(0);
        assertThat(slow.context().requestId()).isEqualTo("req-slow");
        assertThat(slow.context().parentOperationId()).isEqualTo(started.id());
        assertThat(slow.context().traceId()).isEqualTo(started.context().traceId());
        assertThat(slow.attributes())
                .containsEntry("procedure", "reports.build")
                .containsEntry("http.path", "/reports")
                .containsEntry("thresholdMs", 50L);
        assertThat((Long) slow.attributes().get("elapsedMs")).isGreaterThanOrEqualTo(50L);
        assertThat(hung.level()).isEqualTo(org.slf4j.event.Level.ERROR);
        assertThat(hung.attributes().get("thread")).asString().startsWith("slow-test-");
        assertThat((List<?>) hung.attributes().get("stack")).isNotEmpty();

        release.countDown();
        running.get(10, TimeUnit.SECONDS);
        LogRecord done = sink.records(r -> r.kind() == LogRecord.Kind.OPERATION && !r.isStart())
                .get(0);
        assertThat(done.attributes()).containsEntry("slow", true).containsEntry("hung", true);
        assertThat(watchdog.inFlight()).isZero();
    }

    @Test
    void aPerProcedureThresholdOverridesTheGlobalOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Procedure patient = Procedure.named("patient")
                .withSlowCallThreshold(Duration.ofHours(1))
                .withHungCallThreshold(Duration.ofHours(2));
        Procedure eager = Procedure.named("eager");
        Future<?> a = callers.submit(() -> {
            pipeline.handle(new TestCall("GET", "/a", patient), c -> release.await(30, TimeUnit.SECONDS));
            return null;
        });
        Future<?> b = callers.submit(() -> {
            pipeline.handle(new TestCall("GET", "/b", eager), c -> release.await(30, TimeUnit.SECONDS));
            return null;
        });

        sink.await(r -> named(r, SlowCallWatchdog.HUNG_CALL), 1, Duration.ofSeconds(10));
        release.countDown();
        a.get(10, TimeUnit.SECONDS);
        b.get(10, TimeUnit.SECONDS);

        assertThat(sink.records(r -> named(r, SlowCallWatchdog.SLOW_CALL)))
                .extracting(r -> r.attributes().get("procedure"))
                .containsExactly("eager");
    }

    @Test
    void aFastCallLeavesNoTraceButItsOwnRecord() throws Exception {
        pipeline.handle(TestCall.get("/fast"), c -> ((TestCall) c).status(200));

        assertThat(sink.records(r -> r.kind() == LogRecord.Kind.EVENT)).isEmpty();
        assertThat(sink.records(r -> !r.isStart()).get(0).attributes()).doesNotContainKey("slow");
        assertThat(pipeline.names())
                .containsExactly(Pipeline.REQUEST_CONTEXT, Pipeline.CALL_RECORD, Pipeline.SLOW_CALLS);
    }

    private static long watchdogThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("corekit-slow-calls"))
                .count();
    }

    @Test
    void callsAddNoThreadsTheOneWatchdogThreadServesThemAll() throws Exception {
        long before = watchdogThreads();
        CountDownLatch release = new CountDownLatch(1);
        List<Future<?>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(callers.submit(() -> {
                pipeline.handle(TestCall.get("/x"), c -> release.await(30, TimeUnit.SECONDS));
                return null;
            }));
        }
        sink.await(r -> named(r, SlowCallWatchdog.SLOW_CALL), 4, Duration.ofSeconds(10));

        assertThat(watchdogThreads()).isEqualTo(before).isPositive();
        assertThat(sink.records(r -> named(r, SlowCallWatchdog.SLOW_CALL)))
                .extracting(LogRecord::thread)
                .containsOnly("corekit-slow-calls-1");
        release.countDown();
        for (Future<?> call : calls) {
            call.get(10, TimeUnit.SECONDS);
        }
        assertThat(watchdog.tick()).isEqualTo(Duration.ofMillis(5));
    }
}
