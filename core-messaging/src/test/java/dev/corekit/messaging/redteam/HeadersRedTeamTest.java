package dev.corekit.messaging.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.EventConsumer;
import dev.corekit.messaging.EventHeaders;
import dev.corekit.messaging.EventType;
import dev.corekit.messaging.Messaging;
import dev.corekit.messaging.MessagingSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Red team: messages from non-corekit producers with hostile envelope fields and headers. */
class HeadersRedTeamTest {
    record Ping(int n) {}

    static final EventType<Ping> PING = EventType.of("rt.ping", 1, Ping.class);

    private final InMemorySink sink = new InMemorySink();
    private MessagingSettings settings;
    private Messaging messaging;
    private Connection admin;
    private Channel channel;
    private EventConsumer consumer;

    @BeforeEach
    void setUp() throws Exception {
        settings = RedTeamRabbit.settings().maxAttempts(3).build();
        messaging = Messaging.custom()
                .settings(settings)
                .recorder(Recorder.of(sink))
                .build();
        admin = RedTeamRabbit.admin();
        channel = admin.createChannel();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (consumer != null) {
            consumer.delete();
        }
        messaging.close();
        admin.close();
        RedTeamRabbit.deleteExchanges(settings.exchange());
    }

    private static String envelope(String id, String tenant) {
        return "{\"id\":\"" + id + "\",\"type\":\"rt.ping\",\"version\":1,\"occurredAt\":\"2026-01-01T00:00:00Z\","
                + "\"producer\":\"foreign\",\"requestId\":null,\"correlationId\":null,\"causationId\":null,"
                + "\"tenant\":" + tenant + ",\"traceparent\":null,\"tracestate\":null,\"attempt\":1,"
                + "\"payload\":{\"n\":1}}";
    }

    private void publish(String body, Map<String, Object> headers) throws Exception {
        channel.basicPublish(
                settings.exchange(),
                "rt.ping",
                new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .headers(headers)
                        .build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hostileTenantIsHandledOrDeadLetteredNeverStuck() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        consumer = messaging
                .consumer(RedTeamRabbit.unique("rt-q"))
                .on(PING, e -> handled.add(e.id()))
                .start();
        assertThat(consumer.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
        publish(envelope("t-newline", "\"bad\\ntenant\""), Map.of());
        publish(envelope("t-long", "\"" + "t".repeat(10_000) + "\""), Map.of());
        publish(envelope("t-number", "42"), Map.of());
        RedTeamRabbit.await("each one handled or dead-lettered", Duration.ofSeconds(20), () -> {
            try {
                return handled.size() + channel.messageCount(consumer.deadLetterQueueName()) == 3;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void hostileContextHeadersAreIgnoredNotFatal() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        consumer = messaging
                .consumer(RedTeamRabbit.unique("rt-q"))
                .on(PING, e -> handled.add(e.id()))
                .start();
        assertThat(consumer.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
        publish(
                envelope("h-1", "null"),
                Map.of("traceparent", "garbage", "baggage", "=;=;,,%%%", "x-request-id", "r".repeat(5000)));
        publish(envelope("h-2", "null"), Map.of("traceparent", 42, "baggage", List.of("x")));
        RedTeamRabbit.await("both handled", Duration.ofSeconds(20), () -> handled.size() == 2);
    }

    @Test
    void forgedAttemptHeaderCannotBuyExtraRetries() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        consumer = messaging
                .consumer(RedTeamRabbit.unique("rt-q"))
                .on(PING, e -> {
                    attempts.add(e.attempt());
                    throw new IllegalStateException("always");
                })
                .start();
        assertThat(consumer.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
        publish(envelope("a-neg", "null"), Map.of(EventHeaders.ATTEMPT, -1000));
        GetResponse dead = RedTeamRabbit.awaitMessages(
                        channel, consumer.deadLetterQueueName(), 1, Duration.ofSeconds(20))
                .get(0);
        assertThat(attempts).hasSizeLessThanOrEqualTo(3);
        assertThat(attempts).allSatisfy(a -> assertThat(a).isPositive());
        assertThat(RedTeamRabbit.header(dead, EventHeaders.DEAD_LETTER_REASON)).isEqualTo("RETRIES_EXHAUSTED");
    }
}
