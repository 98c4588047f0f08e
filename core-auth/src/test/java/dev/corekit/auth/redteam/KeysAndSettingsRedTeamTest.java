package dev.corekit.auth.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Principal;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.VerificationKey;
import dev.corekit.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Red team against key construction, settings validation, routing and the secrets-never-shown promises. */
class KeysAndSettingsRedTeamTest {
    static final KeyPair RSA = Rt.rsa(2048);
    static final KeyPair EC = Rt.ec("secp256r1");

    // ---------------------------------------------------------------- key strength

    // VerificationKey: "HMAC secrets at least the hash size (32, 48, 64 bytes for HS256/384/512)" / hmac: "Throws:
    // IllegalArgumentException - when the secret is shorter than an algorithm's hash"
    @ParameterizedTest
    @CsvSource({"HS256,32", "HS384,48", "HS512,64"})
    void hmacSecretsMustBeAtLeastTheHashSize(Algorithm alg, int bytes) throws Exception {
        assertThat(VerificationKey.hmac("k", Secret.of("x".repeat(bytes)), alg).allows(alg))
                .isTrue();
        assertThat(SigningKey.hmac("k", alg, Secret.of("x".repeat(bytes))).algorithm())
                .isEqualTo(alg);
        assertThatThrownBy(() -> VerificationKey.hmac("k", Secret.of("x".repeat(bytes - 1)), alg))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKey.hmac("k", alg, Secret.of("x".repeat(bytes - 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(alg.minKeySize()).isEqualTo(bytes);
        assertThat(alg.isHmac()).isTrue();
    }

    // AuthSettings.MIN_HMAC_SECRET_BYTES: "The shortest HMAC secret accepted, in bytes" -- and a bad secret never
    // appears in the error (README: Secrets are "masked in toString(), logs and errors").
    @Test
    void aShortHmacSecretInSettingsIsRefusedWithoutShowingIt() throws Exception {
        assertThat(AuthSettings.MIN_HMAC_SECRET_BYTES).isEqualTo(32);
        String secret = "tooShortSecretValue-9f8e";
        Throwable thrown = null;
        try {
            KeySet.fromSettings(Rt.settings().hmacSecret(Secret.of(secret)).build());
        } catch (RuntimeException e) {
            thrown = e;
        }
        assertThat(thrown).as("a %d-byte secret was accepted", secret.length()).isNotNull();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
        }
    }

    // Algorithm: "RSA key of at least 2048 bits" / VerificationKey.of: "IllegalArgumentException - when the key is too
    // weak or does not fit an algorithm"
    @Test
    void weakOrMisfitKeysAreRefused() throws Exception {
        KeyPair rsa1024 = Rt.rsa(1024);
        KeyPair p384 = Rt.ec("secp384r1");
        assertThatThrownBy(() -> VerificationKey.of("k", rsa1024.getPublic()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKey.of("k", Algorithm.RS256, rsa1024))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerificationKey.of("k", p384.getPublic()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerificationKey.of("k", RSA.getPublic(), Algorithm.ES256))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerificationKey.of("k", RSA.getPublic(), Algorithm.HS256))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerificationKey.of("k", EC.getPublic(), Algorithm.RS256))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerificationKey.hmac("k", Secret.of("x".repeat(64)), Algorithm.RS256))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKey.of("k", Algorithm.ES256, RSA)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKey.of("k", Algorithm.HS256, RSA)).isInstanceOf(IllegalArgumentException.class);
        assertThat(VerificationKey.of("k", RSA.getPublic()).algorithms()).containsExactly(Algorithm.RS256);
        assertThat(VerificationKey.of("k", EC.getPublic()).algorithms()).containsExactly(Algorithm.ES256);
        assertThat(VerificationKey.hmac("k", Secret.of("x".repeat(32))).algorithms())
                .containsExactly(Algorithm.HS256);
    }

    // VerificationKey: "RSA keys at least 2048 bits (RS256, PS256)" / Algorithm.minKeySize(): "bits of modulus for RSA"
    // -- a 2047-bit modulus is one bit short.
    @Test
    void anRsaKeyOneBitShortOf2048IsRefused() throws Exception {
        KeyPair rsa2047 = Rt.rsa(2047);
        assertThat(((RSAPublicKey) rsa2047.getPublic()).getModulus().bitLength())
                .isEqualTo(2047);
        assertThat(Algorithm.RS256.minKeySize()).isEqualTo(2048);
        assertThatThrownBy(() -> VerificationKey.of("k", rsa2047.getPublic()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKey.of("k", Algorithm.RS256, rsa2047))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // VerificationKey.fromJwk: "its alg as the only algorithm when it names one (else every algorithm that fits its
    // type, except for HMAC secrets, which must name theirs). Private parts are ignored." "IllegalArgumentException -
    // when the JSON is not a JWK, or the key is too weak or unsupported"
    @Test
    void fromJwkFollowsItsAlgAndRefusesWhatItMust() throws Exception {
        RSAKey rsaJwk =
                new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).keyID("r").build();
        assertThat(VerificationKey.fromJwk(rsaJwk.toJSONString()).algorithms())
                .containsExactlyInAnyOrder(Algorithm.RS256, Algorithm.PS256);
        RSAKey rs256Only = new RSAKey.Builder((RSAPublicKey) RSA.getPublic())
                .keyID("r")
                .algorithm(JWSAlgorithm.RS256)
                .build();
        assertThat(VerificationKey.fromJwk(rs256Only.toJSONString()).algorithms())
                .containsExactly(Algorithm.RS256);
        ECKey ecJwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) EC.getPublic())
                .keyID("e")
                .build();
        assertThat(VerificationKey.fromJwk(ecJwk.toJSONString()).algorithms()).containsExactly(Algorithm.ES256);
        assertThat(VerificationKey.fromJwk(ecJwk.toJSONString()).keyId()).contains("e");

        String octNoAlg = new OctetSequenceKey.Builder("x".repeat(32).getBytes(StandardCharsets.UTF_8))
                .keyID("o")
                .build()
                .toJSONString();
        String octShort = new OctetSequenceKey.Builder("x".repeat(16).getBytes(StandardCharsets.UTF_8))
                .keyID("o")
                .algorithm(JWSAlgorithm.HS256)
                .build()
                .toJSONString();
        String rsaWeak = new RSAKey.Builder((RSAPublicKey) Rt.rsa(1024).getPublic())
                .keyID("w")
                .build()
                .toJSONString();
        String rsaAsHs = new RSAKey.Builder((RSAPublicKey) RSA.getPublic())
                .keyID("x")
                .algorithm(JWSAlgorithm.HS256)
                .build()
                .toJSONString();
        String rsaAlgNone = rsaJwk.toJSONString().replace("{", "{\"alg\":\"none\",");
        String p384 = new ECKey.Builder(
                        Curve.P_384, (ECPublicKey) Rt.ec("secp384r1").getPublic())
                .keyID("p")
                .build()
                .toJSONString();
        for (String bad : List.of(
                octNoAlg, octShort, rsaWeak, rsaAsHs, rsaAlgNone, p384, "not json", "{}", "[]", "{\"kty\":\"RSA\"}")) {
            assertThatThrownBy(() -> VerificationKey.fromJwk(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // fromJwk: "Private parts are ignored." / VerificationKey: "toString() never shows key material"
    @Test
    void privatePartsOfAJwkAreIgnoredAndNeverShown() throws Exception {
        RSAKey full = new RSAKey.Builder((RSAPublicKey) RSA.getPublic())
                .privateKey((RSAPrivateCrtKey) RSA.getPrivate())
                .keyID("r")
                .build();
        VerificationKey key = VerificationKey.fromJwk(full.toJSONString());
        String d = full.getPrivateExponent().toString();
        String n = full.getModulus().toString();
        assertThat(key.toString()).doesNotContain(d.substring(0, 20)).doesNotContain(n.substring(0, 20));
    }

    // SigningKey/VerificationKey: "toString() never shows key material" / AuthSettings.toString(): "Shows every value,
    // the HMAC secret masked."
    @Test
    void toStringsNeverShowKeyMaterialOrSecrets() throws Exception {
        String secret = "s3cr3t-HMAC-value-0123456789abcdefXYZ";
        SigningKey hs = SigningKey.hmac("k", Algorithm.HS256, Secret.of(secret));
        SigningKey rs = SigningKey.generate("r", Algorithm.RS256);
        SigningKey es = SigningKey.generate("e", Algorithm.ES256);
        String b64Secret =
                Base64URL.encode(secret.getBytes(StandardCharsets.UTF_8)).toString();
        for (Object o : List.of(hs, hs.verificationKey(), VerificationKey.hmac("k", Secret.of(secret)))) {
            assertThat(o.toString()).doesNotContain(secret).doesNotContain(b64Secret.substring(0, 16));
        }
        for (SigningKey k : List.of(rs, es)) {
            String jwk = k.publicJwk();
            String material =
                    String.valueOf(Rt.json(jwk).getOrDefault("n", Rt.json(jwk).get("x")));
            assertThat(k.toString()).doesNotContain(material.substring(0, 16));
            assertThat(k.verificationKey().toString()).doesNotContain(material.substring(0, 16));
            assertThat(Rt.json(jwk)).doesNotContainKeys("d", "p", "q", "dp", "dq", "qi");
        }
        assertThatThrownBy(hs::publicJwk).isInstanceOf(IllegalStateException.class);
        AuthSettings settings = Rt.settings().hmacSecret(Secret.of(secret)).build();
        assertThat(settings.toString()).doesNotContain(secret).contains("clockSkew");
    }

    // Principal: "toString() shows the entity type and subject only." / as: "ClassCastException - when it is not one"
    @Test
    void principalToStringShowsEntityAndSubjectOnly() throws Exception {
        Principal p = Principal.of("user", "42", "session-SECRET-sid", "tenant-SECRET", "loaded-VALUE-secret");
        assertThat(p.toString())
                .contains("user")
                .contains("42")
                .doesNotContain("session-SECRET-sid")
                .doesNotContain("tenant-SECRET")
                .doesNotContain("loaded-VALUE-secret");
        assertThat(p.caller()).isEqualTo("user:42");
        assertThatThrownBy(() -> p.as(Integer.class)).isInstanceOf(ClassCastException.class);
        assertThat(Principal.of("agent", "7", null, null, "x").sessionId()).isEmpty();
    }

    // ---------------------------------------------------------------- key sets

    // KeySet.of: "IllegalArgumentException - when two keys share a kid, or no key is given" / fromSettings:
    // "IllegalStateException - when neither is set"
    @Test
    void keySetConstructionRules() throws Exception {
        VerificationKey a = VerificationKey.of("same", RSA.getPublic());
        VerificationKey b = VerificationKey.of("same", EC.getPublic());
        assertThatThrownBy(() -> KeySet.of(a, b)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeySet.of()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeySet.fromSettings(Rt.settings().build())).isInstanceOf(IllegalStateException.class);
    }

    // KeySet.fromSettings: "The key set settings describe: the JWKS at corekit.auth.jwks-uri when set, else the HS256
    // secret corekit.auth.hmac-secret." + SigningKey's own example: SigningKey.hmac("k1", Algorithm.HS256,
    // settings.hmacSecret().orElseThrow()) -- what a service signs with the configured secret, the configured key set
    // verifies (SigningKey: "a kid (so verifiers can rotate)"; "The kid written into every token this key signs").
    @Test
    void aTokenSignedWithTheConfiguredSecretVerifiesWithTheConfiguredKeySet() throws Exception {
        AuthSettings settings = Rt.settings()
                .hmacSecret(Secret.of("configured-hmac-secret-0123456789abcdef"))
                .build();
        SigningKey key =
                SigningKey.hmac("k1", Algorithm.HS256, settings.hmacSecret().orElseThrow());
        String token = dev.corekit.auth.token.TokenIssuer.of(key, settings)
                .accessToken(dev.corekit.auth.token.TokenRequest.of("user", "42"), null);
        assertThat(dev.corekit.auth.token.TokenVerifier.of(KeySet.fromSettings(settings), settings)
                        .verify(token)
                        .subject())
                .isEqualTo("42");
    }

    // ---------------------------------------------------------------- settings

    // AuthSettings.hungCallThreshold: "longer than the slow threshold" / Builder.build(): "resolves the rest and
    // validates everything"
    @Test
    void settingsRefuseAHungThresholdNotLongerThanTheSlowOne() throws Exception {
        assertThatThrownBy(() -> Rt.settings()
                        .slowCallThreshold(Duration.ofSeconds(5))
                        .hungCallThreshold(Duration.ofSeconds(5))
                        .build())
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> Rt.settings()
                        .slowCallThreshold(Duration.ofSeconds(5))
                        .hungCallThreshold(Duration.ofSeconds(1))
                        .build())
                .isInstanceOf(RuntimeException.class);
    }

    // AuthSettings.tokenTypes / TokenVerifier: "its typ, when present, is one of corekit.auth.token-types (...; at+jwt
    // by default)"
    @Test
    void theDefaultTokenTypesAreAtJwtOnly() throws Exception {
        assertThat(AuthSettings.DEFAULT_TOKEN_TYPES).containsExactly("at+jwt");
        assertThat(Rt.settings().build().tokenTypes()).containsExactly("at+jwt");
    }

    // ---------------------------------------------------------------- routing

    // Procedures: "Routes are tried in the order added; the first match wins." "Patterns: literal segments, {name} or *
    // for exactly one segment, and a trailing ** for any rest (including none). Methods compare case-insensitively; *
    // matches any."
    @Test
    void routingFollowsTheDocumentedPatternRules() throws Exception {
        Procedure first = Procedure.named("first").withAuth(Procedure.PUBLIC);
        Procedure one = Procedure.named("orders.get");
        Procedure admin = Procedure.named("admin");
        Procedures p = Procedures.builder()
                .route("get", "/health", first)
                .route("GET", "/health", Procedure.named("second"))
                .route("GET", "/orders/{id}", one)
                .route("*", "/admin/**", admin)
                .build();
        assertThat(p.resolve("GET", "/health")).isEqualTo(first);
        assertThat(p.resolve("get", "/health")).isEqualTo(first);
        assertThat(p.resolve("GET", "/orders/1")).isEqualTo(one);
        assertThat(p.resolve("GET", "/orders/1/2").name()).isEqualTo("http.get");
        assertThat(p.resolve("GET", "/orders").name()).isEqualTo("http.get");
        assertThat(p.resolve("GET", "/orders/").name()).isNotEqualTo("orders.get");
        assertThat(p.resolve("PATCH", "/admin")).isEqualTo(admin);
        assertThat(p.resolve("DELETE", "/admin/a/b/c")).isEqualTo(admin);
        assertThat(p.resolve("POST", "/health").name()).isEqualTo("http.post");
        assertThat(p.resolve("POST", "/health").authVariant()).isEmpty();
        assertThat(p.resolve("GET", "/HEALTH").name()).isNotEqualTo("first");
        assertThat(p.routed()).containsExactly(first, Procedure.named("second"), one, admin);
    }

    // Procedures.Builder.route: "IllegalArgumentException - when the pattern does not start with / or puts ** anywhere
    // but last"
    @ParameterizedTest
    @ValueSource(strings = {"health", "/**/x", "/a/**/b", "", "**"})
    void badRoutePatternsAreRefused(String pattern) throws Exception {
        assertThatThrownBy(() -> Procedures.builder().route("GET", pattern, Procedure.named("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Procedure.named: "unless name is 1 to 200 letters, digits or ._:/{}* -, starting with a letter or digit" /
    // withAuth: "unless variant is lower-case letters, digits and -"
    @Test
    void procedureNamesAndVariantsAreValidated() throws Exception {
        assertThat(Procedure.named("a".repeat(200)).name()).hasSize(200);
        for (String bad :
                List.of("", "a".repeat(201), ".orders", "-x", "orders\nget", "<script>", "orders;drop", "x\u0000")) {
            assertThatThrownBy(() -> Procedure.named(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : List.of("User", "user_x", "", "user x", "user:x")) {
            assertThatThrownBy(() -> Procedure.named("p").withAuth(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        Procedure p = Procedure.named("p");
        assertThat(p.withAuth("user")).isNotSameAs(p);
        assertThat(p.authVariant()).isEmpty();
        assertThat(new java.util.HashSet<>(List.of(Procedure.named("p"), Procedure.named("p"))))
                .hasSize(1);
    }
}
