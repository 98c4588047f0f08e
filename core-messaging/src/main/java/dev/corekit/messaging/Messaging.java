package dev.corekit.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.ConnectionFactory;
import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.internal.ConnectionSupervisor;
import dev.corekit.messaging.internal.ConsumerBuilder;
import dev.corekit.messaging.internal.ConsumerEngine;
import dev.corekit.messaging.internal.DefaultEventPublisher;
import dev.corekit.messaging.internal.EventCodec;
import dev.corekit.messaging.internal.Profiles;
import dev.corekit.messaging.internal.PublisherEngine;
import dev.corekit.messaging.internal.Topology;
import io.github.resilience4j.core.IntervalFunction;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.slf4j.event.Level;

/**
 * The entry point of core-messaging: two supervised connections to the broker (one publishes, one consumes, so a
 * publisher blocked by a broker alarm never starves the consumers), the {@link EventPublisher} and the
 * {@link EventConsumer}s. One per service; thread-safe.
 *
 * <pre>{@code
 * try (Messaging messaging = Messaging.connect(MessagingSettings.fromEnvironment())) {
 *     messaging.consumer("billing")
 *             .on(ORDER_PLACED, event -> invoices.create(event.payload()))
 *             .idempotencyStore(MongoIdempotencyStore.of(collection))
 *             .start();
 *     messaging.publisher().publish(ORDER_PLACED, new OrderPlaced(orderId, total));
 * }
 * }</pre>
 *
 * <p>{@link #connect} returns at once and connects in the background: publishes made before the broker answers are
 * buffered, and {@link #health()} says where things stand. The connections recover by themselves (see {@link Health});
 * every recovery re-declares corekit's exchanges and queues in dependency order and re-subscribes the consumers.
 *
 * <p>Topology: events go to the topic exchange {@link MessagingSettings#exchange()} with their type name as routing
 * key; each consumer's queue is bound to the types it handles. Retries go through per-delay queues that dead-letter back
 * through the direct exchange {@code <exchange>.retry}; each consumer has a dead-letter queue {@code <queue>.dlq}.
 */
