package dev.corekit.auth.redteam;

import static dev.corekit.auth.redteam.Rt.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Principal;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import dev.corekit.auth.session.SessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenIssuer;
import dev.corekit.auth.token.TokenPair;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.auth.token.TokenVerifier;
import dev.corekit.context.CallContext;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Red team against {@link Authenticator} answers, driven through the standard {@link Pipeline} with a plain Call. */
class AuthenticatorRedTeamTest {
    static final String SECRET_DETAIL = "password=hunter2";

    record User(String id) {}

    final Rt.RtClock clock = new Rt.RtClock(T0);
    final AuthSettings settings = Rt.settings()
            .accessTokenTtl(Duration.ofMinutes(5))
            .renewalWindow(Duration.ofMinutes(30))
            .clockSkew(Duration.ofSeconds(60))
            .build();
    final SigningKey key = SigningKey.generate("k1", Algorithm.ES256);
    final SessionStore sessions = SessionStore.inMemory();
    final TokenService tokens = TokenService.of(key, KeySet.of(key.verificationKey()), sessions, settings, clock);
    final Authenticator authenticator = Authenticator.builder(tokens)
            .entity("user", t -> t.subject().equals("banned") ? null : new User(t.subject()))
            .entity("agent", t -> t.subject())
            .entity("service", t -> {
                if (t.subject().equals("boom")) {
                    throw new IllegalStateException(SECRET_DETAIL);
                }
                return t.subject();
            })
            .variant("staff", "user", "agent")
            .settings(settings)
            .build();
    final InMemorySink sink = new InMemorySink();
    final Pipeline pipeline = Pipeline.builder()
            .recorder(Recorder.of(sink))
            .procedures(Procedures.builder()
                    .route("GET", "/health", Procedure.named("health").withAuth(Procedure.PUBLIC))
                    .route("GET", "/me", Procedure.named("me").withAuth("user"))
                    .route("GET", "/staff", Procedure.named("staff").withAuth("staff"))
                    .route("GET", "/any", Procedure.named("any").withAuth(Procedure.AUTHENTICATED))
                    .route("GET", "/svc", Procedure.named("svc").withAuth("service"))
                    .build())
            .auth(authenticator)
            .build();

    final AtomicReference<Optional<Principal>> seenPrincipal = new AtomicReference<>();
    final AtomicReference<CallContext> seenContext = new AtomicReference<>();

    Rt.RtCall call(String path, String... headers) throws Exception {
        Rt.RtCall call = Rt.RtCall.of(pipeline, "GET", path);
        for (int i = 0; i < headers.length; i += 2) {
            call.header(headers[i], headers[i + 1]);
        }
        return call.run(pipeline, c -> {
            seenPrincipal.set(c.principal());
            seenContext.set(CallContext.current());
            c.respond(200, "text/plain", new byte[0]);
        });
    }

