package dev.corekit.auth.redteam;

import static dev.corekit.auth.redteam.Rt.ISSUER;
import static dev.corekit.auth.redteam.Rt.T0;
import static dev.corekit.auth.redteam.Rt.b64;
import static dev.corekit.auth.redteam.Rt.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.sun.net.httpserver.HttpServer;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.TokenException;
import dev.corekit.auth.token.TokenException.Reason;
import dev.corekit.auth.token.TokenVerifier;
import dev.corekit.auth.token.VerificationKey;
import dev.corekit.auth.token.VerifiedToken;
import dev.corekit.config.Secret;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Red team against {@link TokenVerifier}, from its Javadoc only. Every test quotes the sentence it holds the verifier
 * to. Negative tests come with positive controls so that a rejection is for the documented reason.
 */
class TokenVerifierRedTeamTest {
    static final KeyPair RSA = Rt.rsa(2048);
    static final KeyPair EC = Rt.ec("secp256r1");
    static final KeyPair ATTACKER_RSA = Rt.rsa(2048);
    static final KeyPair ATTACKER_EC = Rt.ec("secp256r1");
    /** 64 bytes: long enough for HS512, so that HS384/HS512 tokens can be signed with the HS256-only key's secret. */
    static final String HMAC = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    final Rt.RtClock clock = new Rt.RtClock(T0);
    final AuthSettings settings = Rt.settings()
            .issuer(ISSUER)
            .audience(Rt.AUDIENCE)
            .clockSkew(Duration.ofSeconds(60))
            .build();
    final KeySet keys = KeySet.of(
            VerificationKey.of("rsa", RSA.getPublic()),
            VerificationKey.of("ec", EC.getPublic()),
            VerificationKey.hmac("hs", Secret.of(HMAC)));
    final TokenVerifier verifier = TokenVerifier.of(keys, settings, clock);

    String rs256(
            Function<JWSHeader.Builder, JWSHeader.Builder> h,
            java.util.function.Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder> c) {
        return Rt.forge(JWSAlgorithm.RS256, "rsa", new RSASSASigner(RSA.getPrivate()), clock.instant(), h::apply, c);
    }

    String validRs256() {
        return rs256(h -> h, c -> {});
    }

    String validEs256() throws Exception {
        return Rt.forge(
                JWSAlgorithm.ES256, "ec", new ECDSASigner((ECPrivateKey) EC.getPrivate()), T0, h -> {}, c -> {});
    }

    String validHs256() throws Exception {
        return Rt.forge(
                JWSAlgorithm.HS256, "hs", new MACSigner(HMAC.getBytes(StandardCharsets.UTF_8)), T0, h -> {}, c -> {});
    }

    // ---------------------------------------------------------------- positive controls

    // "A token is accepted only when all of these hold" -- and then it IS accepted (control for every negative test).
    @Test
    void positiveControl_wellFormedTokensOfEveryKeyAreAccepted() throws Exception {
        assertThat(verifier.verify(validRs256()).keyId()).contains("rsa");
        assertThat(verifier.verify(validEs256()).algorithm().joseName()).isEqualTo("ES256");
        assertThat(verifier.verify(validHs256()).subject()).isEqualTo("42");
    }

    // ---------------------------------------------------------------- alg=none, signature stripping

    // "it parses as a signed JWT (alg=none and unsecured tokens never do)"
    @ParameterizedTest(name = "alg={0} kid={1} keepSignature={2}")
    @CsvSource({
        "none,rsa,false",
        "None,rsa,false",
        "NONE,rsa,false",
        "nOnE,rsa,false",
        "none,hs,false",
        "NONE,hs,false",
        "none,,false",
        "none,rsa,true",
        "NONE,hs,true",
        "None,ec,true"
    })
    void algNoneInEveryCaseVariantIsNeverAccepted(String alg, String kid, boolean keepSignature) throws Exception {
        String valid = validRs256();
        String[] parts = valid.split("\\.");
        String header =
                "{\"alg\":\"" + alg + "\"" + (kid == null ? "" : ",\"kid\":\"" + kid + "\"") + ",\"typ\":\"at+jwt\"}";
        String token = b64(header) + "." + parts[1] + "." + (keepSignature ? parts[2] : "");
        assertThat(rejected(verifier, token).reason()).isIn(Reason.MALFORMED, Reason.INVALID);
    }

    // "it parses as a signed JWT ... the signature verifies" -- a stripped signature is not a signed JWT.
    @Test
    void signatureStrippingIsRejected() throws Exception {
        String[] parts = validRs256().split("\\.");
        assertThat(rejected(verifier, parts[0] + "." + parts[1] + ".").reason()).isIn(Reason.MALFORMED, Reason.INVALID);
        assertThat(rejected(verifier, parts[0] + "." + parts[1]).reason()).isEqualTo(Reason.MALFORMED);
        assertThat(rejected(verifier, parts[0] + "." + parts[1] + "." + parts[2] + ".x")
                        .reason())
                .isIn(Reason.MALFORMED, Reason.INVALID);
    }

