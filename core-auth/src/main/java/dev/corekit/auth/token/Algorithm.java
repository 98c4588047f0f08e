package dev.corekit.auth.token;

import java.util.Locale;

/**
 * The JWS algorithms corekit signs and verifies with. Which ones a key accepts is fixed when the key is made (its
 * allow-list); the {@code alg} header of a token only selects among them, never widens them, so an RSA public key can
 * never be used as an HMAC secret.
 */
public enum Algorithm {
    /** HMAC with SHA-256; secret of at least 32 bytes. */
    HS256("HS256", 32),
    /** HMAC with SHA-384; secret of at least 48 bytes. */
    HS384("HS384", 48),
    /** HMAC with SHA-512; secret of at least 64 bytes. */
    HS512("HS512", 64),
    /** RSASSA-PKCS1-v1_5 with SHA-256; RSA key of at least 2048 bits. */
    RS256("RS256", 2048),
    /** RSASSA-PSS with SHA-256; RSA key of at least 2048 bits. */
    PS256("PS256", 2048),
    /** ECDSA on P-256 with SHA-256. */
    ES256("ES256", 256),
    /** EdDSA on Ed25519; needs {@code com.google.crypto.tink:tink} on the classpath. */
    EDDSA("EdDSA", 256);

    private static final Algorithm[] ALL = values();

    private final String joseName;
    private final int minKeySize;

    Algorithm(String joseName, int minKeySize) {
        this.joseName = joseName;
        this.minKeySize = minKeySize;
    }

    /** The name in a token's {@code alg} header. */
    public String joseName() {
        return joseName;
    }

    /** The smallest key accepted: bytes of secret for HMAC, bits of modulus for RSA, bits of curve otherwise. */
    public int minKeySize() {
        return minKeySize;
    }

    /** Whether this is an HMAC (shared-secret) algorithm. */
    public boolean isHmac() {
        return this == HS256 || this == HS384 || this == HS512;
    }

    /** Whether this is an RSA algorithm. */
    public boolean isRsa() {
        return this == RS256 || this == PS256;
    }

    /**
     * The algorithm named {@code joseName} in a header, or null when corekit does not support it ({@code none}
     * included).
     */
    static Algorithm fromJoseName(String joseName) {
        if (joseName == null) {
            return null;
        }
        for (Algorithm algorithm : ALL) {
            if (algorithm.joseName.equals(joseName)) {
                return algorithm;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return joseName.toUpperCase(Locale.ROOT).equals(name()) ? joseName : name();
    }
}
