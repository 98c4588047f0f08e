package dev.corekit.messaging.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.EventConsumer;
import dev.corekit.messaging.FanOut;
import dev.corekit.messaging.IdempotencyStore;
import dev.corekit.messaging.JobLedger;
import dev.corekit.messaging.JobStatus;
import dev.corekit.messaging.Messaging;
import dev.corekit.messaging.MessagingSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Red team: fan-out of bulk jobs on the real RabbitMQ (empty jobs, failing pages, duplicate page events). */
class FanOutRedTeamTest {
    record Export(String filter) {}

    private final InMemorySink sink = new InMemorySink();
    private final List<EventConsumer> consumers = new ArrayList<>();
    private MessagingSettings settings;
    private Messaging messaging;
    private JobLedger ledger;
    private FanOut<Export> fanOut;

    @BeforeEach
    void setUp() {
        settings = RedTeamRabbit.settings().maxAttempts(2).build();
        messaging = Messaging.custom()
                .settings(settings)
                .recorder(Recorder.of(sink))
                .build();
        ledger = JobLedger.inMemory();
        fanOut = FanOut.of(RedTeamRabbit.unique("rt.export").replace("-", ".x"), Export.class, 10, ledger);
    }

    @AfterEach
    void tearDown() {
        for (EventConsumer consumer : consumers) {
            try {
                consumer.delete();
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        messaging.close();
        RedTeamRabbit.deleteExchanges(settings.exchange());
    }

    private EventConsumer worker(FanOut.PageHandler<Export> handler, List<JobStatus> completions) throws Exception {
        EventConsumer consumer = fanOut.worker(messaging, RedTeamRabbit.unique("rt-worker"))
                .idempotencyStore(IdempotencyStore.inMemory())
                .onJobCompleted(completions::add)
                .start(handler);
        consumers.add(consumer);
        assertThat(consumer.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
        return consumer;
    }

    @Test
    void emptyJobIsCompleteAtOnce() throws Exception {
        List<JobStatus> completions = new CopyOnWriteArrayList<>();
        AtomicInteger pages = new AtomicInteger();
        worker(page -> pages.incrementAndGet(), completions);
        JobStatus status = fanOut.start(messaging, "job-empty", new Export("none"), () -> 0)
                .get(10, TimeUnit.SECONDS);
        assertThat(status.completed()).isTrue();
        assertThat(status.pages()).isZero();
        assertThat(status.total()).isZero();
        assertThat(status.completedAt()).isNotNull();
        assertThat(ledger.status("job-empty"))
                .hasValueSatisfying(s -> assertThat(s.completed()).isTrue());
        assertThat(pages.get()).isZero();
    }

    @Test
    void negativeOrOverflowingSizesAreRefused() {
        assertThatThrownBy(() -> fanOut.start(messaging, "job-neg", new Export("x"), () -> -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fanOut.start(messaging, "job-huge", new Export("x"), () -> Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        long overMax = (long) FanOut.MAX_PAGES * 10 + 1;
        assertThatThrownBy(() -> fanOut.start(messaging, "job-over", new Export("x"), () -> overMax))
                .isInstanceOf(IllegalArgumentException.class);
        FanOut<Export> bigPages = FanOut.of("rt.bigpages", Export.class, Integer.MAX_VALUE, ledger);
        assertThatThrownBy(() -> bigPages.start(messaging, "job-big", new Export("x"), () -> Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ledger.status("job-neg")).isEmpty();
        assertThat(ledger.status("job-huge")).isEmpty();
    }

    @Test
    void probeThatThrowsFailsTheStartWithoutHanging() throws Exception {
        Throwable thrown;
        try {
            CompletableFuture<JobStatus> future = fanOut.start(messaging, "job-probe", new Export("x"), () -> {
                throw new IllegalStateException("probe failed");
            });
            thrown = catchThrowable(() -> future.get(5, TimeUnit.SECONDS));
            assertThat(thrown).isInstanceOf(ExecutionException.class);
            thrown = thrown.getCause();
        } catch (IllegalStateException direct) {
            thrown = direct;
        }
        assertThat(thrown).hasMessageContaining("probe failed");
        assertThat(ledger.status("job-probe")).isEmpty();
    }

    @Test
    void badJobIdsAreRefusedOrWork() throws Exception {
        assertThat(catchThrowable(() -> fanOut.start(messaging, null, new Export("x"), () -> 5)))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThat(catchThrowable(() -> fanOut.start(messaging, "job", new Export("x"), null)))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        // 128 characters: its page ids (<jobId>/<index>) would exceed the 128-character event id
        String longId = "j".repeat(128);
        CompletableFuture<JobStatus> future;
        try {
            future = fanOut.start(messaging, longId, new Export("x"), () -> 5);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            assertThat(ledger.status(longId))
                    .as("nothing recorded for a refused job")
                    .isEmpty();
            return;
        }
        Throwable failure = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
        assertThat(failure)
                .as("either it works or it is refused up front, never a half-started job")
                .isNull();
    }

    @Test
    void pagesCoverTheTotalExactly() throws Exception {
        List<JobStatus> completions = new CopyOnWriteArrayList<>();
        Map<Integer, FanOut.Page<Export>> pages = new ConcurrentHashMap<>();
        worker(page -> pages.put(page.index(), page), completions);
        fanOut.start(messaging, "job-25", new Export("f"), () -> 25).get(10, TimeUnit.SECONDS);
        RedTeamRabbit.await("completed", Duration.ofSeconds(20), () -> completions.size() == 1);
        assertThat(pages).hasSize(3);
        assertThat(pages.get(0).offset()).isZero();
        assertThat(pages.get(0).limit()).isEqualTo(10);
        assertThat(pages.get(2).offset()).isEqualTo(20);
        assertThat(pages.get(2).limit()).isEqualTo(5);
        assertThat(pages.get(1).count()).isEqualTo(3);
        assertThat(pages.get(1).total()).isEqualTo(25);
        assertThat(pages.get(1).job()).isEqualTo(new Export("f"));
        assertThat(completions.get(0).succeeded()).isEqualTo(3);
    }

    @Test
    void pageThatAlwaysFailsIsRecordedFailedAndTheJobCompletesOnce() throws Exception {
        List<JobStatus> completions = new CopyOnWriteArrayList<>();
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        worker(
                page -> {
                    calls.computeIfAbsent(page.index(), k -> new AtomicInteger())
                            .incrementAndGet();
                    if (page.index() == 1) {
                        throw new IllegalStateException("page 1 is cursed");
                    }
                },
                completions);
        fanOut.start(messaging, "job-fail", new Export("f"), () -> 30).get(10, TimeUnit.SECONDS);
        RedTeamRabbit.await("completed", Duration.ofSeconds(30), () -> completions.size() == 1);
        JobStatus status = completions.get(0);
        assertThat(status.failed()).isEqualTo(1);
        assertThat(status.succeeded()).isEqualTo(2);
        assertThat(status.failures()).containsOnlyKeys(1);
        assertThat(status.failures().get(1)).contains("cursed");
        assertThat(calls.get(1).get()).as("maxAttempts").isEqualTo(2);
        assertThat(sink.await(r -> "fanout.job.completed".equals(r.name()), 1, Duration.ofSeconds(5)))
                .hasSize(1);
    }

    @Test
    void startingTheSameJobTwiceRunsEachPageOnceAndCompletesOnce() throws Exception {
        List<JobStatus> completions = new CopyOnWriteArrayList<>();
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        worker(
                page -> calls.computeIfAbsent(page.index(), k -> new AtomicInteger())
                        .incrementAndGet(),
                completions);
        CompletableFuture<JobStatus> first = fanOut.start(messaging, "job-dup", new Export("f"), () -> 40);
        CompletableFuture<JobStatus> second = fanOut.start(messaging, "job-dup", new Export("f"), () -> 40);
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        RedTeamRabbit.await("completed", Duration.ofSeconds(20), () -> completions.size() == 1);
        // the duplicates of the second start were published after the first: wait for the queue to drain
        RedTeamRabbit.await("duplicates consumed", Duration.ofSeconds(20), () -> {
            try (var admin = RedTeamRabbit.admin()) {
                return admin.createChannel().messageCount(consumers.get(0).queueName()) == 0;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(calls).hasSize(4);
        assertThat(calls.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        assertThat(completions).hasSize(1);
        assertThat(ledger.status("job-dup").orElseThrow().succeeded()).isEqualTo(4);
        assertThat(sink.records(r -> "fanout.job.completed".equals(r.name()) && r.kind() != LogRecord.Kind.DROPS))
                .hasSize(1);
    }

    @Test
    void throwingCompletionListenerDoesNotRerunOrRecountTheJob() throws Exception {
        AtomicInteger listenerCalls = new AtomicInteger();
        AtomicInteger pageCalls = new AtomicInteger();
        EventConsumer consumer = fanOut.worker(messaging, RedTeamRabbit.unique("rt-worker"))
                .idempotencyStore(IdempotencyStore.inMemory())
                .onJobCompleted(status -> {
                    listenerCalls.incrementAndGet();
                    throw new IllegalStateException("listener exploded");
                })
                .start(page -> pageCalls.incrementAndGet());
        consumers.add(consumer);
        assertThat(consumer.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
        fanOut.start(messaging, "job-listener", new Export("f"), () -> 20).get(10, TimeUnit.SECONDS);
        RedTeamRabbit.await(
                "completed in the ledger",
                Duration.ofSeconds(20),
                () -> ledger.status("job-listener").map(JobStatus::completed).orElse(false));
        RedTeamRabbit.await("listener called", Duration.ofSeconds(10), () -> listenerCalls.get() >= 1);
        RedTeamRabbit.await("queue drained", Duration.ofSeconds(20), () -> {
            try (var admin = RedTeamRabbit.admin()) {
                return admin.createChannel().messageCount(consumer.queueName()) == 0;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(listenerCalls.get()).isEqualTo(1);
        assertThat(pageCalls.get()).isEqualTo(2);
        assertThat(ledger.status("job-listener").orElseThrow().failed()).isZero();
    }

    @Test
    void workerWithoutAnIdempotencyStoreIsRefused() {
        assertThatThrownBy(() -> fanOut.worker(messaging, RedTeamRabbit.unique("rt-worker"))
                        .start(page -> {}))
                .isInstanceOf(IllegalStateException.class);
        assertThat(catchThrowable(() -> fanOut.worker(messaging, RedTeamRabbit.unique("rt-worker"))
                        .idempotencyStore(IdempotencyStore.inMemory())
                        .start(null)))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    }
}