    // "the signature verifies"
    @Test
    void tamperedPayloadOrHeaderWithTheOriginalSignatureIsRejected() throws Exception {
        String[] parts = validRs256().split("\\.");
        Map<String, Object> claims = Rt.json(new String(new Base64URL(parts[1]).decode(), StandardCharsets.UTF_8));
        String tamperedPayload = new String(new Base64URL(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace("\"sub\":\"42\"", "\"sub\":\"1\"");
        assertThat(claims).containsEntry("sub", "42");
        assertThat(rejected(verifier, parts[0] + "." + b64(tamperedPayload) + "." + parts[2])
                        .reason())
                .isEqualTo(Reason.INVALID);
        String tamperedHeader = "{\"kid\":\"rsa\",\"typ\":\"AT+JWT\",\"alg\":\"RS256\"}";
        assertThat(rejected(verifier, b64(tamperedHeader) + "." + parts[1] + "." + parts[2])
                        .reason())
                .isEqualTo(Reason.INVALID);
    }

    // "the signature verifies" -- the signature of another valid token (same key) does not transplant.
    @Test
    void signatureOfAnotherTokenDoesNotTransplant() throws Exception {
        String a = validRs256();
        String b = rs256(h -> h, c -> c.subject("admin"));
        String[] pa = a.split("\\.");
        String[] pb = b.split("\\.");
        assertThat(rejected(verifier, pb[0] + "." + pb[1] + "." + pa[2]).reason())
                .isEqualTo(Reason.INVALID);
    }

    // ---------------------------------------------------------------- HS256 with public keys as secrets

    static byte[] pem(String type, byte[] der, boolean trailingNewline) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        String pem = "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----"
                + (trailingNewline ? "\n" : "");
        return pem.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] rsaSecret(String encoding) {
        byte[] spki = RSA.getPublic().getEncoded();
        // SubjectPublicKeyInfo of a 2048-bit RSA key: 24 bytes of header, then the PKCS#1 RSAPublicKey.
        byte[] pkcs1 = Arrays.copyOfRange(spki, 24, spki.length);
        RSAPublicKey pub = (RSAPublicKey) RSA.getPublic();
        switch (encoding) {
            case "x509-der":
                return spki;
            case "x509-pem":
                return pem("PUBLIC KEY", spki, false);
            case "x509-pem-newline":
                return pem("PUBLIC KEY", spki, true);
            case "pkcs1-der":
                return pkcs1;
            case "pkcs1-pem":
                return pem("RSA PUBLIC KEY", pkcs1, true);
            case "jwk-json":
                return new RSAKey.Builder(pub)
                        .keyID("rsa")
                        .build()
                        .toJSONString()
                        .getBytes(StandardCharsets.UTF_8);
            case "modulus":
                return Arrays.copyOfRange(pub.getModulus().toByteArray(), 1, 257);
            case "x509-base64":
                return Base64.getEncoder().encodeToString(spki).getBytes(StandardCharsets.US_ASCII);
            default:
                throw new IllegalArgumentException(encoding);
        }
    }

    // "its alg is on the allow-list of the key its kid names in the KeySet: the header only selects among the key's
    // algorithms, so RS256→HS256 confusion cannot happen" / Algorithm: "an RSA public key can never be used as an HMAC
    // secret."
    @ParameterizedTest(name = "{0} as HMAC secret, kid={1}")
    @CsvSource({
        "x509-der,rsa",
        "x509-pem,rsa",
        "x509-pem-newline,rsa",
        "pkcs1-der,rsa",
        "pkcs1-pem,rsa",
        "jwk-json,rsa",
        "modulus,rsa",
        "x509-base64,rsa",
        "x509-der,",
        "x509-pem-newline,",
        "pkcs1-der,hs"
    })
    void hs256SignedWithTheRsaPublicKeyInAnyEncodingIsRejected(String encoding, String kid) throws Exception {
        for (JWSAlgorithm hs : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
            String token = Rt.forge(hs, kid, new MACSigner(rsaSecret(encoding)), T0, h -> {}, c -> {});
            assertThat(rejected(verifier, token).reason())
                    .as(hs + " " + encoding)
                    .isEqualTo(Reason.INVALID);
        }
    }

    static byte[] ecSecret(String encoding) {
        byte[] spki = EC.getPublic().getEncoded();
        ECPublicKey pub = (ECPublicKey) EC.getPublic();
        switch (encoding) {
            case "x509-der":
                return spki;
            case "x509-pem":
                return pem("PUBLIC KEY", spki, true);
            case "raw-point":
                return Arrays.copyOfRange(spki, spki.length - 65, spki.length);
            case "jwk-json":
                return new ECKey.Builder(Curve.P_256, pub)
                        .keyID("ec")
                        .build()
                        .toJSONString()
                        .getBytes(StandardCharsets.UTF_8);
            default:
                throw new IllegalArgumentException(encoding);
        }
    }

    // "its alg is on the allow-list of the key its kid names in the KeySet: the header only selects among the key's
    // algorithms"
    @ParameterizedTest(name = "EC {0} as HMAC secret")
    @ValueSource(strings = {"x509-der", "x509-pem", "raw-point", "jwk-json"})
    void hs256SignedWithTheEcPublicKeyInAnyEncodingIsRejected(String encoding) throws Exception {
        String token = Rt.forge(JWSAlgorithm.HS256, "ec", new MACSigner(ecSecret(encoding)), T0, h -> {}, c -> {});
        assertThat(rejected(verifier, token).reason()).isEqualTo(Reason.INVALID);
    }

    // ---------------------------------------------------------------- allow-list per key / kid confusion

    // "its alg is on the allow-list of the key its kid names" -- VerificationKey.of: "(RS256 for RSA ... unless
    // given)".
    // A PS256 signature made with the RIGHT private key is still refused: PS256 is not on the key's list.
    @Test
    void aCorrectSignatureWithAnAlgorithmOffTheKeysListIsRejected() throws Exception {
        String ps256 = Rt.forge(JWSAlgorithm.PS256, "rsa", new RSASSASigner(RSA.getPrivate()), T0, h -> {}, c -> {});
        assertThat(rejected(verifier, ps256).reason()).isEqualTo(Reason.INVALID);
        // control: a key that lists PS256 accepts the very same token
        TokenVerifier both = TokenVerifier.of(
                KeySet.of(VerificationKey.of("rsa", RSA.getPublic(), dev.corekit.auth.token.Algorithm.PS256)),
                settings,
                clock);
        assertThat(both.verify(ps256).algorithm()).isEqualTo(dev.corekit.auth.token.Algorithm.PS256);
    }

    // VerificationKey.hmac: "An HMAC secret accepting algorithms (HS256 unless given)" + "A token's alg header must be
    // on this list."
    @Test
    void hs384AndHs512WithTheSameSecretAreRejectedByAnHs256OnlyKey() throws Exception {
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
            String token =
                    Rt.forge(alg, "hs", new MACSigner(HMAC.getBytes(StandardCharsets.UTF_8)), T0, h -> {}, c -> {});
            assertThat(rejected(verifier, token).reason()).as(alg.getName()).isEqualTo(Reason.INVALID);
        }
    }

