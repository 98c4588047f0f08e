package dev.corekit.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.context.CallContext;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.event.Level;

class OperationTest {
    final InMemorySink sink = new InMemorySink();
    final Recorder recorder = Recorder.of(sink);

    @AfterEach
    void noContextLeftBehind() {
        assertThat(CallContext.current().operationId()).isNull();
        assertThat(MDC.get("operationId")).isNull();
    }

    @Test
    void successfulCallWritesStartedThenSucceededUnderOneId() {
        String result = recorder.call("orders.create", op -> {
            op.attr("items", 3);
            return "ok";
        });

        assertThat(result).isEqualTo("ok");
        List<LogRecord> records = sink.records();
        assertThat(records)
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
        assertThat(records)
                .extracting(LogRecord::id)
                .containsOnly(records.get(0).id());
        LogRecord completion = records.get(1);
        assertThat(completion.name()).isEqualTo("orders.create");
        assertThat(completion.level()).isEqualTo(Level.INFO);
        assertThat(completion.attributes()).containsEntry("items", 3);
        assertThat(completion.durationMicros()).isNotNegative();
        assertThat(records.get(0).attributes()).isEmpty();
    }

    @Test
    void failureIsRecordedNormalizedAndRethrownUnchanged() {
        IOException boom = new IOException("disk full on /var/data");

        assertThatThrownBy(() -> recorder.call("files.write", op -> {
                    throw boom;
                }))
                .isSameAs(boom);

        LogRecord completion = sink.records().get(1);
        assertThat(completion.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(completion.level()).isEqualTo(Level.ERROR);
        assertThat(completion.error().type()).isEqualTo("java.io.IOException");
        assertThat(completion.error().message()).isEqualTo("disk full on /var/data");
        assertThat(completion.error().code()).isEqualTo("IO");
        assertThat(completion.error().retryable()).isTrue();
    }

    @Test
    void nestedOperationLinksToItsParentAndRestoresIt() {
        recorder.run("outer", outer -> {
            assertThat(CallContext.current().operationId()).isEqualTo(outer.id());
            recorder.run("inner", inner -> assertThat(MDC.get("operationId")).isEqualTo(inner.id()));
            assertThat(CallContext.current().operationId()).isEqualTo(outer.id());
        });

        LogRecord outerStart = sink.records(r -> r.name().equals("outer")).get(0);
        LogRecord innerDone =
                sink.records(r -> r.name().equals("inner") && !r.isStart()).get(0);
        assertThat(innerDone.context().parentOperationId()).isEqualTo(outerStart.id());
        assertThat(outerStart.context().parentOperationId()).isNull();
    }

    @Test
    void recordsCarryTheActiveCallContext() {
        CallContext request = CallContext.newRequest().withCaller("user:42").withTenant("acme");
        try (var scope = request.activate()) {
            recorder.run("profile.read", op -> {});
        }

        assertThat(sink.records()).allSatisfy(record -> {
            assertThat(record.context().requestId()).isEqualTo(request.requestId());
            assertThat(record.context().traceId()).isEqualTo(request.traceId());
            assertThat(record.context().caller()).isEqualTo("user:42");
            assertThat(record.context().tenant()).isEqualTo("acme");
        });
    }

    @Test
    void sensitiveAttributesAreRedactedBeforeAnySinkSeesThem() {
        recorder.run(
                "login",
                op -> op.attr("Authorization", "Bearer abc.def")
                        .attr("user", "ada")
                        .attr("request", Map.of("headers", Map.of("X-Api-Key", "k-123"), "path", "/login")));

        LogRecord completion = sink.records().get(1);
        assertThat(completion.attributes())
                .containsEntry("Authorization", Redactor.REDACTED)
                .containsEntry("user", "ada")
                .containsEntry("request", Map.of("headers", Map.of("X-Api-Key", Redactor.REDACTED), "path", "/login"));
    }

    @Test
    void stagesTaggedFromOtherThreadsAreKeptInOrder() throws Exception {
        ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            recorder.run("report.build", op -> {
                op.stage("queried", Map.of("rows", 10));
                pool.submit(() -> op.stage("rendered")).get();
            });
        } finally {
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }

        assertThat(sink.records().get(1).stages())
                .extracting(LogRecord.Stage::name)
                .containsExactly("queried", "rendered");
        assertThat(sink.records().get(1).stages().get(0).attributes()).containsEntry("rows", 10);
    }

    @Test
    void tryWithResourcesSucceedsUnlessFailedAndCompletesOnlyOnce() {
        try (Operation op = recorder.start("import")) {
            op.stage("parsed");
        }
        try (Operation op = recorder.start("import")) {
            op.fail(new IllegalStateException("bad row 17"));
            op.succeed();
        }

        assertThat(sink.records(r -> !r.isStart()))
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.SUCCEEDED, LogRecord.Status.FAILED);
    }

    @Test
    void asyncOperationCompletesWithItsFutureAndUnwrapsTheCause() throws Exception {
        CompletableFuture<String> gate = new CompletableFuture<>();
        CompletableFuture<String> result = recorder.callAsync("pricing.quote", op -> gate);

        assertThat(CallContext.current().operationId())
                .as("context restored on the calling thread")
                .isNull();
        assertThat(sink.records()).hasSize(1);
        gate.completeExceptionally(new IllegalArgumentException("no price for sku 9"));

        assertThat(result).isCompletedExceptionally();
        LogRecord completion =
                sink.await(r -> !r.isStart(), 1, Duration.ofSeconds(5)).get(0);
        assertThat(completion.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(completion.error().type()).isEqualTo(IllegalArgumentException.class.getName());
    }

    @Test
    void eventsCarryContextAndRedactedAttributes() {
        try (var scope = CallContext.newRequest().activate()) {
            recorder.event(Level.WARN, "payments", "card declined", Map.of("cookie", "s=1", "amount", 12), null);
        }

        LogRecord event = sink.records().get(0);
        assertThat(event.kind()).isEqualTo(LogRecord.Kind.EVENT);
        assertThat(event.context().requestId()).isNotNull();
        assertThat(event.attributes())
                .containsEntry("cookie", Redactor.REDACTED)
                .containsEntry("amount", 12);
    }

    @Test
    void installedRecorderIsUsedUntilClosed() {
        InMemorySink installedSink = new InMemorySink();
        try (var installed = GlobalRecorder.install(Recorder.of(installedSink))) {
            Operations.run("installed.op", op -> {});
        }

        assertThat(installedSink.records()).hasSize(2);
        assertThat(GlobalRecorder.get().sinks()).doesNotContain(installedSink);
    }
}
