package dev.corekit.storage.spi;

import dev.corekit.storage.Crc32c;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A GET or PUT to sign.
 *
 * @param method {@code GET} or {@code PUT}
 * @param objectKey the full object key
 * @param now the signing time, from the storage's clock
 * @param expiresAt when the URL must stop working; already capped by core corekit
 * @param contentType for a PUT: the content type the client must send
 * @param crc32c for a PUT: the checksum the provider must enforce on the body
 */
public record PresignRequest(
        String method,
        String objectKey,
        Instant now,
        Instant expiresAt,
        Optional<String> contentType,
        Optional<Crc32c> crc32c) {
    public PresignRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(objectKey, "objectKey");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(crc32c, "crc32c");
    }
}
