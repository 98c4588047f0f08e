package dev.corekit.benchmarks.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.EventConsumer;
import dev.corekit.messaging.Health;
import dev.corekit.messaging.Messaging;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * End-to-end throughput: publish 1,000 events of 1 KB and wait until a consumer has handled and acknowledged every
 * one, quorum queues, prefetch 100 on both sides. {@code corekit}: EventPublisher and an EventConsumer (envelope
 * decoding, context restored, an operation record per message built and handed to a recorder without sinks, 4
 * handler threads, manual acks). {@code raw}: amqp-client publishing with confirms (not awaited) and a consumer whose
 * callback decodes the payload with Jackson and acks each message.
 *
 * <p>{@code interleaved} runs one batch of each, in alternating order, per invocation and reports the time of each as
 * secondary results ({@code corekitNanos}, {@code rawNanos}, summed per iteration), so that the load of the shared
 * machine falls on both sides alike.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConsumeBenchmark {
    private static final int BATCH = 1_000;

    private final ObjectMapper mapper = new ObjectMapper();
    private String exchange;
    private String rawQueue;
    private String corekitQueue;
    private Connection admin;
    private Messaging messaging;
    private EventConsumer consumer;
    private Connection rawConnection;
    private Channel rawPublisher;
    private volatile CountDownLatch handled = new CountDownLatch(0);
    private long sequence;

    @Setup(Level.Trial)
    public void start() throws Exception {
        exchange = Broker.unique("bench-consume");
        rawQueue = Broker.unique("bench-consume-raw");
        corekitQueue = Broker.unique("bench-consume-corekit");
        admin = Broker.raw(Broker.URI, "bench-admin");
        messaging = Messaging.custom()
                .settings(Broker.settings(Broker.URI, exchange).build())
                .recorder(Recorder.of())
                .build();
        consumer = messaging
                .consumer(corekitQueue)
                .on(Broker.PING, event -> handled.countDown())
                .start();
        if (!consumer.awaitSubscribed(Duration.ofSeconds(10))
                || !messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))) {
            throw new IllegalStateException("corekit did not connect: " + messaging.healthDetail());
        }
        rawConnection = Broker.raw(Broker.URI, "bench-raw");
        Channel setup = rawConnection.createChannel();
        setup.queueDeclare(rawQueue, true, false, false, Map.of("x-queue-type", "quorum"));
        setup.queueBind(rawQueue, exchange, "bench.raw");
        rawPublisher = rawConnection.createChannel();
        rawPublisher.confirmSelect();
        Channel rawConsumer = rawConnection.createChannel();
        rawConsumer.basicQos(100);
        rawConsumer.basicConsume(
                rawQueue,
                false,
                (tag, delivery) -> {
                    mapper.readValue(delivery.getBody(), Broker.Ping.class);
                    rawConsumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
                    handled.countDown();
                },
                tag -> {});
    }

    /** Per-iteration sums of the time spent in each side of {@code interleaved}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Split {
        public long corekitNanos;
        public long rawNanos;
        private int turn;

        @Setup(Level.Iteration)
        public void reset() {
            corekitNanos = 0;
            rawNanos = 0;
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * BATCH)
    public void interleaved(Split split) throws Exception {
        boolean corekitFirst = split.turn++ % 2 == 0;
        for (int k = 0; k < 2; k++) {
            long start = System.nanoTime();
            if (corekitFirst == (k == 0)) {
                corekit();
                split.corekitNanos += System.nanoTime() - start;
            } else {
                raw();
                split.rawNanos += System.nanoTime() - start;
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void corekit() throws Exception {
        CountDownLatch latch = new CountDownLatch(BATCH);
        handled = latch;
        for (int i = 0; i < BATCH; i++) {
            messaging.publisher().publish(Broker.PING, new Broker.Ping(sequence++, Broker.TEXT));
        }
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " events not handled: " + messaging.healthDetail());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void raw() throws Exception {
        CountDownLatch latch = new CountDownLatch(BATCH);
        handled = latch;
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .build();
        for (int i = 0; i < BATCH; i++) {
            rawPublisher.basicPublish(
                    exchange,
                    "bench.raw",
                    properties,
                    mapper.writeValueAsBytes(new Broker.Ping(sequence++, Broker.TEXT)));
        }
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " raw messages not handled");
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        consumer.delete();
        messaging.close();
        rawConnection.close();
        Channel channel = admin.createChannel();
        channel.queueDelete(rawQueue);
        channel.exchangeDelete(exchange);
        channel.exchangeDelete(exchange + ".retry");
        admin.close();
    }
}
