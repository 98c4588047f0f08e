package dev.corekit.messaging.redteam;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.corekit.config.Config;
import dev.corekit.messaging.MessagingSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Red-team helpers for the real RabbitMQ on 127.0.0.1:5672: raw admin access and waiting on conditions. */
final class RedTeamRabbit {
    static final String URI = "amqp://guest:guest@127.0.0.1:5672";

    private RedTeamRabbit() {}

    static MessagingSettings.Builder settings() {
        return MessagingSettings.custom(Config.defaultsOnly())
                .uri(URI)
                .producer("redteam")
                .exchange(unique("rt-events"))
                .recoveryInitialDelay(Duration.ofMillis(50))
                .recoveryMaxDelay(Duration.ofMillis(500))
                .retryInitialDelay(Duration.ofMillis(50))
                .retryMaxDelay(Duration.ofMillis(200))
                .publishTimeout(Duration.ofSeconds(15))
                .shutdownTimeout(Duration.ofSeconds(5));
    }

    static String unique(String prefix) {
        return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    static Connection admin() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(URI);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection("corekit-redteam-admin");
    }

    /** Declares a classic queue bound to every routing key of {@code exchange}: a tap on what is published. */
    static String tap(Channel channel, String exchange) throws Exception {
        String queue = unique("rt-tap");
        channel.queueDeclare(queue, false, false, true, Map.of());
        channel.queueBind(queue, exchange, "#");
        return queue;
    }

    static List<GetResponse> awaitMessages(Channel channel, String queue, int count, Duration timeout)
            throws Exception {
        List<GetResponse> messages = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (messages.size() < count) {
            GetResponse response = channel.basicGet(queue, true);
            if (response != null) {
                messages.add(response);
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " messages on " + queue + " within " + timeout + ", got "
                        + messages.size());
            }
            TimeUnit.MILLISECONDS.sleep(10); // polling a queue: nothing to wait on but its contents
        }
        return messages;
    }

    static List<GetResponse> drain(Channel channel, String queue) throws java.io.IOException {
        List<GetResponse> messages = new ArrayList<>();
        for (GetResponse r = channel.basicGet(queue, true); r != null; r = channel.basicGet(queue, true)) {
            messages.add(r);
        }
        return messages;
    }

    static String body(GetResponse response) {
        return new String(response.getBody(), StandardCharsets.UTF_8);
    }

    static String header(GetResponse response, String name) {
        Map<String, Object> headers = response.getProps().getHeaders();
        Object value = headers == null ? null : headers.get(name);
        return value == null ? null : value.toString();
    }

    static void publishRaw(Channel channel, String exchange, String routingKey, String body) throws Exception {
        channel.basicPublish(
                exchange,
                routingKey,
                new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .deliveryMode(2)
                        .build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    static void deleteExchanges(String exchange) {
        try (Connection admin = admin()) {
            Channel channel = admin.createChannel();
            channel.exchangeDelete(exchange);
            channel.exchangeDelete(exchange + ".retry");
        } catch (Exception ignored) {
            // best effort cleanup
        }
    }

    static void deleteQueues(String... queues) {
        try (Connection admin = admin()) {
            for (String queue : queues) {
                Channel channel = admin.createChannel();
                channel.queueDelete(queue);
                channel.close();
            }
        } catch (Exception ignored) {
            // best effort cleanup
        }
    }
}