    // "its alg is on the allow-list of the key its kid names in the KeySet" -- a kid pointing at a key of another
    // type/algorithm never verifies.
    @Test
    void kidPointingAtAKeyOfAnotherTypeIsRejected() throws Exception {
        // ES256 token, validly signed by the real EC key, but naming the RSA key's kid
        String esAsRsa = Rt.forge(
                JWSAlgorithm.ES256, "rsa", new ECDSASigner((ECPrivateKey) EC.getPrivate()), T0, h -> {}, c -> {});
        // RS256 token, validly signed by the real RSA key, naming the EC kid / the HMAC kid
        String rsAsEc = Rt.forge(JWSAlgorithm.RS256, "ec", new RSASSASigner(RSA.getPrivate()), T0, h -> {}, c -> {});
        String rsAsHs = Rt.forge(JWSAlgorithm.RS256, "hs", new RSASSASigner(RSA.getPrivate()), T0, h -> {}, c -> {});
        // HS256 naming the EC kid, signed with the real HMAC secret
        String hsAsEc = Rt.forge(
                JWSAlgorithm.HS256, "ec", new MACSigner(HMAC.getBytes(StandardCharsets.UTF_8)), T0, h -> {}, c -> {});
        for (String token : List.of(esAsRsa, rsAsEc, rsAsHs, hsAsEc)) {
            assertThat(rejected(verifier, token).reason()).isEqualTo(Reason.INVALID);
        }
    }

    // KeySet.of: "Tokens that name a kid are verified with that key only; a token without one with the keys without a
    // kid."
    @Test
    void aTokenWithoutKidIsNotVerifiedByKeysThatHaveOne() throws Exception {
        String noKid = Rt.forge(JWSAlgorithm.RS256, null, new RSASSASigner(RSA.getPrivate()), T0, h -> {}, c -> {});
        assertThat(rejected(verifier, noKid).reason()).isEqualTo(Reason.INVALID);
    }

    // KeySet.of: "Tokens that name a kid are verified with that key only; a token without one with the keys without a
    // kid." -- a token naming an unknown kid never falls back to the kid-less keys.
    @Test
    void aTokenNamingAnUnknownKidNeverFallsBackToKidLessKeys() throws Exception {
        TokenVerifier kidLess = TokenVerifier.of(KeySet.of(VerificationKey.of(null, RSA.getPublic())), settings, clock);
        String noKid = Rt.forge(JWSAlgorithm.RS256, null, new RSASSASigner(RSA.getPrivate()), T0, h -> {}, c -> {});
        assertThat(kidLess.verify(noKid).keyId()).isEmpty();
        String someKid = Rt.forge(
                JWSAlgorithm.RS256, "some-other-kid", new RSASSASigner(RSA.getPrivate()), T0, h -> {}, c -> {});
        assertThat(rejected(kidLess, someKid).reason()).isEqualTo(Reason.INVALID);
    }

    // Algorithm: "the alg header of a token only selects among them, never widens them, so an RSA public key can never
    // be used as an HMAC secret" -- also when keys carry no kid and several of them could be tried.
    @Test
    void kidLessKeysStillBindTheAlgorithmToTheKey() throws Exception {
        TokenVerifier kidLess = TokenVerifier.of(
                KeySet.of(VerificationKey.of(null, RSA.getPublic()), VerificationKey.hmac(null, Secret.of(HMAC))),
                settings,
                clock);
        assertThat(kidLess.verify(Rt.forge(
                                JWSAlgorithm.HS256,
                                null,
                                new MACSigner(HMAC.getBytes(StandardCharsets.UTF_8)),
                                T0,
                                h -> {},
                                c -> {}))
                        .subject())
                .isEqualTo("42");
        for (String encoding : List.of("x509-der", "x509-pem-newline", "pkcs1-der", "jwk-json")) {
            String token = Rt.forge(JWSAlgorithm.HS256, null, new MACSigner(rsaSecret(encoding)), T0, h -> {}, c -> {});
            assertThat(rejected(kidLess, token).reason()).as(encoding).isEqualTo(Reason.INVALID);
        }
        String ps256 = Rt.forge(JWSAlgorithm.PS256, null, new RSASSASigner(RSA.getPrivate()), T0, h -> {}, c -> {});
        assertThat(rejected(kidLess, ps256).reason()).isEqualTo(Reason.INVALID);
    }

