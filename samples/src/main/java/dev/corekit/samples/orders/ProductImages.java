package dev.corekit.samples.orders;

import dev.corekit.logging.Operations;
import dev.corekit.samples.http.HttpError;
import dev.corekit.samples.http.Request;
import dev.corekit.samples.http.Response;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.PublicFiles;
import dev.corekit.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Product images: public files of core-storage, served by the CDN with a year-long immutable {@code Cache-Control}.
 * Because a public key names one content forever, the key carries the content's CRC32C
 * ({@code products/<sku>/<crc32c>}): a new image is a new key, and uploading the same image again is a no-op.
 */
public final class ProductImages {
    /** The largest image accepted. */
    public static final int MAX_BYTES = 2 << 20;

    private final PublicFiles files;
    private final Catalog catalog;

    public ProductImages(PublicFiles files, Catalog catalog) {
        this.files = files;
        this.catalog = catalog;
    }

    /** {@code PUT /products/{sku}/image} with the image as the body: 201 with its CDN URL. */
    public Response upload(Request request) throws IOException {
        String sku = request.pathParameter("sku");
        String contentType = request.header("Content-Type");
        if (contentType == null || !contentType.startsWith("image/")) {
            throw HttpError.badRequest("INVALID_IMAGE", "A product image is sent with an image/* Content-Type.");
        }
        byte[] image;
        try (InputStream body = request.bodyStream()) {
            image = body.readNBytes(MAX_BYTES + 1);
        }
        if (image.length == 0 || image.length > MAX_BYTES) {
            throw HttpError.badRequest("INVALID_IMAGE", "A product image is 1 byte to " + MAX_BYTES + " bytes.");
        }
        String key = "products/" + sku + "/" + Crc32c.of(image).toHex();
        URI url = Operations.call("product.image", op -> {
            op.attr("sku", sku).attr("size", image.length);
            if (catalog.load(List.of(sku)).get(sku).isEmpty()) {
                throw HttpError.notFound("There is no product with that sku.");
            }
            // The key names the content: an image published before is there already, and a put would be refused
            // (recorded as a failed storage.put). The check is a cheap stat; the catch covers a concurrent upload.
            if (files.exists(key)) {
                op.attr("unchanged", true);
                catalog.setImage(sku, key);
                return files.url(key);
            }
            try {
                files.put(key, image, contentType);
            } catch (StorageException e) {
                if (e.reason() != StorageException.Reason.ALREADY_EXISTS) {
                    throw e;
                }
                op.attr("unchanged", true); // the same image, already published under its content's key
            }
            catalog.setImage(sku, key);
            return files.url(key);
        });
        return Response.json(201, Map.of("sku", sku, "imageUrl", url.toString()));
    }

    /** {@code GET /products}: the catalog, with each image's CDN URL. Public. */
    public Response list(Request request) {
        List<Map<String, Object>> products =
                catalog.all().stream().map(this::view).toList();
        return Response.ok(Map.of("products", products));
    }

    private Map<String, Object> view(Document product) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sku", product.getString("_id"));
        view.put("name", product.getString("name"));
        view.put("priceCents", product.getLong("priceCents"));
        String imageKey = product.getString("imageKey");
        if (imageKey != null) {
            view.put("imageUrl", files.url(imageKey).toString());
        }
        return view;
    }
}
