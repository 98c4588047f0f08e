package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.mongo.MongoIdempotencyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sockets cut mid-stream by a TCP proxy in the test, between corekit and the real RabbitMQ: no goodbye, no
 * connection.close, just a reset.
 */
class CutFaultTest {
    /**
     * Publishes in the random-cuts figure; the build runs a quick one, the figure for the report runs with
     * {@code -Dcorekit.test.cut-publishes=20000}.
     */
    static final int PUBLISHES = Integer.getInteger("corekit.test.cut-publishes", 3_000);

    record Ping(int n) {}

    static final EventType<Ping> PING = EventType.of("test.ping", 1, Ping.class);

    private final InMemorySink sink = new InMemorySink();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TcpProxy proxy;
    private Connection admin;
    private MessagingSettings settings;

    @BeforeEach
    void setUp() throws Exception {
        proxy = new TcpProxy("127.0.0.1", 5672);
        admin = Rabbit.admin();
        settings = Rabbit.settings().build();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        proxy.close();
        Channel channel = admin.createChannel();
        channel.exchangeDelete(settings.exchange());
        channel.exchangeDelete(settings.exchange() + ".retry");
        admin.close();
    }

    private Messaging connect(String uri) throws Exception {
        Messaging messaging = Messaging.custom()
                .settings(
                        Rabbit.settings().exchange(settings.exchange()).uri(uri).build())
                .recorder(Recorder.of(sink))
                .build();
        closeables.add(0, messaging);
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        return messaging;
    }

    @Test
    void underRandomCutsEveryPublishCompletesAndNothingConfirmedIsLost() throws Exception {
        Messaging messaging = connect(proxy.uri());
        String queue = Rabbit.unique("test-cuts");
        Channel channel = admin.createChannel();
        channel.queueDeclare(queue, false, false, true, null);
        channel.queueBind(queue, settings.exchange(), PING.name());
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicInteger deliveries = new AtomicInteger();
        channel.basicConsume(
                queue,
                true,
                (tag, delivery) -> {
                    deliveries.incrementAndGet();
                    received.add(delivery.getProperties().getMessageId());
                },
                tag -> {});

        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicInteger cuts = new AtomicInteger();
        Thread cutter = new Thread(() -> {
            while (publishing.get()) {
                try {
                    TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(50, 300)); // random cut times
                } catch (InterruptedException e) {
                    return;
                }
                proxy.cutAll();
                cuts.incrementAndGet();
            }
        });
        cutter.start();
        Semaphore window = new Semaphore(1_000); // a producer that keeps at most 1,000 publishes in flight
        Map<String, CompletableFuture<PublishReceipt>> futures = new ConcurrentHashMap<>();
        long started = System.nanoTime();
        for (int i = 0; i < PUBLISHES; i++) {
            window.acquire();
            String id = "ping-" + i;
            CompletableFuture<PublishReceipt> future = messaging.publisher().publish(PING, id, new Ping(i));
            future.whenComplete((r, e) -> window.release());
            futures.put(id, future);
        }
        CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .get(settings.publishTimeout().toSeconds() + 30, TimeUnit.SECONDS);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        publishing.set(false);
        cutter.join();

