package dev.corekit.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC verification (HS256/384/512) that reuses keyed {@link Mac} instances. nimbus's {@code MACVerifier} looks a
 * {@code Mac} up and keys it for every token, which is about a sixth of an HS256 verify; this verifier keeps a few keyed
 * instances per algorithm and hands one to each verification. The check is the same: the JCA's HMAC over the signing
 * input, compared with the signature in constant time ({@link MessageDigest#isEqual}), and a token with critical
 * header parameters is refused.
 *
 * <p>Thread-safe: a {@code Mac} is used by one thread at a time (taken from the pool, given back after
 * {@code doFinal}, which leaves it keyed and reset); when the pool is empty a new one is keyed, when it is full the
 * extra one is dropped.
 */
final class PooledMacVerifier implements JWSVerifier {
    private static final int POOLED_PER_ALGORITHM = 16;

    private final Map<JWSAlgorithm, MacPool> pools;
    private final JCAContext jcaContext = new JCAContext();

    PooledMacVerifier(byte[] secret, Set<Algorithm> algorithms) throws JOSEException {
        Map<JWSAlgorithm, MacPool> byAlgorithm = new HashMap<>();
        for (Algorithm algorithm : algorithms) {
            if (!algorithm.isHmac()) {
                throw new IllegalArgumentException("not an HMAC algorithm: " + algorithm);
            }
            byAlgorithm.put(Jose.jws(algorithm), new MacPool(new SecretKeySpec(secret, jcaName(algorithm))));
        }
        this.pools = Map.copyOf(byAlgorithm);
        // fails here, not on the first token, if the JCA lacks the algorithm
        for (MacPool pool : pools.values()) {
            pool.give(pool.newMac());
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        MacPool pool = pools.get(header.getAlgorithm());
        if (pool == null) {
            return false;
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return false;
        }
        Mac mac = pool.take();
        byte[] expected = mac.doFinal(signingInput);
        // given back only after a clean doFinal: a Mac left mid-computation by an exception is never reused
        pool.give(mac);
        return MessageDigest.isEqual(expected, signature.decode());
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Collections.unmodifiableSet(pools.keySet());
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }

    private static String jcaName(Algorithm algorithm) {
        return switch (algorithm) {
            case HS256 -> "HmacSHA256";
            case HS384 -> "HmacSHA384";
            case HS512 -> "HmacSHA512";
            default -> throw new IllegalArgumentException("not an HMAC algorithm: " + algorithm);
        };
    }

    /** A few keyed {@code Mac}s of one algorithm; lock-free, bounded. */
    private static final class MacPool {
        private final SecretKeySpec key;
        private final AtomicReferenceArray<Mac> slots = new AtomicReferenceArray<>(POOLED_PER_ALGORITHM);

        MacPool(SecretKeySpec key) {
            this.key = key;
        }

        Mac take() throws JOSEException {
            for (int i = 0; i < POOLED_PER_ALGORITHM; i++) {
                Mac mac = slots.get(i);
                if (mac != null && slots.compareAndSet(i, mac, null)) {
                    return mac;
                }
            }
            return newMac();
        }

        void give(Mac mac) {
            for (int i = 0; i < POOLED_PER_ALGORITHM; i++) {
                if (slots.get(i) == null && slots.compareAndSet(i, null, mac)) {
                    return;
                }
            }
        }

        Mac newMac() throws JOSEException {
            try {
                Mac mac = Mac.getInstance(key.getAlgorithm());
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new JOSEException("cannot key " + key.getAlgorithm() + ": " + e.getMessage(), e);
            }
        }
    }
}
