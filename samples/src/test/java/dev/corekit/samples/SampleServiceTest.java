package dev.corekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.config.Config;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SampleServiceTest {
    static SampleService service;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        service = SampleService.start(Config.defaultsOnly().with(SampleService.PORT, 0));
    }

    @AfterAll
    static void stop() {
        service.close();
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
    void missingNameIsAClearBadRequest() throws Exception {
        HttpResponse<String> response = get("/greetings");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("query parameter 'name' is required");
    }
}
