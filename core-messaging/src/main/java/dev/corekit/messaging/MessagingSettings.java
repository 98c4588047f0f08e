package dev.corekit.messaging;

import com.rabbitmq.client.ConnectionFactory;
import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.config.Setting;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of core-messaging ({@code corekit.messaging.*}, {@code COREKIT_MESSAGING_*}), resolved by {@link Config}:
 * builder, system property, environment variable, {@code corekit.properties}, default. Every value is checked when the
 * settings are loaded, and a bad one fails with an {@link dev.corekit.config.InvalidSettingException} that names the
 * key, the value (the URI's credentials masked) and what is allowed.
 *
 * <pre>{@code
 * MessagingSettings settings = MessagingSettings.custom().producer("orders").prefetch(64).build();
 * }</pre>
 *
 * @param uri the broker, {@code amqp://user:pass@host:5672/vhost} (a secret: its password is masked wherever shown);
 *     empty means {@link #DEFAULT_URI}
 * @param brokerProfile which broker's topology features to use: see {@link BrokerProfile}
 * @param queueType the type of the queues corekit declares
 * @param prefetch unacknowledged deliveries per consumer, which bounds consumer concurrency
 * @param maxAttempts deliveries of one event (first + retries) before it goes to the dead-letter queue
 * @param producer the name of this service, written into every envelope it publishes
 * @param exchange the topic exchange events are published to, routed by their type name
 * @param concurrency handler threads per consumer; at most {@code prefetch}
 * @param publishTimeout how long a publish may wait for the broker's confirm, including time buffered while
 *     disconnected or blocked, before its future fails
 * @param bufferCapacity publishes that may be pending at once (buffered or awaiting confirm) before a publish fails at
 *     once as {@link PublishException.Reason#BUFFER_FULL}
 * @param maxMessageBytes the largest encoded event accepted, in bytes
 * @param heartbeat the AMQP heartbeat: a silent broker is declared lost after about two of them
 * @param connectTimeout how long one connection attempt may take
 * @param recoveryInitialDelay the delay before the first reconnection attempt; it doubles per failed attempt, with
 *     jitter of ±50 %
 * @param recoveryMaxDelay the longest delay between reconnection attempts
 * @param retryInitialDelay the delay before the first retry of a failed delivery; it doubles per attempt
 * @param retryMaxDelay the longest retry delay
 * @param retryJitterPercent how far (±, in percent) retry delays are spread so that failures do not retry in lockstep
 * @param deliveryLimit redeliveries of one message (consumer crashes, lost channels) a quorum queue allows before it
 *     dead-letters the message to the dead-letter queue
 * @param shutdownTimeout how long {@link Messaging#close()} waits for in-flight handlers and publishes
 * @param idempotencyLease how long a handler may hold the claim on an event before another delivery may take it over
 * @param idempotencyRetention how long a handled event id is remembered, which bounds the window in which a redelivery
 *     is recognised
 * @param deadLetterStrategy how quorum queues move expired (delayed) and over-delivered messages: see
 *     {@link DeadLetterStrategy}
 */
public record MessagingSettings(
        Optional<Secret> uri,
        BrokerProfile brokerProfile,
        QueueType queueType,
        int prefetch,
        int maxAttempts,
        String producer,
        String exchange,
        int concurrency,
        Duration publishTimeout,
        int bufferCapacity,
        int maxMessageBytes,
        Duration heartbeat,
        Duration connectTimeout,
        Duration recoveryInitialDelay,
        Duration recoveryMaxDelay,
        Duration retryInitialDelay,
        Duration retryMaxDelay,
        int retryJitterPercent,
        int deliveryLimit,
        Duration shutdownTimeout,
        Duration idempotencyLease,
        Duration idempotencyRetention,
        DeadLetterStrategy deadLetterStrategy) {

    /** The broker corekit talks to; the profile keeps the topology honest on each. */
    public enum BrokerProfile {
        /** RabbitMQ: per-queue TTL and dead-letter exchanges for retry delays, quorum queues. */
        RABBITMQ,
        /** Apache Qpid Broker-J (the samples' embedded broker): alternate exchanges and maximum message TTL. */
        QPID
    }

    /** Queue types corekit declares. */
    public enum QueueType {
        /** Replicated, durable; RabbitMQ's recommendation for anything that must not be lost. */
        QUORUM,
        /** Single-node queues, for brokers or workloads without quorum queues. */
        CLASSIC
    }

    /**
     * How a quorum queue hands a message to its dead-letter exchange (a delay queue's expired retry going back to the
     * work queue; a message over the delivery limit going to the dead-letter queue). corekit's own dead-lettering of a
     * failed event is a confirmed publish either way.
     */
    public enum DeadLetterStrategy {
        /**
         * RabbitMQ's default: the broker moves the message without confirms. It can be lost only if the target queue is
         * unavailable at that instant (a cluster leader election).
         */
        AT_MOST_ONCE,
        /**
         * The source quorum queue keeps the message until the target confirms it ({@code x-dead-letter-strategy}).
         * Safer per message, but a worker supervisor per node serves every such queue, and when it gives up under mass
         * worker failures every at-least-once queue on the node stays down until restarted (seen on 3.10 after a
         * restart, and reported open on 4.2: rabbitmq-server#16652). Quorum queues on RabbitMQ only.
         */
        AT_LEAST_ONCE
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,119}");

    /** The broker used when {@link #URI} is not set: RabbitMQ on this machine, default user and virtual host. */
    public static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672";

    public static final BrokerProfile DEFAULT_BROKER_PROFILE = BrokerProfile.RABBITMQ;
    public static final QueueType DEFAULT_QUEUE_TYPE = QueueType.QUORUM;
    public static final int DEFAULT_PREFETCH = 32;
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final String DEFAULT_PRODUCER = "unnamed-service";
    public static final String DEFAULT_EXCHANGE = "corekit.events";
    public static final int DEFAULT_CONCURRENCY = 4;
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_BUFFER_CAPACITY = 10_000;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RECOVERY_INITIAL_DELAY = Duration.ofMillis(100);
    public static final Duration DEFAULT_RECOVERY_MAX_DELAY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETRY_INITIAL_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofMinutes(5);
    public static final int DEFAULT_RETRY_JITTER_PERCENT = 20;
    public static final int DEFAULT_DELIVERY_LIMIT = 20;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDEMPOTENCY_LEASE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_IDEMPOTENCY_RETENTION = Duration.ofDays(7);
    public static final DeadLetterStrategy DEFAULT_DEAD_LETTER_STRATEGY = DeadLetterStrategy.AT_MOST_ONCE;

    public static final Setting<Secret> URI = Setting.secret("messaging", "uri")
            .require(
                    MessagingSettings::isAmqpUri,
                    "an AMQP URI like amqp://user:pass@host:5672/vhost or amqps://... (host required, port 1-65535)");
    public static final Setting<BrokerProfile> BROKER_PROFILE =
            Setting.oneOf("messaging", "broker-profile", BrokerProfile.class, DEFAULT_BROKER_PROFILE);
    public static final Setting<QueueType> QUEUE_TYPE =
            Setting.oneOf("messaging", "queue-type", QueueType.class, DEFAULT_QUEUE_TYPE);
    public static final Setting<Integer> PREFETCH =
            Setting.integer("messaging", "prefetch", DEFAULT_PREFETCH, 1, 65_535);
    public static final Setting<Integer> MAX_ATTEMPTS =
            Setting.integer("messaging", "max-attempts", DEFAULT_MAX_ATTEMPTS, 1, 100);
    public static final Setting<String> PRODUCER = Setting.string("messaging", "producer", DEFAULT_PRODUCER)
            .require(
                    name -> NAME.matcher(name).matches(),
                    "1 to 120 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
    public static final Setting<String> EXCHANGE = Setting.string("messaging", "exchange", DEFAULT_EXCHANGE)
            .require(
                    name -> NAME.matcher(name).matches() && !name.startsWith("amq."),
                    "an exchange name of 1 to 120 letters, digits, '.', '_', ':' or '-', not starting with amq.");
    public static final Setting<Integer> CONCURRENCY =
            Setting.integer("messaging", "concurrency", DEFAULT_CONCURRENCY, 1, 1_000);
    public static final Setting<Duration> PUBLISH_TIMEOUT = Setting.duration(
                    "messaging", "publish-timeout", DEFAULT_PUBLISH_TIMEOUT)
            .between(Duration.ofMillis(100), Duration.ofHours(1));
    public static final Setting<Integer> BUFFER_CAPACITY =
            Setting.integer("messaging", "buffer-capacity", DEFAULT_BUFFER_CAPACITY, 1, 10_000_000);
    public static final Setting<Integer> MAX_MESSAGE_BYTES =
            Setting.integer("messaging", "max-message-bytes", DEFAULT_MAX_MESSAGE_BYTES, 1024, 128 * 1024 * 1024);
    public static final Setting<Duration> HEARTBEAT = Setting.duration("messaging", "heartbeat", DEFAULT_HEARTBEAT)
            .between(Duration.ofSeconds(1), Duration.ofMinutes(10));
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration(
                    "messaging", "connect-timeout", DEFAULT_CONNECT_TIMEOUT)
            .between(Duration.ofMillis(100), Duration.ofMinutes(5));
    public static final Setting<Duration> RECOVERY_INITIAL_DELAY = Setting.duration(
                    "messaging", "recovery-initial-delay", DEFAULT_RECOVERY_INITIAL_DELAY)
            .between(Duration.ofMillis(1), Duration.ofMinutes(5));
    public static final Setting<Duration> RECOVERY_MAX_DELAY = Setting.duration(
                    "messaging", "recovery-max-delay", DEFAULT_RECOVERY_MAX_DELAY)
            .between(Duration.ofMillis(1), Duration.ofHours(1));
    public static final Setting<Duration> RETRY_INITIAL_DELAY = Setting.duration(
                    "messaging", "retry-initial-delay", DEFAULT_RETRY_INITIAL_DELAY)
            .between(Duration.ofMillis(10), Duration.ofDays(1));
    public static final Setting<Duration> RETRY_MAX_DELAY = Setting.duration(
                    "messaging", "retry-max-delay", DEFAULT_RETRY_MAX_DELAY)
            .between(Duration.ofMillis(10), Duration.ofDays(7));
    public static final Setting<Integer> RETRY_JITTER_PERCENT =
            Setting.integer("messaging", "retry-jitter-percent", DEFAULT_RETRY_JITTER_PERCENT, 0, 50);
    public static final Setting<Integer> DELIVERY_LIMIT =
            Setting.integer("messaging", "delivery-limit", DEFAULT_DELIVERY_LIMIT, 1, 1_000);
    public static final Setting<Duration> SHUTDOWN_TIMEOUT = Setting.duration(
                    "messaging", "shutdown-timeout", DEFAULT_SHUTDOWN_TIMEOUT)
            .between(Duration.ZERO, Duration.ofHours(1));
    public static final Setting<Duration> IDEMPOTENCY_LEASE = Setting.duration(
                    "messaging", "idempotency-lease", DEFAULT_IDEMPOTENCY_LEASE)
            .between(Duration.ofSeconds(1), Duration.ofDays(1));
    public static final Setting<Duration> IDEMPOTENCY_RETENTION = Setting.duration(
                    "messaging", "idempotency-retention", DEFAULT_IDEMPOTENCY_RETENTION)
            .between(Duration.ofMinutes(1), Duration.ofDays(3650));

    public static final Setting<DeadLetterStrategy> DEAD_LETTER_STRATEGY =
            Setting.oneOf("messaging", "dead-letter-strategy", DeadLetterStrategy.class, DEFAULT_DEAD_LETTER_STRATEGY);

    public MessagingSettings {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(brokerProfile, "brokerProfile");
        Objects.requireNonNull(queueType, "queueType");
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(publishTimeout, "publishTimeout");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(recoveryInitialDelay, "recoveryInitialDelay");
        Objects.requireNonNull(recoveryMaxDelay, "recoveryMaxDelay");
        Objects.requireNonNull(retryInitialDelay, "retryInitialDelay");
        Objects.requireNonNull(retryMaxDelay, "retryMaxDelay");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(idempotencyLease, "idempotencyLease");
        Objects.requireNonNull(idempotencyRetention, "idempotencyRetention");
        Objects.requireNonNull(deadLetterStrategy, "deadLetterStrategy");
    }

    /** The defaults alone, whatever the environment says. */
    public static MessagingSettings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static MessagingSettings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /** A builder whose unset values come from {@link Config#fromEnvironment()}. */
    public static Builder custom() {
        return new Builder(Config.fromEnvironment());
    }

    /** A builder whose unset values come from {@code config}. */
    public static Builder custom(Config config) {
        return new Builder(Objects.requireNonNull(config, "config"));
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static MessagingSettings load(Config config) {
        Config.Reader reader = config.reader();
        Optional<Secret> uri = reader.find(URI);
        BrokerProfile profile = reader.get(BROKER_PROFILE);
        QueueType queueType = reader.get(QUEUE_TYPE);
        Integer prefetch = reader.get(PREFETCH);
        Integer maxAttempts = reader.get(MAX_ATTEMPTS);
        String producer = reader.get(PRODUCER);
        String exchange = reader.get(EXCHANGE);
        Integer concurrency = reader.get(CONCURRENCY);
        Duration publishTimeout = reader.get(PUBLISH_TIMEOUT);
        Integer bufferCapacity = reader.get(BUFFER_CAPACITY);
        Integer maxMessageBytes = reader.get(MAX_MESSAGE_BYTES);
        Duration heartbeat = reader.get(HEARTBEAT);
        Duration connectTimeout = reader.get(CONNECT_TIMEOUT);
        Duration recoveryInitial = reader.get(RECOVERY_INITIAL_DELAY);
        Duration recoveryMax = reader.get(RECOVERY_MAX_DELAY);
        Duration retryInitial = reader.get(RETRY_INITIAL_DELAY);
        Duration retryMax = reader.get(RETRY_MAX_DELAY);
        Integer jitter = reader.get(RETRY_JITTER_PERCENT);
        Integer deliveryLimit = reader.get(DELIVERY_LIMIT);
        Duration shutdownTimeout = reader.get(SHUTDOWN_TIMEOUT);
        Duration lease = reader.get(IDEMPOTENCY_LEASE);
        Duration retention = reader.get(IDEMPOTENCY_RETENTION);
        DeadLetterStrategy strategy = reader.get(DEAD_LETTER_STRATEGY);
        if (strategy == DeadLetterStrategy.AT_LEAST_ONCE
                && (profile == BrokerProfile.QPID || queueType == QueueType.CLASSIC)) {
            reader.reject(
                    DEAD_LETTER_STRATEGY,
                    strategy,
                    "at-most-once unless the broker profile is rabbitmq and the queue type quorum");
        }
        if (profile == BrokerProfile.QPID && queueType == QueueType.QUORUM) {
            reader.reject(QUEUE_TYPE, queueType, "classic with broker profile qpid (Qpid has no quorum queues)");
        }
        if (concurrency != null && prefetch != null && concurrency > prefetch) {
            reader.reject(CONCURRENCY, concurrency, "at most " + PREFETCH.propertyName() + " (" + prefetch + ")");
        }
        if (recoveryInitial != null && recoveryMax != null && recoveryMax.compareTo(recoveryInitial) < 0) {
            reader.reject(
                    RECOVERY_MAX_DELAY,
                    recoveryMax,
                    "at least " + RECOVERY_INITIAL_DELAY.propertyName() + " ("
                            + RECOVERY_INITIAL_DELAY.display(recoveryInitial) + ")");
        }
        if (retryInitial != null && retryMax != null && retryMax.compareTo(retryInitial) < 0) {
            reader.reject(
                    RETRY_MAX_DELAY,
                    retryMax,
                    "at least " + RETRY_INITIAL_DELAY.propertyName() + " (" + RETRY_INITIAL_DELAY.display(retryInitial)
                            + ")");
        }
        return reader.build(() -> new MessagingSettings(
                uri,
                profile,
                queueType,
                prefetch,
                maxAttempts,
                producer,
                exchange,
                concurrency,
                publishTimeout,
                bufferCapacity,
                maxMessageBytes,
                heartbeat,
                connectTimeout,
                recoveryInitial,
                recoveryMax,
                retryInitial,
                retryMax,
                jitter,
                deliveryLimit,
                shutdownTimeout,
                lease,
                retention,
                strategy));
    }

    /** The broker URI in force: {@link #uri()}, or {@link #DEFAULT_URI} when none is set. */
    public Secret effectiveUri() {
        return uri.orElseGet(() -> Secret.of(DEFAULT_URI));
    }

    private static boolean isAmqpUri(Secret secret) {
        String value = secret.reveal();
        if (!(value.startsWith("amqp://") || value.startsWith("amqps://"))) {
            return false;
        }
        try {
            java.net.URI parsed = new java.net.URI(value);
            if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
                return false;
            }
            if (parsed.getPort() != -1 && (parsed.getPort() < 1 || parsed.getPort() > 65535)) {
                return false; // java.net.URI takes any digits as a port
            }
            new ConnectionFactory().setUri(parsed);
            return true;
        } catch (java.net.URISyntaxException | IllegalArgumentException | java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /** Sets values in code; {@link #build()} resolves the rest and validates everything. */
    public static final class Builder {
        private Config config;

        private Builder(Config config) {
            this.config = config;
        }

        /** The broker URI; its credentials are masked wherever the settings are shown. */
        public Builder uri(String uri) {
            config = config.with(URI, Secret.of(uri));
            return this;
        }

        public Builder brokerProfile(BrokerProfile profile) {
            config = config.with(BROKER_PROFILE, profile);
            return this;
        }

        public Builder queueType(QueueType type) {
            config = config.with(QUEUE_TYPE, type);
            return this;
        }

        public Builder prefetch(int prefetch) {
            config = config.with(PREFETCH, prefetch);
            return this;
        }

        public Builder maxAttempts(int attempts) {
            config = config.with(MAX_ATTEMPTS, attempts);
            return this;
        }

        public Builder producer(String producer) {
            config = config.with(PRODUCER, producer);
            return this;
        }

        public Builder exchange(String exchange) {
            config = config.with(EXCHANGE, exchange);
            return this;
        }

        public Builder concurrency(int concurrency) {
            config = config.with(CONCURRENCY, concurrency);
            return this;
        }

        public Builder publishTimeout(Duration timeout) {
            config = config.with(PUBLISH_TIMEOUT, timeout);
            return this;
        }

        public Builder bufferCapacity(int capacity) {
            config = config.with(BUFFER_CAPACITY, capacity);
            return this;
        }

        public Builder maxMessageBytes(int bytes) {
            config = config.with(MAX_MESSAGE_BYTES, bytes);
            return this;
        }

        public Builder heartbeat(Duration heartbeat) {
            config = config.with(HEARTBEAT, heartbeat);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            config = config.with(CONNECT_TIMEOUT, timeout);
            return this;
        }

        public Builder recoveryInitialDelay(Duration delay) {
            config = config.with(RECOVERY_INITIAL_DELAY, delay);
            return this;
        }

        public Builder recoveryMaxDelay(Duration delay) {
            config = config.with(RECOVERY_MAX_DELAY, delay);
            return this;
        }

        public Builder retryInitialDelay(Duration delay) {
            config = config.with(RETRY_INITIAL_DELAY, delay);
            return this;
        }

        public Builder retryMaxDelay(Duration delay) {
            config = config.with(RETRY_MAX_DELAY, delay);
            return this;
        }

        public Builder retryJitterPercent(int percent) {
            config = config.with(RETRY_JITTER_PERCENT, percent);
            return this;
        }

        public Builder deliveryLimit(int limit) {
            config = config.with(DELIVERY_LIMIT, limit);
            return this;
        }

        public Builder shutdownTimeout(Duration timeout) {
            config = config.with(SHUTDOWN_TIMEOUT, timeout);
            return this;
        }

        public Builder idempotencyLease(Duration lease) {
            config = config.with(IDEMPOTENCY_LEASE, lease);
            return this;
        }

        public Builder idempotencyRetention(Duration retention) {
            config = config.with(IDEMPOTENCY_RETENTION, retention);
            return this;
        }

        public Builder deadLetterStrategy(DeadLetterStrategy strategy) {
            config = config.with(DEAD_LETTER_STRATEGY, strategy);
            return this;
        }

        /**
         * Resolves and validates every setting.
         *
         * @throws dev.corekit.config.InvalidSettingException naming every bad value
         */
        public MessagingSettings build() {
            return load(config);
        }
    }
}