    String access(String entity, String subject) {
        return tokens.login(TokenRequest.of(entity, subject).withTenant("acme")).accessToken();
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    static Map<String, Object> body(Rt.RtCall call) {
        assertThat(call.contentType()).isEqualTo(ErrorBody.CONTENT_TYPE);
        Map<String, Object> json = Rt.json(call.body());
        assertThat(json.keySet()).containsExactlyInAnyOrder("code", "message", "requestId");
        return json;
    }

    String realmChallenge() {
        return "Bearer realm=\"" + settings.realm() + "\"";
    }

    // ---------------------------------------------------------------- 401

    // "401 ErrorBody.UNAUTHENTICATED with WWW-Authenticate: Bearer realm="..." when there is no Authorization header"
    @Test
    void noAuthorizationHeaderIs401UnauthenticatedWithABareRealmChallenge() throws Exception {
        Rt.RtCall call = call("/me");
        assertThat(call.status()).isEqualTo(401);
        assertThat(body(call)).containsEntry("code", ErrorBody.UNAUTHENTICATED);
        assertThat(call.responseHeader("WWW-Authenticate"))
                .startsWith(realmChallenge())
                .doesNotContain("error=");
    }

    // "with error="invalid_request" when it is not exactly one Bearer <token>"
    @ParameterizedTest
    @ValueSource(
            strings = {
                "Basic dXNlcjpwYXNz",
                "Bearer",
                "Bearer ",
                "Bearer TOKEN extra",
                "Bearer\tTOKEN",
                "TOKEN",
                "Token TOKEN",
                "BearerTOKEN",
                "Bearer TOKEN,Bearer TOKEN",
                "Digest realm=x"
            })
    void anAuthorizationHeaderThatIsNotExactlyOneBearerTokenIsAnInvalidRequest(String template) throws Exception {
        String token = access("user", "42");
        Rt.RtCall call = call("/me", "Authorization", template.replace("TOKEN", token));
        assertThat(call.status()).isEqualTo(401);
        assertThat(body(call)).containsEntry("code", ErrorBody.UNAUTHENTICATED);
        assertThat(call.responseHeader("WWW-Authenticate"))
                .startsWith(realmChallenge())
                .contains("error=\"invalid_request\"");
        assertThat(call.body()).doesNotContain(token);
    }

    // "with error="invalid_request" when it is not exactly one Bearer <token>" -- two headers are not exactly one.
    @Test
    void twoAuthorizationHeadersAreAnInvalidRequestEvenWhenBothAreValid() throws Exception {
        String token = access("user", "42");
        Rt.RtCall call = call("/me", "Authorization", bearer(token), "Authorization", bearer(token));
        assertThat(call.status()).isEqualTo(401);
        assertThat(call.responseHeader("WWW-Authenticate")).contains("error=\"invalid_request\"");
        String other = access("user", "7");
        Rt.RtCall mixed = call("/me", "Authorization", bearer(other), "Authorization", "Basic eDp5");
        assertThat(mixed.status()).isEqualTo(401);
        assertThat(seenPrincipal.get()).isNull();
    }

    // "when it is not exactly one Bearer <token>" + RFC 7235/6750 (the scheme is case-insensitive; "Bearer" 1*SP
    // b64token): a lower-case scheme or a double space is either accepted or refused as invalid_request -- never a
    // server error, never a different principal.
    @ParameterizedTest
    @ValueSource(strings = {"bearer ", "BEARER ", "bEaReR ", "Bearer  "})
    void schemeCaseAndSpacingIsEitherAcceptedOrAnInvalidRequestNeverAnError(String prefix) throws Exception {
        String token = access("user", "42");
        Rt.RtCall call = call("/me", "Authorization", prefix + token);
        assertThat(call.status()).isIn(200, 401);
        if (call.status() == 401) {
            assertThat(call.responseHeader("WWW-Authenticate")).contains("error=\"invalid_request\"");
        } else {
            assertThat(seenPrincipal.get().orElseThrow().subject()).isEqualTo("42");
        }
    }

    // ErrorBody: "Neither ever carries a stack trace, an exception message or a verifier's internal detail." --
    // non-ASCII and gigantic headers are answered with 401, not 500, and never echoed.
    @ParameterizedTest
    @ValueSource(
            strings = {
                "t\u00f6k\u00e9n.\u00e9.\u00e9",
                "\u202e\u0000.a.b",
                "a.b.c\r\nX-Injected: 1",
                "GIANT",
                "GIANT_JWS"
            })
    void hostileBearerValuesAre401AndNeverEchoed(String value) throws Exception {
        String token = switch (value) {
            case "GIANT" -> "A".repeat(1_000_000);
            case "GIANT_JWS" -> "eyJhbGciOiJIUzI1NiJ9." + "A".repeat(500_000) + ".sig";
            default -> value;
        };
        Rt.RtCall call = call("/me", "Authorization", bearer(token));
        assertThat(call.status()).isEqualTo(401);
        Map<String, Object> json = body(call);
        assertThat(json.get("code")).isIn(ErrorBody.UNAUTHENTICATED, ErrorBody.INVALID_TOKEN);
        assertThat(call.body()).hasSizeLessThan(1000);
        assertThat(call.allResponseHeaders().toString()).hasSizeLessThan(2000).doesNotContain("X-Injected");
    }

    // "401 ErrorBody.INVALID_TOKEN / ErrorBody.TOKEN_EXPIRED with error="invalid_token""
    @Test
    void aBadTokenIs401InvalidTokenWithAnInvalidTokenChallenge() throws Exception {
        String token = access("user", "42");
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        Rt.RtCall call = call("/me", "Authorization", bearer(tampered));
        assertThat(call.status()).isEqualTo(401);
        assertThat(body(call)).containsEntry("code", ErrorBody.INVALID_TOKEN);
        assertThat(call.responseHeader("WWW-Authenticate"))
                .startsWith(realmChallenge())
                .contains("error=\"invalid_token\"");
    }

    // "401 ErrorBody.INVALID_TOKEN / ErrorBody.TOKEN_EXPIRED with error="invalid_token"" / TOKEN_EXPIRED: "an expired
    // access token that could not be renewed"
    @Test
    void anExpiredUnrenewableTokenIs401TokenExpired() throws Exception {
        String token = access("user", "42");
        clock.advance(Duration.ofMinutes(5 + 30 + 2));
        Rt.RtCall call = call("/me", "Authorization", bearer(token));
        assertThat(call.status()).isEqualTo(401);
        assertThat(body(call)).containsEntry("code", ErrorBody.TOKEN_EXPIRED);
        assertThat(call.responseHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(call.responseHeader(Authenticator.RENEWED_ACCESS_TOKEN_HEADER))
                .isNull();
    }

    // ErrorBody: "message is a fixed sentence for people" -- two different verification failures of the same code get
    // the very same message (no verifier detail leaks through it).
    @Test
    void theMessageIsAFixedSentencePerCode() throws Exception {
        String good = access("user", "42");
        String badSig = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA";
        SigningKey other = SigningKey.generate("k-other", Algorithm.ES256);
        String unknownKid = TokenIssuer.of(other, settings, clock).accessToken(TokenRequest.of("user", "42"), null);
        String refresh = tokens.login(TokenRequest.of("user", "42")).refreshToken();
        List<String> messages = new ArrayList<>();
        for (String token : List.of(badSig, unknownKid, refresh, "a.b.c")) {
            Rt.RtCall call = call("/me", "Authorization", bearer(token));
            assertThat(call.status()).isEqualTo(401);
            Map<String, Object> json = body(call);
            if (json.get("code").equals(ErrorBody.INVALID_TOKEN)) {
                messages.add((String) json.get("message"));
            }
        }
        assertThat(messages).hasSizeGreaterThanOrEqualTo(2);
        assertThat(messages).containsOnly(messages.get(0));
    }

    // ---------------------------------------------------------------- 403

    // "403 ErrorBody.FORBIDDEN for an entity type the variant does not accept"
    @Test
    void anEntityTheVariantDoesNotAcceptIs403Forbidden() throws Exception {
        Rt.RtCall agentOnUser = call("/me", "Authorization", bearer(access("agent", "a1")));
        Rt.RtCall serviceOnStaff = call("/staff", "Authorization", bearer(access("service", "s1")));
        for (Rt.RtCall call : List.of(agentOnUser, serviceOnStaff)) {
            assertThat(call.status()).isEqualTo(403);
            assertThat(body(call)).containsEntry("code", ErrorBody.FORBIDDEN);
        }
        assertThat(call("/staff", "Authorization", bearer(access("agent", "a1")))
                        .status())
                .isEqualTo(200);
        assertThat(call("/staff", "Authorization", bearer(access("user", "u1"))).status())
                .isEqualTo(200);
    }

    // Authenticator: ""authenticated" (any registered entity)" + "403 ErrorBody.FORBIDDEN for an entity type the
    // variant does not accept"
    @Test
    void anUnregisteredEntityIsRefusedEvenOnAuthenticated() throws Exception {
        Rt.RtCall robot = call("/any", "Authorization", bearer(access("robot", "r1")));
        assertThat(robot.status()).isEqualTo(403);
        assertThat(body(robot)).containsEntry("code", ErrorBody.FORBIDDEN);
        // control: a registered entity (here with a session-less token) passes "authenticated"
        String sessionLess = TokenIssuer.of(key, settings, clock).accessToken(TokenRequest.of("agent", "a9"), null);
        assertThat(call("/any", "Authorization", bearer(sessionLess)).status()).isEqualTo(200);
    }

    // Authenticator.Builder.entityOf: "How a token's entity type is read; the ent claim" / VerifiedToken.entityType():
    // "The "ent" claim, when the token names its entity type" + "403 ErrorBody.FORBIDDEN for an entity type the variant
    // does not accept" -- an ent that is not exactly a registered entity name (type confusion, case, padding) never
    // passes a "user" procedure. The tokens are validly signed by the service's own key (a key this test holds).
    @Test
    void entityClaimTypeConfusionNeverPassesAnEntityVariant() throws Exception {
        java.security.KeyPair pair = Rt.ec("secp256r1");
        SigningKey own = SigningKey.of("own", Algorithm.ES256, pair);
        TokenService ownTokens =
                TokenService.of(own, KeySet.of(own.verificationKey()), SessionStore.inMemory(), settings, clock);
        Authenticator auth = Authenticator.builder(ownTokens)
                .entity("user", t -> t.subject())
                .entity("agent", t -> t.subject())
                .settings(settings)
                .build();
        Pipeline p = Pipeline.builder()
                .recorder(Recorder.of(sink))
                .procedures(Procedures.builder()
                        .route("GET", "/me", Procedure.named("me").withAuth("user"))
                        .build())
                .auth(auth)
                .build();
        String sid = ownTokens.login(TokenRequest.of("user", "42")).sessionId();
        com.nimbusds.jose.crypto.ECDSASigner signer =
                new com.nimbusds.jose.crypto.ECDSASigner((java.security.interfaces.ECPrivateKey) pair.getPrivate());
        java.util.function.Function<Object, String> withEnt = ent -> Rt.forge(
                com.nimbusds.jose.JWSAlgorithm.ES256,
                "own",
                signer,
                clock.instant(),
                h -> {},
                c -> c.issuer(null)
                        .audience((String) null)
                        .claim("ent", ent)
                        .claim("sid", sid)
                        .jwtID(java.util.UUID.randomUUID().toString()));
        // control: a well-formed forged-by-us token with ent=user passes
        Rt.RtCall control = Rt.RtCall.of(p, "GET", "/me")
                .header("Authorization", bearer(withEnt.apply("user")))
                .run(p, Rt.OK);
        assertThat(control.status()).isEqualTo(200);
        for (Object ent : new Object[] {
            List.of("user"),
            List.of("agent", "user"),
            42,
            true,
            Map.of("type", "user"),
            "USER",
            "user ",
            " user",
            "user\u0000",
            "agent,user",
            "",
            null
        }) {
            Rt.RtCall call = Rt.RtCall.of(p, "GET", "/me")
                    .header("Authorization", bearer(withEnt.apply(ent)))
                    .run(p, Rt.OK);
            assertThat(call.status()).as("ent=" + ent).isIn(401, 403);
        }
    }

    // PrincipalLoader.load: "The principal for token, or null to refuse it (the call gets 403 ErrorBody.FORBIDDEN)."
    @Test
    void aPrincipalTheLoaderRefusesIs403Forbidden() throws Exception {
        Rt.RtCall call = call("/me", "Authorization", bearer(access("user", "banned")));
        assertThat(call.status()).isEqualTo(403);
        assertThat(body(call)).containsEntry("code", ErrorBody.FORBIDDEN);
    }

    // PrincipalLoader.load: "An exception fails the call with 500." / ErrorBody.INTERNAL: "details are in its records
    // under the request id, never in the response"
    @Test
    void aLoaderThatThrowsIs500InternalWithoutDetails() throws Exception {
        Rt.RtCall call = call("/svc", "Authorization", bearer(access("service", "boom")), "x-request-id", "req-boom");
        assertThat(call.status()).isEqualTo(500);
        assertThat(body(call)).containsEntry("code", ErrorBody.INTERNAL).containsEntry("requestId", "req-boom");
        assertThat(call.body()).doesNotContain("hunter2").doesNotContain("IllegalStateException");
    }

    // "403 ErrorBody.SESSION_REVOKED for a revoked session"
    @Test
    void aRevokedSessionIs403SessionRevoked() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        tokens.revoke(pair.sessionId());
        Rt.RtCall call = call("/me", "Authorization", bearer(pair.accessToken()));
        assertThat(call.status()).isEqualTo(403);
        assertThat(body(call)).containsEntry("code", ErrorBody.SESSION_REVOKED);
    }

    // "403 ErrorBody.SESSION_REVOKED for a revoked session" -- an expired token of a revoked session is not renewed.
    @Test
    void anExpiredTokenOfARevokedSessionIsNotRenewed() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        tokens.revoke(pair.sessionId());
        clock.advance(Duration.ofMinutes(7));
        Rt.RtCall call = call("/me", "Authorization", bearer(pair.accessToken()));
        assertThat(call.status()).isEqualTo(403);
        assertThat(body(call)).containsEntry("code", ErrorBody.SESSION_REVOKED);
        assertThat(call.responseHeader(Authenticator.RENEWED_ACCESS_TOKEN_HEADER))
                .isNull();
    }

