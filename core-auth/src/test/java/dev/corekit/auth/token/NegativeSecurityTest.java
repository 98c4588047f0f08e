package dev.corekit.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.sun.net.httpserver.HttpServer;
import dev.corekit.auth.AuthSettings;
import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.config.Secret;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

/** Item 7: every attack a JWT verifier must withstand, each as a token an attacker can build. */
class NegativeSecurityTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final AuthSettings settings = AuthSettings.custom(Config.defaultsOnly())
            .issuer("https://id.example.com")
            .audience("orders")
            .build();
    private final SigningKey rsa = SigningKey.generate("rsa-1", Algorithm.RS256);
    private final SigningKey hmac = SigningKey.generate("hmac-1", Algorithm.HS256);
    private final TokenVerifier verifier =
            TokenVerifier.of(KeySet.of(rsa.verificationKey(), hmac.verificationKey()), settings, clock);
    private final Forger forger = new Forger(rsa, settings, clock);

    private static void rejected(ThrowingSupplier<String> token, TokenException.Reason reason, TokenVerifier verifier)
            throws Throwable {
        String value = token.get();
        assertThatThrownBy(() -> verifier.verify(value))
                .isInstanceOfSatisfying(
                        TokenException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private void rejected(ThrowingSupplier<String> token, TokenException.Reason reason) throws Throwable {
        rejected(token, reason, verifier);
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Test
    void theForgerItselfMakesAcceptedTokens() throws Exception {
        assertThat(verifier.verify(forger.valid()).subject()).isEqualTo("42");
    }

    @Test
    void algNoneIsRejectedWhateverItsCase() throws Throwable {
        String payload = forger.valid().split("\\.")[1];
        for (String alg : List.of("none", "None", "NONE", "nOnE")) {
            rejected(
                    () -> b64("{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\"}") + "." + payload + ".",
                    TokenException.Reason.MALFORMED);
        }
    }

    @Test
    void anEmptySignatureIsRejected() throws Throwable {
        String[] parts = forger.valid().split("\\.");

        rejected(() -> parts[0] + "." + parts[1] + ".", TokenException.Reason.MALFORMED);
    }

    @Test
    void rs256ToHs256ConfusionFailsWithThePublicKeyInDerPemAndPkcs1Form() throws Throwable {
        byte[] der = publicDer();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
        byte[] pkcs1 = Arrays.copyOfRange(der, 24, der.length); // SPKI header of a 2048-bit key is 24 bytes
        String pkcs1Pem = "-----BEGIN RSA PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pkcs1)
                + "\n-----END RSA PUBLIC KEY-----\n";
        List<byte[]> forms = List.of(
                der, pem.getBytes(StandardCharsets.US_ASCII), pkcs1, pkcs1Pem.getBytes(StandardCharsets.US_ASCII));
        for (byte[] secret : forms) {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256)
                    .keyID("rsa-1")
                    .type(new JOSEObjectType("at+jwt"))
                    .build();
            rejected(
                    () -> forger.sign(header, forger.claims().build(), new MACSigner(secret)),
                    TokenException.Reason.INVALID);
        }
    }

    private byte[] publicDer() throws Exception {
        RSAPublicKey key = RSAKey.parse(rsa.publicJwk()).toRSAPublicKey();
        return key.getEncoded();
    }

    @Test
    void injectedJwkJkuAndX5uHeadersAreNeverUsedToFindAKey() throws Throwable {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger hits = new AtomicInteger();
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            byte[] body =
                    ("{\"keys\":[" + attacker.toPublicJWK().toJSONString() + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            URI evil = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID("rsa-1")
                    .type(new JOSEObjectType("at+jwt"))
                    .jwk(attacker.toPublicJWK())
                    .jwkURL(evil)
                    .x509CertURL(evil)
                    .build();

            rejected(
                    () -> forger.sign(header, forger.claims().build(), new RSASSASigner(attacker)),
                    TokenException.Reason.INVALID);
            assertThat(hits).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aTamperedHeaderOrPayloadIsRejected() throws Throwable {
        String[] parts = forger.valid().split("\\.");
        String otherHeader = b64("{\"kid\":\"rsa-1\",\"typ\":\"JWT\",\"alg\":\"RS256\"}");
        String otherPayload = b64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"sub\":\"42\"", "\"sub\":\"1\""));

        rejected(() -> otherHeader + "." + parts[1] + "." + parts[2], TokenException.Reason.INVALID);
        rejected(() -> parts[0] + "." + otherPayload + "." + parts[2], TokenException.Reason.INVALID);
        rejected(() -> parts[0] + "." + parts[1] + "." + parts[2].substring(1), TokenException.Reason.INVALID);
    }

    @Test
    void expNbfAndIatOutsideTheSkewAreRejectedAndJustInsideAccepted() throws Throwable {
        Instant now = clock.instant();
        long skew = settings.clockSkew().toSeconds();

        rejected(() -> forger.times(now.minusSeconds(skew + 1), null, null), TokenException.Reason.EXPIRED);
        assertThat(verifier.verify(forger.times(now.minusSeconds(skew - 1), null, null)))
                .isNotNull();
        rejected(
                () -> forger.times(now.plusSeconds(600), now.plusSeconds(skew + 1), null),
                TokenException.Reason.INVALID);
        assertThat(verifier.verify(forger.times(now.plusSeconds(600), now.plusSeconds(skew - 1), null)))
                .isNotNull();
        rejected(
                () -> forger.times(now.plusSeconds(600), null, now.plusSeconds(skew + 1)),
                TokenException.Reason.INVALID);
        assertThat(verifier.verify(forger.times(now.plusSeconds(600), null, now.plusSeconds(skew - 1))))
                .isNotNull();
    }

    @Test
    void aTokenWithoutExpIsRejected() throws Throwable {
        rejected(() -> forger.times(null, null, clock.instant()), TokenException.Reason.INVALID);
        assertThatThrownBy(() -> verifier.verify(forger.times(null, null, null)))
                .hasMessage("no exp claim");
    }

    @Test
    void aWrongIssuerOrAudienceIsRejected() throws Throwable {
        rejected(() -> forger.token(h -> {}, c -> c.issuer("https://evil.example.com")), TokenException.Reason.INVALID);
        rejected(() -> forger.token(h -> {}, c -> c.issuer(null)), TokenException.Reason.INVALID);
        rejected(() -> forger.token(h -> {}, c -> c.audience("billing")), TokenException.Reason.INVALID);
        rejected(() -> forger.token(h -> {}, c -> c.audience((String) null)), TokenException.Reason.INVALID);
        assertThat(verifier.verify(forger.token(h -> {}, c -> c.audience(List.of("billing", "orders")))))
                .isNotNull();
    }

    @Test
    void aWeakHmacSecretIsRefusedWhereverItIsConfigured() {
        Secret weak = Secret.of("sixteen-byte-key");

        assertThatThrownBy(() -> SigningKey.hmac("k", Algorithm.HS256, weak)).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> VerificationKey.hmac("k", weak, Algorithm.HS256))
                .hasMessageContaining("at least 32");
        assertThatThrownBy(() -> AuthSettings.load(
                        Config.of(Map.of("corekit.auth.hmac-secret", "sixteen-byte-key"), Map.of(), Map.of())))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("corekit.auth.hmac-secret")
                .hasMessageNotContaining("sixteen-byte-key");
    }

    @Test
    void aTokenSignedWithTheRightSecretButAnotherHmacStrengthIsRejected() throws Throwable {
        Secret secret = Secret.of("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        SigningKey hs256Only = SigningKey.hmac("h", Algorithm.HS256, secret);
        TokenVerifier strict = TokenVerifier.of(KeySet.of(hs256Only.verificationKey()), settings, clock);
        Forger hmacForger = new Forger(SigningKey.hmac("h", Algorithm.HS512, secret), settings, clock);

        rejected(hmacForger::valid, TokenException.Reason.INVALID, strict);
    }

    @Test
    void unknownCriticalHeaderParametersAreRejected() throws Throwable {
        rejected(
                () -> forger.token(
                        h -> h.criticalParams(Set.of("urn:example:policy")).customParam("urn:example:policy", "x"),
                        c -> {}),
                TokenException.Reason.INVALID);
    }

    @Test
    void garbageAndOversizedTokensAreMalformed() throws Throwable {
        for (String garbage : List.of("", "a", "a.b", "a.b.c", "....", "eyJ.eyJ.eyJ")) {
            rejected(() -> garbage, TokenException.Reason.MALFORMED);
        }
        rejected(() -> "a".repeat(TokenVerifier.MAX_TOKEN_LENGTH + 1), TokenException.Reason.MALFORMED);
    }

    @Test
    void anExpiredTokenStillMustCarryAValidSignatureToBeReportedExpired() throws Throwable {
        String[] parts =
                forger.times(clock.instant().minusSeconds(3600), null, null).split("\\.");
        rejected(() -> parts[0] + "." + parts[1] + "." + parts[2].substring(2), TokenException.Reason.INVALID);
    }
}