public final class Messaging implements AutoCloseable {
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,119}");

    private final MessagingSettings settings;
    private final Recorder recorder;
    private final Clock clock = Clock.systemUTC();
    private final EventCodec codec;
    private final Topology topology = new Topology();
    private final Profiles profiles;
    private final ScheduledExecutorService timers;
    private final ConnectionSupervisor publisherConnection;
    private final ConnectionSupervisor consumerConnection;
    private final PublisherEngine publisherEngine;
    private final EventPublisher publisher;
    private final List<ConsumerEngine> consumers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Health>> healthListeners = new CopyOnWriteArrayList<>();
    private volatile Health lastHealth = Health.DOWN;
    private volatile boolean consumerConnectionStarted;
    private volatile boolean closed;

    private Messaging(Builder builder) {
        this.settings = builder.settings;
        this.recorder = builder.recorder != null ? builder.recorder : GlobalRecorder.get();
        this.codec = new EventCodec(builder.objectMapper != null ? builder.objectMapper : new ObjectMapper());
        this.profiles = new Profiles(settings);
        ConnectionFactory factory = connectionFactory(settings);
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(
                settings.recoveryInitialDelay().toMillis(),
                2.0,
                0.5,
                settings.recoveryMaxDelay().toMillis());
        topology.add(new Topology.Exchange(settings.exchange(), "topic", Map.of()));
        topology.add(new Topology.Exchange(retryExchange(), "direct", Map.of()));
        this.timers = ContextExecutors.newScheduledThreadPool("corekit-messaging-timers", 1);
        this.publisherConnection = new ConnectionSupervisor(
                "corekit-publisher:" + settings.producer(), factory, topology, backoff, recorder);
        this.consumerConnection = new ConnectionSupervisor(
                "corekit-consumer:" + settings.producer(), factory, topology, backoff, recorder);
        this.publisherEngine = new PublisherEngine(
                publisherConnection, timers, recorder, clock, settings.bufferCapacity(), settings.publishTimeout());
        publisherConnection.add(publisherEngine);
        publisherConnection.addListener(health -> healthChanged());
        consumerConnection.addListener(health -> healthChanged());
        this.publisher = new DefaultEventPublisher(
                publisherEngine, codec, clock, settings.producer(), settings.exchange(), settings.maxMessageBytes());
        publisherConnection.start();
    }

    /**
     * Connects to the broker of {@code settings} in the background and returns at once.
     *
     * @throws IllegalArgumentException when the URI cannot be used (the message masks its credentials)
     */
    public static Messaging connect(MessagingSettings settings) {
        return custom().settings(settings).build();
    }

    /** {@link #connect(MessagingSettings)} with {@link MessagingSettings#fromEnvironment()}. */
    public static Messaging connect() {
        return connect(MessagingSettings.fromEnvironment());
    }

    /** A builder, for a recorder or an object mapper of your own. */
    public static Builder custom() {
        return new Builder();
    }

    /** The settings in force. */
    public MessagingSettings settings() {
        return settings;
    }

    /** The publisher. */
    public EventPublisher publisher() {
        return publisher;
    }

    /**
     * A consumer of the durable queue {@code queue}, shared by every instance that consumes it: each event is handled
     * by one of them.
     *
     * @param queue 1 to 120 letters, digits, '.', '_', ':' or '-'; not starting with {@code amq.}
     * @throws IllegalArgumentException when {@code queue} is not a valid name
     */
    public EventConsumer.Builder consumer(String queue) {
        return new ConsumerBuilder(this::startConsumer, settings, checkQueueName(queue), false);
    }

    /**
     * A consumer of a server-named, exclusive queue of this instance: every instance receives every event (cache
     * invalidation, live notifications). Its queue name changes when the connection is re-established; see
     * {@link EventConsumer#queueName()}. {@code name} names its dead-letter queue ({@code name.dlq}) and its threads.
     *
     * @throws IllegalArgumentException when {@code name} is not a valid queue name
     */
    public EventConsumer.Builder broadcastConsumer(String name) {
        return new ConsumerBuilder(this::startConsumer, settings, checkQueueName(name), true);
    }

    private EventConsumer startConsumer(ConsumerEngine.Spec spec) {
        if (closed) {
            throw new IllegalStateException("messaging is closed");
        }
        ConsumerEngine engine = new ConsumerEngine(
                spec, consumerConnection, publisherEngine, codec, recorder, clock, timers, profiles, topology);
        engine.declareTopology();
        consumers.add(engine);
        var opened = consumerConnection.add(engine);
        synchronized (this) {
            if (!consumerConnectionStarted) {
                consumerConnectionStarted = true;
                consumerConnection.start();
            }
        }
        healthChanged();
        try {
            opened.get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // not connected yet: the consumer subscribes when the connection comes up
        }
        return engine;
    }

    private static String checkQueueName(String queue) {
        Objects.requireNonNull(queue, "queue");
        if (!QUEUE_NAME.matcher(queue).matches() || queue.startsWith("amq.")) {
            throw new IllegalArgumentException("queue name '" + queue
                    + "' must be 1 to 120 letters, digits, '.', '_', ':' or '-', starting with a letter or digit and"
                    + " not with amq.");
        }
        return queue;
    }

    /**
     * The worse of the publisher's and the consumers' health (see {@link Health}); {@link Health#UP} only when the
     * publisher is connected and every consumer subscribed.
     */
    public Health health() {
        Health health = publisherConnection.health();
        if (consumerConnectionStarted) {
            health = health.worse(consumerConnection.health());
        }
        return health;
    }

    /** The publisher connection's health: {@link Health#BLOCKED} while a broker alarm blocks publishing. */
    public Health publisherHealth() {
        return publisherConnection.health();
    }

    /** The consumer connection's health ({@link Health#DOWN} until the first consumer starts). */
    public Health consumerHealth() {
        return consumerConnectionStarted ? consumerConnection.health() : Health.DOWN;
    }

    /** Both connections' health with what it is based on, e.g. for a readiness endpoint's body. */
    public String healthDetail() {
        return publisherConnection.detail()
                + (consumerConnectionStarted ? "; " + consumerConnection.detail() : "; no consumer started");
    }

    /**
     * Waits until {@link #health()} is {@code wanted} or {@code timeout} passes.
     *
     * @return whether it is
     * @throws NullPointerException when {@code wanted} or {@code timeout} is null
     * @throws InterruptedException when interrupted
     */
    public boolean awaitHealth(Health wanted, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(wanted, "wanted");
        Objects.requireNonNull(timeout, "timeout");
        // a timeout beyond ~146 years (half a long of nanoseconds) waits that long instead of overflowing
        long wait =
                timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE / 2)) > 0 ? Long.MAX_VALUE / 2 : timeout.toNanos();
        long deadline = System.nanoTime() + wait;
        while (health() != wanted) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            publisherConnection.await(wanted, Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20))));
        }
        return true;
    }

    /**
     * Calls {@code listener} with the new {@link #health()} each time it changes (on a corekit thread; keep it
     * quick), e.g. to flip a readiness flag.
     */
    public void addHealthListener(Consumer<Health> listener) {
        healthListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private synchronized void healthChanged() {
        Health now = health();
        if (now == lastHealth) {
            return;
        }
        lastHealth = now;
        for (Consumer<Health> listener : healthListeners) {
            try {
                listener.accept(now);
            } catch (RuntimeException | Error e) {
                // a listener's bug, even an Error, must not stop recovery or the other listeners
                recorder.event(
                        Level.ERROR,
                        "messaging.health-listener-failed",
                        "a health listener threw on " + now,
                        Map.of("health", now.name()),
                        e);
            }
        }
    }

    /** Publishes buffered or awaiting a confirm right now. */
    public int pendingPublishes() {
        return publisherEngine.pending();
    }

    /** The recorder this instance writes to (fan-out records job completions there). */
    Recorder recorder() {
        return recorder;
    }

    /** The envelope codec (fan-out reads job parameters with its mapper). */
    EventCodec codec() {
        return codec;
    }

    /** The direct exchange that delay queues dead-letter into, bound to each work queue. */
    String retryExchange() {
        return settings.exchange() + ".retry";
    }

    /**
     * Shuts down gracefully: consumers stop taking deliveries and finish those they have, pending publishes get up to
     * {@link MessagingSettings#shutdownTimeout()} to be confirmed (the rest fail as
     * {@link PublishException.Reason#CLOSED}), then both connections close.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ConsumerEngine> running = new ArrayList<>(consumers);
        for (ConsumerEngine consumer : running) {
            consumer.close();
        }
        publisherEngine.close(settings.shutdownTimeout());
        consumerConnection.close();
        publisherConnection.close();
        timers.shutdownNow();
    }

    @Override
    public String toString() {
        return "Messaging{" + settings.effectiveUri() + ", " + healthDetail() + "}";
    }

    private static ConnectionFactory connectionFactory(MessagingSettings settings) {
        ConnectionFactory factory = new ConnectionFactory();
        String masked = settings.effectiveUri().masked();
        try {
            factory.setUri(settings.effectiveUri().reveal());
            if (factory.isSSL()) {
                // setUri trusts every certificate for amqps; verify the broker like any TLS client does
                factory.useSslProtocol(SSLContext.getDefault());
                factory.enableHostnameVerification();
            }
        } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "corekit.messaging.uri = \"" + masked + "\" cannot be used: "
                            + e.getClass().getSimpleName(),
                    null);
        }
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setRequestedHeartbeat((int) Math.max(1, settings.heartbeat().toSeconds()));
        int connectMillis =
                (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
        factory.setConnectionTimeout(connectMillis);
        factory.setHandshakeTimeout(connectMillis);
        factory.setChannelRpcTimeout((int) Math.max(10_000, Math.min(Integer.MAX_VALUE / 2, 2L * connectMillis)));
        return factory;
    }

    /** Builds a {@link Messaging}. */
    public static final class Builder {
        private MessagingSettings settings;
        private Recorder recorder;
        private ObjectMapper objectMapper;

        private Builder() {}

        /** The settings; {@link MessagingSettings#fromEnvironment()} when not set. */
        public Builder settings(MessagingSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Where operation records and events go; {@link GlobalRecorder#get()} when not set. */
        public Builder recorder(Recorder recorder) {
            this.recorder = Objects.requireNonNull(recorder, "recorder");
            return this;
        }

        /**
         * The Jackson mapper payloads are written and read with (copied, then configured for the envelope: Java time,
         * strict reading); a plain {@code ObjectMapper} when not set.
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.objectMapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Connects in the background and returns at once.
         *
         * @throws IllegalArgumentException when the URI cannot be used
         */
        public Messaging build() {
            if (settings == null) {
                settings = MessagingSettings.fromEnvironment();
            }
            return new Messaging(this);
        }
    }
}
