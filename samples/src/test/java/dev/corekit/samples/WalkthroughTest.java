package dev.corekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.MessagingSettings;
import dev.corekit.messaging.embedded.EmbeddedBroker;
import dev.corekit.samples.walkthrough.RecentRequests;
import dev.corekit.samples.walkthrough.RecordTree;
import dev.corekit.samples.walkthrough.Walkthrough;
import org.junit.jupiter.api.Test;

/**
 * The README's walk-through, end to end over real HTTP, against the service on embedded MongoDB and each broker it
 * runs on: the RabbitMQ of the machine (localhost:5672), and the embedded Qpid broker it falls back to on a laptop
 * without one, configured here by settings alone, as a deployment would.
 */
class WalkthroughTest {
    @Test
    void theWalkthroughRunsAgainstRabbitMq() throws Exception {
        walkthrough(SampleServiceTest.config());
    }

    @Test
    void theWalkthroughRunsAgainstTheEmbeddedBroker() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            walkthrough(SampleServiceTest.config()
                    .with(MessagingSettings.URI, Secret.of(broker.uri()))
                    .with(MessagingSettings.BROKER_PROFILE, MessagingSettings.BrokerProfile.QPID)
                    .with(MessagingSettings.QUEUE_TYPE, MessagingSettings.QueueType.CLASSIC));
        }
    }

    private static void walkthrough(Config config) throws Exception {
        RecentRequests records = RecentRequests.of(50, 500);
        try (GlobalRecorder.Installed installed = GlobalRecorder.install(Recorder.of(records))) {
            SampleService service = SampleService.start(config);
            try {
                Walkthrough.Report report = Walkthrough.run(service.baseUri(), records);

                assertThat(report.orderId()).matches("[0-9a-f]{24}");
                assertThat(report.listed())
                        .as("the order placed and the imported ones, over every keyset page")
                        .isEqualTo(1 + Walkthrough.IMPORTED_ORDERS);
                assertThat(report.createRecords())
                        .allSatisfy(r -> assertThat(r.context().requestId()).isEqualTo(report.createRequestId()));
                assertThat(RecentRequests.allCompleted(report.createRecords())).isTrue();
                assertThat(RecordTree.lines(report.createRecords()))
                        .anySatisfy(line -> assertThat(line).startsWith("orders.create SUCCEEDED"))
                        .anySatisfy(line -> assertThat(line).startsWith("  order.place SUCCEEDED"))
                        .anySatisfy(line -> assertThat(line)
                                .startsWith("    order.price SUCCEEDED")
                                .contains("on order-pricing-"))
                        .anySatisfy(line -> assertThat(line).startsWith("  order.confirm SUCCEEDED"));
                assertThat(report.createRecords())
                        .filteredOn(r -> r.kind() == LogRecord.Kind.OPERATION && !r.isStart())
                        .extracting(LogRecord::name)
                        .contains("orders.create", "order.place", "order.price", "messaging.handle", "order.confirm");
            } finally {
                service.closeAndDeleteQueues();
            }
        }
    }
}
