package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults the broker itself causes, on the real RabbitMQ through rabbitmqctl: every connection force-closed, the broker
 * application stopped and started, a memory alarm that blocks publishers. Each test leaves the broker running and
 * un-alarmed, even when it fails.
 */
class BrokerFaultTest {
    record Ping(int n) {}

    static final EventType<Ping> PING = EventType.of("test.ping", 1, Ping.class);

    private final InMemorySink sink = new InMemorySink();
    private final List<Health> transitions = new CopyOnWriteArrayList<>();
    private final Set<Integer> handled = ConcurrentHashMap.newKeySet();
    private MessagingSettings settings;
    private Messaging messaging;
    private EventConsumer consumer;

    @BeforeEach
    void setUp() throws Exception {
        settings = Rabbit.settings().publishTimeout(Duration.ofSeconds(30)).build();
        messaging = Messaging.custom()
                .settings(settings)
                .recorder(Recorder.of(sink))
                .build();
        messaging.addHealthListener(transitions::add);
        consumer = messaging
                .consumer(Rabbit.unique("test-broker-fault"))
                .on(PING, event -> handled.add(event.payload().n()))
                .idempotencyStore(IdempotencyStore.inMemory())
                .start();
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10)))
                .as(() -> messaging.healthDetail() + " " + sink.records())
                .isTrue();
        transitions.clear();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            messaging.awaitHealth(Health.UP, Duration.ofSeconds(20));
            consumer.delete();
            messaging.close();
        } finally {
            try (Connection admin = Rabbit.admin()) {
                Channel channel = admin.createChannel();
                channel.exchangeDelete(settings.exchange());
                channel.exchangeDelete(settings.exchange() + ".retry");
            }
        }
    }

    @AfterAll
    static void leaveTheBrokerRunning() throws Exception {
        Rabbit.restoreBroker();
    }

    private List<CompletableFuture<PublishReceipt>> publish(int from, int to) {
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            futures.add(messaging.publisher().publish(PING, new Ping(i)));
        }
        return futures;
    }

    private static void allConfirmed(List<CompletableFuture<PublishReceipt>> futures) throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    private void awaitHandled(int count) throws InterruptedException {
        Rabbit.await(count + " events handled", Duration.ofSeconds(30), () -> handled.size() == count);
    }

    @Test
    void everyConnectionForceClosedRecoversPublishingAndConsuming() throws Exception {
        allConfirmed(publish(0, 10));
        awaitHandled(10);

        Rabbit.ctl("close_all_connections", "corekit fault test");

        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        awaitLastTransition(Health.UP);
        assertThat(transitions)
                .containsSubsequence(Health.RECOVERING, Health.UP)
                .endsWith(Health.UP);
        allConfirmed(publish(10, 20));
        awaitHandled(20);
        assertThat(sink.records(r -> r.name().equals("messaging.connection-lost")))
                .extracting(r -> r.message())
                .anySatisfy(m -> assertThat(m).contains("320 CONNECTION_FORCED - corekit fault test"));
    }

    @Test
    void aBrokerStoppedAndStartedGetsEveryBufferedPublishOnceItIsBack() throws Exception {
        allConfirmed(publish(0, 5));
        awaitHandled(5);
        List<CompletableFuture<PublishReceipt>> whileDown;
        try {
            Rabbit.ctl("stop_app");
            Rabbit.await("recovering", Duration.ofSeconds(10), () -> messaging.health() == Health.RECOVERING);
            whileDown = publish(5, 25);
            assertThat(whileDown).noneMatch(CompletableFuture::isDone);
            assertThat(messaging.healthDetail()).contains("RECOVERING");
        } finally {
            Rabbit.ctl("start_app");
        }

        allConfirmed(whileDown);
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        awaitHandled(25);
        awaitLastTransition(Health.UP);
        assertThat(transitions).contains(Health.RECOVERING).endsWith(Health.UP);
    }

    @Test
    void aMemoryAlarmBlocksThePublisherButNotTheConsumers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> slow = new CopyOnWriteArrayList<>();
        EventType<Ping> slowPing = EventType.of("test.slow-ping", 1, Ping.class);
        EventConsumer slowConsumer = messaging
                .consumer(Rabbit.unique("test-alarm"))
                .concurrency(1)
                .on(slowPing, event -> {
                    release.await();
                    slow.add(event.payload().n());
                })
                .start();
        try {
            assertThat(slowConsumer.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
            for (int i = 0; i < 3; i++) {
                messaging.publisher().publish(slowPing, new Ping(i)).get(10, TimeUnit.SECONDS);
            }
            CompletableFuture<PublishReceipt> blocked;
            try {
                Rabbit.raiseMemoryAlarm();
                // the broker blocks a connection when it next publishes: this publish makes it notice
                blocked = messaging.publisher().publish(PING, new Ping(100));
                Rabbit.await("blocked", Duration.ofSeconds(10), () -> messaging.publisherHealth() == Health.BLOCKED);
                assertThat(messaging.health()).isEqualTo(Health.BLOCKED);
                assertThat(messaging.consumerHealth()).isEqualTo(Health.UP);
                List<CompletableFuture<PublishReceipt>> buffered = publish(101, 110);

                release.countDown();
                Rabbit.await("the consumer acks during the alarm", Duration.ofSeconds(10), () -> slow.size() == 3);
                assertThat(blocked).isNotDone();
                assertThat(buffered).noneMatch(CompletableFuture::isDone);
                assertThat(messaging.publisherHealth()).isEqualTo(Health.BLOCKED);
                blocked = CompletableFuture.allOf(buffered.toArray(CompletableFuture[]::new))
                        .thenCombine(blocked, (all, receipt) -> receipt);
            } finally {
                Rabbit.clearAlarm();
            }
            blocked.get(30, TimeUnit.SECONDS);
            assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
            awaitLastTransition(Health.UP);
            assertThat(transitions).containsSubsequence(Health.BLOCKED, Health.UP);
        } finally {
            slowConsumer.delete();
        }
    }

    @Test
    void aPublishBlockedLongerThanItsDeadlineFailsAsTimedOut() throws Exception {
        try (Messaging shortDeadline = Messaging.custom()
                .settings(Rabbit.settings()
                        .exchange(settings.exchange())
                        .publishTimeout(Duration.ofSeconds(2))
                        .build())
                .recorder(Recorder.of(sink))
                .build()) {
            assertThat(shortDeadline.awaitHealth(Health.UP, Duration.ofSeconds(10)))
                    .isTrue();
            CompletableFuture<PublishReceipt> first;
            CompletableFuture<PublishReceipt> second;
            try {
                Rabbit.raiseMemoryAlarm();
                first = shortDeadline.publisher().publish(PING, new Ping(1));
                Rabbit.await("blocked", Duration.ofSeconds(10), () -> shortDeadline.health() == Health.BLOCKED);
                second = shortDeadline.publisher().publish(PING, new Ping(2));
                assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS))
                        .cause()
                        .isInstanceOfSatisfying(
                                PublishException.class,
                                e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.TIMED_OUT))
                        .hasMessageContaining("still buffered (the broker is BLOCKED)");
                assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
                        .cause()
                        .isInstanceOfSatisfying(
                                PublishException.class,
                                e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.TIMED_OUT))
                        .hasMessageContaining("sent 1 time(s), no confirm from the broker");
            } finally {
                Rabbit.clearAlarm();
            }
            assertThat(shortDeadline.awaitHealth(Health.UP, Duration.ofSeconds(10)))
                    .isTrue();
            assertThat(shortDeadline.pendingPublishes()).isZero();
        }
    }

    /** Health listeners run on the supervisor's thread: the last notification may trail awaitHealth by a moment. */
    private void awaitLastTransition(Health expected) throws InterruptedException {
        Rabbit.await(
                "a " + expected + " notification",
                Duration.ofSeconds(10),
                () -> !transitions.isEmpty() && transitions.get(transitions.size() - 1) == expected);
    }
}