    // ---------------------------------------------------------------- public / unrouted

    // Procedure.PUBLIC: "The auth variant that requires nothing: no token is read."
    @ParameterizedTest
    @ValueSource(strings = {"Bearer garbage", "Basic eDp5", "Bearer", "REVOKED", "EXPIRED"})
    void aPublicProcedureNeverReadsTheToken(String header) throws Exception {
        String value = header;
        if (header.equals("REVOKED")) {
            TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
            tokens.revoke(pair.sessionId());
            value = bearer(pair.accessToken());
        } else if (header.equals("EXPIRED")) {
            String token = access("user", "42");
            clock.advance(Duration.ofMinutes(7));
            value = bearer(token);
        }
        Rt.RtCall call = call("/health", "Authorization", value);
        assertThat(call.status()).isEqualTo(200);
        assertThat(seenPrincipal.get()).isEmpty();
        assertThat(call.responseHeader(Authenticator.RENEWED_ACCESS_TOKEN_HEADER))
                .isNull();
        assertThat(tokens.renewals()).isZero();
    }

    // Procedures: "A call that matches no route is the procedure http.<method> with the default auth variant, so an
    // unrouted path is never public by accident."
    @Test
    void anUnroutedPathRequiresAToken() throws Exception {
        Rt.RtCall call = call("/health/../admin");
        assertThat(call.status()).isEqualTo(401);
        assertThat(call("/nowhere").status()).isEqualTo(401);
        assertThat(pipeline.procedures().resolve("DELETE", "/nowhere").name()).isEqualTo("http.delete");
        assertThat(pipeline.procedures().resolve("DELETE", "/nowhere").authVariant())
                .isEmpty();
    }

