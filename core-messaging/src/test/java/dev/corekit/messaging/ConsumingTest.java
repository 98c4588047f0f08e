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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Consuming against the real RabbitMQ: context, operations, retries, the dead-letter queue, idempotency, shutdown. */
class ConsumingTest {
    record OrderPlaced(String orderId, long cents) {}

    record InvoiceCreated(String orderId) {}

    static final EventType<OrderPlaced> ORDER_PLACED = EventType.of("orders.placed", 1, OrderPlaced.class);
    static final EventType<InvoiceCreated> INVOICE_CREATED = EventType.of("invoices.created", 1, InvoiceCreated.class);

    private final InMemorySink sink = new InMemorySink();
    private final Recorder recorder = Recorder.of(sink);
    private final List<EventConsumer> consumers = new ArrayList<>();
    private MessagingSettings settings;
    private Messaging messaging;
    private Connection admin;
    private String queue;

    @BeforeEach
    void setUp() throws Exception {
        settings = Rabbit.settings().maxAttempts(3).build();
        messaging = Messaging.custom().settings(settings).recorder(recorder).build();
        admin = Rabbit.admin();
        queue = Rabbit.unique("test-consuming");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (EventConsumer consumer : consumers) {
            consumer.delete();
        }
        messaging.close();
        Channel channel = admin.createChannel();
        channel.exchangeDelete(settings.exchange());
        channel.exchangeDelete(settings.exchange() + ".retry");
        admin.close();
    }

