package dev.corekit.logging.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Operations;
import dev.corekit.logging.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

/**
 * Red-team checks of the SLF4J fallback (this module's test classpath has no SinkProvider; Logback is the SLF4J
 * backend in test scope) and of InMemorySink.
 */
class Slf4jFallbackAndSinkRedTeamTest {

    final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    Logger rtLogger;

    static final class Hostile {
        @Override
        public String toString() {
            throw new IllegalStateException("toString exploded");
        }
    }

    static final class HostileMessage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage exploded");
        }
    }

    @BeforeEach
    void capture() {
        rtLogger = (Logger) LoggerFactory.getLogger("rtfallback");
        rtLogger.setLevel(ch.qos.logback.classic.Level.TRACE);
        appender.start();
        rtLogger.addAppender(appender);
    }

    @AfterEach
    void release() {
        rtLogger.detachAppender(appender);
    }

    static Map<String, Object> keyValues(ILoggingEvent event) {
        List<KeyValuePair> pairs = event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
        return pairs.stream()
                .collect(Collectors.toMap(p -> p.key, p -> p.value == null ? "null" : p.value, (a, b) -> b));
    }

    static String everything(ILoggingEvent event) {
        return event.getFormattedMessage() + " " + keyValues(event) + " " + event.getMDCPropertyMap() + " "
                + (event.getThrowableProxy() == null
                        ? ""
                        : event.getThrowableProxy().getMessage());
    }

    // Doc (package): "Without a sink provider (the core-logging binding), records go out through SLF4J as structured
    // key-value events, so a service on any backend sees them."
    @Test
    void withoutAProviderOperationsReachSlf4jAsKeyValueEvents() {
        Operations.call("rtfallback.orders", op -> op.attr("items", 3));
        assertThat(appender.list).hasSize(2);
        Map<String, Object> completion = keyValues(appender.list.get(1));
        assertThat(completion.values().stream().map(String::valueOf).collect(Collectors.toList()))
                .contains("SUCCEEDED");
        assertThat(completion).containsValue(3);
    }

    // Doc (package): "and never leaks a secret (values under sensitive keys are redacted before a record exists)" -
    // also on the SLF4J path.
    @Test
    void slf4jEventsNeverCarryARedactedSecret() {
        try (Scope scope =
                CallContext.newRequest().withBaggage("k", "BAGGAGE-VALUE").activate()) {
            Operations.run("rtfallback.login", op -> {
                op.attr("password", "SECRET-PW");
                op.attr("headers", Map.of("Authorization", "Bearer SECRET-TOKEN"));
                op.stage("checked", Map.of("api_key", "SECRET-KEY"));
            });
            Operations.event(Level.WARN, "rtfallback.events", "login", Map.of("X-Api-Key", "SECRET-EV"), null);
        }
        assertThat(appender.list).hasSize(3);
        for (ILoggingEvent event : appender.list) {
            assertThat(everything(event))
                    .doesNotContain("SECRET-PW", "SECRET-TOKEN", "SECRET-KEY", "SECRET-EV", "BAGGAGE-VALUE");
        }
    }

    // Doc (package): "logging never breaks the business call (a recorder never throws from emitting, whatever a caller
    // attaches ...)" - through the SLF4J fallback too.
    @Test
    void hostileValuesNeverBreakTheCallOnTheSlf4jPath() {
        assertThatCode(() -> {
                    Integer result = Operations.call("rtfallback.hostile", op -> {
                        op.attr("hostile", new Hostile());
                        op.attr(null, null);
                        op.stage(null, Map.of("h", new Hostile()));
                        return 42;
                    });
                    assertThat(result).isEqualTo(42);
                })
                .doesNotThrowAnyException();
        HostileMessage failure = new HostileMessage();
        assertThatThrownBy(() -> Operations.run("rtfallback.hostile-fail", op -> {
                    throw failure;
                }))
                .isSameAs(failure);
        assertThatCode(() -> Operations.event(Level.ERROR, "rtfallback.ev", null, Map.of("h", new Hostile()), failure))
                .doesNotThrowAnyException();
        assertThat(appender.list).hasSize(5);
    }

    // Doc (GlobalRecorder): "Built on first use from LoggingSettings.fromEnvironment() and the sinks of every
    // SinkProvider on the classpath (with none, an SLF4J sink)." / get(): "built on first use" (one instance)
    @Test
    void globalRecorderIsBuiltOnceWithOneSink() {
        Recorder first = GlobalRecorder.get();
        assertThat(GlobalRecorder.get()).isSameAs(first);
        assertThat(first.sinks()).hasSize(1);
    }

    // Doc (GlobalRecorder): first use "built once" - racing first users see one recorder.
    @Test
    void concurrentGetsSeeOneRecorder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Recorder>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return GlobalRecorder.get();
                }));
            }
            go.countDown();
            Recorder first = results.get(0).get(10, TimeUnit.SECONDS);
            for (Future<Recorder> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // Doc (InMemorySink): "Keeps every record in memory, in arrival order" / accept "safe to call from many threads"
    @Test
    void inMemorySinkKeepsEveryRecordFromManyThreads() throws Exception {
        InMemorySink sink = new InMemorySink();
        Recorder recorder = Recorder.of(sink);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        recorder.event(Level.INFO, "rt", "m" + i, null, null);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sink.records()).hasSize(8000);
    }

    // Doc (InMemorySink.records): "A snapshot of every record so far." / clear(): "Forgets every record."
    @Test
    void recordsIsASnapshotAndClearForgets() {
        InMemorySink sink = new InMemorySink();
        Recorder recorder = Recorder.of(sink);
        recorder.event(Level.INFO, "rt", "one", null, null);
        List<LogRecord> snapshot = sink.records();
        recorder.event(Level.INFO, "rt", "two", null, null);
        assertThat(snapshot).hasSize(1);
        sink.clear();
        assertThat(sink.records()).isEmpty();
        assertThat(snapshot).hasSize(1);
        assertThat(sink.records(r -> true)).isEmpty();
        assertThatCode(sink::toString).doesNotThrowAnyException();
    }

    // Doc (InMemorySink.await): "Waits until count records match, for records emitted on other threads. Throws:
    // AssertionError - if they do not within timeout"
    @Test
    void awaitWaitsForOtherThreadsAndFailsWithAnAssertionErrorOnTimeout() throws Exception {
        InMemorySink sink = new InMemorySink();
        Recorder recorder = Recorder.of(sink);
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recorder.event(Level.INFO, "rt", "late", null, null);
        });
        later.start();
        assertThat(sink.await(r -> "late".equals(r.message()), 1, Duration.ofSeconds(10)))
                .hasSize(1);
        assertThatThrownBy(() -> sink.await(r -> "never".equals(r.message()), 1, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class);
    }

    // Doc (Sink): "accept(...) ... never throws" - InMemorySink is a Sink.
    @Test
    void inMemorySinkAcceptNeverThrowsEvenForNull() {
        InMemorySink sink = new InMemorySink();
        assertThatCode(() -> sink.accept(null)).doesNotThrowAnyException();
    }
}