    // "its alg is on the allow-list of the key its kid names in the KeySet" -- unknown / hostile kids.
    @ParameterizedTest
    @ValueSource(strings = {"unknown", "../../../../etc/passwd", "rsa\u0000", "RSA", " rsa", "' OR 1=1 --", ""})
    void unknownOrHostileKidIsRejected(String kid) throws Exception {
        String token = Rt.forge(JWSAlgorithm.RS256, kid, new RSASSASigner(RSA.getPrivate()), T0, h -> {}, c -> {});
        assertThat(rejected(verifier, token).reason()).isIn(Reason.INVALID, Reason.MALFORMED);
    }

    // ---------------------------------------------------------------- ES256 signature encodings

    // "the signature verifies" (JWS ES256 signatures are the 64-byte R||S concatenation; a DER signature is not one)
    @Test
    void es256WithADerEncodedSignatureIsRejectedButItsJoseTranscodingIsAccepted() throws Exception {
        JWSHeader header = Rt.header(JWSAlgorithm.ES256, "ec").build();
        String input = header.toBase64URL() + "." + b64(Rt.claims(T0).build().toString());
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(EC.getPrivate());
        ecdsa.update(input.getBytes(StandardCharsets.US_ASCII));
        byte[] der = ecdsa.sign();
        assertThat(rejected(verifier, input + "." + b64(der)).reason()).isIn(Reason.INVALID, Reason.MALFORMED);
        byte[] jose = ECDSA.transcodeSignatureToConcat(der, 64);
        assertThat(verifier.verify(input + "." + b64(jose)).subject()).isEqualTo("42");
    }

    // "the signature verifies" -- the all-zero ("psychic", CVE-2022-21449) ECDSA signature never verifies.
    @Test
    void es256PsychicZeroSignatureIsRejected() throws Exception {
        JWSHeader header = Rt.header(JWSAlgorithm.ES256, "ec").build();
        String input = header.toBase64URL() + "." + b64(Rt.claims(T0).build().toString());
        assertThat(rejected(verifier, input + "." + b64(new byte[64])).reason()).isEqualTo(Reason.INVALID);
        byte[] n =
                java.util.HexFormat.of().parseHex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
        byte[] rsEqualN = new byte[64];
        System.arraycopy(n, 0, rsEqualN, 0, 32);
        System.arraycopy(n, 0, rsEqualN, 32, 32);
        assertThat(rejected(verifier, input + "." + b64(rsEqualN)).reason()).isEqualTo(Reason.INVALID);
        byte[] derZero = {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00};
        assertThat(rejected(verifier, input + "." + b64(derZero)).reason()).isIn(Reason.INVALID, Reason.MALFORMED);
    }

    // ---------------------------------------------------------------- header-borne keys

    // "jwk, jku, x5u and x5c headers are never used to find a key"
    @Test
    void anEmbeddedJwkOfTheAttackerIsNeverUsed() throws Exception {
        RSAKey attacker = new RSAKey.Builder((RSAPublicKey) ATTACKER_RSA.getPublic())
                .keyID("attacker")
                .build();
        for (String kid : new String[] {null, "attacker", "rsa"}) {
            String token = Rt.forge(
                    JWSAlgorithm.RS256,
                    kid,
                    new RSASSASigner(ATTACKER_RSA.getPrivate()),
                    T0,
                    h -> h.jwk(attacker.toPublicJWK()),
                    c -> c.subject("admin"));
            assertThat(rejected(verifier, token).reason()).as("kid " + kid).isEqualTo(Reason.INVALID);
        }
    }

    // "jwk, jku, x5u and x5c headers are never used to find a key" -- and never fetched: a local server counts hits.
    @Test
    void jkuAndX5uAreNeverFetched() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String jwks = "{\"keys\":["
                + new RSAKey.Builder((RSAPublicKey) ATTACKER_RSA.getPublic())
                        .keyID("attacker")
                        .build()
                        .toJSONString() + "]}";
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            byte[] bytes = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            String jku = Rt.forge(
                    JWSAlgorithm.RS256,
                    "attacker",
                    new RSASSASigner(ATTACKER_RSA.getPrivate()),
                    T0,
                    h -> h.jwkURL(base.resolve("/jwks.json")),
                    c -> {});
            String x5u = Rt.forge(
                    JWSAlgorithm.RS256,
                    "attacker",
                    new RSASSASigner(ATTACKER_RSA.getPrivate()),
                    T0,
                    h -> h.x509CertURL(base.resolve("/cert.pem")),
                    c -> {});
            assertThat(rejected(verifier, jku).reason()).isEqualTo(Reason.INVALID);
            assertThat(rejected(verifier, x5u).reason()).isEqualTo(Reason.INVALID);
            Thread.sleep(200);
            assertThat(hits).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    // ---------------------------------------------------------------- crit and typ

