package dev.corekit.auth.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import dev.corekit.auth.SlowCallWatchdog;
import dev.corekit.context.CallContext;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** Red team against {@link SlowCallWatchdog}. */
class WatchdogRedTeamTest {
    final InMemorySink sink = new InMemorySink();
    final Recorder recorder = Recorder.of(sink);
    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    SlowCallWatchdog watchdog(Duration slow, Duration hung) {
        SlowCallWatchdog w = SlowCallWatchdog.of(slow, hung, recorder);
        closeables.add(w);
        return w;
    }

    Pipeline pipeline(SlowCallWatchdog w, Procedure... routed) {
        Procedures.Builder routes = Procedures.builder();
        for (Procedure p : routed) {
            routes.route("GET", "/" + p.name(), p);
        }
        return Pipeline.builder()
                .recorder(recorder)
                .slowCalls(w)
                .procedures(routes.build())
                .build();
    }

    List<LogRecord> named(String name) {
        return sink.records(r -> r.name().equals(name));
    }

    LogRecord completionOf(String procedure) {
        List<LogRecord> done = sink.records(r ->
                r.kind() == LogRecord.Kind.OPERATION && !r.isStart() && r.name().equals(procedure));
        assertThat(done).hasSize(1);
        return done.get(0);
    }

    /** Runs one call on another thread; the handler blocks until {@code release} opens. */
    Future<Rt.RtCall> runBlocked(
            Pipeline p, String path, String requestId, CountDownLatch release, AtomicReference<CallContext> seen) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        closeables.add(pool::shutdownNow);
        return pool.submit(() -> Rt.RtCall.of(p, "GET", path)
                .header("x-request-id", requestId)
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .run(p, c -> {
                    if (seen != null) {
                        seen.set(CallContext.current());
                    }
                    parkInARecognizableFrame(release);
                    c.respond(200, "text/plain", new byte[0]);
                }));
    }

    static void parkInARecognizableFrame(CountDownLatch release) throws InterruptedException {
        release.await(30, TimeUnit.SECONDS);
    }

    // "emits ... a "corekit.call.slow" record (WARN) when a call crosses its slow threshold" -- "while they still run".
    // "Both carry the call's full context (request id, trace, the call's operation as parent) and the procedure,
    // method, path, elapsed time and threshold." "When the call ends, its operation record gets slow=true"
    @Test
    void aSlowRecordWithFullContextIsEmittedWhileTheCallStillRuns() throws Exception {
        SlowCallWatchdog w = watchdog(Duration.ofMillis(50), Duration.ofSeconds(20));
        Pipeline p = pipeline(w, Procedure.named("reports.build"));
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<CallContext> seen = new AtomicReference<>();
        Future<Rt.RtCall> call = runBlocked(p, "/reports.build", "rq-slow", release, seen);

        List<LogRecord> slow = sink.await(r -> r.name().equals(SlowCallWatchdog.SLOW_CALL), 1, Duration.ofSeconds(10));
        assertThat(call.isDone()).as("the call is still running").isFalse();
        assertThat(w.inFlight()).isEqualTo(1);
        release.countDown();
        call.get(10, TimeUnit.SECONDS);

        LogRecord record = slow.get(0);
        assertThat(SlowCallWatchdog.SLOW_CALL).isEqualTo("corekit.call.slow");
        assertThat(record.level()).isEqualTo(Level.WARN);
        assertThat(record.context().requestId()).isEqualTo("rq-slow");
        assertThat(record.context().traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(record.context().parentOperationId()).isEqualTo(seen.get().operationId());
        assertThat(record.attributes().values().stream().map(String::valueOf).collect(Collectors.toList()))
                .contains("reports.build", "GET", "/reports.build");
        assertThat(record.attributes()).hasSizeGreaterThanOrEqualTo(5);
        LogRecord done = completionOf("reports.build");
        assertThat(done.attributes()).containsEntry("slow", true);
        assertThat(done.attributes().get("hung")).isNotEqualTo(true);
        assertThat(w.inFlight()).isZero();
    }

    // "a "corekit.call.hung" record (ERROR, with the stack of the thread serving it) when it crosses its hung
    // threshold"
    // "(and hung=true)"
    @Test
    void aHungRecordCarriesTheServingThreadsStackWhileTheCallStillRuns() throws Exception {
        SlowCallWatchdog w = watchdog(Duration.ofMillis(20), Duration.ofMillis(200));
        Pipeline p = pipeline(w, Procedure.named("stuck"));
        CountDownLatch release = new CountDownLatch(1);
        Future<Rt.RtCall> call = runBlocked(p, "/stuck", "rq-hung", release, null);

        List<LogRecord> hung = sink.await(r -> r.name().equals(SlowCallWatchdog.HUNG_CALL), 1, Duration.ofSeconds(10));
        assertThat(call.isDone()).isFalse();
        release.countDown();
        call.get(10, TimeUnit.SECONDS);

        LogRecord record = hung.get(0);
        assertThat(SlowCallWatchdog.HUNG_CALL).isEqualTo("corekit.call.hung");
        assertThat(record.level()).isEqualTo(Level.ERROR);
        assertThat(record.context().requestId()).isEqualTo("rq-hung");
        assertThat(Rt.dump(record)).contains("parkInARecognizableFrame");
        // HUNG_STACK_FRAMES: "Frames of the serving thread's stack in a hung-call record."
        assertThat(record.attributes().values())
                .anySatisfy(v -> assertThat(v)
                        .isInstanceOf(List.class)
                        .satisfies(l -> assertThat((List<?>) l)
                                .isNotEmpty()
                                .hasSizeLessThanOrEqualTo(SlowCallWatchdog.HUNG_STACK_FRAMES)));
        LogRecord done = completionOf("stuck");
        assertThat(done.attributes()).containsEntry("slow", true).containsEntry("hung", true);
        assertThat(named(SlowCallWatchdog.SLOW_CALL)).hasSize(1);
        assertThat(named(SlowCallWatchdog.HUNG_CALL)).hasSize(1);
    }

    // "emits ... a "corekit.call.slow" record ... when a call crosses its slow threshold" -- once, not every tick.
    @Test
    void aLongSlowCallGetsOneSlowRecordNotOnePerTick() throws Exception {
        SlowCallWatchdog w = watchdog(Duration.ofMillis(20), Duration.ofSeconds(20));
        assertThat(w.tick()).isEqualTo(Duration.ofMillis(5));
        Pipeline p = pipeline(w, Procedure.named("long"));
        CountDownLatch release = new CountDownLatch(1);
        Future<Rt.RtCall> call = runBlocked(p, "/long", "rq-long", release, null);
        sink.await(r -> r.name().equals(SlowCallWatchdog.SLOW_CALL), 1, Duration.ofSeconds(10));
        Thread.sleep(300);
        release.countDown();
        call.get(10, TimeUnit.SECONDS);
        assertThat(named(SlowCallWatchdog.SLOW_CALL)).hasSize(1);
        assertThat(named(SlowCallWatchdog.HUNG_CALL)).isEmpty();
    }

    // A fast call crosses no threshold: no slow record, and its completed record does not say slow.
    // ("when a call crosses its slow threshold")
    @Test
    void aFastCallIsNeverReportedSlow() throws Exception {
        SlowCallWatchdog w = watchdog(Duration.ofMillis(200), Duration.ofSeconds(2));
        Pipeline p = pipeline(w, Procedure.named("fast"));
        Rt.RtCall.of(p, "GET", "/fast").run(p, Rt.OK);
        Thread.sleep(400);
        assertThat(named(SlowCallWatchdog.SLOW_CALL)).isEmpty();
        assertThat(completionOf("fast").attributes().get("slow")).isNotEqualTo(true);
    }

    // Procedure: "optional slow/hung thresholds that override the global ones for this procedure" / SlowCallWatchdog:
    // "thresholds global with per-procedure override"
    @Test
    void perProcedureThresholdsOverrideTheGlobalOnesBothWays() throws Exception {
        SlowCallWatchdog lax = watchdog(Duration.ofSeconds(10), Duration.ofSeconds(60));
        Procedure strict = Procedure.named("strict").withSlowCallThreshold(Duration.ofMillis(30));
        Pipeline p = pipeline(lax, strict);
        CountDownLatch release = new CountDownLatch(1);
        Future<Rt.RtCall> call = runBlocked(p, "/strict", "rq-strict", release, null);
        LogRecord slowRecord = sink.await(r -> r.name().equals(SlowCallWatchdog.SLOW_CALL), 1, Duration.ofSeconds(10))
                .get(0);
        release.countDown();
        call.get(10, TimeUnit.SECONDS);
        assertThat(completionOf("strict").attributes()).containsEntry("slow", true);
        // "Both carry ... elapsed time and threshold": the threshold is the procedure's own (30 ms), not the global 10
        // s
        assertThat(slowRecord.attributes().values())
                .anySatisfy(v -> assertThat(v)
                        .isInstanceOf(Number.class)
                        .satisfies(n -> assertThat(((Number) n).longValue()).isEqualTo(30L)));
        assertThat(slowRecord.attributes().values())
                .noneSatisfy(v -> assertThat(v)
                        .isInstanceOf(Number.class)
                        .satisfies(n -> assertThat(((Number) n).longValue()).isEqualTo(10_000L)));

        SlowCallWatchdog tight = watchdog(Duration.ofMillis(20), Duration.ofSeconds(60));
        Procedure relaxed = Procedure.named("relaxed").withSlowCallThreshold(Duration.ofSeconds(10));
        Pipeline q = pipeline(tight, relaxed);
        CountDownLatch release2 = new CountDownLatch(1);
        Future<Rt.RtCall> call2 = runBlocked(q, "/relaxed", "rq-relaxed", release2, null);
        Thread.sleep(300);
        release2.countDown();
        call2.get(10, TimeUnit.SECONDS);
        assertThat(sink.records(r -> r.name().equals(SlowCallWatchdog.SLOW_CALL)
                        && "rq-relaxed".equals(r.context().requestId())))
                .isEmpty();
        assertThat(completionOf("relaxed").attributes().get("slow")).isNotEqualTo(true);
    }

    // Procedure.withHungCallThreshold: "This procedure with its own hung-call threshold."
    @Test
    void aPerProcedureHungThresholdOverridesTheGlobalOne() throws Exception {
        SlowCallWatchdog lax = watchdog(Duration.ofSeconds(10), Duration.ofSeconds(60));
        Procedure p = Procedure.named("tight")
                .withSlowCallThreshold(Duration.ofMillis(20))
                .withHungCallThreshold(Duration.ofMillis(120));
        Pipeline pipe = pipeline(lax, p);
        CountDownLatch release = new CountDownLatch(1);
        Future<Rt.RtCall> call = runBlocked(pipe, "/tight", "rq-tight", release, null);
        List<LogRecord> hung = sink.await(r -> r.name().equals(SlowCallWatchdog.HUNG_CALL), 1, Duration.ofSeconds(10));
        assertThat(call.isDone()).isFalse();
        release.countDown();
        call.get(10, TimeUnit.SECONDS);
        assertThat(hung.get(0).context().requestId()).isEqualTo("rq-tight");
        assertThat(completionOf("tight").attributes()).containsEntry("hung", true);
    }

    // "When the call ends, its operation record gets slow=true" -- however it ends.
    @Test
    void aSlowCallThatFailsStillSaysSlow() throws Exception {
        SlowCallWatchdog w = watchdog(Duration.ofMillis(20), Duration.ofSeconds(20));
        Pipeline p = pipeline(w, Procedure.named("slowfail"));
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/slowfail").run(p, c -> {
            Thread.sleep(200);
            throw new IllegalStateException("boom");
        });
        assertThat(call.status()).isEqualTo(500);
        LogRecord done = completionOf("slowfail");
        assertThat(done.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(done.attributes()).containsEntry("slow", true);
        assertThat(w.inFlight()).isZero();
    }

    static Set<Thread> corekitThreads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().startsWith("dev.corekit.")))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    // "ONE watchdog thread (not a thread or timer per call)" / "Thread-safe; close() stops the thread."
    @Test
    void oneWatchdogThreadWhateverTheNumberOfCallsAndCloseStopsIt() throws Exception {
        int calls = 64;
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(calls, calls, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        closeables.add(pool::shutdownNow);
        pool.prestartAllCoreThreads();
        Set<Thread> baseline = Set.copyOf(Thread.getAllStackTraces().keySet());

        SlowCallWatchdog w = SlowCallWatchdog.of(Duration.ofMillis(20), Duration.ofMillis(150), recorder);
        closeables.add(w);
        Pipeline p = pipeline(w, Procedure.named("many"));
        CountDownLatch release = new CountDownLatch(1);
        List<Future<Rt.RtCall>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String rid = "rq-many-" + i;
            futures.add(pool.submit(() -> Rt.RtCall.of(p, "GET", "/many")
                    .header("x-request-id", rid)
                    .run(p, c -> {
                        parkInARecognizableFrame(release);
                        c.respond(200, "text/plain", new byte[0]);
                    })));
        }
        sink.await(r -> r.name().equals(SlowCallWatchdog.HUNG_CALL), calls, Duration.ofSeconds(20));
        assertThat(w.inFlight()).isEqualTo(calls);
        Set<Thread> extra = corekitThreads();
        extra.removeAll(baseline);
        assertThat(extra)
                .as("new threads running corekit code while %d calls are watched", calls)
                .hasSizeLessThanOrEqualTo(1);
        release.countDown();
        for (Future<Rt.RtCall> f : futures) {
            f.get(20, TimeUnit.SECONDS);
        }
        assertThat(w.inFlight()).isZero();
        // every watched call got its own slow and hung record, with its own request id
        Set<String> slowIds = ConcurrentHashMap.newKeySet();
        named(SlowCallWatchdog.SLOW_CALL).forEach(r -> slowIds.add(r.context().requestId()));
        assertThat(slowIds).hasSize(calls);
        assertThat(named(SlowCallWatchdog.SLOW_CALL)).hasSize(calls);

        Set<Thread> watchdogThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !baseline.contains(t))
                .filter(t -> Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getClassName().startsWith("dev.corekit.")))
                .collect(Collectors.toSet());
        w.close();
        for (Thread t : watchdogThreads) {
            t.join(2000);
            assertThat(t.isAlive()).as("thread %s after close()", t.getName()).isFalse();
        }
    }

    // tick(): "How often the watchdog checks: a tenth of the slow threshold, between 5 ms and 100 ms."
    @Test
    void theTickIsATenthOfTheSlowThresholdClamped() throws Exception {
        assertThat(watchdog(Duration.ofSeconds(1), Duration.ofSeconds(30)).tick())
                .isEqualTo(Duration.ofMillis(100));
        assertThat(watchdog(Duration.ofMillis(500), Duration.ofSeconds(30)).tick())
                .isEqualTo(Duration.ofMillis(50));
        assertThat(watchdog(Duration.ofMillis(10), Duration.ofSeconds(30)).tick())
                .isEqualTo(Duration.ofMillis(5));
        assertThat(watchdog(Duration.ofSeconds(30), Duration.ofSeconds(60)).tick())
                .isEqualTo(Duration.ofMillis(100));
    }

    // of: "IllegalArgumentException - unless hung is longer than slow, both positive"
    @Test
    void thresholdsAreValidated() throws Exception {
        Duration one = Duration.ofSeconds(1);
        assertThatThrownBy(() -> SlowCallWatchdog.of(one, one, recorder)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SlowCallWatchdog.of(Duration.ofSeconds(2), one, recorder))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SlowCallWatchdog.of(Duration.ZERO, one, recorder))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SlowCallWatchdog.of(Duration.ofSeconds(-1), one, recorder))
                .isInstanceOf(IllegalArgumentException.class);
        // Procedure: "unless positive and shorter than this procedure's hung threshold, if set"
        assertThatThrownBy(() -> Procedure.named("p").withSlowCallThreshold(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Procedure.named("p").withHungCallThreshold(one).withSlowCallThreshold(one))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Procedure.named("p")
                        .withSlowCallThreshold(Duration.ofSeconds(5))
                        .withHungCallThreshold(one))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // inFlight(): "How many calls are being watched now." -- back to zero after thousands of calls, failed ones too.
    @Test
    void inFlightReturnsToZeroAfterThousandsOfCallsIncludingFailures() throws Exception {
        SlowCallWatchdog w = watchdog(Duration.ofSeconds(1), Duration.ofSeconds(5));
        Pipeline p = pipeline(w, Procedure.named("bulk"));
        ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 8, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        closeables.add(pool::shutdownNow);
        List<Future<Rt.RtCall>> futures = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            boolean fail = i % 3 == 0;
            futures.add(pool.submit(() -> Rt.RtCall.of(p, "GET", "/bulk").run(p, c -> {
                if (fail) {
                    throw new IllegalStateException("x");
                }
                c.respond(200, "text/plain", new byte[0]);
            })));
        }
        for (Future<Rt.RtCall> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(w.inFlight()).isZero();
        assertThat(named(SlowCallWatchdog.SLOW_CALL)).isEmpty();
    }
}