    // ---------------------------------------------------------------- success

    // "On success the Principal is on the call, the call context's caller is entity:subject (and its tenant the
    // token's) for the rest of the call"
    @Test
    void onSuccessThePrincipalAndCallerAreSetForTheRestOfTheCallOnly() throws Exception {
        CallContext before = CallContext.current();
        Rt.RtCall call = call("/me", "Authorization", bearer(access("user", "42")));
        assertThat(call.status()).isEqualTo(200);
        Principal principal = seenPrincipal.get().orElseThrow();
        assertThat(principal.entityType()).isEqualTo("user");
        assertThat(principal.subject()).isEqualTo("42");
        assertThat(principal.tenant()).contains("acme");
        assertThat(principal.sessionId()).isPresent();
        assertThat(principal.as(User.class)).isEqualTo(new User("42"));
        assertThat(principal.caller()).isEqualTo("user:42");
        assertThat(seenContext.get().caller()).isEqualTo("user:42");
        assertThat(seenContext.get().tenant()).isEqualTo("acme");
        assertThat(CallContext.current()).isEqualTo(before);
        assertThat(principal.toString()).contains("user").contains("42").doesNotContain("acme");
    }

    // "a token renewed in flight is sent back in the "Renewed-Access-Token" response header"
    @Test
    void aTokenRenewedInFlightIsSentBackInTheRenewedAccessTokenHeader() throws Exception {
        String token = access("user", "42");
        clock.advance(Duration.ofMinutes(7));
        Rt.RtCall call = call("/me", "Authorization", bearer(token));
        assertThat(call.status()).isEqualTo(200);
        assertThat(Authenticator.RENEWED_ACCESS_TOKEN_HEADER).isEqualToIgnoringCase("Renewed-Access-Token");
        String renewed = call.responseHeader("Renewed-Access-Token");
        assertThat(renewed).isNotBlank().isNotEqualTo(token);
        assertThat(tokens.authenticate(renewed).token().subject()).isEqualTo("42");
        Rt.RtCall again = call("/me", "Authorization", bearer(renewed));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.responseHeader("Renewed-Access-Token")).isNull();
    }

    // Authenticator.builder(TokenVerifier): "stateless tokens (e.g. an identity provider's), no renewal." /
    // entityOf: "How a token's entity type is read; the ent claim unless set"
    @Test
    void aVerifierOnlyAuthenticatorNeverRenewsAndHonoursEntityOf() throws Exception {
        TokenVerifier verifier = TokenVerifier.of(KeySet.of(key.verificationKey()), settings, clock);
        Authenticator idp = Authenticator.builder(verifier)
                .entity("service", t -> t.subject())
                .entityOf(t -> Optional.of("service"))
                .settings(settings)
                .build();
        Pipeline p = Pipeline.builder().recorder(Recorder.of(sink)).auth(idp).build();
        String token = access("user", "42");
        Rt.RtCall ok = Rt.RtCall.of(p, "GET", "/x")
                .header("Authorization", bearer(token))
                .run(p, Rt.OK);
        assertThat(ok.status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(7));
        Rt.RtCall expired = Rt.RtCall.of(p, "GET", "/x")
                .header("Authorization", bearer(token))
                .run(p, Rt.OK);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(Rt.json(expired.body())).containsEntry("code", ErrorBody.TOKEN_EXPIRED);
        assertThat(expired.responseHeader(Authenticator.RENEWED_ACCESS_TOKEN_HEADER))
                .isNull();
    }

    // ---------------------------------------------------------------- records

    // ErrorBody: "The code also becomes the error code of the call's operation record." + Pipeline "call-record": "4xx
    // and 5xx complete it as failed with the error body's code"; records never carry the token.
    @Test
    void everyRefusalIsAFailedRecordWithTheBodysCodeAndNoRecordCarriesTheToken() throws Exception {
        TokenPair revoked = tokens.login(TokenRequest.of("user", "9"));
        tokens.revoke(revoked.sessionId());
        String good = access("user", "42");
        String badSig = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA";
        List<String> presented = List.of(good, badSig, revoked.accessToken(), access("agent", "a1"));
        List<Rt.RtCall> calls = List.of(
                call("/me"),
                call("/me", "Authorization", bearer(badSig)),
                call("/me", "Authorization", bearer(revoked.accessToken())),
                call("/me", "Authorization", bearer(presented.get(3))),
                call("/me", "Authorization", bearer(good)));
        List<LogRecord> done = sink.records(r ->
                r.kind() == LogRecord.Kind.OPERATION && !r.isStart() && r.name().equals("me"));
        assertThat(done).hasSize(5);
        for (int i = 0; i < 4; i++) {
            Map<String, Object> json = Rt.json(calls.get(i).body());
            assertThat(done.get(i).status()).isEqualTo(LogRecord.Status.FAILED);
            assertThat(done.get(i).error().code()).isEqualTo(json.get("code"));
        }
        assertThat(done.get(4).status()).isEqualTo(LogRecord.Status.SUCCEEDED);
        // the caller shows in the completed record (its context or its attributes)
        assertThat(java.util.Arrays.asList(
                        done.get(4).context().caller(), done.get(4).attributes().get("caller")))
                .contains("user:42");
        for (LogRecord r : sink.records()) {
            String dump = Rt.dump(r);
            for (String token : presented) {
                for (String part : token.split("\\.")) {
                    assertThat(dump).as(r.name()).doesNotContain(part);
                }
            }
        }
    }

    // ---------------------------------------------------------------- builder rules

    // Authenticator.Builder.entity: "IllegalArgumentException - for a bad or reserved name, or one registered twice"
    @Test
    void entityNamesAreValidated() throws Exception {
        for (String bad : List.of("public", "authenticated", "User", "", "us er", "user:x")) {
            assertThatThrownBy(() -> Authenticator.builder(tokens).entity(bad, t -> t))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() ->
                        Authenticator.builder(tokens).entity("user", t -> t).entity("user", t -> t))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Builder.variant: "IllegalArgumentException - for a bad or reserved name, or no entity types" / build:
    // "IllegalStateException - when no entity is registered, a variant names an unregistered entity type, or the
    // default variant is unknown"
    @Test
    void variantsAndBuildAreValidated() throws Exception {
        assertThatThrownBy(() ->
                        Authenticator.builder(tokens).entity("user", t -> t).variant("staff"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        Authenticator.builder(tokens).entity("user", t -> t).variant("public", "user"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> Authenticator.builder(tokens).settings(settings).build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Authenticator.builder(tokens)
                        .settings(settings)
                        .entity("user", t -> t)
                        .variant("staff", "user", "ghost")
                        .build())
                .isInstanceOf(IllegalStateException.class);
        AuthSettings odd = Rt.settings().defaultVariant("nobody").build();
        assertThatThrownBy(() -> Authenticator.builder(tokens)
                        .settings(odd)
                        .entity("user", t -> t)
                        .build())
                .isInstanceOf(IllegalStateException.class);
        assertThat(authenticator.knows("public")).isTrue();
        assertThat(authenticator.knows("authenticated")).isTrue();
        assertThat(authenticator.knows("staff")).isTrue();
        assertThat(authenticator.knows("agent")).isTrue();
        assertThat(authenticator.knows("admin")).isFalse();
        assertThat(authenticator.variantNames())
                .contains("public", "authenticated", "user", "agent", "service", "staff");
    }

    // Pipeline.Builder.build: "IllegalStateException - when a routed procedure names an auth variant the authenticator
    // does not know, or names one (other than public) while no authenticator is set"
    @Test
    void aPipelineRefusesRoutesWhoseVariantNobodyAnswers() throws Exception {
        Procedures admin = Procedures.builder()
                .route("GET", "/admin", Procedure.named("admin").withAuth("admin"))
                .build();
        assertThatThrownBy(() ->
                        Pipeline.builder().procedures(admin).auth(authenticator).build())
                .isInstanceOf(IllegalStateException.class);
        Procedures user = Procedures.builder()
                .route("GET", "/me", Procedure.named("me").withAuth("user"))
                .build();
        assertThatThrownBy(() -> Pipeline.builder().procedures(user).build()).isInstanceOf(IllegalStateException.class);
        Procedures open = Procedures.builder()
                .route("GET", "/h", Procedure.named("h").withAuth(Procedure.PUBLIC))
                .build();
        assertThat(Pipeline.builder().procedures(open).build().names()).doesNotContain(Pipeline.AUTH);
    }
}
