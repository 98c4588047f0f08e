package dev.corekit.storage;

import java.net.URI;

/**
 * Files anyone may read through the CDN: immutable keys, stored with a long-lived immutable {@code Cache-Control}
 * ({@code corekit.storage.public-cache-control}), addressed by {@link #url(String)}.
 *
 * <p>Because a CDN and every browser keep a public file for a year, a key names one content forever: {@code put}
 * refuses to overwrite (it fails with {@link StorageException.Reason#ALREADY_EXISTS}); publish changed content under a
 * new key ({@code logo-v2.png}, or a key carrying a content hash).
 *
 * <pre>{@code
 * StoredFile stored = storage.publicFiles().put("logos/acme-v3.png", bytes, "image/png");
 * URI url = storage.publicFiles().url(stored.key()); // https://cdn.example.com/logos/acme-v3.png
 * }</pre>
 */
public interface PublicFiles extends FileArea {
    /**
     * The CDN URL of {@code key}: {@code corekit.storage.public-base-url}, a slash, the key with each segment
     * percent-encoded. The file need not exist yet.
     *
     * @throws IllegalArgumentException for a bad key
     */
    URI url(String key);
}
