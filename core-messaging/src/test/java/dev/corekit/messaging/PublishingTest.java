package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishing against the real RabbitMQ: what a confirmed message carries, and every way a publish can fail. */
class PublishingTest {
    record OrderPlaced(String orderId, long cents) {}

    static final EventType<OrderPlaced> ORDER_PLACED = EventType.of("orders.placed", 1, OrderPlaced.class);
    static final EventType<OrderPlaced> NOBODY_LISTENS = EventType.of("orders.ignored", 1, OrderPlaced.class);

    private final InMemorySink sink = new InMemorySink();
    private final Recorder recorder = Recorder.of(sink);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Connection admin;
    private Channel channel;
    private String queue;

    @BeforeEach
    void setUp() throws Exception {
        admin = Rabbit.admin();
        channel = admin.createChannel();
        queue = Rabbit.unique("test-publishing");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        if (admin.isOpen()) {
            channel = admin.createChannel();
            channel.queueDelete(queue);
            admin.close();
        }
    }

    private Messaging connect(MessagingSettings settings) throws Exception {
        Messaging messaging =
                Messaging.custom().settings(settings).recorder(recorder).build();
        closeables.add(0, messaging);
        return messaging;
    }

    private Messaging connectedWithQueue(MessagingSettings settings) throws Exception {
        Messaging messaging = connect(settings);
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        channel.queueDeclare(queue, false, false, true, null);
        channel.queueBind(queue, settings.exchange(), ORDER_PLACED.name());
        closeables.add(() -> admin.createChannel().exchangeDelete(settings.exchange()));
        return messaging;
    }

    @Test
    void aConfirmedEventArrivesAsOneJsonEnvelopeCarryingTheCallersContext() throws Exception {
        MessagingSettings settings = Rabbit.settings().build();
        Messaging messaging = connectedWithQueue(settings);
        CallContext caller = CallContext.newRequest().withTenant("acme").withBaggage("plan", "gold");

        PublishReceipt receipt;
        String operationId;
        try (Scope scope = caller.activate()) {
            String[] inside = new String[1];
            receipt = recorder.call("orders.create", op -> {
                inside[0] = op.id();
                return messaging
                        .publisher()
                        .publish(ORDER_PLACED, new OrderPlaced("o-1", 1250))
                        .get(10, TimeUnit.SECONDS);
            });
            operationId = inside[0];
        }

        assertThat(receipt.sends()).isEqualTo(1);
        assertThat(receipt.exchange()).isEqualTo(settings.exchange());
        assertThat(receipt.routingKey()).isEqualTo("orders.placed");
        GetResponse message =
                Rabbit.awaitMessages(channel, queue, 1, Duration.ofSeconds(5)).get(0);
        assertThat(message.getProps().getMessageId()).isEqualTo(receipt.eventId());
        assertThat(message.getProps().getType()).isEqualTo("orders.placed");
        assertThat(message.getProps().getAppId()).isEqualTo("test-producer");
        assertThat(message.getProps().getContentType()).isEqualTo("application/json");
        assertThat(message.getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(message.getProps().getCorrelationId()).isEqualTo(caller.requestId());
        Map<String, Object> headers = message.getProps().getHeaders();
        String traceparent = "00-" + caller.traceId() + "-" + operationId + "-01";
        assertThat(headers.get("traceparent")).hasToString(traceparent);
        assertThat(headers.get("x-request-id")).hasToString(caller.requestId());
        assertThat(headers.get("baggage")).hasToString("plan=gold");
        assertThat(headers.get(EventHeaders.ATTEMPT)).isEqualTo(1);
        assertThat(headers.get(EventHeaders.TENANT)).hasToString("acme");
        JsonNode body = new ObjectMapper().readTree(message.getBody());
        assertThat(body.get("id").asText()).isEqualTo(receipt.eventId());
        assertThat(body.get("type").asText()).isEqualTo("orders.placed");
        assertThat(body.get("version").asInt()).isEqualTo(1);
        assertThat(body.get("producer").asText()).isEqualTo("test-producer");
        assertThat(body.get("requestId").asText()).isEqualTo(caller.requestId());
        assertThat(body.get("correlationId").asText()).isEqualTo(caller.requestId());
        assertThat(body.has("causationId")).isFalse();
        assertThat(body.get("tenant").asText()).isEqualTo("acme");
        assertThat(body.get("traceparent").asText()).isEqualTo(traceparent);
        assertThat(body.get("attempt").asInt()).isEqualTo(1);
        assertThat(body.get("payload").toString()).isEqualTo("{\"orderId\":\"o-1\",\"cents\":1250}");
    }

    @Test
    void aPublishWithoutAnyContextStartsATraceOfItsOwn() throws Exception {
        Messaging messaging = connectedWithQueue(Rabbit.settings().build());

        messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("o-2", 1)).get(10, TimeUnit.SECONDS);

        GetResponse message =
                Rabbit.awaitMessages(channel, queue, 1, Duration.ofSeconds(5)).get(0);
        assertThat(message.getProps().getHeaders().get("traceparent").toString())
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(message.getProps().getHeaders().get("x-request-id")).isNotNull();
    }

