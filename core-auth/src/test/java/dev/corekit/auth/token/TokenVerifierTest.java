package dev.corekit.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.corekit.auth.AuthSettings;
import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TokenVerifierTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final AuthSettings settings = AuthSettings.custom(Config.defaultsOnly())
            .issuer("https://id.example.com")
            .audience("orders")
            .build();

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void everySupportedAlgorithmSignsAndVerifies(Algorithm algorithm) throws Exception {
        SigningKey key = SigningKey.generate("k-" + algorithm.name().toLowerCase(), algorithm);
        TokenIssuer issuer = TokenIssuer.of(key, settings, clock);
        TokenVerifier verifier = TokenVerifier.of(KeySet.of(key.verificationKey()), settings, clock);

        VerifiedToken token =
                verifier.verify(issuer.accessToken(TokenRequest.of("user", "42").withTenant("acme"), "s1"));

        assertThat(token.subject()).isEqualTo("42");
        assertThat(token.entityType()).contains("user");
        assertThat(token.sessionId()).contains("s1");
        assertThat(token.tenant()).contains("acme");
        assertThat(token.algorithm()).isEqualTo(algorithm);
        assertThat(token.keyId()).contains(key.keyId());
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plus(AuthSettings.DEFAULT_ACCESS_TOKEN_TTL));
    }

    @Test
    void rotationByKidAcceptsTokensOfThePreviousAndTheCurrentKey() throws Exception {
        SigningKey previous = SigningKey.generate("2025-05", Algorithm.ES256);
        SigningKey current = SigningKey.generate("2025-06", Algorithm.RS256);
        TokenVerifier verifier =
                TokenVerifier.of(KeySet.of(current.verificationKey(), previous.verificationKey()), settings, clock);

        String old = TokenIssuer.of(previous, settings, clock).accessToken(TokenRequest.of("user", "1"), null);
        String fresh = TokenIssuer.of(current, settings, clock).accessToken(TokenRequest.of("user", "2"), null);

        assertThat(verifier.verify(old).keyId()).contains("2025-05");
        assertThat(verifier.verify(fresh).keyId()).contains("2025-06");
    }

    @Test
    void hmacSecretsMustBeAtLeastTheHashSize() {
        Secret thirtyTwo = Secret.of("0123456789abcdef0123456789abcdef");

        assertThat(SigningKey.hmac("k", Algorithm.HS256, thirtyTwo).algorithm()).isEqualTo(Algorithm.HS256);
        assertThatThrownBy(() -> SigningKey.hmac("k", Algorithm.HS384, thirtyTwo))
                .hasMessage("key 'k': HS384 needs a secret of at least 48 bytes, got 32");
        assertThatThrownBy(() -> VerificationKey.hmac("k", thirtyTwo, Algorithm.HS512))
                .hasMessage("key 'k': HS512 needs a secret of at least 64 bytes, got 32");
        assertThatThrownBy(() -> VerificationKey.hmac("k", Secret.of("short-secret"), Algorithm.HS256))
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void rsaKeysBelow2048BitsAndMismatchedAlgorithmsAreRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        var weak = generator.generateKeyPair();
        generator.initialize(2048);
        var strong = generator.generateKeyPair();

        generator.initialize(2047);
        var oneBitShort = generator.generateKeyPair();
        String oneBitShortJwk = new RSAKey.Builder((RSAPublicKey) oneBitShort.getPublic())
                .keyID("short")
                .build()
                .toJSONString();

        assertThatThrownBy(() -> VerificationKey.of("weak", weak.getPublic(), Algorithm.RS256))
                .hasMessage("key 'weak': RSA keys need at least 2048 bits, got 1024");
        assertThatThrownBy(() -> VerificationKey.fromJwk(oneBitShortJwk))
                .hasMessage("key 'short': RSA keys need at least 2048 bits, got 2047");
        assertThatThrownBy(() -> SigningKey.of("short", Algorithm.PS256, oneBitShort))
                .hasMessage("key 'short': RSA keys need at least 2048 bits, got 2047");
        assertThatThrownBy(() -> VerificationKey.of("rsa", strong.getPublic(), Algorithm.HS256))
                .hasMessage("key 'rsa' is an RSA key and cannot be used with HS256");
        assertThatThrownBy(() -> SigningKey.of("rsa", Algorithm.ES256, strong))
                .hasMessage("key 'rsa' is an RSA key and cannot be used with ES256");
        assertThat(VerificationKey.of("rsa", strong.getPublic(), Algorithm.RS256, Algorithm.PS256)
                        .algorithms())
                .containsExactlyInAnyOrder(Algorithm.RS256, Algorithm.PS256);
    }

    @Test
    void aHeaderSeenOnAVerifiedTokenNeverSkipsTheSignatureCheckOfTheNext() throws Exception {
        Secret secret = Secret.of("0123456789abcdef0123456789abcdef");
        SigningKey key = SigningKey.hmac("k", Algorithm.HS256, secret);
        TokenVerifier verifier = TokenVerifier.of(KeySet.of(key.verificationKey()), settings, clock);
        String genuine = TokenIssuer.of(key, settings, clock).accessToken(TokenRequest.of("user", "42"), null);
        String[] parts = genuine.split("\\.");
        String otherSubject =
                Base64URL.encode("{\"sub\":\"43\",\"exp\":4102444800}").toString();

        assertThat(verifier.verify(genuine).subject()).isEqualTo("42"); // its header is now cached
        assertThatThrownBy(() -> verifier.verify(parts[0] + "." + otherSubject + "." + parts[2]))
                .isInstanceOfSatisfying(
                        TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.INVALID));
        assertThat(verifier.verify(genuine).subject()).isEqualTo("42");
    }

    @Test
    void aFloodOfForgedHeadersNeverCrowdsOutGenuineTokens() throws Exception {
        SigningKey key = SigningKey.hmac("k", Algorithm.HS256, Secret.of("0123456789abcdef0123456789abcdef"));
        TokenVerifier verifier = TokenVerifier.of(KeySet.of(key.verificationKey()), settings, clock);
        String genuine = TokenIssuer.of(key, settings, clock).accessToken(TokenRequest.of("user", "42"), null);
        String[] parts = genuine.split("\\.");

        for (int i = 0; i < 1_000; i++) {
            String header = Base64URL.encode("{\"alg\":\"HS256\",\"kid\":\"k\",\"x\":" + i + "}")
                    .toString();
            assertThatThrownBy(() -> verifier.verify(header + "." + parts[1] + "." + parts[2]))
                    .isInstanceOf(TokenException.class);
        }
        assertThat(verifier.verify(genuine).subject()).isEqualTo("42");
    }

    @Test
    void aSignedPayloadOutsideTheBase64UrlAlphabetIsMalformed() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        TokenVerifier verifier = TokenVerifier.of(
                KeySet.of(VerificationKey.hmac("k", Secret.of("0123456789abcdef0123456789abcdef"))), settings, clock);
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k").build();
        // '+' and '/' are standard Base64, not Base64URL: the signature covers them, the payload is still not a JWT's
        String signingInput = header.toBase64URL() + ".eyJzdWIiOiI0MiJ9+/";
        String signature = new MACSigner(secret)
                .sign(header, signingInput.getBytes(StandardCharsets.US_ASCII))
                .toString();

        assertThatThrownBy(() -> verifier.verify(signingInput + "." + signature))
                .isInstanceOfSatisfying(
                        TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.MALFORMED));
    }

    @Test
    void keysNeverShowTheirMaterial() {
        SigningKey key = SigningKey.hmac("k", Algorithm.HS256, Secret.of("0123456789abcdef0123456789abcdef"));

        assertThat(key.toString()).isEqualTo("SigningKey{kid=k, algorithm=HS256}");
        assertThat(key.verificationKey().toString()).doesNotContain("0123456789");
        assertThatThrownBy(key::publicJwk).hasMessageContaining("HMAC secret");
    }

    @Test
    void theTypeHeaderIsComparedCaseInsensitivelyWithOrWithoutApplicationPrefix() throws Exception {
        SigningKey key = SigningKey.generate("k", Algorithm.HS256);
        TokenVerifier verifier = TokenVerifier.of(KeySet.of(key.verificationKey()), settings, clock);
        Forger forger = new Forger(key, settings, clock);

        for (String typ : new String[] {"at+jwt", "AT+JWT", "application/at+jwt", null}) {
            assertThat(verifier.verify(forger.withType(typ)).subject())
                    .as("typ %s", typ)
                    .isEqualTo("42");
        }
        for (String typ : new String[] {"JOSE", "JWT", "application/jwt"}) {
            assertThatThrownBy(() -> verifier.verify(forger.withType(typ)))
                    .as("typ %s", typ)
                    .isInstanceOf(TokenException.class)
                    .hasMessage("token type not accepted");
        }
    }

    @Test
    void plainJwtTypedTokensAreAcceptedOnlyWhenConfigured() throws Exception {
        SigningKey key = SigningKey.generate("k", Algorithm.HS256);
        AuthSettings withJwt = AuthSettings.custom(Config.defaultsOnly())
                .tokenTypes(List.of("at+jwt", "JWT"))
                .build();
        TokenVerifier verifier = TokenVerifier.of(KeySet.of(key.verificationKey()), withJwt, clock);
        Forger forger = new Forger(key, withJwt, clock);

        assertThat(verifier.verify(forger.withType("JWT")).subject()).isEqualTo("42");
        assertThat(verifier.verify(forger.withType("application/jwt")).subject())
                .isEqualTo("42");
        assertThatThrownBy(() -> verifier.verify(forger.withType(TokenVerifier.REFRESH_TOKEN_TYPE)))
                .isInstanceOf(TokenException.class);
    }

    @Test
    void theClockSkewIsOneSettingForExpNbfAndIat() throws Exception {
        SigningKey key = SigningKey.generate("k", Algorithm.HS256);
        AuthSettings skewed = AuthSettings.custom(Config.defaultsOnly())
                .clockSkew(Duration.ofSeconds(30))
                .build();
        TokenVerifier verifier = TokenVerifier.of(KeySet.of(key.verificationKey()), skewed, clock);
        Forger forger = new Forger(key, skewed, clock);
        Instant now = clock.instant();

        assertThat(verifier.verify(forger.times(now.minusSeconds(29), null, null))
                        .subject())
                .isEqualTo("42");
        assertThat(verifier.verify(forger.times(now.plusSeconds(60), now.plusSeconds(29), now.plusSeconds(29))))
                .isNotNull();
        assertThat(verifier.clockSkew()).isEqualTo(Duration.ofSeconds(30));
    }
}
