package dev.corekit.storage.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.Download;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StoredFile;
import dev.corekit.storage.Verification;
import dev.corekit.storage.internal.AreaFiles;
import dev.corekit.storage.internal.DefaultStorage;
import dev.corekit.storage.internal.LocalObjectStore;
import dev.corekit.storage.internal.LocalSigner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the local provider's files over the JDK's HTTP server, as a CDN and S3 would: public files to anyone, private
 * files to holders of a signed GET URL, and signed PUT uploads — checked against the CRC32C they were signed with, so a
 * corrupt upload stores nothing. Mount it at the path of {@code corekit.storage.local-url}:
 *
 * <pre>{@code
 * Storage storage = Storage.fromEnvironment();            // corekit.storage.local-url=http://localhost:8080/files
 * HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
 * server.createContext("/files", LocalFilesHandler.of(storage));
 * server.start();
 * }</pre>
 *
 * <p>Answers: {@code 200} with the bytes ({@code GET}, {@code HEAD}) or the stored checksum ({@code PUT});
 * {@code 400} for a bad key, a missing header or a body that does not match its checksum; {@code 403} for a missing,
 * wrong or expired signature; {@code 404}; {@code 405}. A download whose bytes turn out corrupt at the end is cut off
 * (the client sees a truncated body, never a complete corrupt one).
 */