    @Test
    void anUnroutableEventFailsAsReturnedNotConfirmed() throws Exception {
        Messaging messaging = connectedWithQueue(Rabbit.settings().build());

        CompletableFuture<PublishReceipt> future =
                messaging.publisher().publish(NOBODY_LISTENS, new OrderPlaced("o", 1));

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PublishException.Reason.RETURNED);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.code()).isEqualTo("MESSAGING_PUBLISH_RETURNED");
                })
                .hasMessageContaining("with key 'orders.ignored'")
                .hasMessageContaining("312 NO_ROUTE");
        assertThat(sink.records(r -> r.name().equals("messaging.publish-failed")))
                .singleElement()
                .satisfies(r -> assertThat(r.attributes()).containsEntry("reason", "RETURNED"));
    }

    @Test
    void anOversizedEventFailsAtOnceNamingTheLimit() throws Exception {
        Messaging messaging = connect(Rabbit.settings().maxMessageBytes(1024).build());

        CompletableFuture<PublishReceipt> future =
                messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("x".repeat(2000), 1));

        assertThat(future).isCompletedExceptionally();
        assertThatThrownBy(future::join)
                .cause()
                .isInstanceOfSatisfying(
                        PublishException.class,
                        e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.TOO_LARGE))
                .hasMessageContaining("over corekit.messaging.max-message-bytes = 1024");
    }

    static final class Unencodable {
        public String getValue() {
            throw new IllegalStateException("no value today");
        }
    }

    @Test
    void aPayloadJacksonCannotWriteFailsAsInvalid() throws Exception {
        Messaging messaging = connect(Rabbit.settings().build());
        EventType<Unencodable> type = EventType.of("things.odd", 1, Unencodable.class);

        CompletableFuture<PublishReceipt> future = messaging.publisher().publish(type, new Unencodable());

        assertThatThrownBy(future::join)
                .cause()
                .isInstanceOfSatisfying(
                        PublishException.class, e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.INVALID))
                .hasMessageContaining("cannot encode the payload of things.odd v1");
    }

    @Test
    void aBadEventIdIsRefusedAtTheCall() throws Exception {
        Messaging messaging = connect(Rabbit.settings().build());

        assertThatThrownBy(() -> messaging.publisher().publish(ORDER_PLACED, "has space", new OrderPlaced("o", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event id 'has space'");
    }

    @Test
    void publishesMadeBeforeTheBrokerAnswersAreBufferedAndSentOnConnect() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 5672)) {
            proxy.refuse(true);
            MessagingSettings settings = Rabbit.settings().uri(proxy.uri()).build();
            Messaging messaging = connect(settings);
            List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("o-" + i, i)));
            }
            assertThat(messaging.health()).isEqualTo(Health.DOWN);
            assertThat(messaging.pendingPublishes()).isEqualTo(5);
            assertThat(futures).noneMatch(CompletableFuture::isDone);

            channel.exchangeDeclare(settings.exchange(), "topic", true);
            channel.queueDeclare(queue, false, false, true, null);
            channel.queueBind(queue, settings.exchange(), ORDER_PLACED.name());
            closeables.add(() -> admin.createChannel().exchangeDelete(settings.exchange()));
            proxy.refuse(false);

            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(messaging.health()).isEqualTo(Health.UP);
            assertThat(Rabbit.awaitMessages(channel, queue, 5, Duration.ofSeconds(5)))
                    .extracting(m -> new ObjectMapper()
                            .readTree(m.getBody())
                            .at("/payload/orderId")
                            .asText())
                    .containsExactly("o-0", "o-1", "o-2", "o-3", "o-4");
            messaging.close();
        }
    }

    @Test
    void aFullBufferRefusesAtOnceWithTheReason() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 5672)) {
            proxy.refuse(true);
            Messaging messaging =
                    connect(Rabbit.settings().uri(proxy.uri()).bufferCapacity(2).build());

            messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("a", 1));
            messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("b", 1));
            CompletableFuture<PublishReceipt> third =
                    messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("c", 1));

            assertThat(third).isCompletedExceptionally();
            assertThatThrownBy(third::join)
                    .cause()
                    .isInstanceOfSatisfying(PublishException.class, e -> {
                        assertThat(e.reason()).isEqualTo(PublishException.Reason.BUFFER_FULL);
                        assertThat(e.retryable()).isTrue();
                    })
                    .hasMessageContaining("2 publishes are pending (corekit.messaging.buffer-capacity)")
                    .hasMessageContaining("the broker is DOWN");
        }
    }

    @Test
    void aPublishThatCannotBeSentFailsAtItsDeadline() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 5672)) {
            proxy.refuse(true);
            Messaging messaging = connect(Rabbit.settings()
                    .uri(proxy.uri())
                    .publishTimeout(Duration.ofMillis(300))
                    .build());

            CompletableFuture<PublishReceipt> future =
                    messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("a", 1));

            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(
                            PublishException.class,
                            e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.TIMED_OUT))
                    .hasMessageContaining("no confirm within 300 ms (corekit.messaging.publish-timeout)")
                    .hasMessageContaining("still buffered (the broker is DOWN)");
            assertThat(messaging.pendingPublishes()).isZero();
        }
    }

    @Test
    void closingFailsWhatCouldNotBeConfirmedInTheGracePeriod() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 5672)) {
            proxy.refuse(true);
            Messaging messaging = connect(Rabbit.settings()
                    .uri(proxy.uri())
                    .shutdownTimeout(Duration.ZERO)
                    .build());
            CompletableFuture<PublishReceipt> future =
                    messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("a", 1));

            messaging.close();

            assertThat(future).isCompletedExceptionally();
            assertThatThrownBy(future::join)
                    .cause()
                    .isInstanceOfSatisfying(
                            PublishException.class,
                            e -> assertThat(e.reason()).isEqualTo(PublishException.Reason.CLOSED));
            assertThat(messaging.health()).isEqualTo(Health.DOWN);
            CompletableFuture<PublishReceipt> late =
                    messaging.publisher().publish(ORDER_PLACED, new OrderPlaced("b", 1));
            assertThat(late).isCompletedExceptionally();
        }
    }

    @Test
    void healthChangesAreRecordedAsEvents() throws Exception {
        Messaging messaging = connect(Rabbit.settings().build());
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        assertThat(messaging.healthDetail()).startsWith("corekit-publisher:test-producer: UP (connected to");
        assertThat(sink.records(r -> r.kind() == LogRecord.Kind.EVENT)).isEmpty();
    }
}
