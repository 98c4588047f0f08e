package dev.corekit.auth.token;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.corekit.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One key a token may be verified with, and the fixed list of algorithms it accepts. The key's type decides which
 * algorithms are possible and every one is checked when the key is made: HMAC secrets at least the hash size (32, 48,
 * 64 bytes for HS256/384/512), RSA keys at least 2048 bits (RS256, PS256), EC keys on P-256 (ES256), Ed25519 keys
 * (EdDSA, with tink on the classpath). A token's {@code alg} header must be on this list.
 *
 * <pre>{@code
 * VerificationKey current = VerificationKey.of("2025-06", rsaPublicKey, Algorithm.RS256);
 * VerificationKey previous = VerificationKey.fromJwk(previousJwkJson);
 * KeySet keys = KeySet.of(current, previous);     // rotation: tokens name their key by kid
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@code toString()} never shows key material.
 */
public final class VerificationKey {
    private final String keyId;
    private final Set<Algorithm> algorithms;
    private final JWSVerifier verifier;
    private final String keyType;

    private VerificationKey(String keyId, Set<Algorithm> algorithms, JWSVerifier verifier, String keyType) {
        this.keyId = keyId;
        this.algorithms = algorithms;
        this.verifier = verifier;
        this.keyType = keyType;
    }

    /**
     * An HMAC secret accepting {@code algorithms} (HS256 unless given).
     *
     * @throws IllegalArgumentException when the secret is shorter than an algorithm's hash, or an algorithm is not HMAC
     */
    public static VerificationKey hmac(String keyId, Secret secret, Algorithm... algorithms) {
        Objects.requireNonNull(secret, "secret");
        byte[] bytes = secret.reveal().getBytes(StandardCharsets.UTF_8);
        return of(
                new OctetSequenceKey.Builder(bytes).keyID(keyId).build(),
                keyId,
                algorithms(algorithms, Algorithm.HS256));
    }

    /**
     * An RSA or P-256 EC public key accepting {@code algorithms} (RS256 for RSA, ES256 for EC unless given).
     *
     * @throws IllegalArgumentException when the key is too weak or does not fit an algorithm
     */
    public static VerificationKey of(String keyId, PublicKey key, Algorithm... algorithms) {
        Objects.requireNonNull(key, "key");
        if (key instanceof RSAPublicKey rsa) {
            return of(new RSAKey.Builder(rsa).keyID(keyId).build(), keyId, algorithms(algorithms, Algorithm.RS256));
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (!Curve.P_256.equals(curve)) {
                throw new IllegalArgumentException("key " + Jose.name(keyId) + ": only P-256 EC keys are supported");
            }
            return of(
                    new ECKey.Builder(curve, ec).keyID(keyId).build(), keyId, algorithms(algorithms, Algorithm.ES256));
        }
        throw new IllegalArgumentException("key " + Jose.name(keyId) + ": unsupported public key type "
                + key.getAlgorithm() + "; use fromJwk for Ed25519");
    }

    /**
     * A key from its JSON Web Key: its {@code kid}, and its {@code alg} as the only algorithm when it names one (else
     * every algorithm that fits its type, except for HMAC secrets, which must name theirs). Private parts are ignored.
     *
     * @throws IllegalArgumentException when the JSON is not a JWK, or the key is too weak or unsupported
     */
    public static VerificationKey fromJwk(String jwkJson) {
        JWK jwk;
        try {
            jwk = JWK.parse(Objects.requireNonNull(jwkJson, "jwkJson"));
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JSON Web Key: " + e.getMessage());
        }
        return ofJwk(jwk);
    }

    static VerificationKey ofJwk(JWK jwk) {
        JWK material = jwk instanceof OctetSequenceKey ? jwk : jwk.toPublicJWK();
        String keyId = jwk.getKeyID();
        return of(material, keyId, Jose.defaultAlgorithms(keyId, jwk));
    }

    static VerificationKey of(JWK jwk, String keyId, Set<Algorithm> algorithms) {
        Set<Algorithm> allowed = Collections.unmodifiableSet(EnumSet.copyOf(algorithms));
        return new VerificationKey(
                keyId,
                allowed,
                Jose.verifier(keyId, jwk, allowed),
                jwk.getKeyType().getValue());
    }

    private static Set<Algorithm> algorithms(Algorithm[] given, Algorithm fallback) {
        if (given == null || given.length == 0) {
            return EnumSet.of(fallback);
        }
        for (Algorithm algorithm : given) {
            Objects.requireNonNull(algorithm, "algorithm");
        }
        return EnumSet.copyOf(Arrays.asList(given));
    }

    /** The {@code kid} tokens name this key by; empty for a key without one. */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    /** The algorithms this key accepts. */
    public Set<Algorithm> algorithms() {
        return algorithms;
    }

    /** Whether this key accepts {@code algorithm}. */
    public boolean allows(Algorithm algorithm) {
        return algorithms.contains(algorithm);
    }

    JWSVerifier verifier() {
        return verifier;
    }

    @Override
    public String toString() {
        return "VerificationKey{kid=" + keyId + ", type=" + keyType + ", algorithms=" + algorithms + "}";
    }
}
