package dev.corekit.messaging.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.EventHeaders;
import dev.corekit.messaging.EventType;
import dev.corekit.messaging.Health;
import dev.corekit.messaging.Messaging;
import dev.corekit.messaging.MessagingSettings;
import dev.corekit.messaging.PublishException;
import dev.corekit.messaging.PublishReceipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Red team: the publisher's promises on the real RabbitMQ (futures always complete, buffering, limits, secrets). */
class PublishRedTeamTest {
    record Ping(int n) {}

    record Text(String text) {}

    public static final class ThrowingGetter {
        public String getValue() {
            throw new IllegalStateException("getter exploded");
        }
    }

    public static final class ThrowingToString {
        public int getN() {
            return 7;
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString exploded");
        }
    }

    static final EventType<Ping> PING = EventType.of("rt.ping", 1, Ping.class);
    static final EventType<Text> TEXT = EventType.of("rt.text", 1, Text.class);
    static final String SECRET = "s3cr3tPassw0rdXyz";

    private final InMemorySink sink = new InMemorySink();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            try {
                cleanup.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        for (String exchange : exchanges) {
            RedTeamRabbit.deleteExchanges(exchange);
        }
    }

    private Messaging connect(MessagingSettings.Builder builder) {
        MessagingSettings settings = builder.build();
        exchanges.add(settings.exchange());
        Messaging messaging = Messaging.custom()
                .settings(settings)
                .recorder(Recorder.of(sink))
                .build();
        cleanup.add(messaging);
        return messaging;
    }

