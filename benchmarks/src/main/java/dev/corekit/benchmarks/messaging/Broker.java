package dev.corekit.benchmarks.messaging;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.corekit.config.Config;
import dev.corekit.messaging.EventType;
import dev.corekit.messaging.MessagingSettings;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** What the messaging benchmarks share: the broker, the event, its payload, names. */
final class Broker {
    static final String URI = "amqp://guest:guest@127.0.0.1:5672";

    /** A 1 KB payload: the size TESTBED's PerfTest baseline uses. */
    record Ping(long n, String text) {}

    static final EventType<Ping> PING = EventType.of("bench.ping", 1, Ping.class);
    static final String TEXT = "x".repeat(1000);

    private Broker() {}

    static String unique(String prefix) {
        return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    static MessagingSettings.Builder settings(String uri, String exchange) {
        return MessagingSettings.custom(Config.defaultsOnly())
                .uri(uri)
                .producer("bench")
                .exchange(exchange)
                .bufferCapacity(100_000)
                .prefetch(100)
                .concurrency(4)
                .recoveryInitialDelay(Duration.ofMillis(100))
                .recoveryMaxDelay(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ofSeconds(5));
    }

    static ConnectionFactory rawFactory(String uri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }

    static Connection raw(String uri, String name) throws Exception {
        return rawFactory(uri).newConnection(name);
    }

    static void awaitTrue(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }
}
