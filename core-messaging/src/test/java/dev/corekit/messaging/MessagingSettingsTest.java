package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagingSettingsTest {
    @Test
    void defaultsAreQuorumQueuesOnRabbitMq() {
        MessagingSettings settings = MessagingSettings.load(Config.defaultsOnly());

        assertThat(settings.uri()).isEmpty();
        assertThat(settings.brokerProfile()).isEqualTo(MessagingSettings.BrokerProfile.RABBITMQ);
        assertThat(settings.queueType()).isEqualTo(MessagingSettings.QueueType.QUORUM);
        assertThat(settings.maxAttempts()).isEqualTo(5);
    }

    @Test
    void brokerPasswordNeverShows() {
        Config config =
                Config.of(Map.of(), Map.of("COREKIT_MESSAGING_URI", "amqp://orders:pa55@mq:5672/prod"), Map.of());

        MessagingSettings settings = MessagingSettings.load(config);

        assertThat(settings.uri())
                .hasValueSatisfying(uri -> assertThat(uri.reveal()).contains("pa55"));
        assertThat(settings.toString()).contains("amqp://****@mq:5672/prod").doesNotContain("pa55");
    }

    @Test
    void quorumQueuesOnQpidAreRejectedWithTheFix() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_MESSAGING_BROKER_PROFILE", "qpid"), Map.of());

        assertThatThrownBy(() -> MessagingSettings.load(config))
                .hasMessage("invalid corekit setting: corekit.messaging.queue-type = \"quorum\" (from default):"
                        + " allowed: classic with broker profile qpid (Qpid has no quorum queues)");
    }

    @Test
    void everyDefaultIsAPublicConstant() {
        MessagingSettings settings = MessagingSettings.ofDefaults();

        assertThat(settings.effectiveUri().reveal()).isEqualTo(MessagingSettings.DEFAULT_URI);
        assertThat(settings.exchange()).isEqualTo(MessagingSettings.DEFAULT_EXCHANGE);
        assertThat(settings.prefetch()).isEqualTo(MessagingSettings.DEFAULT_PREFETCH);
        assertThat(settings.concurrency()).isEqualTo(MessagingSettings.DEFAULT_CONCURRENCY);
        assertThat(settings.publishTimeout()).isEqualTo(MessagingSettings.DEFAULT_PUBLISH_TIMEOUT);
        assertThat(settings.bufferCapacity()).isEqualTo(MessagingSettings.DEFAULT_BUFFER_CAPACITY);
        assertThat(settings.maxMessageBytes()).isEqualTo(MessagingSettings.DEFAULT_MAX_MESSAGE_BYTES);
        assertThat(settings.retryInitialDelay()).isEqualTo(MessagingSettings.DEFAULT_RETRY_INITIAL_DELAY);
        assertThat(settings.deliveryLimit()).isEqualTo(MessagingSettings.DEFAULT_DELIVERY_LIMIT);
        assertThat(settings.idempotencyRetention()).isEqualTo(MessagingSettings.DEFAULT_IDEMPOTENCY_RETENTION);
    }

    @Test
    void builderValuesWinOverTheEnvironment() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_MESSAGING_PREFETCH", "8"), Map.of());

        MessagingSettings settings = MessagingSettings.custom(config)
                .producer("orders")
                .prefetch(64)
                .publishTimeout(java.time.Duration.ofSeconds(5))
                .build();

        assertThat(settings.producer()).isEqualTo("orders");
        assertThat(settings.prefetch()).isEqualTo(64);
        assertThat(settings.publishTimeout()).hasSeconds(5);
    }

    @Test
    void moreHandlersThanPrefetchIsRejected() {
        Config config = Config.of(
                Map.of(), Map.of("COREKIT_MESSAGING_PREFETCH", "2", "COREKIT_MESSAGING_CONCURRENCY", "4"), Map.of());

        assertThatThrownBy(() -> MessagingSettings.load(config))
                .hasMessage("invalid corekit setting: corekit.messaging.concurrency = \"4\" (from environment variable"
                        + " COREKIT_MESSAGING_CONCURRENCY): allowed: at most corekit.messaging.prefetch (2)");
    }

    @Test
    void everyBadValueIsListedAtOnce() {
        Config config = Config.of(
                Map.of(),
                Map.of(
                        "COREKIT_MESSAGING_PUBLISH_TIMEOUT", "forever",
                        "COREKIT_MESSAGING_RETRY_INITIAL_DELAY", "10m",
                        "COREKIT_MESSAGING_RETRY_MAX_DELAY", "1m",
                        "COREKIT_MESSAGING_EXCHANGE", "amq.topic"),
                Map.of());

        assertThatThrownBy(() -> MessagingSettings.load(config))
                .hasMessageStartingWith("3 invalid corekit settings:")
                .hasMessageContaining("corekit.messaging.publish-timeout = \"forever\"")
                .hasMessageContaining("corekit.messaging.exchange = \"amq.topic\"")
                .hasMessageContaining("corekit.messaging.retry-max-delay = \"1m\"")
                .hasMessageContaining("allowed: at least corekit.messaging.retry-initial-delay (10m)");
    }

    @Test
    void aUriWithoutHostIsRejectedMasked() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_MESSAGING_URI", "amqp://u:secret@:5672/x"), Map.of());

        assertThatThrownBy(() -> MessagingSettings.load(config))
                .hasMessageContaining("corekit.messaging.uri")
                .hasMessageContaining("host required")
                .hasMessageNotContaining("secret");
    }

    @Test
    void nonAmqpUriIsRejectedMasked() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_MESSAGING_URI", "http://u:secret@mq/"), Map.of());

        assertThatThrownBy(() -> MessagingSettings.load(config))
                .hasMessageContaining("\"http://****@mq/\"")
                .hasMessageNotContaining("secret@");
    }
}
