package dev.corekit.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.context.CallContext;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallRecordTest {
    private final InMemorySink sink = new InMemorySink();
    private final Pipeline pipeline =
            Pipeline.builder().recorder(Recorder.of(sink)).build();

    private List<LogRecord> completions() {
        return sink.records(r -> r.kind() == LogRecord.Kind.OPERATION && !r.isStart());
    }

    @Test
    void eachCallIsOneOperationNamedAfterItsProcedure() throws Exception {
        TestCall call = new TestCall("GET", "/orders/1", Procedure.named("orders.get"));

        pipeline.handle(call, c -> ((TestCall) c).status(200));

        assertThat(sink.records())
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
        LogRecord done = completions().get(0);
        assertThat(done.name()).isEqualTo("orders.get");
        assertThat(done.attributes())
                .containsEntry("http.status", 200)
                .containsEntry("http.method", "GET")
                .containsEntry("http.path", "/orders/1");
    }

    @Test
    void clientAndServerErrorsAreFailedOutcomesWithTheirCode() throws Exception {
        pipeline.handle(TestCall.get("/a"), c -> ((TestCall) c).status(404));
        pipeline.handle(TestCall.get("/b"), c -> ErrorBody.respond(c, 403, ErrorBody.FORBIDDEN, "No."));
        pipeline.handle(TestCall.get("/c"), c -> ((TestCall) c).status(503));

        assertThat(completions()).extracting(LogRecord::status).containsOnly(LogRecord.Status.FAILED);
        assertThat(completions())
                .extracting(r -> r.error().code())
                .containsExactly("HTTP_404", "FORBIDDEN", "HTTP_503");
        assertThat(completions()).extracting(r -> r.error().retryable()).containsExactly(false, false, true);
    }

    @Test
    void anExceptionIsRecordedAndAnsweredWithAStableBodyWithoutDetails() throws Exception {
        TestCall call = TestCall.get("/x").withHeader("x-request-id", "req-1");

        pipeline.handle(call, c -> {
            throw new IllegalStateException("password=hunter2 in the connection string");
        });

        assertThat(call.status()).isEqualTo(500);
        assertThat(call.body())
                .isEqualTo("{\"code\":\"INTERNAL\",\"message\":\"The service failed. Quote the request id to"
                        + " support.\",\"requestId\":\"req-1\"}");
        LogRecord done = completions().get(0);
        assertThat(done.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(done.error().type()).isEqualTo(IllegalStateException.class.getName());
        assertThat(done.attributes()).containsEntry("http.status", 500);
    }

    @Test
    void theHandlerRunsInTheCallsContextAndTheRequestIdIsEchoed() throws Exception {
        TestCall call = TestCall.get("/x")
                .withHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .withHeader("x-request-id", "req-42");
        List<CallContext> seen = new ArrayList<>();

        pipeline.handle(call, c -> {
            seen.add(CallContext.current());
            ((TestCall) c).status(204);
        });

        assertThat(call.responseHeader("x-request-id")).isEqualTo("req-42");
        assertThat(seen.get(0).requestId()).isEqualTo("req-42");
        assertThat(seen.get(0).traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(seen.get(0).operationId()).isEqualTo(completions().get(0).id());
        assertThat(completions().get(0).context().parentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    @Test
    void aCallWithoutRequestIdGetsOneAndItIsEchoed() throws Exception {
        TestCall call = TestCall.get("/x");

        pipeline.handle(call, c -> ((TestCall) c).status(200));

        assertThat(call.responseHeader("x-request-id"))
                .isNotBlank()
                .isEqualTo(completions().get(0).context().requestId());
    }
}
