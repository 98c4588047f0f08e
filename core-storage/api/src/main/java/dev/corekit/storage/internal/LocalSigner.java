package dev.corekit.storage.internal;

import dev.corekit.config.Secret;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.spi.PresignRequest;
import dev.corekit.storage.spi.PresignedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signed URLs of the local provider. The signature covers the method, the object key, the expiry and, for
 * a PUT, the content type and CRC32C the client must send, so changing any of them breaks it.
 */
public final class LocalSigner {
    /** Query parameter: the expiry, in epoch seconds. */
    public static final String EXPIRES = "X-Corekit-Expires";
    /** Query parameter: the signature, Base64url without padding. */
    public static final String SIGNATURE = "X-Corekit-Signature";
    /** Request and response header: the CRC32C of the body, in Base64. */
    public static final String CRC32C_HEADER = "X-Corekit-Crc32c";

    private static final String ALGORITHM = "HmacSHA256";

    private final String base;
    private final byte[] key;

    LocalSigner(URI baseUrl, Optional<Secret> secret) {
        String text = baseUrl.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        if (secret.isPresent()) {
            this.key = secret.get().reveal().getBytes(StandardCharsets.UTF_8);
        } else {
            this.key = new byte[32];
            new SecureRandom().nextBytes(this.key);
        }
    }

    PresignedRequest sign(PresignRequest request) {
        long expires = request.expiresAt().getEpochSecond();
        String contentType = request.contentType().orElse("");
        String crc = request.crc32c().map(Crc32c::toBase64).orElse("");
        String signature = signature(request.method(), request.objectKey(), expires, contentType, crc);
        URI url = URI.create(base + "/" + Keys.encodePath(request.objectKey()) + "?" + EXPIRES + "=" + expires + "&"
                + SIGNATURE + "=" + signature);
        Map<String, String> headers = new LinkedHashMap<>();
        if ("PUT".equals(request.method())) {
            headers.put("Content-Type", contentType);
            headers.put(CRC32C_HEADER, crc);
        }
        return new PresignedRequest(url, headers, Instant.ofEpochSecond(expires));
    }

    /** Whether {@code signature} is this signer's for exactly these values; constant time. */
    public boolean verify(
            String method, String objectKey, long expires, String contentType, String crc32c, String signature) {
        byte[] expected =
                signature(method, objectKey, expires, contentType, crc32c).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String signature(String method, String objectKey, long expires, String contentType, String crc32c) {
        String canonical = method + "\n" + objectKey + "\n" + expires + "\n" + contentType + "\n" + crc32c;
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "LocalSigner[" + base + "]";
    }
}
