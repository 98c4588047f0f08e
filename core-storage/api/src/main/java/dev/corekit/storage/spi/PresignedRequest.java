package dev.corekit.storage.spi;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A signed request as the provider made it.
 *
 * @param url the signed URL
 * @param headers the headers the client must send exactly, without {@code Host}
 * @param expiresAt when it expires, as the provider computed it
 */
public record PresignedRequest(URI url, Map<String, String> headers, Instant expiresAt) {
    public PresignedRequest {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(expiresAt, "expiresAt");
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    @Override
    public String toString() {
        return "PresignedRequest[headers=" + headers.keySet() + ", expiresAt=" + expiresAt + "]";
    }
}
