package dev.corekit.storage;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider says about one stored file ({@code stat}, {@code list}).
 *
 * @param key the file key (inside an area, without its prefix; inside the provider SPI, the full object key)
 * @param size its size in bytes
 * @param crc32c the CRC32C the provider stored with it; empty when it stores none (an object written without one) or
 *     does not list it (S3 listings carry no checksums)
 * @param contentType its content type, if stored
 * @param version the provider's version or generation, if it keeps one
 * @param lastModified when it was last written
 */
public record FileInfo(
        String key,
        long size,
        Optional<Crc32c> crc32c,
        Optional<String> contentType,
        Optional<String> version,
        Instant lastModified) {
    public FileInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(crc32c, "crc32c");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(lastModified, "lastModified");
    }

    /** The same information under another key: used when mapping object keys to and from area keys. */
    public FileInfo withKey(String newKey) {
        return new FileInfo(newKey, size, crc32c, contentType, version, lastModified);
    }
}