public final class LocalFilesHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFilesHandler.class);

    private final DefaultStorage storage;
    private final LocalObjectStore store;

    private LocalFilesHandler(DefaultStorage storage, LocalObjectStore store) {
        this.storage = storage;
        this.store = store;
    }

    /**
     * A handler for {@code storage}'s files.
     *
     * @throws IllegalArgumentException when {@code storage} does not use the local provider
     */
    public static LocalFilesHandler of(Storage storage) {
        Objects.requireNonNull(storage, "storage");
        if (storage instanceof DefaultStorage defaults && defaults.store() instanceof LocalObjectStore local) {
            return new LocalFilesHandler(defaults, local);
        }
        throw new IllegalArgumentException("LocalFilesHandler serves the local provider only; this storage uses "
                + storage.settings().provider().settingValue());
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            LOG.warn("local files handler failed: {}", e.getClass().getName());
            respond(exchange, 500, "internal error");
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String context = exchange.getHttpContext().getPath();
        String path = exchange.getRequestURI().getRawPath();
        String base = context.endsWith("/") ? context : context + "/";
        if (!path.startsWith(base) || path.length() == base.length()) {
            respond(exchange, 404, "no such file");
            return;
        }
        Optional<String> decoded = percentDecode(path.substring(base.length()));
        if (decoded.isEmpty()) {
            respond(exchange, 400, "the path is not valid percent-encoded UTF-8");
            return;
        }
        String objectKey = decoded.get();
        AreaFiles area = storage.areaOf(objectKey);
        if (area == null) {
            respond(exchange, 404, "no such file");
            return;
        }
        String key = objectKey.substring(area.prefix().length());
        boolean isPublic = !objectKey.startsWith(storage.settings().privatePrefix());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        try {
            switch (method) {
                case "GET", "HEAD" -> {
                    if (isPublic || authorized(exchange, "GET", objectKey, query, "", "")) {
                        serve(exchange, area, key, objectKey, isPublic, method.equals("HEAD"));
                    }
                }
                case "PUT" -> {
                    if (isPublic) {
                        respond(exchange, 403, "public files are not uploaded through signed URLs");
                        return;
                    }
                    upload(exchange, area, objectKey, query);
                }
                default -> {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD, PUT");
                    respond(exchange, 405, "method not allowed");
                }
            }
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, e.getMessage());
        }
    }

    private boolean authorized(
            HttpExchange exchange,
            String method,
            String objectKey,
            Map<String, String> query,
            String contentType,
            String crc32c)
            throws IOException {
        String expires = query.get(LocalSigner.EXPIRES);
        String signature = query.get(LocalSigner.SIGNATURE);
        if (expires == null || signature == null || !expires.matches("\\d{1,12}")) {
            respond(exchange, 403, "a signed URL is required");
            return false;
        }
        long expiry = Long.parseLong(expires);
        if (!store.signer().verify(method, objectKey, expiry, contentType, crc32c, signature)) {
            respond(exchange, 403, "the signature does not match");
            return false;
        }
        if (storage.clock().instant().getEpochSecond() > expiry) {
            respond(exchange, 403, "the signed URL has expired");
            return false;
        }
        return true;
    }

    private void serve(
            HttpExchange exchange, AreaFiles area, String key, String objectKey, boolean isPublic, boolean head)
            throws IOException {
        Download download;
        try {
            download = area.open(key, Verification.VERIFY);
        } catch (StorageException e) {
            respond(exchange, e.reason() == StorageException.Reason.NOT_FOUND ? 404 : 503, "cannot read the file");
            return;
        }
        try (download) {
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", download.info().contentType().orElse(PutOptions.DEFAULT_CONTENT_TYPE));
            download.info().crc32c().ifPresent(crc -> headers.set(LocalSigner.CRC32C_HEADER, crc.toBase64()));
            download.info().version().ifPresent(version -> headers.set("ETag", "\"" + version + "\""));
            headers.set(
                    "Cache-Control", isPublic ? store.cacheControl(objectKey).orElse("public") : "private, no-store");
            long size = download.info().size();
            if (head) {
                headers.set("Content-Length", Long.toString(size));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
            OutputStream body = exchange.getResponseBody();
            // The last chunk is held back until the end of the file has been read and verified: a corrupt file fails
            // there, and the exchange closes short of its Content-Length, so no client gets a whole corrupt body.
            byte[] held = new byte[64 * 1024];
            byte[] next = new byte[64 * 1024];
            int heldLength = 0;
            while (true) {
                int n = download.readNBytes(next, 0, next.length);
                if (n == 0) {
                    break;
                }
                body.write(held, 0, heldLength);
                byte[] swap = held;
                held = next;
                next = swap;
                heldLength = n;
            }
            body.write(held, 0, heldLength);
            body.close();
        }
    }

    private void upload(HttpExchange exchange, AreaFiles area, String objectKey, Map<String, String> query)
            throws IOException {
        var request = exchange.getRequestHeaders();
        String contentType = request.getFirst("Content-Type");
        String crc = request.getFirst(LocalSigner.CRC32C_HEADER);
        if (contentType == null || crc == null) {
            respond(
                    exchange,
                    400,
                    "a signed PUT sends the Content-Type and " + LocalSigner.CRC32C_HEADER + " it was signed with");
            return;
        }
        if (!authorized(exchange, "PUT", objectKey, query, contentType, crc)) {
            return;
        }
        Crc32c expected = Crc32c.fromBase64(crc);
        PutOptions.Builder options =
                PutOptions.custom().contentType(contentType).expectedCrc32c(expected);
        String length = request.getFirst("Content-Length");
        if (length != null && length.matches("\\d{1,18}")) {
            options.length(Long.parseLong(length));
        }
        StoredFile stored;
        try (InputStream body = exchange.getRequestBody()) {
            stored = area.putObject(objectKey, body, options.build());
        } catch (IntegrityException e) {
            respond(exchange, 400, "the body does not match the signed CRC32C: nothing was stored");
            return;
        } catch (StorageException e) {
            switch (e.reason()) {
                case SOURCE_FAILED -> respond(exchange, 400, "the body ended early: nothing was stored");
                case REJECTED -> respond(exchange, 409, "the key cannot be stored here");
                default -> respond(exchange, 503, "the file could not be stored");
            }
            return;
        }
        exchange.getResponseHeaders()
                .set(LocalSigner.CRC32C_HEADER, stored.crc32c().toBase64());
        stored.version().ifPresent(version -> exchange.getResponseHeaders().set("ETag", "\"" + version + "\""));
        exchange.sendResponseHeaders(200, -1);
    }

    private static void respond(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> values = new HashMap<>();
        if (rawQuery == null) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                percentDecode(pair.substring(eq + 1))
                        .ifPresent(value -> values.putIfAbsent(pair.substring(0, eq), value));
            }
        }
        return values;
    }

    /** Strict percent-decoding ({@code +} is not a space in a path): empty when malformed or not UTF-8. */
    private static Optional<String> percentDecode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "LocalFilesHandler[" + store + "]";
    }
}
