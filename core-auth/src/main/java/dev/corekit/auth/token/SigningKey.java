package dev.corekit.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.corekit.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The key tokens are signed with: a {@code kid} (so verifiers can rotate) and one algorithm, checked like a
 * {@link VerificationKey}. {@link #verificationKey()} is its public (or, for HMAC, shared) half; {@link #publicJwk()}
 * its JSON Web Key for a JWKS endpoint.
 *
 * <pre>{@code
 * SigningKey key = SigningKey.hmac("k1", Algorithm.HS256, settings.hmacSecret().orElseThrow());
 * SigningKey es = SigningKey.generate("2025-06", Algorithm.ES256);   // e.g. in a key-rotation job or a test
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@code toString()} never shows key material.
 */
public final class SigningKey {
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final String keyId;
    private final Algorithm algorithm;
    private final JWSSigner signer;
    private final VerificationKey verificationKey;
    private final JWK publicJwk;

    private SigningKey(String keyId, Algorithm algorithm, JWK jwk) {
        this.keyId = keyId;
        this.algorithm = algorithm;
        this.publicJwk = jwk instanceof OctetSequenceKey ? null : jwk.toPublicJWK();
        JWK verifying = jwk instanceof OctetSequenceKey ? jwk : publicJwk;
        this.verificationKey = VerificationKey.of(verifying, keyId, EnumSet.of(algorithm));
        this.signer = signer(jwk);
    }

    /**
     * An HMAC signing secret for {@code algorithm}.
     *
     * @throws IllegalArgumentException when the secret is shorter than the algorithm's hash or it is not HMAC
     */
    public static SigningKey hmac(String keyId, Algorithm algorithm, Secret secret) {
        Objects.requireNonNull(secret, "secret");
        byte[] bytes = secret.reveal().getBytes(StandardCharsets.UTF_8);
        return new SigningKey(
                requireKeyId(keyId),
                requireAlgorithm(algorithm),
                new OctetSequenceKey.Builder(bytes).keyID(keyId).build());
    }

    /**
     * An RSA or P-256 EC key pair for {@code algorithm}.
     *
     * @throws IllegalArgumentException when the key is too weak or does not fit the algorithm
     */
    public static SigningKey of(String keyId, Algorithm algorithm, KeyPair keyPair) {
        Objects.requireNonNull(keyPair, "keyPair");
        requireKeyId(keyId);
        requireAlgorithm(algorithm);
        if (keyPair.getPublic() instanceof RSAPublicKey rsa && keyPair.getPrivate() instanceof RSAPrivateKey priv) {
            return new SigningKey(
                    keyId,
                    algorithm,
                    new RSAKey.Builder(rsa)
                            .privateKey(priv)
                            .keyID(keyId)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(Jose.jws(algorithm))
                            .build());
        }
        if (keyPair.getPublic() instanceof ECPublicKey ec && keyPair.getPrivate() instanceof ECPrivateKey priv) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (!Curve.P_256.equals(curve)) {
                throw new IllegalArgumentException("key '" + keyId + "': only P-256 EC keys are supported");
            }
            return new SigningKey(
                    keyId,
                    algorithm,
                    new ECKey.Builder(curve, ec)
                            .privateKey(priv)
                            .keyID(keyId)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(Jose.jws(algorithm))
                            .build());
        }
        throw new IllegalArgumentException("key '" + keyId + "': unsupported key pair type "
                + keyPair.getPublic().getAlgorithm() + "; use fromJwk for Ed25519");
    }

    /**
     * A key from a private JSON Web Key (or an {@code oct} secret) for {@code algorithm}; the JWK's own {@code kid}
     * is kept when it has one, else {@code keyId}.
     *
     * @throws IllegalArgumentException when the JSON is not a private JWK that fits the algorithm
     */
    public static SigningKey fromJwk(String keyId, Algorithm algorithm, String privateJwkJson) {
        JWK jwk;
        try {
            jwk = JWK.parse(Objects.requireNonNull(privateJwkJson, "privateJwkJson"));
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JSON Web Key: " + e.getMessage());
        }
        if (!jwk.isPrivate() && !(jwk instanceof OctetSequenceKey)) {
            throw new IllegalArgumentException("key '" + keyId + "': a signing key needs the private part");
        }
        String kid = jwk.getKeyID() == null ? requireKeyId(keyId) : requireKeyId(jwk.getKeyID());
        return new SigningKey(kid, requireAlgorithm(algorithm), jwk);
    }

    /** A fresh random key for {@code algorithm}: a 2048-bit RSA key, a P-256 or Ed25519 key, or a secret of hash size. */
    public static SigningKey generate(String keyId, Algorithm algorithm) {
        requireKeyId(keyId);
        requireAlgorithm(algorithm);
        try {
            JWK jwk = switch (algorithm) {
                case HS256, HS384, HS512 ->
                    new OctetSequenceKeyGenerator(algorithm.minKeySize() * 8)
                            .keyID(keyId)
                            .generate();
                case RS256, PS256 ->
                    new RSAKeyGenerator(2048)
                            .keyID(keyId)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(Jose.jws(algorithm))
                            .generate();
                case ES256 ->
                    new ECKeyGenerator(Curve.P_256)
                            .keyID(keyId)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(Jose.jws(algorithm))
                            .generate();
                case EDDSA -> {
                    Jose.requireTink();
                    yield new OctetKeyPairGenerator(Curve.Ed25519)
                            .keyID(keyId)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(Jose.jws(algorithm))
                            .generate();
                }
            };
            return new SigningKey(keyId, algorithm, jwk);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key: " + e.getMessage(), e);
        }
    }

    private static String requireKeyId(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException(
                    "a key id is 1 to 128 letters, digits or ._:- (it is sent in every token); got '" + keyId + "'");
        }
        return keyId;
    }

    private static Algorithm requireAlgorithm(Algorithm algorithm) {
        return Objects.requireNonNull(algorithm, "algorithm");
    }

    private JWSSigner signer(JWK jwk) {
        try {
            if (jwk instanceof OctetSequenceKey secret) {
                return new MACSigner(secret);
            }
            if (jwk instanceof RSAKey rsa) {
                return new RSASSASigner(rsa);
            }
            if (jwk instanceof ECKey ec) {
                return new ECDSASigner(ec);
            }
            if (jwk instanceof OctetKeyPair okp) {
                return new Ed25519Signer(okp);
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("key '" + keyId + "' cannot sign: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("key '" + keyId + "': unsupported key type " + jwk.getKeyType());
    }

    /** The {@code kid} written into every token this key signs. */
    public String keyId() {
        return keyId;
    }

    /** The algorithm this key signs with. */
    public Algorithm algorithm() {
        return algorithm;
    }

    /** The key that verifies what this key signs, accepting only {@link #algorithm()}. */
    public VerificationKey verificationKey() {
        return verificationKey;
    }

    /**
     * The public JSON Web Key, for a JWKS endpoint.
     *
     * @throws IllegalStateException for an HMAC secret, which has no public half
     */
    public String publicJwk() {
        if (publicJwk == null) {
            throw new IllegalStateException("key '" + keyId + "' is an HMAC secret: it has no public JWK to publish");
        }
        return publicJwk.toJSONString();
    }

    JWSSigner signer() {
        return signer;
    }

    @Override
    public String toString() {
        return "SigningKey{kid=" + keyId + ", algorithm=" + algorithm + "}";
    }
}
