package dev.corekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.config.Config;
import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.context.TraceIds;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.Messaging;
import dev.corekit.messaging.MessagingSettings;
import dev.corekit.samples.orders.Imports;
import dev.corekit.samples.orders.OrderCreated;
import dev.corekit.samples.users.Users;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.StorageSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The orders service over real HTTP, on its embedded defaults (in-process MongoDB-wire server). */
class SampleServiceTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static final InMemorySink RECORDS = new InMemorySink();
    static final String TWO_TEAS_AND_A_MUG =
            "{\"items\":[{\"sku\":\"TEA-GREEN\",\"quantity\":2},{\"sku\":\"MUG\",\"quantity\":1}]}";
    static final TestClock CLOCK = new TestClock();
    /**
     * The exchange the tests publish to: not corekit's default, so that the queues of a sample run on the same broker
     * (durable, bound on the default exchange) never receive the tests' events, which name orders they cannot know.
     */
    static final String TEST_EXCHANGE = "orders-sample-test.events";

    static SampleService service;
    static GlobalRecorder.Installed recorder;
    static String ada;

    @BeforeAll
    static void start() throws Exception {
        recorder = GlobalRecorder.install(Recorder.of(RECORDS));
        service = SampleService.start(config(), CLOCK);
        ada = login("ada").path("accessToken").asText();
    }

    /** Embedded MongoDB, RabbitMQ on localhost, a service name (so queues) of this run only, the tests' exchange. */
    static Config config() {
        Path files;
        try {
            files = Files.createTempDirectory("corekit-sample-files-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Config.defaultsOnly()
                .with(SampleSettings.PORT, 0)
                .with(StorageSettings.LOCAL_ROOT, files)
                .with(MessagingSettings.PRODUCER, "orders-sample-test-" + TraceIds.newSpanId())
                .with(MessagingSettings.EXCHANGE, TEST_EXCHANGE);
    }

    /** Reads {@code path} as ada until {@code done} holds for its JSON, for up to 20 s. */
    static JsonNode awaitJson(String path, java.util.function.Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode body = json(asAda("GET", path, null));
            if (done.test(body) || System.nanoTime() > deadline) {
                return body;
            }
            Thread.sleep(20);
        }
    }

    static JsonNode login(String user) throws Exception {
        HttpResponse<String> response =
                send("POST", "/login", "{\"username\":\"" + user + "\",\"password\":\"" + Users.DEMO_PASSWORD + "\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response);
    }

    /** {@code send} as ada. */
    static HttpResponse<String> asAda(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        String[] all = Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Authorization";
        all[headers.length + 1] = "Bearer " + ada;
        return send(method, path, body, all);
    }

    @AfterAll
    static void stop() {
        service.closeAndDeleteQueues();
        recorder.close();
    }

    static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.baseUri().resolve(path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** The completion record of the operation {@code name} in request {@code requestId}. */
    static LogRecord completion(String requestId, String name) throws InterruptedException {
        return RECORDS.await(
                        r -> requestId.equals(r.context().requestId())
                                && r.name().equals(name)
                                && !r.isStart(),
                        1,
                        Duration.ofSeconds(5))
                .get(0);
    }

    @Test
    void healthReportsEachDependency() throws Exception {
        HttpResponse<String> response = send("GET", "/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(json(response).path("status").asText()).isEqualTo("UP");
        assertThat(json(response).path("checks").path("mongodb").asText()).isEqualTo("UP");
        assertThat(json(response).path("checks").path("messaging").asText()).isEqualTo("UP");
        assertThat(json(response).path("checks").path("storage").asText()).isEqualTo("UP");
    }

    @Test
    void orderCreatedIsConsumedOnceEvenWhenTheSameEventIsDeliveredAgain() throws Exception {
        JsonNode order = json(asAda("POST", "/orders", TWO_TEAS_AND_A_MUG));
        String id = order.path("id").asText();
        String eventId = "order-created-" + id;

        JsonNode confirmed =
                awaitJson("/orders/" + id, o -> o.path("status").asText().equals("CONFIRMED"));
        assertThat(confirmed.path("handledEvents").toString()).isEqualTo("[\"" + eventId + "\"]");

        // A second delivery of the same event, as a re-sent publish or a broker redelivery would make.
        try (Messaging broker = Messaging.connect(
                        MessagingSettings.custom(Config.defaultsOnly().with(MessagingSettings.EXCHANGE, TEST_EXCHANGE))
                                .build());
                Scope scope = CallContext.newRequest()
                        .withRequestId("req-sample-again")
                        .activate()) {
            OrderCreated again = new OrderCreated(
                    id, "user:ada", List.of(), order.path("totalCents").asLong());
            broker.publisher().publish(OrderCreated.TYPE, eventId, again).get(20, TimeUnit.SECONDS);
        }
        LogRecord handled = completion("req-sample-again", "messaging.handle");
        assertThat(handled.attributes()).containsEntry("outcome", "duplicate");
        assertThat(json(asAda("GET", "/orders/" + id, null))
                        .path("handledEvents")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void theConsumerRunsInTheContextOfTheRequestThatPlacedTheOrder() throws Exception {
        asAda("POST", "/orders", TWO_TEAS_AND_A_MUG, "x-request-id", "req-sample-event");

        LogRecord call = completion("req-sample-event", "orders.create");
        LogRecord confirm = completion("req-sample-event", "order.confirm");
        assertThat(confirm.context().traceId()).isEqualTo(call.context().traceId());
        assertThat(confirm.thread()).isNotEqualTo(call.thread());
    }

    @Test
    void anOrderIsPricedFromTheCatalogStoredAndReadBack() throws Exception {
        HttpResponse<String> created = asAda("POST", "/orders", TWO_TEAS_AND_A_MUG);

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode order = json(created);
        assertThat(order.path("totalCents").asLong()).isEqualTo(2 * 450 + 1_200);
        assertThat(order.path("status").asText()).isEqualTo("NEW");
        assertThat(created.headers().firstValue("Location"))
                .contains("/orders/" + order.path("id").asText());

        HttpResponse<String> fetched =
                asAda("GET", "/orders/" + order.path("id").asText(), null);
        assertThat(fetched.statusCode()).isEqualTo(200);
        JsonNode read = json(fetched);
        for (String field : List.of("id", "customer", "lines", "totalCents", "createdAt")) {
            assertThat(read.path(field)).as(field).isEqualTo(order.path(field));
        }

        HttpResponse<String> listed = asAda("GET", "/orders?limit=100", null);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(json(listed).path("orders").findValuesAsText("id"))
                .contains(order.path("id").asText());
    }

    @Test
    void eachRequestIsOneOperationInTheCallersTrace() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> response = asAda(
                "POST",
                "/orders",
                TWO_TEAS_AND_A_MUG,
                "traceparent",
                "00-" + traceId + "-00f067aa0ba902b7-01",
                "x-request-id",
                "req-sample-1");

        assertThat(response.headers().firstValue("x-request-id")).contains("req-sample-1");
        // The response leaves inside the call's operation, so its completion record may follow it by a moment.
        List<LogRecord> call = RECORDS.await(
                r -> "req-sample-1".equals(r.context().requestId()) && r.name().equals("orders.create"),
                2,
                Duration.ofSeconds(5));
        assertThat(call)
                .extracting(LogRecord::status)
                .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
        assertThat(call.get(1).context().traceId()).isEqualTo(traceId);
        assertThat(call.get(1).context().parentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(call.get(1).attributes()).containsEntry("http.status", 201).containsEntry("caller", "user:ada");

        LogRecord place = completion("req-sample-1", "order.place");
        assertThat(place.context().parentOperationId()).isEqualTo(call.get(1).id());
        assertThat(place.attributes()).containsEntry("items", 2).containsKey("db.roundTrips");
        assertThat(place.stages()).extracting(LogRecord.Stage::name).containsExactly("priced", "stored");
    }

    @Test
    void theCompletableFutureHopOnTheWrappedPoolIsRecordedInTheRequestsContext() throws Exception {
        HttpResponse<String> response = asAda("POST", "/orders", TWO_TEAS_AND_A_MUG, "x-request-id", "req-sample-hop");
        assertThat(response.statusCode()).isEqualTo(201);

        LogRecord place = completion("req-sample-hop", "order.place");
        LogRecord hop = completion("req-sample-hop", "order.price");
        assertThat(hop.context().parentOperationId()).isEqualTo(place.id());
        assertThat(hop.context().traceId()).isEqualTo(place.context().traceId());
        assertThat(hop.context().parentSpanId()).isEqualTo(place.id());
        assertThat(hop.thread()).startsWith("order-pricing-");
        assertThat(place.thread()).doesNotStartWith("order-pricing-");
    }

    @Test
    void anOrderWithoutItemsIsAClearBadRequest() throws Exception {
        HttpResponse<String> response = asAda("POST", "/orders", "{\"items\":[]}", "x-request-id", "req-sample-empty");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("code").asText()).isEqualTo("INVALID_ORDER");
        assertThat(json(response).path("message").asText()).isEqualTo("An order needs at least one item.");
        assertThat(json(response).path("requestId").asText()).isEqualTo("req-sample-empty");
        assertThat(completion("req-sample-empty", "orders.create").status()).isEqualTo(LogRecord.Status.FAILED);
    }

    @Test
    void anUnknownSkuOrAMalformedBodyIsAClearBadRequest() throws Exception {
        HttpResponse<String> unknown = asAda("POST", "/orders", "{\"items\":[{\"sku\":\"PONY\",\"quantity\":1}]}");
        HttpResponse<String> malformed = asAda("POST", "/orders", "{\"items\":");

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).path("message").asText()).isEqualTo("The catalog has no PONY.");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).path("code").asText()).isEqualTo("INVALID_BODY");
    }

    @Test
    void anUnknownOrderOrRouteIsNotFound() throws Exception {
        assertThat(asAda("GET", "/orders/000000000000000000000000", null).statusCode())
                .isEqualTo(404);
        assertThat(asAda("GET", "/nothing-here", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aBadLimitIsRejectedWithItsRange() throws Exception {
        HttpResponse<String> response = asAda("GET", "/orders?limit=5000", null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("message").asText()).contains("1 to 100");
    }

    @Test
    void ordersNeedAnAccessTokenAndAnUnknownPathIsNotPublicByAccident() throws Exception {
        for (String path : List.of("/orders", "/nothing-here")) {
            HttpResponse<String> response = send("GET", path, null);

            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(json(response).path("code").asText()).isEqualTo("UNAUTHENTICATED");
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() throws Exception {
        HttpResponse<String> wrong = send("POST", "/login", "{\"username\":\"ada\",\"password\":\"guess\"}");
        HttpResponse<String> unknown = send("POST", "/login", "{\"username\":\"mallory\",\"password\":\"guess\"}");

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(json(wrong).path("code").asText()).isEqualTo("INVALID_CREDENTIALS");
        assertThat(json(wrong).path("message")).isEqualTo(json(unknown).path("message"));
        assertThat(wrong.body()).doesNotContain("guess");
    }

    @Test
    void anExpiredAccessTokenOfALiveSessionIsRenewedInFlight() throws Exception {
        String expired = login("grace").path("accessToken").asText();
        CLOCK.advance(AuthSettings.DEFAULT_ACCESS_TOKEN_TTL
                .plus(AuthSettings.DEFAULT_CLOCK_SKEW)
                .plusSeconds(1));

        HttpResponse<String> renewedCall = send("GET", "/orders", null, "Authorization", "Bearer " + expired);

        assertThat(renewedCall.statusCode()).isEqualTo(200);
        String renewed = renewedCall
                .headers()
                .firstValue(Authenticator.RENEWED_ACCESS_TOKEN_HEADER)
                .orElseThrow();
        assertThat(renewed).isNotEqualTo(expired);
        HttpResponse<String> next = send("GET", "/orders", null, "Authorization", "Bearer " + renewed);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.headers().firstValue(Authenticator.RENEWED_ACCESS_TOKEN_HEADER))
                .isEmpty();
    }

    @Test
    void aPreflightFromTheAllowedOriginIsAnsweredBeforeAuth() throws Exception {
        HttpResponse<String> preflight = send(
                "OPTIONS",
                "/orders",
                null,
                "Origin",
                SampleService.DEFAULT_CORS_ORIGIN,
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "authorization, content-type");

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .contains(SampleService.DEFAULT_CORS_ORIGIN);
        assertThat(preflight
                        .headers()
                        .firstValue("Access-Control-Allow-Methods")
                        .orElseThrow())
                .contains("POST");
    }

    @Test
    void aPreflightFromAnotherOriginIsRefused() throws Exception {
        HttpResponse<String> preflight = send(
                "OPTIONS",
                "/orders",
                null,
                "Origin",
                "https://elsewhere.example",
                "Access-Control-Request-Method",
                "POST");

        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
    }

    @Test
    void aBrowserAppMayReadTheRenewedTokenAndTheRequestId() throws Exception {
        HttpResponse<String> response = asAda("GET", "/orders", null, "Origin", SampleService.DEFAULT_CORS_ORIGIN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
                .contains(SampleService.DEFAULT_CORS_ORIGIN);
        assertThat(response.headers()
                        .firstValue("Access-Control-Expose-Headers")
                        .orElseThrow())
                .containsIgnoringCase(Authenticator.RENEWED_ACCESS_TOKEN_HEADER)
                .containsIgnoringCase("x-request-id");
    }

    @Test
    void aRefreshTokenWorksOnce() throws Exception {
        String refresh = login("grace").path("refreshToken").asText();
        String body = "{\"refreshToken\":\"" + refresh + "\"}";

        HttpResponse<String> first = send("POST", "/login/refresh", body);
        HttpResponse<String> again = send("POST", "/login/refresh", body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json(first).path("accessToken").asText()).isNotBlank();
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(json(again).path("code").asText()).isEqualTo("INVALID_REFRESH_TOKEN");
    }

    @Test
    void aUserSeesOnlyTheirOwnOrders() throws Exception {
        String adasOrder =
                json(asAda("POST", "/orders", TWO_TEAS_AND_A_MUG)).path("id").asText();
        String grace = login("grace").path("accessToken").asText();

        HttpResponse<String> listed = send("GET", "/orders?limit=100", null, "Authorization", "Bearer " + grace);
        HttpResponse<String> fetched = send("GET", "/orders/" + adasOrder, null, "Authorization", "Bearer " + grace);

        assertThat(json(listed).path("orders").findValuesAsText("id")).doesNotContain(adasOrder);
        assertThat(fetched.statusCode()).isEqualTo(404);
    }

    @Test
    void theListingNamesEveryLineWithOneCatalogQueryPerPage() throws Exception {
        asAda("POST", "/orders", TWO_TEAS_AND_A_MUG);
        asAda("POST", "/orders", "{\"items\":[{\"sku\":\"KETTLE\",\"quantity\":1}]}");

        HttpResponse<String> listed = asAda("GET", "/orders?limit=100", null, "x-request-id", "req-sample-list");

        assertThat(json(listed).path("orders").findValuesAsText("name")).contains("Green tea, 100 g", "Kettle, 1.2 l");
        LogRecord list = completion("req-sample-list", "order.list");
        // one query for the page of orders, one $in for every product the page names
        assertThat(list.attributes()).containsEntry("db.roundTrips", 2L);
    }

    @Test
    void theListingPagesByKeysetWithoutSkippingOrRepeatingAnOrderPlacedMeanwhile() throws Exception {
        String grace = "Bearer " + login("grace").path("accessToken").asText();
        List<String> placed = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            placed.add(json(send("POST", "/orders", TWO_TEAS_AND_A_MUG, "Authorization", grace))
                    .path("id")
                    .asText());
        }

        List<String> seen = new java.util.ArrayList<>();
        JsonNode page = json(send("GET", "/orders?limit=2", null, "Authorization", grace));
        seen.addAll(page.path("orders").findValuesAsText("id"));
        // placed between two pages: newer than the cursor, so it belongs to a later listing, not to this one
        send("POST", "/orders", TWO_TEAS_AND_A_MUG, "Authorization", grace);
        while (page.hasNonNull("next")) {
            String next =
                    java.net.URLEncoder.encode(page.path("next").asText(), java.nio.charset.StandardCharsets.UTF_8);
            page = json(send("GET", "/orders?limit=2&cursor=" + next, null, "Authorization", grace));
            seen.addAll(page.path("orders").findValuesAsText("id"));
        }

        assertThat(seen).doesNotHaveDuplicates().containsAll(placed);
    }

    @Test
    void aTamperedCursorIsAClearBadRequest() throws Exception {
        asAda("POST", "/orders", TWO_TEAS_AND_A_MUG);
        asAda("POST", "/orders", TWO_TEAS_AND_A_MUG);
        String next = json(asAda("GET", "/orders?limit=1", null)).path("next").asText();
        String tampered = next.substring(0, next.length() - 2) + (next.endsWith("AA") ? "BB" : "AA");

        HttpResponse<String> response = asAda("GET", "/orders?limit=1&cursor=" + tampered, null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("code").asText()).isEqualTo("INVALID_CURSOR");
    }

    @Test
    void aBulkImportIsFannedOutIntoPageEventsAndPlacesEveryOrderOnce() throws Exception {
        StringBuilder body = new StringBuilder("{\"orders\":[");
        for (int i = 0; i < 120; i++) {
            body.append(i == 0 ? "" : ",").append("{\"items\":[{\"sku\":\"TEA-BLACK\",\"quantity\":1}]}");
        }
        HttpResponse<String> started =
                asAda("POST", "/orders/imports", body.append("]}").toString(), "x-request-id", "req-sample-import");

        assertThat(started.statusCode()).isEqualTo(202);
        String importId = json(started).path("importId").asText();
        assertThat(json(started).path("pages").asInt()).isEqualTo(3); // pages of Imports.PAGE_SIZE = 50
        JsonNode done = awaitJson(
                "/orders/imports/" + importId, s -> s.path("completed").asBoolean());
        assertThat(done.path("succeeded").asInt()).isEqualTo(3);
        assertThat(done.path("failed").asInt()).isZero();
        assertThat(RECORDS.records(r -> "req-sample-import".equals(r.context().requestId())
                        && r.name().equals("orders.import.page")
                        && r.status() == LogRecord.Status.SUCCEEDED))
                .extracting(r -> r.attributes().get("page"))
                .containsExactlyInAnyOrder(0, 1, 2);
        for (int row : new int[] {0, 49, 50, 119}) {
            JsonNode order = awaitJson(
                    "/orders/" + Imports.orderId(importId, row),
                    o -> o.path("status").asText().equals("CONFIRMED"));
            assertThat(order.path("totalCents").asLong()).as("row " + row).isEqualTo(390);
            assertThat(order.path("handledEvents").size()).isEqualTo(1);
        }
        String grace = "Bearer " + login("grace").path("accessToken").asText();
        assertThat(send("GET", "/orders/imports/" + importId, null, "Authorization", grace)
                        .statusCode())
                .as("someone else's import")
                .isEqualTo(404);
    }

    @Test
    void anImportWithAnUnknownSkuIsRejectedBeforeAnythingIsPublished() throws Exception {
        HttpResponse<String> response = asAda(
                "POST",
                "/orders/imports",
                "{\"orders\":[{\"items\":[{\"sku\":\"MUG\",\"quantity\":1}]},"
                        + "{\"items\":[{\"sku\":\"PONY\",\"quantity\":1}]}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("message").asText()).isEqualTo("The catalog has no PONY.");
    }

    @Test
    void anAttachmentIsAPrivateFileReadThroughASignedUrlOnly() throws Exception {
        String id =
                json(asAda("POST", "/orders", TWO_TEAS_AND_A_MUG)).path("id").asText();
        byte[] content = "delivery: leave at the door".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> uploaded = HTTP.send(
                HttpRequest.newBuilder(service.baseUri().resolve("/orders/" + id + "/attachments/note.txt"))
                        .header("Authorization", "Bearer " + ada)
                        .header("Content-Type", "text/plain")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(uploaded.statusCode()).isEqualTo(201);
        JsonNode body = json(uploaded);
        assertThat(body.path("attachment").path("crc32c").asText())
                .isEqualTo(Crc32c.of(content).toBase64());
        assertThat(body.path("attachment").path("size").asLong()).isEqualTo(content.length);
        URI signed = URI.create(body.path("download").path("url").asText());
        HttpResponse<byte[]> read =
                HTTP.send(HttpRequest.newBuilder(signed).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(content);
        URI unsigned =
                URI.create(signed.toString().substring(0, signed.toString().indexOf('?')));
        assertThat(HTTP.send(HttpRequest.newBuilder(unsigned).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .as("a private file without a signature")
                .isEqualTo(403);
        assertThat(json(asAda("GET", "/orders/" + id, null)).path("attachments").findValuesAsText("name"))
                .containsExactly("note.txt");
        HttpResponse<String> again = asAda("GET", "/orders/" + id + "/attachments/note.txt", null);
        assertThat(json(again).path("download").path("url").asText()).startsWith(unsigned.toString());
    }

    @Test
    void anAttachmentOfSomeoneElsesOrderIsNotFound() throws Exception {
        String id =
                json(asAda("POST", "/orders", TWO_TEAS_AND_A_MUG)).path("id").asText();
        String grace = "Bearer " + login("grace").path("accessToken").asText();

        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(service.baseUri().resolve("/orders/" + id + "/attachments/x.txt"))
                        .header("Authorization", grace)
                        .PUT(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void aProductImageIsAPublicFileAtAnImmutableCdnUrl() throws Exception {
        byte[] image = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
        HttpRequest put = HttpRequest.newBuilder(service.baseUri().resolve("/products/MUG/image"))
                .header("Authorization", "Bearer " + ada)
                .header("Content-Type", "image/png")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(image))
                .build();

        HttpResponse<String> first = HTTP.send(put, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = HTTP.send(put, HttpResponse.BodyHandlers.ofString());

        assertThat(first.statusCode()).isEqualTo(201);
        String url = json(first).path("imageUrl").asText();
        assertThat(url).endsWith("/products/MUG/" + Crc32c.of(image).toHex());
        assertThat(json(second).path("imageUrl").asText())
                .as("the same content, the same key")
                .isEqualTo(url);
        HttpResponse<byte[]> served =
                HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(image);
        assertThat(served.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).contains("immutable"));
        JsonNode products = json(send("GET", "/products", null));
        assertThat(products.path("products").findValuesAsText("imageUrl")).contains(url);
    }
}
