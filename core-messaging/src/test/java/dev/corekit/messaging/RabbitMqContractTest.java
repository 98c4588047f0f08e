package dev.corekit.messaging;

/** The broker contract on the real RabbitMQ, quorum queues. */
class RabbitMqContractTest extends BrokerContract {
    @Override
    MessagingSettings.Builder settings() {
        return Rabbit.settings();
    }

    @Override
    PublishException.Reason unroutable() {
        return PublishException.Reason.RETURNED;
    }
}
