package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One contract, every broker profile: what an application relies on must hold on RabbitMQ and on the embedded Qpid
 * Broker-J alike, with the topology each profile declares. Subclasses say how to reach the broker.
 */
abstract class BrokerContract {
    record OrderPlaced(String orderId, long cents) {}

    static final EventType<OrderPlaced> ORDER_PLACED = EventType.of("orders.placed", 1, OrderPlaced.class);
    static final EventType<OrderPlaced> UNROUTED = EventType.of("orders.unrouted", 1, OrderPlaced.class);

    final InMemorySink sink = new InMemorySink();
    final List<EventConsumer> consumers = new ArrayList<>();
    MessagingSettings settings;
    Messaging messaging;
    Connection admin;
    String queue;

    /** Settings that reach the broker under test, with its profile; short retry delays. */
    abstract MessagingSettings.Builder settings();

    /** How an unroutable mandatory publish fails on this broker. */
    abstract PublishException.Reason unroutable();

    @BeforeEach
    void connect() throws Exception {
        settings = settings()
                .exchange(Rabbit.unique("contract-events"))
                .producer("contract")
                .maxAttempts(3)
                .retryInitialDelay(Duration.ofMillis(100))
                .retryMaxDelay(Duration.ofMillis(400))
                .build();
        messaging = Messaging.custom()
                .settings(settings)
                .recorder(Recorder.of(sink))
                .build();
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(20)))
                .as(messaging::healthDetail)
                .isTrue();
        admin = Rabbit.admin(settings.effectiveUri().reveal());
        queue = Rabbit.unique("contract");
    }

    @AfterEach
    void disconnect() throws Exception {
        for (EventConsumer consumer : consumers) {
            consumer.delete();
        }
        messaging.close();
        Channel channel = admin.createChannel();
        channel.exchangeDelete(settings.exchange());
        channel.exchangeDelete(settings.exchange() + ".retry");
        admin.close();
    }

    EventConsumer start(EventConsumer.Builder builder) throws InterruptedException {
        EventConsumer consumer = builder.start();
        consumers.add(consumer);
        assertThat(consumer.awaitSubscribed(Duration.ofSeconds(20)))
                .as(messaging::healthDetail)
                .isTrue();
        return consumer;
    }

    @Test
    void aPublishedEventIsHandledInTheProducersContext() throws Exception {
        CompletableFuture<Envelope<OrderPlaced>> received = new CompletableFuture<>();
        List<String> requestIds = new CopyOnWriteArrayList<>();
        start(messaging.consumer(queue).on(ORDER_PLACED, event -> {
            requestIds.add(CallContext.current().requestId());
            received.complete(event);
        }));
        CallContext producer = CallContext.newRequest().withTenant("acme");

        PublishReceipt receipt;
        try (Scope scope = producer.activate()) {
            receipt = messaging
                    .publisher()
                    .publish(ORDER_PLACED, new OrderPlaced("o-1", 5))
                    .get(20, TimeUnit.SECONDS);
        }

        Envelope<OrderPlaced> event = received.get(20, TimeUnit.SECONDS);
        assertThat(event.id()).isEqualTo(receipt.eventId());
        assertThat(event.payload()).isEqualTo(new OrderPlaced("o-1", 5));
        assertThat(event.tenant()).isEqualTo("acme");
        assertThat(requestIds).containsExactly(producer.requestId());
        LogRecord handled = sink.await(r -> "handled".equals(r.attributes().get("outcome")), 1, Duration.ofSeconds(10))
                .get(0);
        assertThat(handled.context().traceId()).isEqualTo(producer.traceId());
    }

    @Test
    void anUnroutableEventFailsItsFuture() {
        CompletableFuture<PublishReceipt> future = messaging.publisher().publish(UNROUTED, new OrderPlaced("o", 1));

        assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        PublishException.class, e -> assertThat(e.reason()).isEqualTo(unroutable()));
    }

    @Test
    void aFailingHandlerIsRetriedThroughTheProfilesDelayQueues() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        start(messaging.consumer(queue).on(ORDER_PLACED, event -> {
            attempts.add(event.attempt());
            if (event.attempt() < 3) {
                throw new IllegalStateException("attempt " + event.attempt());
            }
            done.complete(null);
        }));

        messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("o-1", 1)).get(20, TimeUnit.SECONDS);

        done.get(30, TimeUnit.SECONDS);
        assertThat(attempts).containsExactly(1, 2, 3);
    }

    @Test
    void aPoisonEventReachesTheDeadLetterQueueAfterExactlyMaxAttempts() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventConsumer consumer = start(messaging.consumer(queue).on(ORDER_PLACED, event -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("poison");
        }));

        messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("o-1", 1)).get(20, TimeUnit.SECONDS);

        GetResponse dead = Rabbit.awaitMessages(
                        admin.createChannel(), consumer.deadLetterQueueName(), 1, Duration.ofSeconds(30))
                .get(0);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(dead.getProps().getHeaders().get(EventHeaders.ATTEMPTS)).isEqualTo(3);
        assertThat(dead.getProps().getHeaders().get(EventHeaders.DEAD_LETTER_REASON))
                .hasToString("RETRIES_EXHAUSTED");
        assertThat(dead.getProps().getHeaders().get(EventHeaders.ERROR_MESSAGE)).hasToString("poison");
    }

    @Test
    void aBodyThatIsNotAnEnvelopeIsDeadLetteredNotDropped() throws Exception {
        EventConsumer consumer = start(messaging.consumer(queue).on(ORDER_PLACED, event -> {}));
        Channel channel = admin.createChannel();

        channel.basicPublish(
                "",
                queue,
                new AMQP.BasicProperties.Builder().messageId("junk").build(),
                "junk".getBytes(StandardCharsets.UTF_8));

        GetResponse dead = Rabbit.awaitMessages(channel, consumer.deadLetterQueueName(), 1, Duration.ofSeconds(20))
                .get(0);
        assertThat(Rabbit.body(dead)).isEqualTo("junk");
        assertThat(dead.getProps().getHeaders().get(EventHeaders.DEAD_LETTER_REASON))
                .hasToString("BAD_MESSAGE");
    }

    @Test
    void aRepeatedEventIdRunsTheHandlerOnce() throws Exception {
        AtomicInteger effects = new AtomicInteger();
        start(messaging
                .consumer(queue)
                .concurrency(1)
                .on(ORDER_PLACED, event -> effects.incrementAndGet())
                .idempotencyStore(IdempotencyStore.inMemory()));

        for (int i = 0; i < 3; i++) {
            messaging
                    .publisher()
                    .publish(ORDER_PLACED, "order-1", new OrderPlaced("o-1", 1))
                    .get(20, TimeUnit.SECONDS);
        }

        sink.await(r -> "duplicate".equals(r.attributes().get("outcome")), 2, Duration.ofSeconds(20));
        assertThat(effects.get()).isEqualTo(1);
    }

    @Test
    void everyBroadcastConsumerGetsEveryEvent() throws Exception {
        Set<String> first = ConcurrentHashMap.newKeySet();
        Set<String> second = ConcurrentHashMap.newKeySet();
        EventConsumer a = start(messaging.broadcastConsumer(queue + "-a").on(ORDER_PLACED, e -> first.add(e.id())));
        EventConsumer b = start(messaging.broadcastConsumer(queue + "-b").on(ORDER_PLACED, e -> second.add(e.id())));
        assertThat(a.queueName()).isNotEqualTo(b.queueName());

        PublishReceipt receipt = messaging
                .publisher()
                .publish(ORDER_PLACED, new OrderPlaced("o-1", 1))
                .get(20, TimeUnit.SECONDS);

        Rabbit.await(
                "both got it",
                Duration.ofSeconds(20),
                () -> first.contains(receipt.eventId()) && second.contains(receipt.eventId()));
    }
}
