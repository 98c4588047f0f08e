package dev.corekit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {
    private static TestCall from(String origin) {
        return TestCall.get("/x").withHeader("Origin", origin);
    }

    private static TestCall run(CorsPolicy cors, TestCall call) throws Exception {
        Pipeline.of(cors).handle(call, c -> ((TestCall) c).status(200));
        return call;
    }

    @Test
    void credentialsEchoTheExactOriginAndAreNeverCombinedWithAWildcard() throws Exception {
        CorsPolicy cors = CorsPolicy.builder()
                .allowOrigins("https://app.example.com")
                .allowCredentials(true)
                .build();

        TestCall call = run(cors, from("https://app.example.com"));

        assertThat(call.responseHeader("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(call.responseHeader("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThatThrownBy(() -> CorsPolicy.builder()
                        .allowOrigins("*")
                        .allowCredentials(true)
                        .build())
                .hasMessageContaining("credentials cannot be allowed for any origin");
        assertThatThrownBy(() -> AuthSettings.load(Config.of(
                        java.util.Map.of(
                                "corekit.auth.cors-allowed-origins",
                                "*",
                                "corekit.auth.cors-allow-credentials",
                                "true"),
                        java.util.Map.of(),
                        java.util.Map.of())))
                .hasMessageContaining("corekit.auth.cors-allowed-origins");
    }

    @Test
    void aWildcardWithoutCredentialsAnswersStar() throws Exception {
        TestCall call = run(CorsPolicy.builder().allowOrigins("*").build(), from("https://any.example.com"));

        assertThat(call.responseHeader("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(call.responseHeader("Access-Control-Allow-Credentials")).isNull();
    }

    @Test
    void everyResponseVariesByOriginAndForeignOriginsGetNoCorsHeaders() throws Exception {
        CorsPolicy cors = CorsPolicy.of(AuthSettings.custom(Config.defaultsOnly())
                .corsAllowedOrigins(List.of("https://app.example.com"))
                .build());

        TestCall plain = run(cors, TestCall.get("/x"));
        TestCall foreign = run(cors, from("https://evil.example.com"));

        assertThat(plain.responseHeader("Vary")).isEqualTo("Origin");
        assertThat(foreign.responseHeader("Vary")).isEqualTo("Origin");
        assertThat(foreign.responseHeader("Access-Control-Allow-Origin")).isNull();
        assertThat(foreign.status()).isEqualTo(200);
    }

    @Test
    void aPreflightForAMethodOrHeaderNotAllowedIsRefused() throws Exception {
        CorsPolicy cors = CorsPolicy.builder()
                .allowOrigins("https://app.example.com")
                .allowMethods("GET")
                .build();

        TestCall method =
                run(cors, from("https://app.example.com").withHeader("Access-Control-Request-Method", "DELETE"));
        TestCall header = run(
                cors,
                new TestCall("OPTIONS", "/x", Procedure.named("x"))
                        .withHeader("Origin", "https://app.example.com")
                        .withHeader("Access-Control-Request-Method", "GET")
                        .withHeader("Access-Control-Request-Headers", "x-secret-header"));

        assertThat(method.status()).isEqualTo(200); // a GET carrying the header is no preflight
        assertThat(header.status()).isEqualTo(403);
        assertThat(header.body()).contains("ORIGIN_NOT_ALLOWED");
    }
}
