package dev.corekit.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * What a successful {@code put} proves and what a caller persists next to its own record: the provider stored exactly
 * {@code size} bytes whose CRC32C is {@code crc32c} under {@code key}. Returned only after the provider's stored
 * checksum was compared with the one corekit computed over the bytes it sent.
 *
 * @param key the file key, as the caller named it (without the area prefix)
 * @param size the number of bytes stored
 * @param crc32c the CRC32C of the stored bytes, as the provider reported it and corekit checked it
 * @param version the provider's version of this write (S3 version id when the bucket is versioned, GCS generation,
 *     local generation); empty when the provider keeps none
 */
public record StoredFile(String key, long size, Crc32c crc32c, Optional<String> version) {
    public StoredFile {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(crc32c, "crc32c");
        Objects.requireNonNull(version, "version");
        if (size < 0) {
            throw new IllegalArgumentException("negative size: " + size);
        }
    }
}
