package dev.corekit.samples.orders;

import dev.corekit.context.CallContext;
import dev.corekit.logging.Operations;
import dev.corekit.samples.http.HttpError;
import dev.corekit.samples.http.Request;
import dev.corekit.samples.http.Response;
import dev.corekit.storage.PrivateFiles;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StoredFile;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Files attached to orders: private files of core-storage ({@code orders/<order id>/<name>}), written through corekit
 * so the provider's stored CRC32C is checked before the order records them, and read by the client through short-lived
 * signed GET URLs, never through the service and never with a credential.
 */
public final class Attachments {
    /** How long a download URL works. */
    public static final Duration DOWNLOAD_TTL = Duration.ofMinutes(5);
    /** The largest attachment accepted. */
    public static final long MAX_BYTES = 10L << 20;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final PrivateFiles files;
    private final OrderRepository orders;

    public Attachments(PrivateFiles files, OrderRepository orders) {
        this.files = files;
        this.orders = orders;
    }

    /**
     * A signed URL as the API returns it: what the client needs to use it. The URL is a bearer credential until it
     * expires: it is returned to the caller and never recorded.
     *
     * @param method the method to use
     * @param url the signed URL
     * @param headers the headers to send with it, exactly
     * @param expiresAt when it stops working
     */
    public record Download(String method, String url, Map<String, String> headers, Instant expiresAt) {
        static Download of(SignedUrl signed) {
            return new Download(signed.method(), signed.url().toString(), signed.headers(), signed.expiresAt());
        }

        @Override
        public String toString() {
            return "Download{" + method + ", expiresAt=" + expiresAt + "}";
        }
    }

    /**
     * What an upload answers.
     *
     * @param attachment what the order now records
     * @param download a signed URL to read it back
     */
    public record Uploaded(Attachment attachment, Download download) {}

    /**
     * {@code PUT /orders/{id}/attachments/{name}} with the file as the body (Content-Length required): 201 with what
     * was stored and a signed download URL.
     */
    public Response upload(Request request) throws IOException {
        Order order = ownOrder(request);
        String name = name(request);
        String length = request.header("Content-Length");
        if (length == null) {
            throw HttpError.of(411, "LENGTH_REQUIRED", "An attachment upload needs a Content-Length.");
        }
        long size = parseLength(length);
        String contentType = request.header("Content-Type") == null
                ? PutOptions.DEFAULT_CONTENT_TYPE
                : request.header("Content-Type");
        String key = "orders/" + order.id() + "/" + name;
        Attachment attachment = Operations.call("order.attach", op -> {
            op.attr("orderId", order.id()).attr("size", size);
            StoredFile stored;
            try (InputStream body = request.bodyStream()) {
                stored = files.put(
                        key,
                        body,
                        PutOptions.custom()
                                .contentType(contentType)
                                .length(size)
                                .build());
            } catch (StorageException e) {
                throw switch (e.reason()) {
                    case SOURCE_FAILED ->
                        HttpError.badRequest(
                                "UPLOAD_INCOMPLETE",
                                "The body did not carry Content-Length bytes; nothing was stored.");
                    case UNAVAILABLE -> HttpError.of(503, "STORAGE_UNAVAILABLE", "Storage is unavailable; retry.");
                    default -> e;
                };
            }
            Attachment recorded =
                    new Attachment(name, key, stored.size(), stored.crc32c().toBase64(), contentType);
            orders.attach(order.id(), recorded);
            return recorded;
        });
        return Response.json(201, new Uploaded(attachment, Download.of(files.signGet(key, DOWNLOAD_TTL))))
                .header("Location", "/orders/" + order.id() + "/attachments/" + name);
    }

    /** {@code GET /orders/{id}/attachments/{name}}: 200 with a fresh signed download URL. */
    public Response download(Request request) {
        Order order = ownOrder(request);
        String name = name(request);
        Attachment attachment = order.attachments().stream()
                .filter(a -> a.name().equals(name))
                .findFirst()
                .orElseThrow(() -> HttpError.notFound("The order has no attachment with that name."));
        return Response.ok(new Uploaded(attachment, Download.of(files.signGet(attachment.key(), DOWNLOAD_TTL))));
    }

    private Order ownOrder(Request request) {
        return orders.find(request.pathParameter("id"))
                .filter(order -> order.customer().equals(CallContext.current().caller()))
                .orElseThrow(() -> HttpError.notFound("There is no order with that id."));
    }

    private static String name(Request request) {
        String name = request.pathParameter("name");
        if (!NAME.matcher(name).matches()) {
            throw HttpError.badRequest(
                    "INVALID_NAME", "An attachment name is 1 to 100 letters, digits, '.', '_' or '-'.");
        }
        return name;
    }

    private static long parseLength(String header) {
        try {
            long size = Long.parseLong(header.strip());
            if (size > MAX_BYTES) {
                throw HttpError.of(413, "ATTACHMENT_TOO_LARGE", "An attachment is at most " + MAX_BYTES + " bytes.");
            }
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpError.badRequest("INVALID_LENGTH", "Content-Length is not a byte count.");
    }
}
