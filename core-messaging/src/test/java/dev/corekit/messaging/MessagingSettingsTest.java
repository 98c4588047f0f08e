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
    void nonAmqpUriIsRejectedMasked() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_MESSAGING_URI", "http://u:secret@mq/"), Map.of());

        assertThatThrownBy(() -> MessagingSettings.load(config))
                .hasMessageContaining("\"http://****@mq/\"")
                .hasMessageNotContaining("secret@");
    }
}
