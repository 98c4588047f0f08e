package dev.corekit.benchmarks.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.Health;
import dev.corekit.messaging.Messaging;
import dev.corekit.messaging.PublishReceipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
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
 * Publish-with-confirms throughput: 1,000 events of 1 KB, then wait for every confirm, to a quorum queue on the real
 * RabbitMQ. {@code corekit} publishes through {@code EventPublisher} (envelope, context headers, buffer, deadline per
 * publish, futures completed off the I/O thread); {@code rawAsyncConfirms} is the amqp-client's asynchronous confirm
 * pattern (outstanding map by sequence number, confirm listener), publishing the same payload serialized by Jackson
 * (about 1 KB, no headers); {@code rawAsyncConfirmsSameBytes} is that pattern sending exactly the bytes corekit sends
 * (envelope body about 1.35 KB, context headers), so the ratio to it is the client's own overhead. Same broker, same
 * queue type, same run: compare ratios.
 *
 * <p>On this shared machine separate benchmarks drift with the load between them (errors of 50-80 %), so
 * {@code interleaved} publishes one batch through each of the three, in rotating order, per invocation, and reports
 * the time of each as secondary results ({@code corekitNanos}, {@code rawNanos}, {@code rawSameBytesNanos}, summed per
 * iteration): their ratios are the throughput ratios with the load spread over all three.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PublishBenchmark {
    private static final int BATCH = 1_000;

    private String exchange;
    private String queue;
    private Connection admin;
    private Messaging messaging;
    private Connection rawConnection;
    private Channel raw;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ConcurrentSkipListMap<Long, Boolean> outstanding = new ConcurrentSkipListMap<>();
    private final Object allConfirmed = new Object();
    private long sequence;
    private AMQP.BasicProperties corekitProperties;
    private byte[] corekitBody;

    @Setup(Level.Trial)
    public void start() throws Exception {
        exchange = Broker.unique("bench-publish");
        queue = Broker.unique("bench-publish");
        admin = Broker.raw(Broker.URI, "bench-admin");
        Channel channel = admin.createChannel();
        channel.exchangeDeclare(exchange, "topic", true);
        channel.queueDeclare(
                queue,
                true,
                false,
                false,
                Map.of("x-queue-type", "quorum", "x-max-length", 50_000, "x-overflow", "drop-head"));
        channel.queueBind(queue, exchange, Broker.PING.name());
        messaging = Messaging.custom()
                .settings(Broker.settings(Broker.URI, exchange).build())
                .recorder(Recorder.of())
                .build();
        if (!messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))) {
            throw new IllegalStateException("corekit did not connect: " + messaging.healthDetail());
        }
        // one corekit message, captured as the broker stores it: the raw peer can send the very same bytes
        messaging
                .publisher()
                .publish(Broker.PING, new Broker.Ping(-1, Broker.TEXT))
                .join();
        GetResponse captured = channel.basicGet(queue, true);
        Map<String, Object> sentHeaders = new HashMap<>(captured.getProps().getHeaders());
        sentHeaders.remove("x-delivery-count"); // added by the quorum queue on delivery, not sent by corekit
        corekitProperties = captured.getProps().builder().headers(sentHeaders).build();
        corekitBody = captured.getBody();
        rawConnection = Broker.raw(Broker.URI, "bench-raw-publisher");
        raw = rawConnection.createChannel();
        raw.confirmSelect();
        raw.addConfirmListener(this::acked, this::acked);
    }

    private void acked(long seq, boolean multiple) {
        if (multiple) {
            ConcurrentNavigableMap<Long, Boolean> confirmed = outstanding.headMap(seq, true);
            confirmed.clear();
        } else {
            outstanding.remove(seq);
        }
        if (outstanding.isEmpty()) {
            synchronized (allConfirmed) {
                allConfirmed.notifyAll();
            }
        }
    }

    /** Per-iteration sums of the time spent in each side of {@code interleaved}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Split {
        public long corekitNanos;
        public long rawNanos;
        public long rawSameBytesNanos;
        private int turn;

        @Setup(Level.Iteration)
        public void reset() {
            corekitNanos = 0;
            rawNanos = 0;
            rawSameBytesNanos = 0;
        }
    }

    @Benchmark
    @OperationsPerInvocation(3 * BATCH)
    public void interleaved(Split split) throws Exception {
        int first = split.turn++ % 3;
        for (int k = 0; k < 3; k++) {
            int side = (first + k) % 3;
            long start = System.nanoTime();
            if (side == 0) {
                corekit();
                split.corekitNanos += System.nanoTime() - start;
            } else if (side == 1) {
                rawAsyncConfirms();
                split.rawNanos += System.nanoTime() - start;
            } else {
                rawAsyncConfirmsSameBytes();
                split.rawSameBytesNanos += System.nanoTime() - start;
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void corekit() {
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            futures.add(messaging.publisher().publish(Broker.PING, new Broker.Ping(sequence++, Broker.TEXT)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawAsyncConfirms() throws Exception {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .build();
        for (int i = 0; i < BATCH; i++) {
            byte[] body = mapper.writeValueAsBytes(new Broker.Ping(sequence++, Broker.TEXT));
            outstanding.put(raw.getNextPublishSeqNo(), Boolean.TRUE);
            raw.basicPublish(exchange, Broker.PING.name(), properties, body);
        }
        synchronized (allConfirmed) {
            while (!outstanding.isEmpty()) {
                allConfirmed.wait(10_000);
            }
        }
    }

    /** The raw client sending exactly what corekit sends (envelope body and headers), captured once. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawAsyncConfirmsSameBytes() throws Exception {
        for (int i = 0; i < BATCH; i++) {
            outstanding.put(raw.getNextPublishSeqNo(), Boolean.TRUE);
            raw.basicPublish(exchange, Broker.PING.name(), corekitProperties, corekitBody);
        }
        synchronized (allConfirmed) {
            while (!outstanding.isEmpty()) {
                allConfirmed.wait(10_000);
            }
        }
    }

    /** Per-iteration sums of the time spent in each side of {@code rawBytesSplit}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class BytesSplit {
        public long bareNanos;
        public long envelopeBodyNanos;
        public long envelopePropertiesNanos;
        public long headersOnlyNanos;
        public long sameBytesNanos;
        private int turn;

        @Setup(Level.Iteration)
        public void reset() {
            bareNanos = 0;
            envelopeBodyNanos = 0;
            envelopePropertiesNanos = 0;
            headersOnlyNanos = 0;
            sameBytesNanos = 0;
        }
    }

    /**
     * Where the bytes of corekit's message cost the broker: the raw client alone, in rotating order, sending the bare
     * payload with plain properties ({@code bareNanos}), corekit's envelope body with plain properties
     * ({@code envelopeBodyNanos}), the bare payload with corekit's properties and headers
     * ({@code envelopePropertiesNanos}), the bare payload with plain properties plus corekit's header table alone
     * ({@code headersOnlyNanos}), and corekit's whole message ({@code sameBytesNanos}).
     */
    @Benchmark
    @OperationsPerInvocation(5 * BATCH)
    public void rawBytesSplit(BytesSplit split) throws Exception {
        AMQP.BasicProperties plain = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .build();
        AMQP.BasicProperties headersOnly =
                plain.builder().headers(corekitProperties.getHeaders()).build();
        byte[] bare = mapper.writeValueAsBytes(new Broker.Ping(sequence, Broker.TEXT));
        int first = split.turn++ % 5;
        for (int k = 0; k < 5; k++) {
            int side = (first + k) % 5;
            long start = System.nanoTime();
            if (side == 0) {
                rawBatch(plain, bare);
                split.bareNanos += System.nanoTime() - start;
            } else if (side == 1) {
                rawBatch(plain, corekitBody);
                split.envelopeBodyNanos += System.nanoTime() - start;
            } else if (side == 2) {
                rawBatch(corekitProperties, bare);
                split.envelopePropertiesNanos += System.nanoTime() - start;
            } else if (side == 3) {
                rawBatch(headersOnly, bare);
                split.headersOnlyNanos += System.nanoTime() - start;
            } else {
                rawBatch(corekitProperties, corekitBody);
                split.sameBytesNanos += System.nanoTime() - start;
            }
        }
    }

    private void rawBatch(AMQP.BasicProperties properties, byte[] body) throws Exception {
        for (int i = 0; i < BATCH; i++) {
            outstanding.put(raw.getNextPublishSeqNo(), Boolean.TRUE);
            raw.basicPublish(exchange, Broker.PING.name(), properties, body);
        }
        synchronized (allConfirmed) {
            while (!outstanding.isEmpty()) {
                allConfirmed.wait(10_000);
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        messaging.close();
        rawConnection.close();
        Channel channel = admin.createChannel();
        channel.queueDelete(queue);
        channel.exchangeDelete(exchange);
        channel.exchangeDelete(exchange + ".retry");
        admin.close();
    }
}
