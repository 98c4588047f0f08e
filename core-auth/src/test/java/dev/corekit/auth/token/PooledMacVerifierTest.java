package dev.corekit.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PooledMacVerifierTest {
    private static final byte[] SECRET =
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(
            value = Algorithm.class,
            names = {"HS256", "HS384", "HS512"})
    void agreesWithNimbusOnGenuineAndTamperedTokens(Algorithm algorithm) throws Exception {
        PooledMacVerifier pooled = new PooledMacVerifier(SECRET, EnumSet.of(algorithm));
        MACVerifier nimbus = new MACVerifier(SECRET);
        JWSObject genuine = signed(algorithm, "{\"sub\":\"42\"}");
        String[] parts = genuine.serialize().split("\\.");
        JWSObject tamperedPayload =
                JWSObject.parse(parts[0] + "." + Base64URL.encode("{\"sub\":\"43\"}") + "." + parts[2]);
        byte[] signature = genuine.getSignature().decode();
        signature[signature.length - 1] ^= 1;
        JWSObject flippedBit = JWSObject.parse(parts[0] + "." + parts[1] + "." + Base64URL.encode(signature));
        JWSObject truncated = JWSObject.parse(parts[0] + "." + parts[1] + "."
                + Base64URL.encode(java.util.Arrays.copyOf(signature, signature.length - 1)));

        for (int round = 0; round < 3; round++) { // the pooled Mac is reused: no state leaks between tokens
            assertThat(JWSObject.parse(genuine.serialize()).verify(pooled)).isTrue();
            assertThat(tamperedPayload.verify(pooled)).isFalse();
            assertThat(flippedBit.verify(pooled)).isFalse();
            assertThat(truncated.verify(pooled)).isFalse();
        }
        assertThat(JWSObject.parse(genuine.serialize()).verify(nimbus)).isTrue();
        assertThat(tamperedPayload.verify(nimbus)).isFalse();
    }

    @Test
    void refusesAnAlgorithmTheKeyDoesNotAllow() throws Exception {
        PooledMacVerifier hs256Only = new PooledMacVerifier(SECRET, EnumSet.of(Algorithm.HS256));

        assertThat(signed(Algorithm.HS512, "{}").verify(hs256Only)).isFalse();
        assertThat(hs256Only.supportedJWSAlgorithms()).containsExactly(JWSAlgorithm.HS256);
    }

    @Test
    void refusesATokenWithCriticalHeaderParameters() throws Exception {
        JWSObject critical = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .criticalParams(Set.of("exp"))
                        .customParam("exp", 1)
                        .build(),
                new Payload("{}"));
        critical.sign(new MACSigner(SECRET));

        assertThat(JWSObject.parse(critical.serialize())
                        .verify(new PooledMacVerifier(SECRET, EnumSet.of(Algorithm.HS256))))
                .isFalse();
    }

    @Test
    void refusesANonHmacAlgorithmAtConstruction() {
        assertThatThrownBy(() -> new PooledMacVerifier(SECRET, EnumSet.of(Algorithm.HS256, Algorithm.RS256)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RS256");
    }

    @Test
    void concurrentVerificationsSharingThePoolAllGetTheRightAnswer() throws Exception {
        PooledMacVerifier pooled = new PooledMacVerifier(SECRET, EnumSet.of(Algorithm.HS256));
        String genuine = signed(Algorithm.HS256, "{\"sub\":\"1\"}").serialize();
        String forged = signed(Algorithm.HS256, "{\"sub\":\"1\"}").serialize().replaceFirst("\\.[^.]+$", ".AAAA");
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Callable<Boolean>> checks = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                boolean good = i % 3 != 0;
                String token = good ? genuine : forged;
                checks.add(() -> JWSObject.parse(token).verify(pooled) == good);
            }
            for (Future<Boolean> result : pool.invokeAll(checks)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static JWSObject signed(Algorithm algorithm, String payload) throws Exception {
        JWSObject object = new JWSObject(new JWSHeader(Jose.jws(algorithm)), new Payload(payload));
        object.sign(new MACSigner(SECRET));
        return object;
    }
}
