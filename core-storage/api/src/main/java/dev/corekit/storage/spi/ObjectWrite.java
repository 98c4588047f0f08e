package dev.corekit.storage.spi;

import dev.corekit.storage.Crc32c;
import java.util.Objects;
import java.util.Optional;

/**
 * One object to write.
 *
 * @param objectKey the full object key (area prefix included)
 * @param source the bytes, read through a checksumming source
 * @param contentType the content type to store
 * @param cacheControl the {@code Cache-Control} to store (public files), if any
 * @param createOnly whether the write must fail with {@link dev.corekit.storage.StorageException.Reason#ALREADY_EXISTS}
 *     when the key is taken (public files are immutable)
 * @param expectedCrc32c the checksum the caller declared up front, if any: send it before the bytes where the
 *     provider takes it there (GCS {@code crc32cMatch})
 */
public record ObjectWrite(
        String objectKey,
        UploadSource source,
        String contentType,
        Optional<String> cacheControl,
        boolean createOnly,
        Optional<Crc32c> expectedCrc32c) {
    public ObjectWrite {
        Objects.requireNonNull(objectKey, "objectKey");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(cacheControl, "cacheControl");
        Objects.requireNonNull(expectedCrc32c, "expectedCrc32c");
    }
}
