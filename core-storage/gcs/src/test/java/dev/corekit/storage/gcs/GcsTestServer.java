package dev.corekit.storage.gcs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * A small in-memory server of the subset of the GCS JSON API that the real google-cloud-storage client uses (no GCS
 * emulator runs on our machines), plus the XML-API GET and PUT that V4 signed URLs address. It is a test double, kept
 * in this module's test sources, and it behaves as GCS does where the tests depend on it:
 *
 * <ul>
 *   <li>buckets: {@code GET /storage/v1/b/{bucket}};
 *   <li>resumable uploads: {@code POST /upload/storage/v1/b/{b}/o?uploadType=resumable} (metadata in the body, a
 *       {@code crc32c} there is checked at finalization, {@code ifGenerationMatch=0} is honoured), then {@code PUT}s of
 *       chunks with {@code Content-Range} ({@code 308} with {@code Range} between chunks); the finalizing request's
 *       {@code x-goog-hash: crc32c=...} is checked too; a mismatch is a {@code 400} and stores nothing;
 *   <li>metadata {@code GET /storage/v1/b/{b}/o/{name}}, list with {@code prefix} and paging, {@code DELETE};
 *   <li>media {@code GET /download/storage/v1/b/{b}/o/{name}?alt=media} with {@code generation} and {@code Range};
 *   <li>V4 signed {@code GET}/{@code PUT /{bucket}/{object}}: the GOOG4-RSA-SHA256 signature is verified with the
 *       service account's public key, the expiry by the server's clock, and a PUT's {@code x-goog-hash} against its body.
 * </ul>
 */
final class GcsTestServer implements AutoCloseable {
    private static final DateTimeFormatter GOOG_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    /** One stored object. */
    record StoredObject(byte[] data, String contentType, String cacheControl, long generation, Instant updated) {
        String crc32c() {
            CRC32C crc = new CRC32C();
            crc.update(data);
            return base64Crc((int) crc.getValue());
        }
    }

    /** A request as the server saw it, for assertions. */
    record Seen(String method, String path, String query, Map<String, String> headers) {}

    private static final class Session {
        final String bucket;
        final JsonObject metadata;
        final Long ifGenerationMatch;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        JsonObject result;

        Session(String bucket, JsonObject metadata, Long ifGenerationMatch) {
            this.bucket = bucket;
            this.metadata = metadata;
            this.ifGenerationMatch = ifGenerationMatch;
        }
    }

    private final HttpServer server;
    private final Clock clock;
    private final PublicKey signingKey;
    private final Set<String> buckets = ConcurrentHashMap.newKeySet();
    private final Map<String, ConcurrentSkipListMap<String, StoredObject>> objects = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private GcsTestServer(HttpServer server, Clock clock, PublicKey signingKey) {
        this.server = server;
        this.clock = clock;
        this.signingKey = signingKey;
    }

    /** Starts a server on a free local port; signed URLs are checked with {@code signingKey} and {@code clock}. */
    static GcsTestServer start(Clock clock, PublicKey signingKey) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        GcsTestServer server = new GcsTestServer(http, clock, signingKey);
        http.createContext("/", server::handle);
        http.start();
        return server;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void createBucket(String bucket) {
        buckets.add(bucket);
        objects.putIfAbsent(bucket, new ConcurrentSkipListMap<>());
    }

    /** The stored objects of a bucket, by name. */
    Map<String, StoredObject> objects(String bucket) {
        return objects.get(bucket);
    }

    /** Resumable sessions that were started and never finalized. */
    long openSessions() {
        return sessions.values().stream()
                .filter(session -> session.result == null)
                .count();
    }