    // "it has no crit header parameters (none are understood)"
    @Test
    void anyCritHeaderIsRejectedEvenOnAnOtherwiseValidToken() throws Exception {
        RSASSASigner signer = new RSASSASigner(RSA.getPrivate());
        String critExp = Rt.forge(
                JWSAlgorithm.RS256,
                "rsa",
                signer,
                T0,
                h -> h.criticalParams(java.util.Set.of("exp")).customParam("exp", 1),
                c -> {});
        String critCustom = Rt.forge(
                JWSAlgorithm.RS256,
                "rsa",
                signer,
                T0,
                h -> h.criticalParams(java.util.Set.of("urn:example:policy")).customParam("urn:example:policy", "x"),
                c -> {});
        String header = "{\"alg\":\"RS256\",\"kid\":\"rsa\",\"typ\":\"at+jwt\",\"b64\":false,\"crit\":[\"b64\"]}";
        String b64false = Rt.signRaw(header, Rt.claims(T0).build().toString(), signer, JWSAlgorithm.RS256);
        for (String token : List.of(critExp, critCustom, b64false)) {
            assertThat(rejected(verifier, token).reason()).isIn(Reason.INVALID, Reason.MALFORMED);
        }
    }

    // "its typ, when present, is one of corekit.auth.token-types (case-insensitive, with or without application/;
    // at+jwt by default)" / AuthSettings.tokenTypes: "a token without typ is accepted"
    @ParameterizedTest
    @ValueSource(
            strings = {"at+jwt", "AT+JWT", "At+Jwt", "application/at+jwt", "APPLICATION/AT+JWT", "Application/At+JWT"})
    void typAtJwtIsAcceptedInAnyCaseWithOrWithoutApplicationPrefix(String typ) throws Exception {
        String token = rs256(h -> h.type(new JOSEObjectType(typ)), c -> {});
        assertThat(verifier.verify(token).subject()).isEqualTo("42");
    }

    // AuthSettings.tokenTypes: "a token without typ is accepted"
    @Test
    void aTokenWithoutTypIsAccepted() throws Exception {
        String token = rs256(h -> h.type(null), c -> {});
        assertThat(verifier.verify(token).subject()).isEqualTo("42");
    }

    // "its typ, when present, is one of corekit.auth.token-types ... (at+jwt by default) and never a refresh token's"
    @ParameterizedTest
    @ValueSource(
            strings = {
                "refresh+jwt",
                "REFRESH+JWT",
                "application/refresh+jwt",
                "JWT",
                "jwt",
                "JOSE",
                "dpop+jwt",
                "at+jwt2",
                "xat+jwt"
            })
    void typOutsideTheListOrOfARefreshTokenIsRejected(String typ) throws Exception {
        String token = rs256(h -> h.type(new JOSEObjectType(typ)), c -> {});
        assertThat(rejected(verifier, token).reason()).isEqualTo(Reason.INVALID);
    }

    // TokenVerifier.REFRESH_TOKEN_TYPE: "The typ of corekit's refresh tokens; never accepted as an access token." --
    // even when a service lists it among its token types.
    @Test
    void refreshTypIsNeverAcceptedEvenWhenConfiguredAsATokenType() throws Exception {
        AuthSettings lax;
        try {
            lax = Rt.settings()
                    .issuer(ISSUER)
                    .audience(Rt.AUDIENCE)
                    .tokenTypes(List.of("at+jwt", TokenVerifier.REFRESH_TOKEN_TYPE))
                    .build();
        } catch (RuntimeException refusedAtBuild) {
            return; // refusing the setting also keeps the promise
        }
        TokenVerifier v = TokenVerifier.of(keys, lax, clock);
        String token = rs256(h -> h.type(new JOSEObjectType(TokenVerifier.REFRESH_TOKEN_TYPE)), c -> {});
        assertThat(rejected(v, token).reason()).isEqualTo(Reason.INVALID);
    }

    // ---------------------------------------------------------------- JWE, nested JWT

