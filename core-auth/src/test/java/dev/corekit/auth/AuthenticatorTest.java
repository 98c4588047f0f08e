package dev.corekit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.auth.session.SessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenPair;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.config.Config;
import dev.corekit.context.CallContext;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final AuthSettings settings =
            AuthSettings.custom(Config.defaultsOnly()).build();
    private final SigningKey key = SigningKey.generate("k1", Algorithm.HS256);
    private final TokenService tokens =
            TokenService.of(key, KeySet.of(key.verificationKey()), SessionStore.inMemory(), settings, clock);
    private final Authenticator auth = Authenticator.builder(tokens)
            .entity("user", token -> token.subject().equals("banned") ? null : "User " + token.subject())
            .entity("agent", token -> "Agent " + token.subject())
            .entity("service", token -> "Service " + token.subject())
            .variant("staff", "user", "agent")
            .settings(settings)
            .build();
    private final InMemorySink sink = new InMemorySink();
    private final Pipeline pipeline =
            Pipeline.builder().recorder(Recorder.of(sink)).auth(auth).build();
    private final List<String> served = new ArrayList<>();

    private TestCall call(String variant, String authorization) {
        Procedure procedure = Procedure.named("p");
        TestCall call = new TestCall("GET", "/p", variant == null ? procedure : procedure.withAuth(variant));
        return authorization == null ? call : call.withHeader("Authorization", authorization);
    }

    private TestCall run(TestCall call) throws Exception {
        pipeline.handle(call, c -> {
            served.add(c.principal()
                    .map(p -> p.value() + " as " + CallContext.current().caller())
                    .orElse("anonymous"));
            ((TestCall) c).status(200);
        });
        return call;
    }

    private String bearer(String entity, String subject) {
        return "Bearer " + tokens.login(TokenRequest.of(entity, subject)).accessToken();
    }

    @Test
    void eachEntityTypeIsAFactoryEntryAndTheCallRunsAsItsPrincipal() throws Exception {
        run(call("user", bearer("user", "42")));
        run(call("staff", bearer("agent", "7")));
        run(call(null, bearer("service", "billing")));

        assertThat(served)
                .containsExactly("User 42 as user:42", "Agent 7 as agent:7", "Service billing as service:billing");
    }

    @Test
    void publicProceduresReadNoToken() throws Exception {
        TestCall call = run(call(Procedure.PUBLIC, "Bearer garbage"));

        assertThat(call.status()).isEqualTo(200);
        assertThat(served).containsExactly("anonymous");
    }

    @Test
    void noCredentialsIs401WithABearerChallengeAndAStableBody() throws Exception {
        TestCall call = run(call("user", null).withHeader("x-request-id", "r1"));

        assertThat(call.status()).isEqualTo(401);
        assertThat(call.responseHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
        assertThat(call.body())
                .isEqualTo(
                        "{\"code\":\"UNAUTHENTICATED\",\"message\":\"An access token is required.\",\"requestId\":\"r1\"}");
        assertThat(served).isEmpty();
    }

    @Test
    void aMalformedAuthorizationHeaderIs401InvalidRequest() throws Exception {
        for (String header :
                List.of("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b", "Bearer tok\u00e9n", "Token abc")) {
            TestCall call = run(call("user", header));
            assertThat(call.status()).as(header).isEqualTo(401);
            assertThat(call.responseHeader("WWW-Authenticate")).contains("error=\"invalid_request\"");
            assertThat(call.body()).contains("\"code\":\"UNAUTHENTICATED\"");
        }
        TestCall twice = run(call("user", bearer("user", "1")).withHeader("Authorization", bearer("user", "2")));
        assertThat(twice.status()).isEqualTo(401);
        assertThat(served).isEmpty();
    }

    @Test
    void anInvalidTokenIs401WithoutTheVerifiersMessage() throws Exception {
        String token = bearer("user", "42");
        TestCall call = run(call("user", token.substring(0, token.length() - 3) + "abc"));

        assertThat(call.status()).isEqualTo(401);
        assertThat(call.responseHeader("WWW-Authenticate"))
                .isEqualTo(
                        "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"The access token is invalid.\"");
        assertThat(call.body()).contains("\"code\":\"INVALID_TOKEN\"").doesNotContain("signature");
        LogRecord record = sink.records(r -> !r.isStart()).get(0);
        assertThat(record.error().code()).isEqualTo("INVALID_TOKEN");
        assertThat(record.attributes()).containsEntry("auth.rejected", "signature does not verify");
    }

    @Test
    void aWrongEntityOrARefusedPrincipalIs403() throws Exception {
        TestCall agentOnUser = run(call("user", bearer("agent", "7")));
        TestCall banned = run(call("user", bearer("user", "banned")));

        assertThat(agentOnUser.status()).isEqualTo(403);
        assertThat(agentOnUser.body()).contains("\"code\":\"FORBIDDEN\"");
        assertThat(banned.status()).isEqualTo(403);
        assertThat(served).isEmpty();
    }

    @Test
    void aRevokedSessionIs403() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        tokens.revoke(pair.sessionId());

        TestCall call = run(call("user", "Bearer " + pair.accessToken()));

        assertThat(call.status()).isEqualTo(403);
        assertThat(call.body()).contains("\"code\":\"SESSION_REVOKED\"");
    }

    @Test
    void anExpiredTokenOfALiveSessionProceedsAndTheResponseCarriesTheRenewedToken() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        now.set(now.get().plus(Duration.ofMinutes(30)));

        TestCall call = run(call("user", "Bearer " + pair.accessToken()));

        assertThat(call.status()).isEqualTo(200);
        String renewed = call.responseHeader(Authenticator.RENEWED_ACCESS_TOKEN_HEADER);
        assertThat(tokens.verifier().verify(renewed).subject()).isEqualTo("42");
        assertThat(sink.records(r -> !r.isStart()).get(0).attributes()).containsEntry("auth.renewed", true);
    }

    @Test
    void anExpiredTokenWithoutLiveSessionIs401Expired() throws Exception {
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        now.set(now.get().plus(Duration.ofDays(2)));

        TestCall call = run(call("user", "Bearer " + pair.accessToken()));

        assertThat(call.status()).isEqualTo(401);
        assertThat(call.body()).contains("\"code\":\"TOKEN_EXPIRED\"");
    }

    @Test
    void unknownVariantsAndEntitiesFailAtStartupNotAtTheFirstCall() {
        Procedures procedures = Procedures.builder()
                .route("GET", "/x", Procedure.named("x").withAuth("admins"))
                .build();

        assertThatThrownBy(() ->
                        Pipeline.builder().procedures(procedures).auth(auth).build())
                .hasMessageContaining("requires the unknown auth variant 'admins'");
        assertThatThrownBy(() -> Authenticator.builder(tokens)
                        .entity("user", t -> t)
                        .variant("staff", "admin")
                        .settings(settings)
                        .build())
                .hasMessageContaining("unregistered entity type 'admin'");
        assertThatThrownBy(() -> Authenticator.builder(tokens).entity("public", t -> t))
                .hasMessageContaining("built-in variant");
    }

    @Test
    void theAuthInterceptorRunsAfterContextRecordAndBeforeServiceInterceptors() {
        Pipeline withService = Pipeline.builder()
                .auth(auth)
                .add(Pipeline.of())
                .recorder(Recorder.of(sink))
                .build();

        assertThat(withService.names().subList(0, 3))
                .containsExactly(Pipeline.REQUEST_CONTEXT, Pipeline.CALL_RECORD, Pipeline.AUTH);
    }
}
