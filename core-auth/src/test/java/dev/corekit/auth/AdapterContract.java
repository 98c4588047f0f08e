package dev.corekit.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.context.CallContext;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every server adapter must do, proven over real HTTP with the JDK client. Each adapter test starts its real server
 * with the same tiny app:
 *
 * <ul>
 *   <li>{@code GET /hello}: 200 with {@link #hello()};
 *   <li>{@code GET /fail}: throws an exception whose message must never reach the client;
 *   <li>{@code GET /teapot}: 418 with a body of its own.
 * </ul>
 */
public abstract class AdapterContract {
    /** A running server; closing it stops it. */
    public interface TestServer extends AutoCloseable {
        URI uri();

        @Override
        void close() throws Exception;
    }

    protected static final String SECRET_DETAIL = "password=hunter2";

    protected final InMemorySink sink = new InMemorySink();
    protected final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestServer server;

    /** Starts the adapter's real server running {@code pipeline} around the app described above. */
    protected abstract TestServer start(Pipeline pipeline) throws Exception;

    /** The body of {@code /hello}: what the handler sees of the call's context. */
    public static String hello() {
        CallContext context = CallContext.current();
        return "hello caller=" + context.caller() + " request=" + context.requestId() + " trace=" + context.traceId();
    }

    protected Pipeline.Builder pipeline() {
        return Pipeline.builder()
                .recorder(Recorder.of(sink))
                .procedures(Procedures.builder()
                        .route("GET", "/hello", Procedure.named("hello"))
                        .route("GET", "/fail", Procedure.named("fail"))
                        .route("GET", "/teapot", Procedure.named("teapot"))
                        .build());
    }

    protected URI serve(Pipeline pipeline) throws Exception {
        server = start(pipeline);
        return server.uri();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    protected HttpResponse<String> get(URI base, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    protected LogRecord completionOf(String name) throws InterruptedException {
        Predicate<LogRecord> done = r ->
                r.kind() == LogRecord.Kind.OPERATION && !r.isStart() && r.name().equals(name);
        List<LogRecord> records = sink.await(done, 1, Duration.ofSeconds(10));
        return records.get(0);
    }

    @Test
    void theHandlerRunsInTheCallContextAndTheRequestIdIsEchoed() throws Exception {
        URI base = serve(pipeline().build());

        HttpResponse<String> response = get(
                base,
                "/hello",
                "x-request-id",
                "req-7",
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello caller=null request=req-7 trace=0af7651916cd43dd8448eb211c80319c");
        assertThat(response.headers().firstValue("x-request-id")).contains("req-7");
        LogRecord record = completionOf("hello");
        assertThat(record.status()).isEqualTo(LogRecord.Status.SUCCEEDED);
        assertThat(record.attributes()).containsEntry("http.status", 200);
        assertThat(record.context().requestId()).isEqualTo("req-7");
    }

    @Test
    void aCallWithoutRequestIdGetsAGeneratedOneEchoed() throws Exception {
        URI base = serve(pipeline().build());

        HttpResponse<String> response = get(base, "/hello");

        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(response.body()).contains("request=" + requestId);
    }

    @Test
    void aFailingHandlerGetsAStableJsonErrorWithoutItsMessage() throws Exception {
        URI base = serve(pipeline().build());

        HttpResponse<String> response = get(base, "/fail", "x-request-id", "req-9");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.body())
                .isEqualTo("{\"code\":\"INTERNAL\",\"message\":\"The service failed. Quote the request id to"
                        + " support.\",\"requestId\":\"req-9\"}");
        LogRecord record = completionOf("fail");
        assertThat(record.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(record.error().type()).isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void aClientErrorStatusIsAFailedOutcome() throws Exception {
        URI base = serve(pipeline().build());

        HttpResponse<String> response = get(base, "/teapot");

        assertThat(response.statusCode()).isEqualTo(418);
        assertThat(response.body()).isEqualTo("short and stout");
        LogRecord record = completionOf("teapot");
        assertThat(record.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(record.error().code()).isEqualTo("HTTP_418");
    }
}
