package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fan-out on the real RabbitMQ: pages published in parallel, handled once each, retried alone, the job recorded. */
class FanOutTest {
    record Export(String filter) {}

    private final InMemorySink sink = new InMemorySink();
    private final List<EventConsumer> workers = new ArrayList<>();
    private final JobLedger ledger = JobLedger.inMemory();
    private MessagingSettings settings;
    private Messaging messaging;
    private String queue;

    @BeforeEach
    void setUp() throws Exception {
        settings = Rabbit.settings().maxAttempts(3).build();
        messaging = Messaging.custom()
                .settings(settings)
                .recorder(Recorder.of(sink))
                .build();
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        queue = Rabbit.unique("test-fanout");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (EventConsumer worker : workers) {
            worker.delete();
        }
        messaging.close();
        try (Connection admin = Rabbit.admin()) {
            Channel channel = admin.createChannel();
            channel.exchangeDelete(settings.exchange());
            channel.exchangeDelete(settings.exchange() + ".retry");
        }
    }

    private EventConsumer startWorker(
            FanOut<Export> fanOut,
            FanOut.PageHandler<Export> handler,
            List<JobStatus> completions,
            IdempotencyStore store)
            throws InterruptedException {
        EventConsumer worker = fanOut.worker(messaging, queue)
                .idempotencyStore(store)
                .onJobCompleted(completions::add)
                .start(handler);
        workers.add(worker);
        assertThat(worker.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
        return worker;
    }

    @Test
    void aJobIsSplitIntoPagesEachHandledOnceAndTheJobCompletesOnce() throws Exception {
        FanOut<Export> exports = FanOut.of("exports.rows", Export.class, 100, ledger);
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<FanOut.Page<Export>> pages = new CopyOnWriteArrayList<>();
        List<JobStatus> completions = new CopyOnWriteArrayList<>();
        IdempotencyStore store = IdempotencyStore.inMemory();
        FanOut.PageHandler<Export> handler = page -> {
            runs.computeIfAbsent(page.index(), i -> new AtomicInteger()).incrementAndGet();
            pages.add(page);
        };
        startWorker(exports, handler, completions, store);
        startWorker(exports, handler, completions, store); // a second instance competing for pages

        JobStatus started = exports.start(messaging, "export-1", new Export("country=FR"), () -> 1_050)
                .get(10, TimeUnit.SECONDS);

        assertThat(started.pages()).isEqualTo(11);
        assertThat(started.total()).isEqualTo(1_050);
        Rabbit.await("the job completes", Duration.ofSeconds(20), () -> completions.size() == 1);
        assertThat(runs)
                .hasSize(11)
                .allSatisfy((page, count) -> assertThat(count.get()).isEqualTo(1));
        FanOut.Page<Export> last =
                pages.stream().filter(p -> p.index() == 10).findFirst().orElseThrow();
        assertThat(last.offset()).isEqualTo(1_000);
        assertThat(last.limit()).isEqualTo(50);
        assertThat(last.count()).isEqualTo(11);
        assertThat(last.job()).isEqualTo(new Export("country=FR"));
        JobStatus done = completions.get(0);
        assertThat(done.succeeded()).isEqualTo(11);
        assertThat(done.failed()).isZero();
        assertThat(done.completed()).isTrue();
        LogRecord completed = sink.await(r -> r.name().equals("fanout.job.completed"), 1, Duration.ofSeconds(5))
                .get(0);
        assertThat(completed.attributes())
                .containsEntry("jobId", "export-1")
                .containsEntry("pages", 11)
                .containsEntry("succeeded", 11)
                .containsEntry("failed", 0);
        assertThat(sink.records(r -> r.name().equals("fanout.start")))
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
    }

    @Test
    void aPageThatKeepsFailingRetriesAloneIsRecordedFailedAndTheJobStillCompletes() throws Exception {
        FanOut<Export> exports = FanOut.of("exports.rows", Export.class, 10, ledger);
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<JobStatus> completions = new CopyOnWriteArrayList<>();
        startWorker(
                exports,
                page -> {
                    runs.computeIfAbsent(page.index(), i -> new AtomicInteger()).incrementAndGet();
                    if (page.index() == 3) {
                        throw new IllegalStateException("page 3 is broken");
                    }
                },
                completions,
                IdempotencyStore.inMemory());

        exports.start(messaging, "export-2", new Export("all"), () -> 50).get(10, TimeUnit.SECONDS);

        Rabbit.await("the job completes", Duration.ofSeconds(20), () -> completions.size() == 1);
        JobStatus done = completions.get(0);
        assertThat(done.succeeded()).isEqualTo(4);
        assertThat(done.failed()).isEqualTo(1);
        assertThat(done.failures().get(3))
                .isEqualTo("RETRIES_EXHAUSTED: java.lang.IllegalStateException: page 3 is broken");
        assertThat(runs.get(3).get()).isEqualTo(3);
        assertThat(runs).allSatisfy((page, count) -> {
            if (page != 3) {
                assertThat(count.get()).isEqualTo(1);
            }
        });
    }

    @Test
    void startingTheSameJobAgainRunsNoPageTwice() throws Exception {
        FanOut<Export> exports = FanOut.of("exports.rows", Export.class, 10, ledger);
        AtomicInteger runs = new AtomicInteger();
        List<JobStatus> completions = new CopyOnWriteArrayList<>();
        startWorker(exports, page -> runs.incrementAndGet(), completions, IdempotencyStore.inMemory());

        exports.start(messaging, "export-3", new Export("all"), () -> 30).get(10, TimeUnit.SECONDS);
        exports.start(messaging, "export-3", new Export("all"), () -> 30).get(10, TimeUnit.SECONDS);

        Rabbit.await("the job completes", Duration.ofSeconds(20), () -> completions.size() == 1);
        sink.await(r -> "duplicate".equals(r.attributes().get("outcome")), 3, Duration.ofSeconds(10));
        assertThat(runs.get()).isEqualTo(3);
        assertThat(completions).hasSize(1);
    }

    @Test
    void anEmptyJobIsCompleteAtOnceAndBadInputIsRefused() throws Exception {
        FanOut<Export> exports = FanOut.of("exports.rows", Export.class, 10, ledger);

        JobStatus empty = exports.start(messaging, "export-0", new Export("none"), () -> 0)
                .get(10, TimeUnit.SECONDS);

        assertThat(empty.pages()).isZero();
        assertThat(empty.completed()).isTrue();
        assertThatThrownBy(() -> exports.start(messaging, "export-x", new Export("x"), () -> -1))
                .hasMessage("fan-out 'exports.rows' job export-x: the probe returned a negative size -1");
        assertThatThrownBy(() -> FanOut.of("exports.rows", Export.class, 0, ledger))
                .hasMessage("fan-out 'exports.rows': page size must be 1 or more, got 0");
        assertThatThrownBy(() -> exports.worker(messaging, queue).start(page -> {}))
                .hasMessageContaining("needs an idempotency store");
    }
}