        List<String> confirmed = new ArrayList<>();
        Map<String, Integer> failures = new java.util.TreeMap<>();
        int resent = 0;
        for (Map.Entry<String, CompletableFuture<PublishReceipt>> entry : futures.entrySet()) {
            CompletableFuture<PublishReceipt> future = entry.getValue();
            assertThat(future).as(entry.getKey()).isDone();
            if (future.isCompletedExceptionally()) {
                future.exceptionally(e -> {
                    PublishException failure = (PublishException) (e.getCause() == null ? e : e.getCause());
                    failures.merge(failure.reason().name(), 1, Integer::sum);
                    return null;
                });
            } else {
                confirmed.add(entry.getKey());
                if (future.join().sends() > 1) {
                    resent++;
                }
            }
        }
        int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(confirmed.size() + failed).isEqualTo(PUBLISHES);
        Rabbit.await("every confirmed event received", Duration.ofSeconds(30), () -> received.containsAll(confirmed));
        System.out.printf(
                "cut figure: publishes=%d cuts=%d confirmed=%d failed=%d %s resent=%d received-distinct=%d"
                        + " deliveries=%d lost-confirmed=0 elapsed-ms=%d%n",
                PUBLISHES,
                cuts.get(),
                confirmed.size(),
                failed,
                failures,
                resent,
                received.size(),
                deliveries.get(),
                elapsedMillis);
        assertThat(cuts.get()).isPositive();
        assertThat(proxy.forwarded()).isGreaterThan(1);
        channel.queueDelete(queue);
    }

    @Test
    void aBroadcastConsumerResumesOnANewServerNamedQueueAfterACut() throws Exception {
        Messaging consuming = connect(proxy.uri());
        Messaging producing = connect(Rabbit.URI);
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        EventConsumer broadcast = consuming
                .broadcastConsumer(Rabbit.unique("test-broadcast"))
                .on(PING, event -> handled.add(event.payload().n()))
                .start();
        closeables.add(0, broadcast::delete);
        assertThat(broadcast.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
        String before = broadcast.queueName();
        assertThat(before).startsWith("amq.gen-");
        producing.publisher().publish(PING, new Ping(1)).get(10, TimeUnit.SECONDS);
        Rabbit.await("handled before the cut", Duration.ofSeconds(10), () -> handled.contains(1));

        proxy.cutAll();

        Rabbit.await("a new server-named queue", Duration.ofSeconds(10), () -> !before.equals(broadcast.queueName()));
        assertThat(broadcast.awaitSubscribed(Duration.ofSeconds(10))).isTrue();
        producing.publisher().publish(PING, new Ping(2)).get(10, TimeUnit.SECONDS);
        Rabbit.await("handled after the cut", Duration.ofSeconds(10), () -> handled.contains(2));
        assertThat(broadcast.queueName()).startsWith("amq.gen-");
    }

    @Test
    void aHandlerCutOffBetweenItsSideEffectAndItsAckRunsTheEffectOncePerId() throws Exception {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        var address = mongo.bind();
        MongoClient client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        closeables.add(mongo::shutdownNow);
        closeables.add(0, client::close);
        Messaging consuming = connect(proxy.uri());
        Messaging producing = connect(Rabbit.URI);
        Map<Integer, AtomicInteger> effects = new ConcurrentHashMap<>();
        Set<Integer> cutAfter = Set.of(3, 7, 11, 15, 19);
        EventConsumer consumer = consuming
                .consumer(Rabbit.unique("test-effect-once"))
                .on(PING, event -> {
                    int n = event.payload().n();
                    int times =
                            effects.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
                    if (cutAfter.contains(n) && times == 1) {
                        proxy.cutAll(); // the process loses the broker after the effect, before the ack
                    }
                })
                .idempotencyStore(
                        MongoIdempotencyStore.of(client.getDatabase("test").getCollection("idempotency")))
                .start();
        closeables.add(0, consumer::delete);
        assertThat(consumer.awaitSubscribed(Duration.ofSeconds(10))).isTrue();

        for (int n = 0; n < 20; n++) {
            producing.publisher().publish(PING, new Ping(n)).get(10, TimeUnit.SECONDS);
        }

        Rabbit.await("every event handled", Duration.ofSeconds(30), () -> effects.size() == 20);
        sink.await(r -> "duplicate".equals(r.attributes().get("outcome")), cutAfter.size(), Duration.ofSeconds(30));
        assertThat(effects)
                .allSatisfy((n, times) ->
                        assertThat(times.get()).as("effects of " + n).isEqualTo(1));
        Rabbit.await("the queue is empty", Duration.ofSeconds(10), () -> {
            try {
                return admin.createChannel()
                                .queueDeclarePassive(consumer.queueName())
                                .getMessageCount()
                        == 0;
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
