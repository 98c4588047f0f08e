package dev.corekit.messaging;

import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.config.Setting;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of core-messaging ({@code corekit.messaging.*}, {@code COREKIT_MESSAGING_*}).
 *
 * @param uri the broker, {@code amqp://user:pass@host:5672/vhost} (a secret: its password is masked wherever shown);
 *     empty means RabbitMQ on localhost when it answers
 * @param brokerProfile which broker's topology features to use: see {@link BrokerProfile}
 * @param queueType the type of the queues corekit declares
 * @param prefetch unacknowledged deliveries per consumer, which bounds consumer concurrency
 * @param maxAttempts deliveries of one event (first + retries) before it goes to the dead-letter queue
 */
public record MessagingSettings(
        Optional<Secret> uri, BrokerProfile brokerProfile, QueueType queueType, int prefetch, int maxAttempts) {

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

    public static final BrokerProfile DEFAULT_BROKER_PROFILE = BrokerProfile.RABBITMQ;
    public static final QueueType DEFAULT_QUEUE_TYPE = QueueType.QUORUM;
    public static final int DEFAULT_PREFETCH = 32;
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    public static final Setting<Secret> URI = Setting.secret("messaging", "uri")
            .require(
                    uri -> uri.reveal().startsWith("amqp://") || uri.reveal().startsWith("amqps://"),
                    "an AMQP URI like amqp://user:pass@host:5672/vhost or amqps://...");
    public static final Setting<BrokerProfile> BROKER_PROFILE =
            Setting.oneOf("messaging", "broker-profile", BrokerProfile.class, DEFAULT_BROKER_PROFILE);
    public static final Setting<QueueType> QUEUE_TYPE =
            Setting.oneOf("messaging", "queue-type", QueueType.class, DEFAULT_QUEUE_TYPE);
    public static final Setting<Integer> PREFETCH =
            Setting.integer("messaging", "prefetch", DEFAULT_PREFETCH, 1, 65_535);
    public static final Setting<Integer> MAX_ATTEMPTS =
            Setting.integer("messaging", "max-attempts", DEFAULT_MAX_ATTEMPTS, 1, 100);

    public MessagingSettings {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(brokerProfile, "brokerProfile");
        Objects.requireNonNull(queueType, "queueType");
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
        if (profile == BrokerProfile.QPID && queueType == QueueType.QUORUM) {
            reader.reject(QUEUE_TYPE, queueType, "classic with broker profile qpid (Qpid has no quorum queues)");
        }
        return reader.build(() -> new MessagingSettings(uri, profile, queueType, prefetch, maxAttempts));
    }
}