    private EventConsumer start(EventConsumer.Builder builder) throws InterruptedException {
        EventConsumer consumer = builder.start();
        consumers.add(consumer);
        assertThat(consumer.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
        return consumer;
    }

    private PublishReceipt publish(OrderPlaced payload) throws Exception {
        return messaging.publisher().publish(ORDER_PLACED, payload).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theHandlerRunsInTheProducersContextAsAnOperationUnderTheProducersSpan() throws Exception {
        List<CallContext> seen = new CopyOnWriteArrayList<>();
        List<Envelope<OrderPlaced>> events = new CopyOnWriteArrayList<>();
        start(messaging.consumer(queue).on(ORDER_PLACED, event -> {
            seen.add(CallContext.current());
            events.add(event);
        }));
        CallContext producer = CallContext.newRequest().withTenant("acme").withBaggage("plan", "gold");
        String producerSpan;
        try (Scope scope = producer.activate()) {
            producerSpan = recorder.call("orders.create", op -> {
                publish(new OrderPlaced("o-1", 1250));
                return op.id();
            });
        }

        List<LogRecord> handled = sink.await(
                r -> r.name().equals("messaging.handle") && r.status() == LogRecord.Status.SUCCEEDED,
                1,
                Duration.ofSeconds(10));

        Envelope<OrderPlaced> event = events.get(0);
        assertThat(event.payload()).isEqualTo(new OrderPlaced("o-1", 1250));
        assertThat(event.attempt()).isEqualTo(1);
        assertThat(event.tenant()).isEqualTo("acme");
        assertThat(event.requestId()).isEqualTo(producer.requestId());
        CallContext inHandler = seen.get(0);
        assertThat(inHandler.requestId()).isEqualTo(producer.requestId());
        assertThat(inHandler.traceId()).isEqualTo(producer.traceId());
        assertThat(inHandler.tenant()).isEqualTo("acme");
        assertThat(inHandler.baggage()).containsEntry("plan", "gold");
        LogRecord record = handled.get(0);
        assertThat(inHandler.operationId()).isEqualTo(record.id());
        assertThat(record.context().traceId()).isEqualTo(producer.traceId());
        assertThat(record.context().parentSpanId()).isEqualTo(producerSpan);
        assertThat(record.context().tenant()).isEqualTo("acme");
        assertThat(record.attributes())
                .containsEntry("queue", queue)
                .containsEntry("event.type", "orders.placed")
                .containsEntry("event.id", event.id())
                .containsEntry("attempt", 1)
                .containsEntry("outcome", "handled");
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    @Test
    void queuesAreQuorumQueuesByDefault() throws Exception {
        EventConsumer consumer = start(messaging.consumer(queue).on(ORDER_PLACED, event -> {}));

        Channel channel = admin.createChannel();
        Map<String, Object> classic = Map.of(
                "x-queue-type",
                "classic",
                "x-dead-letter-exchange",
                queue + ".dlx",
                "x-delivery-limit",
                settings.deliveryLimit());
        assertThatThrownBy(() -> channel.queueDeclare(consumer.queueName(), true, false, false, classic))
                .hasRootCauseMessage("channel error; protocol method: #method<channel.close>(reply-code=406,"
                        + " reply-text=PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '"
                        + consumer.queueName() + "' in vhost '/': received 'classic' but current is 'quorum',"
                        + " class-id=50, method-id=10)");
    }

    @Test
    void aFailingHandlerIsRetriedThroughDelayQueuesWithTheAttemptCounted() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        CountDownLatch succeeded = new CountDownLatch(1);
        start(messaging.consumer(queue).on(ORDER_PLACED, event -> {
            attempts.add(event.attempt());
            if (event.attempt() < 3) {
                throw new IllegalStateException("not yet");
            }
            succeeded.countDown();
        }));

        publish(new OrderPlaced("o-1", 1));

        assertThat(succeeded.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(attempts).containsExactly(1, 2, 3);
        List<LogRecord> records =
                sink.await(r -> r.name().equals("messaging.handle") && r.endedAt() != null, 3, Duration.ofSeconds(5));
        assertThat(records).extracting(r -> r.attributes().get("outcome")).containsExactly("retry", "retry", "handled");
        assertThat(records.get(0).error().type()).isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void aPoisonMessageReachesTheDeadLetterQueueAfterExactlyMaxAttempts() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventConsumer consumer = start(messaging.consumer(queue).on(ORDER_PLACED, event -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException(
                    "cannot bill order " + event.payload().orderId());
        }));

        PublishReceipt receipt = publish(new OrderPlaced("o-poison", 1));

        Channel channel = admin.createChannel();
        GetResponse dead = Rabbit.awaitMessages(channel, consumer.deadLetterQueueName(), 1, Duration.ofSeconds(10))
                .get(0);
        assertThat(calls.get()).isEqualTo(3);
        Map<String, Object> headers = dead.getProps().getHeaders();
        assertThat(dead.getProps().getMessageId()).isEqualTo(receipt.eventId());
        assertThat(headers.get(EventHeaders.DEAD_LETTER_REASON)).hasToString("RETRIES_EXHAUSTED");
        assertThat(headers.get(EventHeaders.ATTEMPTS)).isEqualTo(3);
        assertThat(headers.get(EventHeaders.ERROR_TYPE)).hasToString(IllegalArgumentException.class.getName());
        assertThat(headers.get(EventHeaders.ERROR_MESSAGE)).hasToString("cannot bill order o-poison");
        assertThat(headers.get(EventHeaders.ERROR_FINGERPRINT).toString()).matches("[0-9a-f]{16}");
        assertThat(headers.get(EventHeaders.SOURCE_QUEUE)).hasToString(queue);
        assertThat(Rabbit.body(dead)).contains("\"orderId\":\"o-poison\"");
        assertThat(channel.queueDeclarePassive(queue).getMessageCount()).isZero();
    }

    @Test
    void aNonRetryableFailureIsDeadLetteredAtOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventConsumer consumer = start(messaging.consumer(queue).on(ORDER_PLACED, event -> {
            calls.incrementAndGet();
            throw new NonRetryableException("ORDER_UNKNOWN", "order does not exist");
        }));

        publish(new OrderPlaced("o-1", 1));

        GetResponse dead = Rabbit.awaitMessages(
                        admin.createChannel(), consumer.deadLetterQueueName(), 1, Duration.ofSeconds(10))
                .get(0);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(dead.getProps().getHeaders())
                .containsEntry(EventHeaders.ATTEMPTS, 1)
                .hasEntrySatisfying(
                        EventHeaders.DEAD_LETTER_REASON, v -> assertThat(v).hasToString("NON_RETRYABLE"))
                .hasEntrySatisfying(EventHeaders.ERROR_CODE, v -> assertThat(v).hasToString("ORDER_UNKNOWN"));
    }

    @Test
    void messagesThatCannotBeHandledEndInTheDeadLetterQueueWithTheReason() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventConsumer consumer = start(messaging.consumer(queue).on(ORDER_PLACED, event -> calls.incrementAndGet()));
        Channel channel = admin.createChannel();
        String envelope = "{\"id\":\"%s\",\"type\":\"%s\",\"version\":%d,\"occurredAt\":\"2026-11-23T10:15:30Z\","
                + "\"producer\":\"other\",\"payload\":%s}";
        rawPublish(channel, "bad-json", "{oops");
        rawPublish(channel, "unknown-type", envelope.formatted("unknown-type", "orders.cancelled", 1, "{}"));
        rawPublish(channel, "unknown-version", envelope.formatted("unknown-version", "orders.placed", 7, "{}"));
        rawPublish(
                channel,
                "bad-payload",
                envelope.formatted("bad-payload", "orders.placed", 1, "{\"orderId\":\"o\",\"cents\":\"lots\"}"));

        List<GetResponse> dead =
                Rabbit.awaitMessages(channel, consumer.deadLetterQueueName(), 4, Duration.ofSeconds(10));

        Map<String, String> reasons = new java.util.TreeMap<>();
        for (GetResponse message : dead) {
            reasons.put(
                    message.getProps().getMessageId(),
                    message.getProps().getHeaders().get(EventHeaders.DEAD_LETTER_REASON) + ": "
                            + message.getProps().getHeaders().get(EventHeaders.ERROR_MESSAGE));
        }
        assertThat(reasons)
                .hasEntrySatisfying("bad-json", r -> assertThat(r).startsWith("BAD_MESSAGE: the body is not JSON"))
                .hasEntrySatisfying(
                        "unknown-type",
                        r -> assertThat(r)
                                .isEqualTo("UNKNOWN_TYPE: no handler for event type 'orders.cancelled' on queue '"
                                        + queue + "'; handled: [orders.placed]"))
                .hasEntrySatisfying(
                        "unknown-version",
                        r -> assertThat(r)
                                .isEqualTo("UNKNOWN_VERSION: no handler for version 7 of event type 'orders.placed' on"
                                        + " queue '" + queue + "'; handled versions: [1]"))
                .hasEntrySatisfying(
                        "bad-payload",
                        r -> assertThat(r).startsWith("BAD_PAYLOAD: the payload of orders.placed v1 does not match"));
        assertThat(calls.get()).isZero();
        assertThat(Rabbit.drain(channel, queue)).isEmpty();
    }

