package dev.corekit.messaging.internal;

import dev.corekit.messaging.MessagingSettings;
import dev.corekit.messaging.MessagingSettings.BrokerProfile;
import dev.corekit.messaging.MessagingSettings.QueueType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Queue arguments per broker profile, so the topology is honest on each broker. RabbitMQ: {@code x-queue-type},
 * {@code x-message-ttl} and {@code x-dead-letter-exchange} for delays, {@code x-delivery-limit} for quorum work queues.
 * Qpid Broker-J closes the connection on those (542); it gets its own: {@code alternateExchange},
 * {@code maximumMessageTtl} with {@code expiryPolicy=ROUTE_TO_ALTERNATE}, {@code maximumDeliveryAttempts}.
 */
public final class Profiles {
    private final BrokerProfile profile;
    private final QueueType queueType;
    private final int deliveryLimit;
    private final boolean atLeastOnce;

    public Profiles(MessagingSettings settings) {
        this.profile = settings.brokerProfile();
        this.queueType = settings.queueType();
        this.deliveryLimit = settings.deliveryLimit();
        this.atLeastOnce = settings.deadLetterStrategy() == MessagingSettings.DeadLetterStrategy.AT_LEAST_ONCE;
    }

    public BrokerProfile profile() {
        return profile;
    }

    /** A work queue: redeliveries beyond the delivery limit go to {@code deadLetterExchange}. */
    public Map<String, Object> workQueue(String deadLetterExchange) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (profile == BrokerProfile.QPID) {
            args.put("alternateExchange", deadLetterExchange);
            args.put("maximumDeliveryAttempts", deliveryLimit);
            return args;
        }
        args.put("x-queue-type", queueType == QueueType.QUORUM ? "quorum" : "classic");
        args.put("x-dead-letter-exchange", deadLetterExchange);
        if (queueType == QueueType.QUORUM) {
            args.put("x-delivery-limit", deliveryLimit);
            atLeastOnce(args);
        }
        return args;
    }

    /** A dead-letter queue. */
    public Map<String, Object> deadLetterQueue() {
        Map<String, Object> args = new LinkedHashMap<>();
        if (profile == BrokerProfile.RABBITMQ) {
            args.put("x-queue-type", queueType == QueueType.QUORUM ? "quorum" : "classic");
        }
        return args;
    }

    /** A delay queue: messages wait {@code millis}, then go to {@code retryExchange} with their routing key. */
    public Map<String, Object> delayQueue(long millis, String retryExchange) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (profile == BrokerProfile.QPID) {
            args.put("alternateExchange", retryExchange);
            args.put("maximumMessageTtl", millis);
            args.put("expiryPolicy", "ROUTE_TO_ALTERNATE");
            return args;
        }
        args.put("x-queue-type", queueType == QueueType.QUORUM ? "quorum" : "classic");
        args.put("x-message-ttl", millis);
        args.put("x-dead-letter-exchange", retryExchange);
        if (queueType == QueueType.QUORUM) {
            atLeastOnce(args);
        }
        return args;
    }

    /** A server-named, exclusive queue: classic on RabbitMQ (quorum queues cannot be exclusive). */
    public Map<String, Object> serverNamedQueue() {
        Map<String, Object> args = new LinkedHashMap<>();
        if (profile == BrokerProfile.RABBITMQ) {
            args.put("x-queue-type", "classic");
        }
        return args;
    }

    private void atLeastOnce(Map<String, Object> args) {
        if (!atLeastOnce) {
            return;
        }
        // quorum queues dead-letter at most once by default; at-least-once needs reject-publish overflow
        args.put("x-dead-letter-strategy", "at-least-once");
        args.put("x-overflow", "reject-publish");
    }
}
