package dev.corekit.messaging;

import dev.corekit.messaging.embedded.EmbeddedBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The broker contract on the embedded Qpid Broker-J the samples use, with the qpid profile and classic queues. */
class QpidContractTest extends BrokerContract {
    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Override
    MessagingSettings.Builder settings() {
        return broker.configure(Rabbit.settings());
    }

    @Override
    PublishException.Reason unroutable() {
        // Qpid nacks an unroutable mandatory message, then returns it: the nack completes the future first
        return PublishException.Reason.NACKED;
    }
}