    private void rawPublish(Channel channel, String id, String body) throws IOException {
        channel.basicPublish(
                "",
                queue,
                new AMQP.BasicProperties.Builder().messageId(id).deliveryMode(2).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRedeliveredEventRunsItsSideEffectOncePerId() throws Exception {
        AtomicInteger effects = new AtomicInteger();
        start(messaging
                .consumer(queue)
                .concurrency(1)
                .on(ORDER_PLACED, event -> effects.incrementAndGet())
                .idempotencyStore(IdempotencyStore.inMemory()));

        messaging
                .publisher()
                .publish(ORDER_PLACED, "order-o-1", new OrderPlaced("o-1", 1))
                .get(10, TimeUnit.SECONDS);
        messaging
                .publisher()
                .publish(ORDER_PLACED, "order-o-1", new OrderPlaced("o-1", 1))
                .get(10, TimeUnit.SECONDS);

        List<LogRecord> records =
                sink.await(r -> r.name().equals("messaging.handle") && r.endedAt() != null, 2, Duration.ofSeconds(10));
        assertThat(records)
                .as(records::toString)
                .extracting(r -> r.attributes().get("outcome"))
                .containsExactlyInAnyOrder("handled", "duplicate");
        assertThat(effects.get()).isEqualTo(1);
    }

    @Test
    void aDuplicateArrivingWhileTheFirstRunsIsPostponedThenRecognised() throws Exception {
        AtomicInteger effects = new AtomicInteger();
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(messaging
                .consumer(queue)
                .concurrency(2)
                .on(ORDER_PLACED, event -> {
                    effects.incrementAndGet();
                    firstRunning.countDown();
                    release.await();
                })
                .idempotencyStore(IdempotencyStore.inMemory()));

        messaging
                .publisher()
                .publish(ORDER_PLACED, "order-o-1", new OrderPlaced("o-1", 1))
                .get(10, TimeUnit.SECONDS);
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
        messaging
                .publisher()
                .publish(ORDER_PLACED, "order-o-1", new OrderPlaced("o-1", 1))
                .get(10, TimeUnit.SECONDS);
        sink.await(r -> "postponed".equals(r.attributes().get("outcome")), 1, Duration.ofSeconds(10));
        release.countDown();

        sink.await(r -> "duplicate".equals(r.attributes().get("outcome")), 1, Duration.ofSeconds(10));
        assertThat(effects.get()).isEqualTo(1);
    }

    @Test
    void concurrentHandlersNeverExceedTheConcurrencySetting() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch twoRunning = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        start(messaging.consumer(queue).prefetch(4).concurrency(2).on(ORDER_PLACED, event -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            twoRunning.countDown();
            release.await();
            running.decrementAndGet();
            done.incrementAndGet();
        }));

        for (int i = 0; i < 8; i++) {
            publish(new OrderPlaced("o-" + i, i));
        }

        assertThat(twoRunning.await(10, TimeUnit.SECONDS)).isTrue();
        Channel channel = admin.createChannel();
        Rabbit.await("the broker holds back what exceeds the prefetch", Duration.ofSeconds(5), () -> {
            try {
                return channel.queueDeclarePassive(queue).getMessageCount() == 4;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(running.get()).isEqualTo(2);
        release.countDown();
        Rabbit.await("all handled", Duration.ofSeconds(10), () -> done.get() == 8);
        assertThat(most.get()).isEqualTo(2);
    }

    @Test
    void closingLetsInFlightHandlersFinishAndAcknowledge() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> finished = Collections.synchronizedList(new ArrayList<>());
        EventConsumer consumer = messaging
                .consumer(queue)
                .on(ORDER_PLACED, event -> {
                    started.countDown();
                    release.await();
                    finished.add(event.payload().orderId());
                })
                .start();
        assertThat(consumer.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
        publish(new OrderPlaced("o-1", 1));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(consumer::close);
        Rabbit.await("the consumer stops", Duration.ofSeconds(5), () -> consumer.health() == Health.DOWN);
        publish(new OrderPlaced("o-2", 2));
        assertThat(closing).isNotDone();
        release.countDown();
        closing.get(10, TimeUnit.SECONDS);

        assertThat(finished).containsExactly("o-1");
        AMQP.Queue.DeclareOk state = admin.createChannel().queueDeclarePassive(queue);
        assertThat(state.getMessageCount())
                .as("o-1 acknowledged, o-2 left for the next consumer")
                .isEqualTo(1);
        consumers.add(consumer);
    }

    @Test
    void eventsPublishedByAHandlerCarryCausationAndCorrelation() throws Exception {
        CompletableFuture<Envelope<InvoiceCreated>> invoice = new CompletableFuture<>();
        start(messaging
                .consumer(queue)
                .on(
                        ORDER_PLACED,
                        event -> messaging
                                .publisher()
                                .publish(
                                        INVOICE_CREATED,
                                        new InvoiceCreated(event.payload().orderId()))
                                .get(10, TimeUnit.SECONDS))
                .on(INVOICE_CREATED, invoice::complete));

        PublishReceipt order;
        CallContext producer = CallContext.newRequest();
        try (Scope scope = producer.activate()) {
            order = publish(new OrderPlaced("o-1", 1));
        }

        Envelope<InvoiceCreated> created = invoice.get(10, TimeUnit.SECONDS);
        assertThat(created.causationId()).isEqualTo(order.eventId());
        assertThat(created.correlationId()).isEqualTo(producer.requestId());
        assertThat(created.requestId()).isEqualTo(producer.requestId());
        assertThat(created.producer()).isEqualTo("test-producer");
    }

    @Test
    void aConsumerWithoutHandlersOrWithMoreThreadsThanPrefetchIsRefused() {
        assertThatThrownBy(() -> messaging.consumer(queue).start())
                .hasMessage("consumer '" + queue + "' has no handler: register one with on(type, handler)");
        assertThatThrownBy(() -> messaging
                        .consumer(queue)
                        .prefetch(1)
                        .concurrency(2)
                        .on(ORDER_PLACED, e -> {})
                        .start())
                .hasMessageContaining("concurrency 2 exceeds prefetch 1");
        assertThatThrownBy(() -> messaging.consumer("amq.mine")).hasMessageContaining("queue name 'amq.mine'");
        assertThatThrownBy(() ->
                        messaging.consumer(queue).on(ORDER_PLACED, e -> {}).on(ORDER_PLACED, e -> {}))
                .hasMessage("consumer '" + queue + "' already has a handler for orders.placed v1");
    }
}
