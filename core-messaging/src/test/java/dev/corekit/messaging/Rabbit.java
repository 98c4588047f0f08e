package dev.corekit.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Test helpers for the real RabbitMQ on 127.0.0.1:5672: raw admin access, rabbitmqctl, waiting on conditions. */
final class Rabbit {
    static final String URI = "amqp://guest:guest@127.0.0.1:5672";

    private Rabbit() {}

    /** Settings for a test against the real broker: fast recovery, short retry delays, a unique exchange. */
    static MessagingSettings.Builder settings() {
        return MessagingSettings.custom(dev.corekit.config.Config.defaultsOnly())
                .uri(URI)
                .producer("test-producer")
                .exchange(unique("test-events"))
                .recoveryInitialDelay(Duration.ofMillis(50))
                .recoveryMaxDelay(Duration.ofMillis(500))
                .retryInitialDelay(Duration.ofMillis(100))
                .retryMaxDelay(Duration.ofMillis(400))
                .publishTimeout(Duration.ofSeconds(15))
                .shutdownTimeout(Duration.ofSeconds(10));
    }

    static String unique(String prefix) {
        return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    /** A raw connection for setting up and inspecting what the test needs (never through the code under test). */
    static Connection admin(String uri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection("corekit-test-admin");
    }

    static Connection admin() throws Exception {
        return admin(URI);
    }

    /** Drains every message of {@code queue} (auto-ack). */
    static List<GetResponse> drain(Channel channel, String queue) throws IOException {
        List<GetResponse> messages = new ArrayList<>();
        for (GetResponse response = channel.basicGet(queue, true);
                response != null;
                response = channel.basicGet(queue, true)) {
            messages.add(response);
        }
        return messages;
    }

    /** Waits until {@code queue} holds at least {@code count} messages, then drains them. */
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

    static String body(GetResponse response) {
        return new String(response.getBody(), StandardCharsets.UTF_8);
    }

    /** Waits for a condition, polling every 5 ms; fails with {@code what} on timeout. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    /** Runs {@code rabbitmqctl args...} and returns its output; fails the test when it fails. */
    static String ctl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.add("--timeout");
        command.add("60");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    /** Raises a memory alarm: the broker blocks every publishing connection. Always pair with {@link #clearAlarm}. */
    static void raiseMemoryAlarm() throws Exception {
        ctl("set_vm_memory_high_watermark", "0.0000001");
    }

    static void clearAlarm() throws Exception {
        ctl("set_vm_memory_high_watermark", "0.4");
    }

    /** Makes sure the broker runs and is not alarmed, whatever a failed test left behind. */
    static void restoreBroker() throws Exception {
        ctl("start_app"); // a no-op when it runs
        clearAlarm();
        ctl("await_startup");
    }
}
