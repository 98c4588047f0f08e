package dev.corekit.benchmarks.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.EventConsumer;
import dev.corekit.messaging.Messaging;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Time from a fault to consuming again (single shot per fault: run with {@code -i 20} for 20 faults), corekit against
 * the amqp-client's automatic recovery with the same first delay (100 ms; corekit spreads it ±50 %). Each consumer
 * reaches the broker through its own TCP proxy; a probe message is published directly to its quorum queue right after
 * the fault, and the shot ends when the consumer receives it.
 *
 * <ul>
 *   <li>{@code *ConnectionCut}: every socket of the proxy reset mid-stream.
 *   <li>{@code *ChannelClose}: the broker closes the consumer's channel (a 406 provoked by acknowledging an unknown
 *       delivery tag). The raw client never recovers a channel-level close: its shot ends at the
 *       {@value #GIVE_UP_MILLIS} ms cap (reported as such), and its consumer is re-created by hand, outside the
 *       measurement, before the next shot.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RecoveryBenchmark {
    static final long GIVE_UP_MILLIS = 2_000;

    private CutProxy corekitProxy;
    private CutProxy rawProxy;
    private Connection admin;
    private Channel probes;
    private String exchange;
    private String corekitQueue;
    private String rawQueue;
    private Messaging messaging;
    private EventConsumer consumer;
    private Connection rawConnection;
    private Channel rawChannel;
    private final AtomicLong corekitSeen = new AtomicLong();
    private final AtomicLong rawSeen = new AtomicLong();
    private long probe;

    @Setup(Level.Trial)
    public void start() throws Exception {
        corekitProxy = new CutProxy();
        rawProxy = new CutProxy();
        admin = Broker.raw(Broker.URI, "bench-admin");
        probes = admin.createChannel();
        exchange = Broker.unique("bench-recovery");
        corekitQueue = Broker.unique("bench-recovery-corekit");
        rawQueue = Broker.unique("bench-recovery-raw");
        messaging = Messaging.custom()
                .settings(Broker.settings(corekitProxy.uri(), exchange).build())
                .recorder(Recorder.of())
                .build();
        consumer = messaging
                .consumer(corekitQueue)
                .on(Broker.PING, event -> corekitSeen.set(event.payload().n()))
                .start();
        if (!consumer.awaitSubscribed(Duration.ofSeconds(10))) {
            throw new IllegalStateException("corekit did not subscribe: " + messaging.healthDetail());
        }
        ConnectionFactory factory = Broker.rawFactory(rawProxy.uri());
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(100);
        rawConnection = factory.newConnection("bench-raw-recovering");
        subscribeRaw();
    }

    private void subscribeRaw() throws IOException {
        rawChannel = rawConnection.createChannel();
        rawChannel.queueDeclare(rawQueue, true, false, false, Map.of("x-queue-type", "quorum"));
        rawChannel.basicQos(100);
        Channel channel = rawChannel;
        rawChannel.basicConsume(rawQueue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws IOException {
                rawSeen.set(Long.parseLong(new String(body, StandardCharsets.UTF_8)));
                channel.basicAck(envelope.getDeliveryTag(), false);
            }
        });
    }

    private long corekitProbe() throws Exception {
        long n = ++probe;
        probes.basicPublish(
                "",
                corekitQueue,
                new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                ("{\"id\":\"probe-" + n
                                + "\",\"type\":\"bench.ping\",\"version\":1,\"occurredAt\":\"2026-01-01T00:00:00Z\","
                                + "\"producer\":\"bench\",\"payload\":{\"n\":" + n + ",\"text\":\"\"}}")
                        .getBytes(StandardCharsets.UTF_8));
        return n;
    }

    private long rawProbe() throws IOException {
        long n = ++probe;
        probes.basicPublish(
                "",
                rawQueue,
                new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                Long.toString(n).getBytes(StandardCharsets.UTF_8));
        return n;
    }

    private static boolean awaitSeen(AtomicLong seen, long n, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (seen.get() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    @Benchmark
    public void corekitConnectionCut() throws Exception {
        corekitProxy.cutAll();
        long n = corekitProbe();
        if (!awaitSeen(corekitSeen, n, 30_000)) {
            throw new IllegalStateException("corekit did not consume again: " + messaging.healthDetail());
        }
    }

    @Benchmark
    public void rawConnectionCut() throws Exception {
        rawProxy.cutAll();
        long n = rawProbe();
        if (!awaitSeen(rawSeen, n, 30_000)) {
            throw new IllegalStateException("the raw client did not consume again");
        }
    }

    @Benchmark
    public void corekitChannelClose() throws Exception {
        Channel channel = consumerChannel();
        channel.basicAck(999_999, false);
        awaitClosed(channel);
        long n = corekitProbe();
        if (!awaitSeen(corekitSeen, n, 30_000)) {
            throw new IllegalStateException("corekit did not consume again: " + messaging.healthDetail());
        }
    }

    @Benchmark
    public boolean rawChannelClose() throws Exception {
        rawChannel.basicAck(999_999, false);
        awaitClosed(rawChannel);
        long n = rawProbe();
        return awaitSeen(rawSeen, n, GIVE_UP_MILLIS); // false: the client never recovered it, the shot took the cap
    }

    /**
     * The probe goes out once the broker has closed the channel: sent earlier, the broker could still deliver it to the
     * closing channel, and the shot would time a delivery, not a recovery.
     */
    private static void awaitClosed(Channel channel) throws InterruptedException {
        Broker.awaitTrue("the broker to close the channel", Duration.ofSeconds(10), () -> !channel.isOpen());
    }

    /**
     * Before each shot, outside the measurement: a raw consumer whose channel a previous shot closed (for good) is put
     * back by hand, and corekit's consumer is subscribed on an open channel.
     */
    @Setup(Level.Invocation)
    public void beforeShot() throws Exception {
        if (!rawChannel.isOpen()) {
            subscribeRaw();
            awaitSeen(rawSeen, probe, 30_000);
        }
        Broker.awaitTrue("corekit's consumer to be subscribed", Duration.ofSeconds(30), () -> {
            try {
                return subscription() instanceof DefaultConsumer subscribed
                        && subscribed.getChannel().isOpen();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The consumer's current subscription (a field of the engine: the benchmark needs its channel to break it). */
    private Object subscription() throws ReflectiveOperationException {
        Field current = consumer.getClass().getDeclaredField("current");
        current.setAccessible(true);
        return current.get(consumer);
    }

    private Channel consumerChannel() throws ReflectiveOperationException {
        Object subscription = subscription();
        if (subscription == null) {
            throw new IllegalStateException("corekit consumer not subscribed: " + messaging.healthDetail());
        }
        return ((DefaultConsumer) subscription).getChannel();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        consumer.delete();
        messaging.close();
        rawConnection.abort();
        probes.queueDelete(rawQueue);
        probes.exchangeDelete(exchange);
        probes.exchangeDelete(exchange + ".retry");
        admin.close();
        corekitProxy.close();
        rawProxy.close();
    }
}
