package dev.corekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.samples.walkthrough.RecentRequests;
import dev.corekit.samples.walkthrough.RecordTree;
import dev.corekit.samples.walkthrough.Walkthrough;
import org.junit.jupiter.api.Test;

/** The README's walk-through, end to end over real HTTP, against the service on RabbitMQ and embedded MongoDB. */
class WalkthroughTest {
    @Test
    void theWalkthroughRunsAndShowsEveryRecordOfTheCreateRequest() throws Exception {
        RecentRequests records = RecentRequests.of(50, 500);
        try (GlobalRecorder.Installed installed = GlobalRecorder.install(Recorder.of(records))) {
            SampleService service = SampleService.start(SampleServiceTest.config());
            try {
                Walkthrough.Report report = Walkthrough.run(service.baseUri(), records);

                assertThat(report.orderId()).matches("[0-9a-f]{24}");
                assertThat(report.listed()).isEqualTo(1);
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