    // "Verifies access tokens (compact JWS)" / "it parses as a signed JWT"
    @Test
    void aJweWhereAJwsIsExpectedIsRejected() throws Exception {
        JWEObject dir = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
                        .keyID("hs")
                        .build(),
                new Payload(Rt.claims(T0).build().toJSONObject()));
        dir.encrypt(new DirectEncrypter(Arrays.copyOf(HMAC.getBytes(StandardCharsets.UTF_8), 32)));
        JWEObject nested = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                        .keyID("rsa")
                        .contentType("JWT")
                        .build(),
                new Payload(validRs256()));
        nested.encrypt(new RSAEncrypter((RSAPublicKey) RSA.getPublic()));
        assertThat(rejected(verifier, dir.serialize()).reason()).isIn(Reason.MALFORMED, Reason.INVALID);
        assertThat(rejected(verifier, nested.serialize()).reason()).isIn(Reason.MALFORMED, Reason.INVALID);
    }

    // Reason.MALFORMED: "Not a compact JWS, too long, not the Bearer scheme, or claims that are not a JSON object."
    @Test
    void aNestedJwtPayloadIsNotAClaimsSet() throws Exception {
        JWSObject outer = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID("rsa")
                        .contentType("JWT")
                        .build(),
                new Payload(validRs256()));
        outer.sign(new RSASSASigner(RSA.getPrivate()));
        assertThat(rejected(verifier, outer.serialize()).reason()).isIn(Reason.MALFORMED, Reason.INVALID);
    }

    // Reason.MALFORMED: "... or claims that are not a JSON object."
    @ParameterizedTest
    @ValueSource(strings = {"[1,2,3]", "\"sub\"", "42", "null", "{\"sub\":\"42\"", ""})
    void claimsThatAreNotAJsonObjectAreMalformed(String payload) throws Exception {
        String token = Rt.signRaw(
                "{\"alg\":\"RS256\",\"kid\":\"rsa\",\"typ\":\"at+jwt\"}",
                payload,
                new RSASSASigner(RSA.getPrivate()),
                JWSAlgorithm.RS256);
        assertThat(rejected(verifier, token).reason()).isEqualTo(Reason.MALFORMED);
    }

    // Reason.MALFORMED: "Not a compact JWS"
    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "a",
                "a.b",
                "a.b.c",
                "....",
                "e30.e30.",
                "Bearer x.y.z",
                "%%%.%%%.%%%",
                "\u00e9.\u00e9.\u00e9",
                "{\"payload\":\"e30\",\"protected\":\"eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYSJ9\",\"signature\":\"AAAA\"}",
                "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYSJ9..AAAA"
            })
    void garbageIsMalformedNeverAnotherException(String token) throws Exception {
        assertThat(rejected(verifier, token).reason()).isIn(Reason.MALFORMED, Reason.INVALID);
    }

    // ---------------------------------------------------------------- size

    /** A valid HS256 token of exactly {@code length} characters. */
    String hs256OfLength(int length) throws Exception {
        MACSigner signer = new MACSigner(HMAC.getBytes(StandardCharsets.UTF_8));
        long now = T0.getEpochSecond();
        for (int x = 0; x < 4; x++) {
            String header = "{\"alg\":\"HS256\",\"kid\":\"hs\",\"typ\":\"at+jwt\",\"x\":\"" + "h".repeat(x) + "\"}";
            for (int pad = 0; pad < length; pad++) {
                String payload =
                        "{\"sub\":\"42\",\"ent\":\"user\",\"iss\":\"" + ISSUER + "\",\"aud\":\"orders\",\"iat\":" + now
                                + ",\"exp\":" + (now + 300) + ",\"pad\":\"" + "p".repeat(pad) + "\"}";
                int total = b64(header).length() + b64(payload).length() + 2 + 43;
                if (total == length) {
                    String token = Rt.signRaw(header, payload, signer, JWSAlgorithm.HS256);
                    assertThat(token).hasSize(length);
                    return token;
                }
                if (total > length) {
                    break;
                }
            }
        }
        throw new IllegalStateException("no token of length " + length);
    }

    // "of at most 16384 characters" / MAX_TOKEN_LENGTH: "The longest token accepted, in characters."
    @Test
    void aTokenOfExactlyMaxLengthIsAcceptedAndOneMoreIsMalformed() throws Exception {
        assertThat(TokenVerifier.MAX_TOKEN_LENGTH).isEqualTo(16384);
        assertThat(verifier.verify(hs256OfLength(TokenVerifier.MAX_TOKEN_LENGTH))
                        .subject())
                .isEqualTo("42");
        assertThat(rejected(verifier, hs256OfLength(TokenVerifier.MAX_TOKEN_LENGTH + 1))
                        .reason())
                .isEqualTo(Reason.MALFORMED);
    }

    // Reason.MALFORMED: "too long" -- a megabyte-sized token is refused as malformed, fast.
    @Test
    void aHugeTokenIsMalformedAndRejectedQuickly() throws Exception {
        String huge = rs256(h -> h, c -> c.claim("pad", "A".repeat(1_000_000)));
        long start = System.nanoTime();
        assertThat(rejected(verifier, huge).reason()).isEqualTo(Reason.MALFORMED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    // ---------------------------------------------------------------- exp / nbf / iat

    // "it has exp and sub"
    @Test
    void missingExpOrSubIsInvalid() throws Exception {
        String noExp = rs256(h -> h, c -> c.expirationTime(null));
        String noSub = rs256(h -> h, c -> c.subject(null));
        assertThat(rejected(verifier, noExp).reason()).isEqualTo(Reason.INVALID);
        assertThat(rejected(verifier, noSub).reason()).isEqualTo(Reason.INVALID);
    }

    // "exp, nbf and iat hold within the one corekit.auth.clock-skew" / EXPIRED: "Correctly signed but past exp (plus
    // the clock skew)."
    @Test
    void expIsHonouredAtBothSidesOfTheSkewEdge() throws Exception {
        Instant now = clock.instant();
        String inside = rs256(
                h -> h,
                c -> c.issueTime(Date.from(now.minusSeconds(600))).expirationTime(Date.from(now.minusSeconds(59))));
        String outside = rs256(
                h -> h,
                c -> c.issueTime(Date.from(now.minusSeconds(600))).expirationTime(Date.from(now.minusSeconds(61))));
        assertThat(verifier.verify(inside).subject()).isEqualTo("42");
        assertThat(rejected(verifier, outside).reason()).isEqualTo(Reason.EXPIRED);
    }

    // "exp, nbf and iat hold within the one corekit.auth.clock-skew"
    @Test
    void nbfIsHonouredAtBothSidesOfTheSkewEdge() throws Exception {
        Instant now = clock.instant();
        String inside = rs256(h -> h, c -> c.notBeforeTime(Date.from(now.plusSeconds(59))));
        String outside = rs256(h -> h, c -> c.notBeforeTime(Date.from(now.plusSeconds(61))));
        assertThat(verifier.verify(inside).subject()).isEqualTo("42");
        assertThat(rejected(verifier, outside).reason()).isEqualTo(Reason.INVALID);
    }

    // "exp, nbf and iat hold within the one corekit.auth.clock-skew" -- an iat in the future beyond the skew.
    @Test
    void iatIsHonouredAtBothSidesOfTheSkewEdge() throws Exception {
        Instant now = clock.instant();
        String inside = rs256(h -> h, c -> c.issueTime(Date.from(now.plusSeconds(59))));
        String outside = rs256(h -> h, c -> c.issueTime(Date.from(now.plusSeconds(61))));
        assertThat(verifier.verify(inside).subject()).isEqualTo("42");
        assertThat(rejected(verifier, outside).reason()).isEqualTo(Reason.INVALID);
    }

    // AuthSettings.clockSkew: "the one tolerance applied to a token's exp, nbf and iat" -- a custom skew moves the
    // edge.
    @Test
    void aCustomSkewMovesEveryEdge() throws Exception {
        AuthSettings tight = Rt.settings()
                .issuer(ISSUER)
                .audience(Rt.AUDIENCE)
                .clockSkew(Duration.ofSeconds(5))
                .build();
        TokenVerifier v = TokenVerifier.of(keys, tight, clock);
        Instant now = clock.instant();
        assertThat(v.clockSkew()).isEqualTo(Duration.ofSeconds(5));
        assertThat(rejected(
                                v,
                                rs256(
                                        h -> h,
                                        c -> c.issueTime(Date.from(now.minusSeconds(600)))
                                                .expirationTime(Date.from(now.minusSeconds(10)))))
                        .reason())
                .isEqualTo(Reason.EXPIRED);
        assertThat(rejected(v, rs256(h -> h, c -> c.notBeforeTime(Date.from(now.plusSeconds(10)))))
                        .reason())
                .isEqualTo(Reason.INVALID);
        assertThat(rejected(v, rs256(h -> h, c -> c.issueTime(Date.from(now.plusSeconds(10)))))
                        .reason())
                .isEqualTo(Reason.INVALID);
    }

    String rawRs256(String payload) {
        return Rt.signRaw(
                "{\"alg\":\"RS256\",\"kid\":\"rsa\",\"typ\":\"at+jwt\"}",
                payload,
                new RSASSASigner(RSA.getPrivate()),
                JWSAlgorithm.RS256);
    }

    String payloadWithExp(String expJson) {
        return "{\"sub\":\"42\",\"ent\":\"user\",\"iss\":\"" + ISSUER + "\",\"aud\":\"orders\",\"iat\":"
                + T0.getEpochSecond() + ",\"exp\":" + expJson + "}";
    }

    // VerifiedToken: "everything here is verified" / verify throws "TokenException - saying why it is not accepted":
    // an overflowing exp must neither crash the verifier nor yield a token whose reported expiry is in the past.
    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775807", "9223372036854775808", "1e300", "92233720368547758070000"})
    void overflowingExpNeverCrashesNorYieldsANonsenseExpiry(String exp) throws Exception {
        String token = rawRs256(payloadWithExp(exp));
        VerifiedToken accepted;
        try {
            accepted = verifier.verify(token);
        } catch (TokenException rejectedIsFine) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("verify threw " + e, e);
        }
        assertThat(accepted.expiresAt())
                .as("exp=" + exp + " accepted with a nonsense expiry")
                .isAfter(clock.instant());
    }

    // EXPIRED: "Correctly signed but past exp (plus the clock skew)."
    @ParameterizedTest
    @ValueSource(strings = {"-1", "0", "-9223372036854775808"})
    void negativeOrZeroExpIsExpired(String exp) throws Exception {
        assertThat(rejected(verifier, rawRs256(payloadWithExp(exp))).reason()).isIn(Reason.EXPIRED, Reason.INVALID);
    }

    // "it has exp" (a NumericDate) -- a non-numeric exp is not one.
    @ParameterizedTest
    @ValueSource(strings = {"\"tomorrow\"", "\"1893456000\"", "[1893456000]", "{\"t\":1}", "true", "null"})
    void nonNumericExpIsRejected(String exp) throws Exception {
        assertThat(rejected(verifier, rawRs256(payloadWithExp(exp))).reason()).isIn(Reason.INVALID, Reason.MALFORMED);
    }

    // "exp, nbf and iat hold within the one corekit.auth.clock-skew" -- a nbf or iat that is not a NumericDate is not
    // a time that holds.
    @ParameterizedTest
    @ValueSource(strings = {"nbf", "iat"})
    void nonNumericNbfOrIatIsRejected(String claim) throws Exception {
        for (String value : List.of("\"now\"", "[0]", "{\"t\":0}", "true")) {
            String payload = "{\"sub\":\"42\",\"ent\":\"user\",\"iss\":\"" + ISSUER + "\",\"aud\":\"orders\",\"exp\":"
                    + (T0.getEpochSecond() + 300) + ",\"" + claim + "\":" + value + "}";
            assertThat(rejected(verifier, rawRs256(payload)).reason())
                    .as(claim + "=" + value)
                    .isIn(Reason.INVALID, Reason.MALFORMED);
        }
    }

    // ---------------------------------------------------------------- iss / aud

    // "iss and aud match the settings when they are set"
    @ParameterizedTest
    @ValueSource(
            strings = {
                "MISSING",
                "https://evil.example.com",
                "https://ID.example.com",
                "https://id.example.com/",
                "ARRAY",
                "NUMBER"
            })
    void issuerMustMatchExactly(String iss) throws Exception {
        String token = rs256(h -> h, c -> {
            switch (iss) {
                case "MISSING" -> c.issuer(null);
                case "ARRAY" -> c.claim("iss", List.of(ISSUER));
                case "NUMBER" -> c.claim("iss", 42);
                default -> c.issuer(iss);
            }
        });
        assertThat(rejected(verifier, token).reason()).isIn(Reason.INVALID, Reason.MALFORMED);
    }

    // AuthSettings.audience: "the aud tokens are issued for and must contain"
    @Test
    void audienceArrayContainingOursIsAcceptedOthersAreNot() throws Exception {
        assertThat(verifier.verify(rs256(h -> h, c -> c.audience(List.of("billing", "orders"))))
                        .audience())
                .contains("orders");
        for (Object aud :
                new Object[] {null, List.of("billing"), "orders-evil", "ORDERS", 42, List.of(List.of("orders"))}) {
            String token = rs256(h -> h, c -> c.claim("aud", aud));
            assertThat(rejected(verifier, token).reason()).as("aud " + aud).isIn(Reason.INVALID, Reason.MALFORMED);
        }
    }

    // VerifiedToken: "A token whose signature, algorithm, type and claims were checked: everything here is verified."
    // With duplicate claim names, what the token reports must be what was checked.
    @Test
    void duplicateClaimsNeverSmuggleAnUncheckedValue() throws Exception {
        long now = T0.getEpochSecond();
        String dupExp = "{\"sub\":\"42\",\"ent\":\"user\",\"iss\":\"" + ISSUER + "\",\"aud\":\"orders\",\"iat\":" + now
                + ",\"exp\":" + (now - 3600) + ",\"exp\":" + (now + 300) + "}";
        String dupExpReverse = "{\"sub\":\"42\",\"ent\":\"user\",\"iss\":\"" + ISSUER + "\",\"aud\":\"orders\",\"iat\":"
                + now + ",\"exp\":" + (now + 300) + ",\"exp\":" + (now - 3600) + "}";
        String dupIss = "{\"sub\":\"42\",\"ent\":\"user\",\"iss\":\"https://evil.example.com\",\"iss\":\"" + ISSUER
                + "\",\"aud\":\"orders\",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}";
        for (String payload : List.of(dupExp, dupExpReverse, dupIss)) {
            VerifiedToken t;
            try {
                t = verifier.verify(rawRs256(payload));
            } catch (TokenException refused) {
                continue;
            }
            assertThat(t.expiresAt()).isAfter(clock.instant());
            assertThat(t.issuer()).contains(ISSUER);
            assertThat(t.claims().get("iss")).isEqualTo(ISSUER);
        }
    }

    // ---------------------------------------------------------------- messages, unverified claims, reasons

    // TokenException: "the message is corekit's own short sentence and never carries a claim value, a key or a
    // library's internal message"
    @Test
    void exceptionMessagesNeverCarryClaimValuesKeysOrTheToken() throws Exception {
        String marker = "SECRET-MARKER-7f3a";
        List<String> tokens = List.of(
                rs256(h -> h, c -> c.issuer("https://" + marker + ".example.com")),
                rs256(h -> h, c -> c.audience(marker)),
                rs256(h -> h.type(new JOSEObjectType(marker)), c -> {}),
                Rt.forge(JWSAlgorithm.RS256, marker, new RSASSASigner(RSA.getPrivate()), T0, h -> {}, c -> {}),
                rawRs256(payloadWithExp("\"" + marker + "\"")),
                b64("{\"alg\":\"" + marker + "\"}") + "." + b64("{}") + ".",
                marker + ".x.y");
        for (String token : tokens) {
            TokenException e = rejected(verifier, token);
            assertThat(String.valueOf(e.getMessage()))
                    .doesNotContain(marker)
                    .doesNotContain(token)
                    .doesNotContain(HMAC);
            Throwable cause = e.getCause();
            while (cause != null) {
                // a cause is part of what gets logged: it must not carry the token or claim values either
                assertThat(String.valueOf(cause.getMessage()))
                        .as("cause " + cause.getClass().getName())
                        .doesNotContain(marker);
                cause = cause.getCause();
            }
            assertThat(e.code()).isEqualTo("TOKEN_" + e.reason().name());
            assertThat(e.retryable()).isFalse();
        }
    }

    // unverifiedClaims: "Empty when the token does not parse."
    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "a.b.c", "e30", "x.e30.y.z.w"})
    void unverifiedClaimsOfGarbageAreEmptyNotAnException(String token) throws Exception {
        assertThat(TokenVerifier.unverifiedClaims(token)).isEmpty();
    }

    // VerifiedToken.toString(): "shows the entity, subject and expiry, never the token."
    @Test
    void verifiedTokenToStringNeverShowsTheToken() throws Exception {
        String token = validRs256();
        VerifiedToken t = verifier.verify(token);
        String[] parts = token.split("\\.");
        assertThat(t.toString())
                .doesNotContain(parts[0])
                .doesNotContain(parts[1])
                .doesNotContain(parts[2])
                .contains("42");
    }

    // VerifiedToken.claims(): "Every claim, unmodifiable."
    @Test
    void verifiedClaimsAreUnmodifiable() throws Exception {
        VerifiedToken t = verifier.verify(validRs256());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.claims().put("sub", "admin"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(t.subject()).isEqualTo("42");
    }
}
