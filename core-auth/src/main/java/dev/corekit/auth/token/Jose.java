package dev.corekit.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.util.EnumSet;
import java.util.Set;

/** The nimbus glue of the token package: algorithm mapping, key checks and verifiers. Never hand-rolls crypto: HMAC is the JCA's {@code Mac}, every other algorithm nimbus's verifier. */
final class Jose {
    private Jose() {}

    static JWSAlgorithm jws(Algorithm algorithm) {
        return JWSAlgorithm.parse(algorithm.joseName());
    }

    static boolean tinkPresent() {
        try {
            Class.forName("com.google.crypto.tink.subtle.Ed25519Verify", false, Jose.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static void requireTink() {
        if (!tinkPresent()) {
            throw new IllegalStateException("EdDSA (Ed25519) keys need com.google.crypto.tink:tink on the classpath;"
                    + " add it to the service's dependencies");
        }
    }

    /**
     * Checks that {@code algorithms} fit the public (or secret) {@code jwk} and returns the verifier for it.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    static JWSVerifier verifier(String kid, JWK jwk, Set<Algorithm> algorithms) {
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("key " + name(kid) + ": at least one algorithm must be allowed");
        }
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            throw new IllegalArgumentException(
                    "key " + name(kid) + " is not a signature key (use=" + jwk.getKeyUse() + ")");
        }
        try {
            if (jwk instanceof OctetSequenceKey secret) {
                int bytes = secret.toByteArray().length;
                for (Algorithm algorithm : algorithms) {
                    if (!algorithm.isHmac()) {
                        throw mismatch(kid, "an HMAC secret", algorithm);
                    }
                    if (bytes < algorithm.minKeySize()) {
                        throw new IllegalArgumentException(
                                "key " + name(kid) + ": " + algorithm + " needs a secret of at" + " least "
                                        + algorithm.minKeySize() + " bytes, got " + bytes);
                    }
                }
                return new PooledMacVerifier(secret.toByteArray(), algorithms);
            }
            if (jwk instanceof RSAKey rsa) {
                for (Algorithm algorithm : algorithms) {
                    if (!algorithm.isRsa()) {
                        throw mismatch(kid, "an RSA key", algorithm);
                    }
                }
                // the exact bit length of the modulus: RSAKey.size() rounds up to whole bytes (2047 bits -> 2048)
                RSAPublicKey publicKey = rsa.toRSAPublicKey();
                int bits = publicKey.getModulus().bitLength();
                if (bits < Algorithm.RS256.minKeySize()) {
                    throw new IllegalArgumentException("key " + name(kid) + ": RSA keys need at least "
                            + Algorithm.RS256.minKeySize() + " bits, got " + bits);
                }
                return new RSASSAVerifier(publicKey);
            }
            if (jwk instanceof ECKey ec) {
                if (!Curve.P_256.equals(ec.getCurve())) {
                    throw new IllegalArgumentException(
                            "key " + name(kid) + ": only P-256 EC keys are supported, got " + ec.getCurve());
                }
                for (Algorithm algorithm : algorithms) {
                    if (algorithm != Algorithm.ES256) {
                        throw mismatch(kid, "a P-256 EC key", algorithm);
                    }
                }
                return new ECDSAVerifier(ec.toECPublicKey());
            }
            if (jwk instanceof OctetKeyPair okp) {
                if (!Curve.Ed25519.equals(okp.getCurve())) {
                    throw new IllegalArgumentException(
                            "key " + name(kid) + ": only Ed25519 OKP keys are supported, got " + okp.getCurve());
                }
                for (Algorithm algorithm : algorithms) {
                    if (algorithm != Algorithm.EDDSA) {
                        throw mismatch(kid, "an Ed25519 key", algorithm);
                    }
                }
                requireTink();
                return new Ed25519Verifier(okp.toPublicJWK());
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("key " + name(kid) + " cannot verify: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("key " + name(kid) + ": unsupported key type " + jwk.getKeyType());
    }

    /** The algorithms a JWK allows: its own {@code alg} when it names one, else every one that fits its type. */
    static Set<Algorithm> defaultAlgorithms(String kid, JWK jwk) {
        if (jwk.getAlgorithm() != null) {
            Algorithm named = Algorithm.fromJoseName(jwk.getAlgorithm().getName());
            if (named == null) {
                throw new IllegalArgumentException("key " + name(kid) + ": unsupported algorithm "
                        + jwk.getAlgorithm().getName());
            }
            return EnumSet.of(named);
        }
        if (jwk instanceof RSAKey) {
            return EnumSet.of(Algorithm.RS256, Algorithm.PS256);
        }
        if (jwk instanceof ECKey) {
            return EnumSet.of(Algorithm.ES256);
        }
        if (jwk instanceof OctetKeyPair) {
            return EnumSet.of(Algorithm.EDDSA);
        }
        throw new IllegalArgumentException("key " + name(kid) + ": an HMAC secret must name its algorithm (alg)");
    }

    private static IllegalArgumentException mismatch(String kid, String what, Algorithm algorithm) {
        return new IllegalArgumentException(
                "key " + name(kid) + " is " + what + " and cannot be used with " + algorithm);
    }

    static String name(String kid) {
        return kid == null ? "(no kid)" : "'" + kid + "'";
    }
}