    /** A connected Messaging whose exchange has a tap queue bound to every routing key. */
    private Tapped tapped(MessagingSettings.Builder builder) throws Exception {
        Messaging messaging = connect(builder);
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10)))
                .as(messaging::healthDetail)
                .isTrue();
        Connection admin = RedTeamRabbit.admin();
        cleanup.add(admin);
        Channel channel = admin.createChannel();
        String tap = RedTeamRabbit.tap(channel, messaging.settings().exchange());
        return new Tapped(messaging, channel, tap);
    }

    record Tapped(Messaging messaging, Channel channel, String tap) {}

    private static PublishException failure(CompletableFuture<?> future, Duration timeout) throws Exception {
        try {
            Object value = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failed publish, got " + value);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(PublishException.class);
            return (PublishException) e.getCause();
        }
    }

    private static String unreachable() {
        return "amqp://guest:guest@127.0.0.1:1";
    }

    // ---- bad arguments ----------------------------------------------------------------------------------------

    @Test
    void nullTypeIsRefusedAtOnce() {
        Messaging messaging = connect(RedTeamRabbit.settings());
        Throwable thrown = catchThrowable(() -> messaging.publisher().publish(null, new Ping(1)));
        assertThat(thrown).isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        Throwable thrownWithId = catchThrowable(() -> messaging.publisher().publish(null, "id-1", new Ping(1)));
        assertThat(thrownWithId).isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThat(messaging.pendingPublishes()).isZero();
    }

    @Test
    void nullPayloadNeverHangsAndNeverConfirmsSilentlyAsAnotherType() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings());
        CompletableFuture<PublishReceipt> future;
        try {
            future = t.messaging().publisher().publish(PING, null);
        } catch (NullPointerException | IllegalArgumentException refused) {
            return; // refused at once: fine
        }
        PublishException failure = failure(future, Duration.ofSeconds(5));
        assertThat(failure.reason()).isEqualTo(PublishException.Reason.INVALID);
    }

    @Test
    void invalidEventIdsAreRefusedWithIllegalArgument() {
        Messaging messaging = connect(RedTeamRabbit.settings());
        for (String bad : new String[] {"", "x".repeat(129), "has space", "tab\there", "é", "line\n", "\u0000", null}) {
            Throwable thrown = catchThrowable(() -> messaging.publisher().publish(PING, bad, new Ping(1)));
            assertThat(thrown)
                    .as("event id %s", bad == null ? null : bad.replace("\n", "\\n"))
                    .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
        }
        assertThat(messaging.pendingPublishes()).isZero();
    }

    @Test
    void longestValidEventIdIsConfirmedWithAnHonestReceipt() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings());
        String id = "!~" + "x".repeat(126);
        PublishReceipt receipt =
                t.messaging().publisher().publish(PING, id, new Ping(1)).get(10, TimeUnit.SECONDS);
        assertThat(receipt.eventId()).isEqualTo(id);
        assertThat(receipt.exchange()).isEqualTo(t.messaging().settings().exchange());
        assertThat(receipt.routingKey()).isEqualTo("rt.ping");
        assertThat(receipt.sends()).isEqualTo(1);
        assertThat(receipt.confirmedAt()).isNotNull();
        GetResponse message = RedTeamRabbit.awaitMessages(t.channel(), t.tap(), 1, Duration.ofSeconds(5))
                .get(0);
        assertThat(message.getProps().getMessageId()).isEqualTo(id);
    }

    // ---- payloads that cannot be encoded ----------------------------------------------------------------------

    @Test
    void payloadWhoseGetterThrowsFailsTheFutureAsInvalid() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings());
        EventType<ThrowingGetter> type = EventType.of("rt.throwing.getter", 1, ThrowingGetter.class);
        CompletableFuture<PublishReceipt> future;
        try {
            future = t.messaging().publisher().publish(type, "evt-getter", new ThrowingGetter());
        } catch (RuntimeException thrown) {
            throw new AssertionError("publish threw instead of failing its future", thrown);
        }
        PublishException failure = failure(future, Duration.ofSeconds(5));
        assertThat(failure.reason()).isEqualTo(PublishException.Reason.INVALID);
        assertThat(failure.eventId()).isEqualTo("evt-getter");
        assertThat(failure.retryable()).isFalse();
        assertThat(t.messaging().pendingPublishes()).isZero();
    }

    @Test
    void payloadWhoseToStringThrowsIsStillPublished() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings());
        EventType<ThrowingToString> type = EventType.of("rt.throwing.tostring", 1, ThrowingToString.class);
        PublishReceipt receipt =
                t.messaging().publisher().publish(type, new ThrowingToString()).get(10, TimeUnit.SECONDS);
        assertThat(receipt.eventId()).isNotBlank();
    }

    @Test
    void cyclicPayloadFailsAsInvalidAndDoesNotKillThePublisher() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings());
        @SuppressWarnings({"unchecked", "rawtypes"})
        EventType<List> type = EventType.of("rt.cyclic", 1, List.class);
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        CompletableFuture<PublishReceipt> future;
        try {
            future = t.messaging().publisher().publish(type, cyclic);
        } catch (Throwable thrown) {
            throw new AssertionError("publish threw instead of failing its future", thrown);
        }
        assertThat(failure(future, Duration.ofSeconds(5)).reason()).isEqualTo(PublishException.Reason.INVALID);
        assertThat(t.messaging().publisher().publish(PING, new Ping(2)).get(10, TimeUnit.SECONDS))
                .isNotNull();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void payloadOfAnotherClassThanTheTypeIsNotPublishedUnderThatType() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings());
        EventType raw = PING;
        CompletableFuture<PublishReceipt> future;
        try {
            future = t.messaging().publisher().publish(raw, new Text("not a ping"));
        } catch (IllegalArgumentException | ClassCastException refused) {
            return;
        }
        assertThat(failure(future, Duration.ofSeconds(5)).reason()).isEqualTo(PublishException.Reason.INVALID);
    }

    @Test
    void oversizedEventFailsAsTooLargeCountingBytesNotChars() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings().maxMessageBytes(1024));
        PublishException ascii = failure(
                t.messaging().publisher().publish(TEXT, "evt-big", new Text("x".repeat(5000))), Duration.ofSeconds(5));
        assertThat(ascii.reason()).isEqualTo(PublishException.Reason.TOO_LARGE);
        assertThat(ascii.eventId()).isEqualTo("evt-big");
        assertThat(ascii.retryable()).isFalse();
        // 600 chars, 1,800 bytes of UTF-8: over the limit
        PublishException multibyte =
                failure(t.messaging().publisher().publish(TEXT, new Text("€".repeat(600))), Duration.ofSeconds(5));
        assertThat(multibyte.reason()).isEqualTo(PublishException.Reason.TOO_LARGE);
        assertThat(t.messaging().publisher().publish(TEXT, new Text("small")).get(10, TimeUnit.SECONDS))
                .isNotNull();
        assertThat(t.messaging().pendingPublishes()).isZero();
    }

    @Test
    void unroutableEventFailsAsReturned() throws Exception {
        Messaging messaging = connect(RedTeamRabbit.settings());
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        PublishException failure =
                failure(messaging.publisher().publish(PING, "evt-nowhere", new Ping(1)), Duration.ofSeconds(10));
        assertThat(failure.reason()).isEqualTo(PublishException.Reason.RETURNED);
        assertThat(failure.eventId()).isEqualTo("evt-nowhere");
    }

    // ---- closing ----------------------------------------------------------------------------------------------

    @Test
    void publishAfterCloseFailsAsClosedAndCloseTwiceIsHarmless() throws Exception {
        Messaging messaging = connect(RedTeamRabbit.settings());
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        messaging.close();
        messaging.close();
        assertThat(messaging.health()).isEqualTo(Health.DOWN);
        CompletableFuture<PublishReceipt> future;
        try {
            future = messaging.publisher().publish(PING, new Ping(1));
        } catch (IllegalStateException refused) {
            return;
        }
        assertThat(failure(future, Duration.ofSeconds(2)).reason()).isEqualTo(PublishException.Reason.CLOSED);
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofMillis(100))).isFalse();
    }

    @Test
    void closeFailsEveryPendingPublishAsClosedWithinTheShutdownTimeout() throws Exception {
        Messaging messaging = connect(RedTeamRabbit.settings()
                .uri(unreachable())
                .publishTimeout(Duration.ofMinutes(5))
                .shutdownTimeout(Duration.ofMillis(300)));
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(messaging.publisher().publish(PING, new Ping(i)));
        }
        assertThat(messaging.pendingPublishes()).isEqualTo(100);
        long start = System.nanoTime();
        messaging.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        for (CompletableFuture<PublishReceipt> future : futures) {
            assertThat(future).as("completed when close returns").isDone();
            assertThat(failure(future, Duration.ZERO).reason()).isEqualTo(PublishException.Reason.CLOSED);
        }
        assertThat(messaging.pendingPublishes()).isZero();
    }

    @Test
    void closeFromManyThreadsWhilePublishingCompletesEveryFuture() throws Exception {
        Messaging messaging = connect(RedTeamRabbit.settings().shutdownTimeout(Duration.ofMillis(500)));
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
        List<CompletableFuture<PublishReceipt>> futures = new CopyOnWriteArrayList<>();
        AtomicInteger thrown = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int p = 0; p < 4; p++) {
                pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 500; i++) {
                        try {
                            futures.add(messaging.publisher().publish(PING, new Ping(i)));
                        } catch (IllegalStateException closed) {
                            thrown.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            for (int c = 0; c < 2; c++) {
                pool.submit(() -> {
                    go.await();
                    messaging.close();
                    return null;
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .handle((r, e) -> null)
                .get(10, TimeUnit.SECONDS);
        assertThat(futures.size() + thrown.get()).isEqualTo(2000);
        for (CompletableFuture<PublishReceipt> future : futures) {
            assertThat(future).isDone();
            if (future.isCompletedExceptionally()) {
                // unroutable (no queue) or closed: both honest
                assertThat(failure(future, Duration.ZERO).reason())
                        .isIn(PublishException.Reason.RETURNED, PublishException.Reason.CLOSED);
            }
        }
    }

    // ---- buffering while down ---------------------------------------------------------------------------------

    @Test
    void fullBufferFailsAtOnceAsBufferFull() throws Exception {
        Messaging messaging = connect(
                RedTeamRabbit.settings().uri(unreachable()).bufferCapacity(3).shutdownTimeout(Duration.ofMillis(100)));
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(messaging.publisher().publish(PING, new Ping(i)));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(futures.get(i)).as("buffered %s", i).isNotDone();
        }
        for (int i = 3; i < 5; i++) {
            assertThat(futures.get(i)).as("over capacity %s", i).isDone();
            assertThat(failure(futures.get(i), Duration.ZERO).reason()).isEqualTo(PublishException.Reason.BUFFER_FULL);
        }
        assertThat(messaging.pendingPublishes()).isEqualTo(3);
    }

    @Test
    void bufferedPublishFailsAtItsDeadlineWhileTheBrokerIsUnreachable() throws Exception {
        Messaging messaging =
                connect(RedTeamRabbit.settings().uri(unreachable()).publishTimeout(Duration.ofMillis(300)));
        long start = System.nanoTime();
        PublishException failure = failure(messaging.publisher().publish(PING, new Ping(1)), Duration.ofSeconds(5));
        assertThat(failure.reason()).isEqualTo(PublishException.Reason.TIMED_OUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(messaging.pendingPublishes()).isZero();
    }

    @Test
    void bufferedPublishesAreSentOnceTheBrokerAnswers() throws Exception {
        try (RedTeamProxy proxy = new RedTeamProxy()) {
            proxy.refuse(true);
            MessagingSettings.Builder builder = RedTeamRabbit.settings().uri(proxy.uri());
            Messaging messaging = connect(builder);
            List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(messaging.publisher().publish(PING, new Ping(i)));
            }
            assertThat(messaging.health()).isNotEqualTo(Health.UP);
            // the tap must exist before the buffer flushes, or the events are returned: declare the exchange as
            // corekit would by letting a second Messaging on the real port declare it first
            Messaging declarer = connect(
                    RedTeamRabbit.settings().exchange(messaging.settings().exchange()));
            assertThat(declarer.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
            Connection admin = RedTeamRabbit.admin();
            cleanup.add(admin);
            Channel channel = admin.createChannel();
            String tap = RedTeamRabbit.tap(channel, messaging.settings().exchange());
            proxy.refuse(false);
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            assertThat(RedTeamRabbit.awaitMessages(channel, tap, 20, Duration.ofSeconds(5)))
                    .hasSize(20);
        }
    }

    // ---- extreme settings -------------------------------------------------------------------------------------

    @Test
    void hugePublishTimeoutIsEitherRefusedOrHonouredWithoutOverflow() throws Exception {
        MessagingSettings.Builder builder = RedTeamRabbit.settings().publishTimeout(Duration.ofSeconds(Long.MAX_VALUE));
        try {
            builder.build();
        } catch (IllegalArgumentException refused) {
            return;
        }
        Tapped t = tapped(builder);
        assertThat(t.messaging().publisher().publish(PING, new Ping(1)).get(10, TimeUnit.SECONDS))
                .isNotNull();
    }

    @Test
    void hugeBufferCapacityIsEitherRefusedOrUsableWithoutPreallocating() throws Exception {
        MessagingSettings.Builder builder = RedTeamRabbit.settings().bufferCapacity(Integer.MAX_VALUE);
        try {
            builder.build();
        } catch (IllegalArgumentException refused) {
            return;
        }
        Tapped t = tapped(builder);
        assertThat(t.messaging().publisher().publish(PING, new Ping(1)).get(10, TimeUnit.SECONDS))
                .isNotNull();
    }

    @Test
    void hugeShutdownTimeoutDoesNotDelayACloseWithNothingPending() throws Exception {
        MessagingSettings.Builder builder =
                RedTeamRabbit.settings().shutdownTimeout(Duration.ofSeconds(Long.MAX_VALUE));
        try {
            builder.build();
        } catch (IllegalArgumentException refused) {
            return;
        }
        Tapped t = tapped(builder);
        t.messaging().publisher().publish(PING, new Ping(1)).get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        t.messaging().close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    // ---- many publishers --------------------------------------------------------------------------------------

    @Test
    void concurrentPublishersGetEveryFutureCompletedAndEveryConfirmedEventDelivered() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings().bufferCapacity(100_000));
        int threads = 16;
        int each = 300;
        List<CompletableFuture<PublishReceipt>> futures = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int p = 0; p < threads; p++) {
                int base = p * each;
                pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        futures.add(t.messaging().publisher().publish(PING, "evt-" + (base + i), new Ping(base + i)));
                    }
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .handle((r, e) -> null)
                .get(60, TimeUnit.SECONDS);
        Set<String> confirmed = new HashSet<>();
        int failed = 0;
        for (CompletableFuture<PublishReceipt> future : futures) {
            if (future.isCompletedExceptionally()) {
                failed++;
            } else {
                confirmed.add(future.join().eventId());
            }
        }
        assertThat(confirmed.size() + failed).isEqualTo(threads * each);
        assertThat(failed).isZero();
        Set<String> delivered = new HashSet<>();
        for (GetResponse r :
                RedTeamRabbit.awaitMessages(t.channel(), t.tap(), confirmed.size(), Duration.ofSeconds(30))) {
            delivered.add(r.getProps().getMessageId());
        }
        assertThat(delivered).containsAll(confirmed);
        RedTeamRabbit.await(
                "nothing pending", Duration.ofSeconds(5), () -> t.messaging().pendingPublishes() == 0);
    }

    @Test
    void publishesThroughRepeatedCutsAllCompleteAndConfirmedOnesArrive() throws Exception {
        try (RedTeamProxy proxy = new RedTeamProxy()) {
            Messaging messaging = connect(RedTeamRabbit.settings()
                    .uri(proxy.uri())
                    .publishTimeout(Duration.ofSeconds(20))
                    .bufferCapacity(100_000));
            assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
            Connection admin = RedTeamRabbit.admin();
            cleanup.add(admin);
            Channel channel = admin.createChannel();
            String tap = RedTeamRabbit.tap(channel, messaging.settings().exchange());
            List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
            int sent = 3000;
            for (int i = 0; i < sent; i++) {
                futures.add(messaging.publisher().publish(PING, "cut-" + i, new Ping(i)));
                if (i % 600 == 300) {
                    proxy.cutAll();
                }
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .handle((r, e) -> null)
                    .get(60, TimeUnit.SECONDS);
            Set<String> confirmed = new HashSet<>();
            int failed = 0;
            for (CompletableFuture<PublishReceipt> future : futures) {
                if (future.isCompletedExceptionally()) {
                    failed++;
                } else {
                    confirmed.add(future.join().eventId());
                }
            }
            assertThat(confirmed.size() + failed).isEqualTo(sent);
            Set<String> delivered = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!delivered.containsAll(confirmed) && System.nanoTime() < deadline) {
                GetResponse r = channel.basicGet(tap, true);
                if (r == null) {
                    TimeUnit.MILLISECONDS.sleep(10); // polling a queue
                } else {
                    delivered.add(r.getProps().getMessageId());
                }
            }
            assertThat(delivered).containsAll(confirmed);
        }
    }

    // ---- the envelope on the wire and the caller's context ------------------------------------------------------

    @Test
    void envelopeCarriesTheCallersContextOnTheWire() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings());
        CallContext context = CallContext.newRequest().withTenant("acme").withBaggage("flag", "on");
        PublishReceipt receipt;
        try (Scope ignored = context.activate()) {
            receipt = t.messaging().publisher().publish(PING, new Ping(42)).get(10, TimeUnit.SECONDS);
        }
        GetResponse message = RedTeamRabbit.awaitMessages(t.channel(), t.tap(), 1, Duration.ofSeconds(5))
                .get(0);
        assertThat(message.getProps().getContentType()).isEqualTo("application/json");
        assertThat(message.getProps().getMessageId()).isEqualTo(receipt.eventId());
        assertThat(message.getProps().getAppId()).isEqualTo("redteam");
        assertThat(message.getProps().getType()).isEqualTo("rt.ping");
        assertThat(message.getProps().getCorrelationId()).isEqualTo(context.requestId());
        assertThat(RedTeamRabbit.header(message, "x-request-id")).isEqualTo(context.requestId());
        assertThat(RedTeamRabbit.header(message, "traceparent")).contains(context.traceId());
        assertThat(RedTeamRabbit.header(message, "baggage")).contains("flag=on");
        assertThat(RedTeamRabbit.header(message, EventHeaders.ATTEMPT)).isEqualTo("1");
        assertThat(RedTeamRabbit.header(message, EventHeaders.VERSION)).isEqualTo("1");
        assertThat(RedTeamRabbit.header(message, EventHeaders.TENANT)).isEqualTo("acme");
        JsonNode json = new ObjectMapper().readTree(message.getBody());
        assertThat(json.get("id").asText()).isEqualTo(receipt.eventId());
        assertThat(json.get("type").asText()).isEqualTo("rt.ping");
        assertThat(json.get("version").asInt()).isEqualTo(1);
        assertThat(json.get("occurredAt").isTextual()).as("ISO-8601 text").isTrue();
        assertThat(json.get("producer").asText()).isEqualTo("redteam");
        assertThat(json.get("requestId").asText()).isEqualTo(context.requestId());
        assertThat(json.get("correlationId").asText()).isEqualTo(context.requestId());
        assertThat(json.get("tenant").asText()).isEqualTo("acme");
        assertThat(json.get("traceparent").asText()).contains(context.traceId());
        assertThat(json.get("attempt").asInt()).isEqualTo(1);
        assertThat(json.get("payload").get("n").asInt()).isEqualTo(42);
    }

    @Test
    void envelopeWithoutAContextGetsAFreshRequestAndTrace() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings());
        t.messaging().publisher().publish(PING, new Ping(1)).get(10, TimeUnit.SECONDS);
        t.messaging().publisher().publish(PING, new Ping(2)).get(10, TimeUnit.SECONDS);
        List<GetResponse> messages = RedTeamRabbit.awaitMessages(t.channel(), t.tap(), 2, Duration.ofSeconds(5));
        ObjectMapper mapper = new ObjectMapper();
        JsonNode first = mapper.readTree(messages.get(0).getBody());
        JsonNode second = mapper.readTree(messages.get(1).getBody());
        assertThat(first.path("requestId").asText()).isNotBlank();
        assertThat(first.path("traceparent").asText()).isNotBlank();
        assertThat(first.path("requestId").asText())
                .isNotEqualTo(second.path("requestId").asText());
        assertThat(first.path("id").asText()).isNotEqualTo(second.path("id").asText());
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    @Test
    void stagesOnTheFutureRunInTheCallersContext() throws Exception {
        Tapped t = tapped(RedTeamRabbit.settings());
        CallContext context = CallContext.newRequest().withTenant("stage-tenant");
        CompletableFuture<String> seen;
        try (Scope ignored = context.activate()) {
            seen = t.messaging()
                    .publisher()
                    .publish(PING, new Ping(1))
                    .thenApply(receipt -> CallContext.current().requestId());
        }
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(context.requestId());
    }

    // ---- secrets ----------------------------------------------------------------------------------------------

    @Test
    void wrongPasswordNeverShowsInRecordsErrorsOrToString() throws Exception {
        Messaging messaging = connect(RedTeamRabbit.settings()
                .uri("amqp://guest:" + SECRET + "@127.0.0.1:5672")
                .publishTimeout(Duration.ofMillis(800))
                .connectTimeout(Duration.ofSeconds(2)));
        PublishException failure = failure(messaging.publisher().publish(PING, new Ping(1)), Duration.ofSeconds(10));
        assertThat(failure.reason()).isEqualTo(PublishException.Reason.TIMED_OUT);
        for (Throwable e = failure; e != null; e = e.getCause()) {
            assertThat(e.toString()).doesNotContain(SECRET);
        }
        RedTeamRabbit.await(
                "a connection attempt recorded",
                Duration.ofSeconds(5),
                () -> !sink.records().isEmpty());
        assertThat(messaging.health()).isNotEqualTo(Health.UP);
        assertThat(messaging.toString()).doesNotContain(SECRET);
        assertThat(messaging.healthDetail()).doesNotContain(SECRET);
        assertThat(messaging.settings().toString()).doesNotContain(SECRET);
        messaging.close();
        assertThat(sink.records().toString()).doesNotContain(SECRET);
    }

    // ---- health -----------------------------------------------------------------------------------------------

    @Test
    void throwingHealthListenerDoesNotStopOtherListenersOrRecovery() throws Exception {
        try (RedTeamProxy proxy = new RedTeamProxy()) {
            Messaging messaging = connect(RedTeamRabbit.settings().uri(proxy.uri()));
            List<Health> seen = new CopyOnWriteArrayList<>();
            AtomicInteger thrown = new AtomicInteger();
            messaging.addHealthListener(h -> {
                thrown.incrementAndGet();
                throw new IllegalStateException("listener exploded");
            });
            messaging.addHealthListener(h -> {
                throw new StackOverflowError("listener error");
            });
            messaging.addHealthListener(seen::add);
            assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(10))).isTrue();
            proxy.cutAll();
            RedTeamRabbit.await(
                    "a RECOVERING then UP seen by the healthy listener",
                    Duration.ofSeconds(20),
                    () -> seen.contains(Health.RECOVERING)
                            && seen.lastIndexOf(Health.UP) > seen.indexOf(Health.RECOVERING));
            assertThat(thrown.get()).isGreaterThanOrEqualTo(2);
            assertThat(messaging.publisher().publish(PING, new Ping(1)))
                    .as("publishing still works (returned: no queue)")
                    .failsWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void nullHealthListenerIsRefusedAtOnce() {
        Messaging messaging = connect(RedTeamRabbit.settings());
        Consumer<Health> none = null;
        assertThat(catchThrowable(() -> messaging.addHealthListener(none)))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    }

    @Test
    void awaitHealthWithNonPositiveTimeoutReturnsAtOnce() throws Exception {
        Messaging messaging = connect(RedTeamRabbit.settings().uri(unreachable()));
        long start = System.nanoTime();
        assertThat(messaging.awaitHealth(Health.UP, Duration.ZERO)).isFalse();
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(-5))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(messaging.health()).isNotEqualTo(Health.UP);
        assertThat(catchThrowable(() -> messaging.awaitHealth(null, Duration.ofSeconds(1))))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThat(catchThrowable(() -> messaging.awaitHealth(Health.UP, null)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("timeout");
    }

    @Test
    void awaitHealthWithATimeoutBeyondNanosecondRangeWaitsInsteadOfOverflowing() throws Exception {
        Messaging messaging = connect(RedTeamRabbit.settings());
        assertThat(messaging.awaitHealth(Health.UP, Duration.ofSeconds(Long.MAX_VALUE)))
                .isTrue();
    }
}
