package dev.corekit.samples.walkthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corekit.auth.Authenticator;
import dev.corekit.context.ContextHeaders;
import dev.corekit.context.TraceIds;
import dev.corekit.logging.LogRecord;
import dev.corekit.samples.users.Users;
import dev.corekit.storage.Crc32c;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scripted tour of the sample, over real HTTP ({@code java.net.http}) like any client: check health, log in,
 * send a browser's CORS preflight, create an order, attach a note to it (a private file) and fetch it through the signed URL
 * returned, read the order back until its {@code order.created} event was consumed, publish a product image (a public
 * file) and fetch its CDN URL, import
 * {@value #IMPORTED_ORDERS} orders in bulk (fanned out into page events) and wait until every page was handled and
 * every order confirmed, list the orders one keyset page at a time, then print every record the create request
 * produced, as a tree. Each step says
 * what it sent and got; a step that gets an unexpected answer stops the tour with an error saying which step and what
 * came back.
 *
 * <p>The narration goes to its own logger ({@code dev.corekit.samples.walkthrough}), which the sample's
 * {@code logback.xml} prints as plain lines on stderr, apart from the JSON records on stdout.
 *
 * <p>Each request carries its own {@code x-request-id} ({@code walkthrough-<step>-<random>}), which the service adopts
 * as the request id of its records: that is how a client, a support engineer or this tour finds them.
 */
public final class Walkthrough {
    private static final Logger LOG = LoggerFactory.getLogger(Walkthrough.class);

    /** How long the tour waits for a request's records to settle. */
    public static final Duration RECORD_TIMEOUT = Duration.ofSeconds(10);
    /** How long the tour waits for the order.created event to be consumed. */
    public static final Duration EVENT_TIMEOUT = Duration.ofSeconds(20);
    /** How many orders the tour imports in bulk. */
    public static final int IMPORTED_ORDERS = 120;
    /** The browser origin of the tour's CORS preflight: the one the sample allows unless configured. */
    public static final String ORIGIN = "http://localhost:3000";
    /** The page size the tour lists orders with. */
    public static final int PAGE_SIZE = 50;
    /** The most pages the tour lists. */
    public static final int MAX_PAGES = 10;
    /** How often it reads the order meanwhile. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CURSOR = Pattern.compile("cursor=[^&]+");

    private final URI base;
    private final RecentRequests records;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String run = TraceIds.newSpanId().substring(0, 6);
    private int step;
    private String accessToken;

    private Walkthrough(URI base, RecentRequests records) {
        this.base = Objects.requireNonNull(base, "base");
        this.records = Objects.requireNonNull(records, "records");
    }

    /**
     * What the tour saw.
     *
     * @param orderId the order it created
     * @param createRequestId the request id of the create call
     * @param createRecords every record of the create call
     * @param listed how many orders the listing returned, over all its pages
     */
    public record Report(String orderId, String createRequestId, List<LogRecord> createRecords, int listed) {}

    /**
     * Runs the tour against the service at {@code base}, reading records from {@code records}.
     *
     * @throws IllegalStateException when a step gets an answer it did not expect
     */
    public static Report run(URI base, RecentRequests records) throws IOException, InterruptedException {
        return new Walkthrough(base, records).tour();
    }

    private Report tour() throws IOException, InterruptedException {
        LOG.info("");
        LOG.info("=== corekit sample walk-through against {} ===", base);

        Exchange health = send("health", "GET", "/health", null, 200);
        LOG.info("    {}", health.body());

        Exchange login = send(
                "login", "POST", "/login", "{\"username\":\"ada\",\"password\":\"" + Users.DEMO_PASSWORD + "\"}", 200);
        accessToken = login.json().path("accessToken").asText();
        LOG.info(
                "    logged in as ada: a Bearer access token until {}, and a refresh token",
                login.json().path("accessExpiresAt").asText());

        HttpResponse<Void> preflight = http.send(
                HttpRequest.newBuilder(base.resolve("/orders"))
                        .timeout(Duration.ofSeconds(30))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", ORIGIN)
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "authorization, content-type")
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        LOG.info("[{}] OPTIONS /orders (CORS preflight from {}) -> {}", ++step, ORIGIN, preflight.statusCode());
        if (preflight.statusCode() != 204) {
            throw new IllegalStateException("walk-through step " + step + " (CORS preflight): got "
                    + preflight.statusCode() + " instead of 204; is " + ORIGIN + " among the allowed origins?");
        }
        LOG.info(
                "    answered before auth: Access-Control-Allow-Origin {}, methods {}",
                preflight.headers().firstValue("Access-Control-Allow-Origin").orElse("(none)"),
                preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("(none)"));

        Exchange created = send(
                "create-order",
                "POST",
                "/orders",
                "{\"items\":[{\"sku\":\"TEA-GREEN\",\"quantity\":2},{\"sku\":\"MUG\",\"quantity\":1}]}",
                201);
        String orderId = created.json().path("id").asText();
        LOG.info(
                "    order {} for {} cents, Location: {}",
                orderId,
                created.json().path("totalCents"),
                created.header("Location"));

        byte[] note =
                ("Order " + orderId + ": please leave the parcel at the door.\n").getBytes(StandardCharsets.UTF_8);
        JsonNode attached = send(
                        "upload-attachment",
                        "PUT",
                        "/orders/" + orderId + "/attachments/delivery-note.txt",
                        note,
                        "text/plain",
                        201,
                        true)
                .json();
        LOG.info(
                "    stored as a private file: {} bytes, CRC32C {} checked by the provider; a signed URL until {}",
                attached.path("attachment").path("size"),
                attached.path("attachment").path("crc32c").asText(),
                attached.path("download").path("expiresAt").asText());
        URI signed = URI.create(attached.path("download").path("url").asText());
        HttpResponse<byte[]> downloaded = http.send(
                HttpRequest.newBuilder(signed).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        LOG.info("[{}] GET {} (signed, no credentials) -> {}", ++step, redacted(signed), downloaded.statusCode());
        if (downloaded.statusCode() != 200 || !Arrays.equals(downloaded.body(), note)) {
            throw new IllegalStateException("walk-through step " + step + " (fetch the signed URL): got "
                    + downloaded.statusCode() + " and " + downloaded.body().length + " bytes instead of the note");
        }
        LOG.info(
                "    the same {} bytes, CRC32C {}",
                note.length,
                Crc32c.of(downloaded.body()).toBase64());

        JsonNode confirmed = awaitConfirmed(orderId);
        LOG.info(
                "    the order.created event was consumed: status {}, handled events {}",
                confirmed.path("status").asText(),
                confirmed.path("handledEvents"));

        byte[] image = productImage();
        JsonNode published = send("product-image", "PUT", "/products/MUG/image", image, "image/png", 201, true)
                .json();
        URI cdn = URI.create(published.path("imageUrl").asText());
        HttpResponse<Void> served = http.send(
                HttpRequest.newBuilder(cdn).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.discarding());
        LOG.info(
                "[{}] GET {} (public CDN URL) -> {}, Cache-Control: {}",
                ++step,
                cdn,
                served.statusCode(),
                served.headers().firstValue("Cache-Control").orElse("(none)"));
        if (served.statusCode() != 200) {
            throw new IllegalStateException(
                    "walk-through step " + step + " (fetch the CDN URL): got " + served.statusCode());
        }

        Exchange started = send("import-orders", "POST", "/orders/imports", importBody(IMPORTED_ORDERS), 202);
        String importId = started.json().path("importId").asText();
        LOG.info(
                "    import {}: {} orders fanned out into {} page events",
                importId,
                started.json().path("orders"),
                started.json().path("pages"));
        JsonNode imported = awaitImported(importId);
        LOG.info(
                "    every page handled: {} succeeded, {} failed", imported.path("succeeded"), imported.path("failed"));
        int confirmedOrders = awaitAllConfirmed(1 + IMPORTED_ORDERS);
        LOG.info("    every imported order's order.created event consumed too: {} orders CONFIRMED", confirmedOrders);

        int count = 0;
        String cursor = null;
        int pages = 0;
        do {
            String path = "/orders?limit=" + PAGE_SIZE
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page =
                    send("list-orders-page-" + ++pages, "GET", path, null, 200).json();
            count += page.path("orders").size();
            long pageConfirmed = 0;
            for (JsonNode order : page.path("orders")) {
                pageConfirmed += "CONFIRMED".equals(order.path("status").asText()) ? 1 : 0;
            }
            cursor = page.hasNonNull("next") ? page.path("next").asText() : null;
            LOG.info(
                    "    page {}: {} orders ({} CONFIRMED), product names batch-loaded for the page; {}",
                    pages,
                    page.path("orders").size(),
                    pageConfirmed,
                    cursor == null ? "the last page" : "a signed cursor leads to the next");
        } while (cursor != null && pages < MAX_PAGES);

        List<LogRecord> createRecords = records.awaitSettled(
                created.requestId(),
                list -> completed(list, "orders.create") && completed(list, "messaging.handle"),
                RECORD_TIMEOUT);
        LOG.info("");
        LOG.info("--- the records of one request: x-request-id {} ---", created.requestId());
        RecordTree.lines(createRecords).forEach(line -> LOG.info("    {}", line));
        LOG.info("");
        LOG.info("Where to look:");
        LOG.info(
                "  - stdout: every record is a JSON line; this request's: grep '\"requestId\":\"{}\"'",
                created.requestId());
        LOG.info("    (./mvnw -q -Prun-sample package > records.jsonl keeps this narration on the terminal, records in"
                + " the file)");
        LOG.info(
                "  - MongoDB, with COREKIT_LOGGING_MONGODB_URI set: db.operations.find({requestId: \"{}\"})",
                created.requestId());
        LOG.info("  - samples/README.md: what each route shows; -Dcorekit.sample.serve=true keeps the service running");
        LOG.info("=== walk-through done ===");
        return new Report(orderId, created.requestId(), createRecords, count);
    }

    /** Reads the order until its event was consumed (status CONFIRMED), for up to {@link #EVENT_TIMEOUT}. */
    private JsonNode awaitConfirmed(String orderId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        int reads = 0;
        while (true) {
            Exchange fetched = send("get-order-" + ++reads, "GET", "/orders/" + orderId, null, 200, reads == 1);
            JsonNode order = fetched.json();
            if ("CONFIRMED".equals(order.path("status").asText())) {
                return order;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("walk-through: the order.created event of order " + orderId
                        + " was not consumed within " + EVENT_TIMEOUT.toSeconds() + " s; is the broker up? "
                        + "GET /health says which dependency is down");
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /**
     * Lists every order (quietly) until {@code expected} of them are CONFIRMED, for up to {@link #EVENT_TIMEOUT}: the
     * service is quiet afterwards, so the records printed at the end are not interleaved with the import's.
     */
    private int awaitAllConfirmed(int expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        int rounds = 0;
        while (true) {
            rounds++;
            int confirmed = 0;
            String cursor = null;
            int pages = 0;
            do {
                String path = "/orders?limit=100"
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                JsonNode page = send("confirmations-" + rounds + "-" + ++pages, "GET", path, null, 200, false)
                        .json();
                for (JsonNode order : page.path("orders")) {
                    confirmed += "CONFIRMED".equals(order.path("status").asText()) ? 1 : 0;
                }
                cursor = page.hasNonNull("next") ? page.path("next").asText() : null;
            } while (cursor != null);
            if (confirmed >= expected) {
                return confirmed;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("walk-through: only " + confirmed + " of " + expected
                        + " orders were confirmed within " + EVENT_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** Reads the import until every page has an outcome, for up to {@link #EVENT_TIMEOUT}. */
    private JsonNode awaitImported(String importId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        int reads = 0;
        while (true) {
            JsonNode status = send(
                            "import-status-" + ++reads, "GET", "/orders/imports/" + importId, null, 200, reads == 1)
                    .json();
            if (status.path("completed").asBoolean()) {
                return status;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("walk-through: import " + importId + " did not complete within "
                        + EVENT_TIMEOUT.toSeconds() + " s: " + status);
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** A URL with its query (the signature) hidden: what may be printed. */
    private static String redacted(URI url) {
        String text = url.toString();
        int query = text.indexOf('?');
        return query < 0 ? text : text.substring(0, query) + "?...";
    }

    /** A one-pixel PNG. */
    private static byte[] productImage() {
        return Base64.getDecoder()
                .decode(
                        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    }

    /** {@code count} small orders, one to three items each. */
    private static String importBody(int count) {
        String[] skus = {"TEA-GREEN", "TEA-BLACK", "MUG", "KETTLE"};
        StringBuilder body = new StringBuilder("{\"orders\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"items\":[");
            for (int item = 0; item <= i % 3; item++) {
                body.append(item == 0 ? "" : ",")
                        .append("{\"sku\":\"")
                        .append(skus[(i + item) % skus.length])
                        .append("\",\"quantity\":")
                        .append(1 + i % 4)
                        .append('}');
            }
            body.append("]}");
        }
        return body.append("]}").toString();
    }

    private static boolean completed(List<LogRecord> records, String name) {
        return records.stream().anyMatch(r -> r.name().equals(name) && !r.isStart());
    }

    private Exchange send(String name, String method, String path, String body, int expected)
            throws IOException, InterruptedException {
        return send(name, method, path, body, expected, true);
    }

    private Exchange send(String name, String method, String path, String body, int expected, boolean narrate)
            throws IOException, InterruptedException {
        return send(
                name,
                method,
                path,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                "application/json",
                expected,
                narrate);
    }

    private Exchange send(
            String name, String method, String path, byte[] body, String contentType, int expected, boolean narrate)
            throws IOException, InterruptedException {
        if (narrate) {
            step++;
        }
        String requestId = "walkthrough-" + name + "-" + run;
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header(ContextHeaders.REQUEST_ID, requestId)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        if (accessToken != null) {
            request.header("Authorization", "Bearer " + accessToken);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (narrate) {
            LOG.info(
                    "[{}] {} {} -> {}",
                    step,
                    method,
                    CURSOR.matcher(path).replaceAll("cursor=..."),
                    response.statusCode());
        }
        if (response.statusCode() != expected) {
            throw new IllegalStateException("walk-through step " + step + " (" + name + "): expected " + expected
                    + " from " + method + " " + path + ", got " + response.statusCode() + ": " + response.body());
        }
        // What every client does: a renewed access token replaces the expired one from now on.
        response.headers().firstValue(Authenticator.RENEWED_ACCESS_TOKEN_HEADER).ifPresent(renewed -> {
            accessToken = renewed;
            LOG.info(
                    "    the access token had expired: renewed in flight ({})",
                    Authenticator.RENEWED_ACCESS_TOKEN_HEADER);
        });
        return new Exchange(requestId, response);
    }

    private record Exchange(String requestId, HttpResponse<String> response) {
        String body() {
            return response.body();
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        JsonNode json() throws IOException {
            return JSON.readTree(response.body());
        }
    }
}