    List<Seen> requests() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // --- routing ------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            Map<String, String> params = params(query);
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            seen.add(new Seen(method, path, query, headers));
            String[] parts = path.split("/", -1);
            if (path.startsWith("/upload/storage/v1/b/") && parts.length == 7 && parts[6].equals("o")) {
                String bucket = decode(parts[5]);
                if (method.equals("POST") && "resumable".equals(params.get("uploadType"))) {
                    startResumable(exchange, bucket, params);
                } else if (method.equals("PUT") && params.containsKey("upload_id")) {
                    uploadChunk(exchange, params.get("upload_id"), headers);
                } else {
                    error(exchange, 501, "not implemented by the test server: " + method + " " + path + "?" + query);
                }
            } else if (path.startsWith("/storage/v1/b/")) {
                metadata(exchange, method, parts, params);
            } else if (path.startsWith("/download/storage/v1/b/") && parts.length == 8 && method.equals("GET")) {
                download(exchange, decode(parts[5]), decode(parts[7]), params, headers);
            } else if (params.containsKey("X-Goog-Signature")) {
                signed(exchange, method, path, query, params, headers);
            } else {
                error(exchange, 501, "not implemented by the test server: " + method + " " + path);
            }
        } catch (RuntimeException e) {
            error(exchange, 500, "test server failure: " + e);
        } finally {
            exchange.close();
        }
    }

    private void metadata(HttpExchange exchange, String method, String[] parts, Map<String, String> params)
            throws IOException {
        String bucket = decode(parts[4]);
        if (!buckets.contains(bucket)) {
            error(exchange, 404, "The specified bucket does not exist.");
            return;
        }
        if (parts.length == 5 && method.equals("GET")) {
            JsonObject json = new JsonObject();
            json.addProperty("kind", "storage#bucket");
            json.addProperty("id", bucket);
            json.addProperty("name", bucket);
            json.addProperty("location", "EU");
            json.addProperty("storageClass", "STANDARD");
            json.addProperty("metageneration", "1");
            json.addProperty("timeCreated", "2026-01-01T00:00:00.000Z");
            json(exchange, 200, json);
        } else if (parts.length == 6 && parts[5].equals("o") && method.equals("GET")) {
            list(exchange, bucket, params);
        } else if (parts.length == 7 && parts[5].equals("o")) {
            String name = decode(parts[6]);
            StoredObject object = objects.get(bucket).get(name);
            if (method.equals("GET")) {
                if (object == null) {
                    error(exchange, 404, "No such object: " + bucket + "/" + name);
                } else {
                    json(exchange, 200, resource(bucket, name, object));
                }
            } else if (method.equals("DELETE")) {
                if (objects.get(bucket).remove(name) == null) {
                    error(exchange, 404, "No such object: " + bucket + "/" + name);
                } else {
                    exchange.sendResponseHeaders(204, -1);
                }
            } else {
                error(exchange, 501, "not implemented by the test server: " + method);
            }
        } else {
            error(exchange, 501, "not implemented by the test server: " + method + " " + String.join("/", parts));
        }
    }

    private void list(HttpExchange exchange, String bucket, Map<String, String> params) throws IOException {
        String prefix = params.getOrDefault("prefix", "");
        int max = Integer.parseInt(params.getOrDefault("maxResults", "1000"));
        String after = params.get("pageToken");
        JsonArray items = new JsonArray();
        String next = null;
        for (Map.Entry<String, StoredObject> entry : objects.get(bucket).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(prefix) || (after != null && name.compareTo(after) <= 0)) {
                continue;
            }
            if (items.size() == max) {
                next = items.get(items.size() - 1).getAsJsonObject().get("name").getAsString();
                break;
            }
            items.add(resource(bucket, name, entry.getValue()));
        }
        JsonObject json = new JsonObject();
        json.addProperty("kind", "storage#objects");
        json.add("items", items);
        if (next != null) {
            json.addProperty("nextPageToken", next);
        }
        json(exchange, 200, json);
    }

    // --- uploads ------------------------------------------------------------------------------------------------

    private void startResumable(HttpExchange exchange, String bucket, Map<String, String> params) throws IOException {
        if (!buckets.contains(bucket)) {
            error(exchange, 404, "The specified bucket does not exist.");
            return;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        JsonObject metadata = body.length == 0
                ? new JsonObject()
                : JsonParser.parseString(new String(body, StandardCharsets.UTF_8))
                        .getAsJsonObject();
        if (params.containsKey("name")) {
            metadata.addProperty("name", decode(params.get("name")));
        }
        Long ifGenerationMatch =
                params.containsKey("ifGenerationMatch") ? Long.parseLong(params.get("ifGenerationMatch")) : null;
        String id = UUID.randomUUID().toString();
        sessions.put(id, new Session(bucket, metadata, ifGenerationMatch));
        // the session URL on the host the client called, as GCS does: a proxy in front stays in the path
        String host = exchange.getRequestHeaders().getFirst("Host");
        String origin = host == null ? uri().toString() : "http://" + host;
        exchange.getResponseHeaders()
                .set("Location", origin + "/upload/storage/v1/b/" + bucket + "/o?uploadType=resumable&upload_id=" + id);
        exchange.sendResponseHeaders(200, -1);
    }

    private void uploadChunk(HttpExchange exchange, String id, Map<String, String> headers) throws IOException {
        Session session = sessions.get(id);
        if (session == null) {
            error(exchange, 404, "No such upload session");
            return;
        }
        byte[] chunk = exchange.getRequestBody().readAllBytes();
        synchronized (session) {
            if (session.result != null) {
                json(exchange, 200, session.result); // a finalized session answers with its object, stores nothing
                return;
            }
            String range = headers.getOrDefault("content-range", "bytes */*").replace("bytes ", "");
            String[] spanAndTotal = range.split("/");
            String span = spanAndTotal[0];
            long total = spanAndTotal[1].equals("*") ? -1 : Long.parseLong(spanAndTotal[1]);
            if (!span.equals("*")) {
                long start = Long.parseLong(span.split("-")[0]);
                if (start != session.data.size()) {
                    error(exchange, 400, "chunk starts at " + start + ", " + session.data.size() + " persisted");
                    return;
                }
                session.data.writeBytes(chunk);
            }
            if (total >= 0 && session.data.size() == total) {
                finish(exchange, id, session, headers.get("x-goog-hash"));
            } else {
                if (session.data.size() > 0) {
                    exchange.getResponseHeaders().set("Range", "bytes=0-" + (session.data.size() - 1));
                }
                exchange.sendResponseHeaders(308, -1);
            }
        }
    }

    private void finish(HttpExchange exchange, String id, Session session, String hashHeader) throws IOException {
        byte[] data = session.data.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(data);
        String computed = base64Crc((int) crc.getValue());
        String declared =
                session.metadata.has("crc32c") ? session.metadata.get("crc32c").getAsString() : null;
        String hashed = crc32cOf(hashHeader);
        if (declared != null && !declared.equals(computed)) {
            sessions.remove(id);
            error(
                    exchange,
                    400,
                    "Provided CRC32C \"" + declared + "\" doesn't match calculated CRC32C \"" + computed + "\".");
            return;
        }
        if (hashed != null && !hashed.equals(computed)) {
            sessions.remove(id);
            error(
                    exchange,
                    400,
                    "The CRC32C hash in x-goog-hash \"" + hashed + "\" doesn't match calculated CRC32C \"" + computed
                            + "\".");
            return;
        }
        String name = session.metadata.get("name").getAsString();
        Map<String, StoredObject> bucket = objects.get(session.bucket);
        if (session.ifGenerationMatch != null && session.ifGenerationMatch == 0 && bucket.containsKey(name)) {
            sessions.remove(id);
            error(exchange, 412, "At least one of the pre-conditions you specified did not hold.");
            return;
        }
        StoredObject object = new StoredObject(
                data,
                session.metadata.has("contentType")
                        ? session.metadata.get("contentType").getAsString()
                        : "application/octet-stream",
                session.metadata.has("cacheControl")
                        ? session.metadata.get("cacheControl").getAsString()
                        : null,
                generations.incrementAndGet(),
                clock.instant());
        bucket.put(name, object);
        session.result = resource(session.bucket, name, object);
        json(exchange, 200, session.result);
    }

    // --- downloads ----------------------------------------------------------------------------------------------

    private void download(
            HttpExchange exchange, String bucket, String name, Map<String, String> params, Map<String, String> headers)
            throws IOException {
        Map<String, StoredObject> stored = objects.get(bucket);
        StoredObject object = stored == null ? null : stored.get(name);
        if (object == null
                || (params.containsKey("generation")
                        && Long.parseLong(params.get("generation")) != object.generation())) {
            error(exchange, 404, "No such object: " + bucket + "/" + name);
            return;
        }
        serve(exchange, object, headers.get("range"));
    }

    private void serve(HttpExchange exchange, StoredObject object, String range) throws IOException {
        byte[] data = object.data();
        int from = 0;
        int to = data.length - 1;
        int status = 200;
        if (range != null && range.startsWith("bytes=")) {
            String[] span = range.substring(6).split("-", -1);
            from = Integer.parseInt(span[0]);
            if (!span[1].isEmpty()) {
                to = Math.min(to, Integer.parseInt(span[1]));
            }
            status = 206;
            if (from >= data.length) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + data.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + data.length);
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", object.contentType());
        headers.set("x-goog-generation", Long.toString(object.generation()));
        headers.set("x-goog-hash", "crc32c=" + object.crc32c());
        headers.set("x-goog-stored-content-length", Integer.toString(data.length));
        int length = Math.max(0, to - from + 1);
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(data, from, length);
            }
        }
    }

    // --- V4 signed URLs (XML API) -------------------------------------------------------------------------------

    private void signed(
            HttpExchange exchange,
            String method,
            String path,
            String query,
            Map<String, String> params,
            Map<String, String> headers)
            throws IOException {
        String problem = checkSignature(method, path, query, params, headers);
        if (problem != null) {
            xmlError(exchange, 403, "SignatureDoesNotMatch", problem);
            return;
        }
        String[] parts = path.split("/", 3);
        String bucket = decode(parts[1]);
        String name = decode(parts[2]);
        Map<String, StoredObject> stored = objects.get(bucket);
        if (stored == null) {
            xmlError(exchange, 404, "NoSuchBucket", "The specified bucket does not exist.");
            return;
        }
        if (method.equals("GET")) {
            StoredObject object = stored.get(name);
            if (object == null) {
                xmlError(exchange, 404, "NoSuchKey", "The specified key does not exist.");
            } else {
                serve(exchange, object, headers.get("range"));
            }
        } else if (method.equals("PUT")) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            CRC32C crc = new CRC32C();
            crc.update(body);
            String computed = base64Crc((int) crc.getValue());
            String declared = crc32cOf(headers.get("x-goog-hash"));
            if (declared != null && !declared.equals(computed)) {
                xmlError(exchange, 400, "BadDigest", "The CRC32C you specified did not match the calculated CRC32C.");
                return;
            }
            StoredObject object = new StoredObject(
                    body,
                    headers.getOrDefault("content-type", "application/octet-stream"),
                    null,
                    generations.incrementAndGet(),
                    clock.instant());
            stored.put(name, object);
            exchange.getResponseHeaders().set("x-goog-generation", Long.toString(object.generation()));
            exchange.getResponseHeaders().set("x-goog-hash", "crc32c=" + computed);
            exchange.sendResponseHeaders(200, -1);
        } else {
            xmlError(exchange, 405, "MethodNotAllowed", method);
        }
    }

    /** Null when the request carries a valid, unexpired GOOG4-RSA-SHA256 signature; else what is wrong. */
    private String checkSignature(
            String method, String path, String query, Map<String, String> params, Map<String, String> headers) {
        if (!"GOOG4-RSA-SHA256".equals(params.get("X-Goog-Algorithm"))) {
            return "not a V4 signature";
        }
        String date = params.get("X-Goog-Date");
        String expires = params.get("X-Goog-Expires");
        String credential = decode(params.get("X-Goog-Credential"));
        String signedHeaders = decode(params.get("X-Goog-SignedHeaders"));
        Instant signedAt = LocalDateTime.parse(date, GOOG_DATE).toInstant(ZoneOffset.UTC);
        if (clock.instant().isAfter(signedAt.plusSeconds(Long.parseLong(expires)))) {
            return "Request has expired";
        }
        List<String> queryParts = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (!pair.startsWith("X-Goog-Signature=")) {
                queryParts.add(pair);
            }
        }
        queryParts.sort(null);
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders.split(";")) {
            String value = headers.get(name);
            if (value == null) {
                return "the signed header " + name + " is missing";
            }
            canonicalHeaders.append(name).append(':').append(value.strip()).append('\n');
        }
        String canonicalRequest = method + "\n" + path + "\n" + String.join("&", queryParts) + "\n" + canonicalHeaders
                + "\n" + signedHeaders + "\nUNSIGNED-PAYLOAD";
        String scope = credential.substring(credential.indexOf('/') + 1);
        String stringToSign = "GOOG4-RSA-SHA256\n" + date + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(signingKey);
            verifier.update(stringToSign.getBytes(StandardCharsets.UTF_8));
            byte[] signature = HexFormat.of().parseHex(params.get("X-Goog-Signature"));
            return verifier.verify(signature) ? null : "The request signature we calculated does not match";
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "The request signature we calculated does not match ("
                    + e.getClass().getSimpleName() + ")";
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private JsonObject resource(String bucket, String name, StoredObject object) {
        JsonObject json = new JsonObject();
        json.addProperty("kind", "storage#object");
        json.addProperty("id", bucket + "/" + name + "/" + object.generation());
        json.addProperty("name", name);
        json.addProperty("bucket", bucket);
        json.addProperty("generation", Long.toString(object.generation()));
        json.addProperty("metageneration", "1");
        json.addProperty("contentType", object.contentType());
        if (object.cacheControl() != null) {
            json.addProperty("cacheControl", object.cacheControl());
        }
        json.addProperty("size", Integer.toString(object.data().length));
        json.addProperty("crc32c", object.crc32c());
        json.addProperty("md5Hash", md5(object.data()));
        json.addProperty("etag", Long.toHexString(object.generation()));
        json.addProperty("timeCreated", object.updated().toString());
        json.addProperty("updated", object.updated().toString());
        json.addProperty("storageClass", "STANDARD");
        return json;
    }

    private static String crc32cOf(String hashHeader) {
        if (hashHeader == null) {
            return null;
        }
        for (String part : hashHeader.split(",")) {
            String trimmed = part.strip();
            if (trimmed.startsWith("crc32c=")) {
                return trimmed.substring("crc32c=".length());
            }
        }
        return null;
    }

    static String base64Crc(int crc) {
        return Base64.getEncoder()
                .encodeToString(new byte[] {(byte) (crc >>> 24), (byte) (crc >>> 16), (byte) (crc >>> 8), (byte) crc});
    }

    private static String md5(byte[] data) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query == null) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1));
            } else if (!pair.isEmpty()) {
                params.putIfAbsent(pair, "");
            }
        }
        return params;
    }

    /** Percent-decoding as GCS does it: {@code +} is a space only in query values, which the client never sends. */
    static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8: " + raw, e);
        }
    }

    private static void json(HttpExchange exchange, int status, JsonObject json) throws IOException {
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        JsonObject inner = new JsonObject();
        inner.addProperty("code", status);
        inner.addProperty("message", message);
        JsonArray errors = new JsonArray();
        JsonObject detail = new JsonObject();
        detail.addProperty("message", message);
        detail.addProperty("domain", "global");
        detail.addProperty(
                "reason",
                switch (status) {
                    case 400 -> "invalid";
                    case 404 -> "notFound";
                    case 412 -> "conditionNotMet";
                    default -> "backendError";
                });
        errors.add(detail);
        inner.add("errors", errors);
        JsonObject json = new JsonObject();
        json.add("error", inner);
        json(exchange, status, json);
    }

    private static void xmlError(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] body = ("<?xml version='1.0' encoding='UTF-8'?><Error><Code>" + code + "</Code><Message>" + message
                        + "</Message></Error>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml; charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
