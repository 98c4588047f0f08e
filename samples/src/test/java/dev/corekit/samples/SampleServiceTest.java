package dev.corekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.config.Config;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SampleServiceTest {
    static SampleService service;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final InMemorySink RECORDS = new InMemorySink();
    static GlobalRecorder.Installed recorder;

    @BeforeAll
    static void start() throws IOException {
        recorder = GlobalRecorder.install(Recorder.of(RECORDS));
        service = SampleService.start(Config.defaultsOnly().with(SampleService.PORT, 0));
    }

    @AfterAll
    static void stop() {
        service.close();
        recorder.close();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAnswersUp() throws Exception {
        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    }

    @Test
    void greetingUsesTheDecodedName() throws Exception {
        HttpResponse<String> response = get("/greetings?name=Ada%20L");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"greeting\":\"Hello, Ada L\"}");
    }

    @Test
    void eachRequestIsOneOperationInTheCallersTrace() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/greetings?name=Grace"))
                        .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                        .header("x-request-id", "req-sample-1")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.headers().firstValue("x-request-id")).contains("req-sample-1");
        // The response leaves inside the operation, so its completion record may follow the response by a moment.
        List<LogRecord> records = RECORDS.await(
                r -> "req-sample-1".equals(r.context().requestId()) && r.name().equals("greetings.get"),
                2,
                Duration.ofSeconds(5));
        assertThat(records)
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
        LogRecord request = records.get(1);
        assertThat(request.context().traceId()).isEqualTo(traceId);
        assertThat(request.context().parentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(request.attributes()).containsEntry("nameLength", 5);
        assertThat(request.stages()).extracting(LogRecord.Stage::name).containsExactly("composed");
    }

    @Test
    void theCompletableFutureHopOnTheWrappedPoolIsRecordedInTheRequestsContext() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/greetings?name=Ada"))
                        .header("x-request-id", "req-sample-hop")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        LogRecord request = RECORDS.await(
                        r -> "req-sample-hop".equals(r.context().requestId())
                                && r.name().equals("greetings.get")
                                && !r.isStart(),
                        1,
                        Duration.ofSeconds(5))
                .get(0);
        LogRecord hop = RECORDS.await(
                        r -> r.name().equals("greetings.compose")
                                && !r.isStart()
                                && request.id().equals(r.context().parentOperationId()),
                        1,
                        Duration.ofSeconds(5))
                .get(0);
        assertThat(hop.context().requestId()).isEqualTo("req-sample-hop");
        assertThat(hop.context().traceId()).isEqualTo(request.context().traceId());
        assertThat(hop.context().parentSpanId()).isEqualTo(request.id());
        assertThat(hop.thread()).startsWith("greeting-composer-");
    }

    @Test
    void missingNameIsAClearBadRequest() throws Exception {
        HttpResponse<String> response = get("/greetings");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("query parameter 'name' is required");
    }
}
