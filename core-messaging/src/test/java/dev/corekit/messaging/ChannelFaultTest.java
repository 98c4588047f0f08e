package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Channel-level faults the client never recovers by itself (rabbitmq-java-client#1085): a channel the broker closes
 * on an error, a subscription the broker cancels. Corekit reopens the channel, re-declares its topology and
 * re-subscribes, and health says RECOVERING meanwhile.
 */
class ChannelFaultTest {
    record Ping(int n) {}

    static final EventType<Ping> PING = EventType.of("test.ping", 1, Ping.class);

    private final InMemorySink sink = new InMemorySink();
    private final List<Health> transitions = new CopyOnWriteArrayList<>();
    private final Set<Integer> handled = ConcurrentHashMap.newKeySet();
    private MessagingSettings settings;
    private Messaging messaging;
    private EventConsumer consumer;
    private Connection admin;

    @BeforeEach
    void setUp() throws Exception {
        settings = Rabbit.settings().build();
        messaging = Messaging.custom()
                .settings(settings)
                .recorder(Recorder.of(sink))
                .build();
        consumer = messaging
                .consumer(Rabbit.unique("test-channel-fault"))
                .on(PING, event -> handled.add(event.payload().n()))
                .start();
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        messaging.addHealthListener(transitions::add);
        admin = Rabbit.admin();
    }

    @AfterEach
    void tearDown() throws Exception {
        consumer.delete();
        messaging.close();
        Channel channel = admin.createChannel();
        channel.exchangeDelete(settings.exchange());
        channel.exchangeDelete(settings.exchange() + ".retry");
        admin.close();
    }

    private void publishAndAwaitHandled(int n) throws Exception {
        messaging.publisher().publish(PING, new Ping(n)).get(15, TimeUnit.SECONDS);
        Rabbit.await("event " + n + " handled", Duration.ofSeconds(10), () -> handled.contains(n));
    }

    @Test
    void aPublishThatMakesTheBrokerCloseTheChannelIsResentOnAReopenedChannel() throws Exception {
        publishAndAwaitHandled(1);
        admin.createChannel().exchangeDelete(settings.exchange());

        PublishReceipt receipt =
                messaging.publisher().publish(PING, new Ping(2)).get(15, TimeUnit.SECONDS);

        assertThat(receipt.sends())
                .as("sent, 404 NOT_FOUND closed its channel, sent again")
                .isEqualTo(2);
        Rabbit.await("event 2 handled", Duration.ofSeconds(10), () -> handled.contains(2));
        awaitLastTransition(Health.UP);
        assertThat(transitions).containsSubsequence(Health.RECOVERING, Health.UP);
        assertThat(sink.records(r -> r.name().equals("messaging.resource.reopen-failed")))
                .isEmpty();
        assertThat(messaging.health()).isEqualTo(Health.UP);
    }

    @Test
    void aSubscriptionTheBrokerCancelsIsRenewedOnTheRedeclaredQueue() throws Exception {
        publishAndAwaitHandled(1);

        admin.createChannel().queueDelete(consumer.queueName());

        Rabbit.await("recovering", Duration.ofSeconds(10), () -> transitions.contains(Health.RECOVERING));
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        assertThat(consumer.health()).isEqualTo(Health.UP);
        publishAndAwaitHandled(2);
    }

    @Test
    void aChannelErrorOnTheConsumerChannelReopensItAndResubscribes() throws Exception {
        publishAndAwaitHandled(1);

        // provoke a channel error on the consumer's own channel: acknowledge a delivery tag it never received
        consumerChannel().basicAck(999_999, false);

        Rabbit.await("recovering", Duration.ofSeconds(10), () -> transitions.contains(Health.RECOVERING));
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        publishAndAwaitHandled(2);
        assertThat(consumerChannel().isOpen()).isTrue();
    }

    private Channel consumerChannel() throws ReflectiveOperationException {
        Field current = consumer.getClass().getDeclaredField("current");
        current.setAccessible(true);
        return ((com.rabbitmq.client.DefaultConsumer) current.get(consumer)).getChannel();
    }

    /** Health listeners run on the supervisor's thread: the last notification may trail awaitHealth by a moment. */
    private void awaitLastTransition(Health expected) throws InterruptedException {
        Rabbit.await(
                "a " + expected + " notification",
                Duration.ofSeconds(10),
                () -> !transitions.isEmpty() && transitions.get(transitions.size() - 1) == expected);
    }
}
