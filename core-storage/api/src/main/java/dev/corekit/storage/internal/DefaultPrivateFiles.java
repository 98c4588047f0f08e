package dev.corekit.storage.internal;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.PrivateFiles;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.StoredFile;
import dev.corekit.storage.spi.PresignRequest;
import dev.corekit.storage.spi.PresignedRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/** Private files: overwritable, reached through signed URLs. */
final class DefaultPrivateFiles extends AreaFiles implements PrivateFiles {
    DefaultPrivateFiles(DefaultStorage storage) {
        super(storage, storage.settings().privatePrefix(), "private");
    }

    @Override
    boolean createOnly() {
        return false;
    }

    @Override
    Optional<String> cacheControl() {
        return Optional.empty();
    }

    @Override
    public SignedUrl signGet(String key, Duration ttl) {
        return sign("GET", key, ttl, null, null);
    }

    @Override
    public SignedUrl signPut(String key, String contentType, Crc32c crc32c, Duration ttl) {
        Objects.requireNonNull(crc32c, "crc32c");
        String type = PutOptions.of(Objects.requireNonNull(contentType, "contentType"))
                .contentType();
        return sign("PUT", key, ttl, type, crc32c);
    }

    private SignedUrl sign(String method, String key, Duration ttl, String contentType, Crc32c crc32c) {
        Objects.requireNonNull(ttl, "ttl");
        String objectKey = objectKey(key);
        if (ttl.isNegative() || ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a signed URL lives at least 1s; asked for " + ttl);
        }
        return storage.recorder().call("storage.sign", op -> {
            op.attr("provider", storage.providerName())
                    .attr("key", key)
                    .attr("method", method)
                    .attr("requestedTtlSeconds", ttl.toSeconds());
            if (crc32c != null) {
                op.attr("crc32c", crc32c.toBase64()).attr("contentType", contentType);
            }
            Instant now = storage.clock().instant().truncatedTo(ChronoUnit.SECONDS);
            StorageSettings settings = storage.settings();
            // cap the duration before adding it to now: a huge ttl (Duration.ofSeconds(Long.MAX_VALUE)) would
            // overflow Instant.plus instead of being clamped
            Duration lifetime = ttl;
            SignedUrl.Limit limit = SignedUrl.Limit.REQUESTED;
            if (StorageSettings.LONGEST_SIGNED_URL_TTL.compareTo(lifetime) < 0) {
                lifetime = StorageSettings.LONGEST_SIGNED_URL_TTL;
                limit = SignedUrl.Limit.SEVEN_DAYS;
            }
            if (settings.signedUrlMaxTtl().compareTo(lifetime) < 0) {
                lifetime = settings.signedUrlMaxTtl();
                limit = SignedUrl.Limit.MAX_TTL_SETTING;
            }
            Instant expiresAt = now.plus(lifetime);
            Optional<Instant> credentialExpiry = store.credentialExpiry();
            if (credentialExpiry.isPresent()) {
                Instant credentials = credentialExpiry.get().truncatedTo(ChronoUnit.SECONDS);
                if (!credentials.isAfter(now)) {
                    throw new StorageException(
                            StorageException.Reason.REJECTED,
                            key,
                            "cannot sign a URL for '" + key + "': the " + storage.providerName()
                                    + " signing credentials expired at " + credentialExpiry.get(),
                            null);
                }
                if (credentials.isBefore(expiresAt)) {
                    expiresAt = credentials;
                    limit = SignedUrl.Limit.CREDENTIAL_EXPIRY;
                }
            }
            PresignedRequest signed = store.presign(new PresignRequest(
                    method, objectKey, now, expiresAt, Optional.ofNullable(contentType), Optional.ofNullable(crc32c)));
            op.attr("expiresAt", signed.expiresAt().toString()).attr("limitedBy", limit.name());
            return new SignedUrl(method, signed.url(), signed.headers(), signed.expiresAt(), limit);
        });
    }

    @Override
    public StoredFile confirmUpload(String key, Crc32c expected) {
        Objects.requireNonNull(expected, "expected");
        String objectKey = objectKey(key);
        return storage.recorder().call("storage.confirm", op -> {
            op.attr("provider", storage.providerName()).attr("key", key).attr("expectedCrc32c", expected.toBase64());
            FileInfo info = retrying(() -> store.stat(objectKey), key, "stat of")
                    .orElseThrow(() -> new StorageException(
                            StorageException.Reason.NOT_FOUND,
                            key,
                            "nothing was uploaded to '" + key + "' (" + storage.providerName() + ")",
                            null));
            Crc32c actual = info.crc32c().orElse(null);
            op.attr("size", info.size());
            if (!expected.equals(actual)) {
                deleteCorrupt(op, key, objectKey);
                throw new IntegrityException(
                        key,
                        expected,
                        actual,
                        actual == null
                                ? "the upload was stored without a checksum; it was deleted"
                                : "the upload was stored with another checksum; it was deleted",
                        null);
            }
            info.version().ifPresent(version -> op.attr("version", version));
            return new StoredFile(key, info.size(), actual, info.version());
        });
    }
}
