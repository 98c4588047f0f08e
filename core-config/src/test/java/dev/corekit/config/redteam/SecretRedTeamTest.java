package dev.corekit.config.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.config.Setting;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Red-team checks of Secret: "a secret value ... that never shows itself". */
class SecretRedTeamTest {

    // Doc (Secret): "anything else prints as ****" and MASK: "What a masked value ... prints as."
    @Test
    void plainSecretPrintsAsMask() {
        Secret secret = Secret.of("hunter2");
        assertThat(secret.toString()).isEqualTo(Secret.MASK).isEqualTo("****");
        assertThat(secret.masked()).isEqualTo(Secret.MASK);
        assertThat(String.valueOf(secret)).doesNotContain("hunter2");
        assertThat(String.format("%s|%s", secret, secret)).doesNotContain("hunter2");
    }

    // Doc (Secret.reveal): "The secret itself"
    @Test
    void revealReturnsTheExactValue() {
        String value = "p@ss:w/o?r#d%20 ü \r\n";
        assertThat(Secret.of(value).reveal()).isEqualTo(value);
    }

    // Doc (Secret.of): "Wraps a non-empty secret value."
    @Test
    void emptyOrNullSecretIsRefused() {
        assertThatThrownBy(() -> Secret.of("")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> Secret.of(null)).isInstanceOf(RuntimeException.class);
    }

    // Doc (Secret): "A URI keeps its shape with only the password masked (mongodb://app:****@db:27017/x) so that an
    // operator can still see which endpoint is meant"
    @Test
    void uriKeepsItsEndpointAndMasksThePassword() {
        Secret secret = Secret.of("mongodb://app:s3cr3t@db:27017/x");
        assertThat(secret.toString())
                .doesNotContain("s3cr3t")
                .contains("db:27017")
                .startsWith("mongodb://");
        assertThat(secret.masked()).isEqualTo(secret.toString());
    }

    // Doc (Secret): "a secret can sit in a settings record, a log line or an exception message without leaking." -
    // passwords full of URI delimiters (raw and percent-encoded) must not leak any part.
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "mongodb://app:p%40ss%2Fw0rd%3F%23@db:27017/x | w0rd",
                "mongodb://app:p%40ss%2Fw0rd%3F%23@db:27017/x | p%40ss",
                "mongodb://app:pa/ss?wo#rd@db:27017/x | wo#rd",
                "mongodb://app:pa/ss?wo#rd@db:27017/x | pa/ss",
                "mongodb://app:pa:ss:word@db:27017/x | ss:word",
                "mongodb://app:a@b@c@db:27017/x | a@b@c",
                "postgres://user:%E2%82%ACuro%25@h/db | uro",
                "amqp://guest:пароль@rabbit:5672/vh | пароль",
                "redis://:onlypassword@cache:6379 | onlypassword",
                "https://user:top secret@host/path | top secret",
            })
    void passwordWithDelimitersNeverLeaksAnyPart(String uri, String fragment) {
        Secret secret = Secret.of(uri);
        assertThat(secret.toString()).doesNotContain(fragment.trim());
        assertThat(secret.masked()).doesNotContain(fragment.trim());
    }

    // Doc (README): "mongodb://****@mongo-0,mongo-1/?****: the whole user info and query are masked, even in a URI that
    // cannot be parsed" (a multi-host MongoDB URI is not a java.net.URI with a server authority)
    @Test
    void multiHostMongoUriMasksUserInfoAndQuery() {
        Secret secret = Secret.of("mongodb://logs:hunter2@mongo-0,mongo-1/?replicaSet=rs0&authSource=admin");
        assertThat(secret.toString())
                .doesNotContain("hunter2")
                .doesNotContain("logs:")
                .doesNotContain("replicaSet=rs0")
                .contains("mongo-0,mongo-1");
    }

    // Doc (README): "the whole user info and query are masked" - a query carrying a token must not show.
    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://api.example.com/v1/hook?token=abc123SECRET",
                "https://api.example.com/v1/hook?a=1&sig=abc123SECRET",
                "s3://bucket/key?X-Amz-Signature=abc123SECRET"
            })
    void queryIsMasked(String uri) {
        assertThat(Secret.of(uri).toString()).doesNotContain("abc123SECRET");
    }

    // Doc (README): "the whole user info ... [is] masked" - user info without a password (a bare token) is masked too.
    @Test
    void userInfoWithoutPasswordIsMasked() {
        Secret secret = Secret.of("https://ghp_TOKEN1234567890@github.com/org/repo.git");
        assertThat(secret.toString()).doesNotContain("ghp_TOKEN1234567890").contains("github.com");
    }

    // Doc (README): "even in a URI that cannot be parsed"
    @ParameterizedTest
    @ValueSource(
            strings = {
                "mongodb://app:s3cr3tPW@[bad host/x",
                "mongodb+srv://app:s3cr3tPW@cluster0.mongodb.net/?retryWrites=true",
                "jdbc:mysql://app:s3cr3tPW@db:3306/x",
                "mongodb://app:s3cr3tPW@db:27017/x\r\nInjected: yes",
                "mongodb://app:s3cr3tPW@db:port/x"
            })
    void unparseableUriWithCredentialsStillMasksThem(String uri) {
        assertThat(Secret.of(uri).toString()).doesNotContain("s3cr3tPW");
    }

    // Doc (Secret): "anything else prints as ****" - things that merely look a bit like URIs.
    @ParameterizedTest
    @ValueSource(strings = {"user:password@host", "Bearer eyJhbGciOi.secret.sig", "://:@?#", "a@b", "@@@@"})
    void nonUriSecretsPrintOnlyTheMask(String value) {
        Secret secret = Secret.of(value);
        assertThat(secret.toString()).doesNotContain(value);
        if (!value.contains("://")) {
            assertThat(secret.toString()).isEqualTo(Secret.MASK);
        }
    }

    // Doc (Setting.secret(area, key)): "A secret string: never shown in toString(), logs or error messages." - the
    // resolved value's holder (Resolved, the startup line) must not show it.
    @Test
    void resolvedSecretSettingDoesNotShowTheValue() {
        Setting<Secret> password = Setting.secret("redteam", "db-password");
        Config config = Config.of(Map.of(), Map.of(password.envName(), "Tr0ub4dor&3"), Map.of());
        assertThat(config.get(password).reveal()).isEqualTo("Tr0ub4dor&3");
        assertThat(config.resolve(password).toString()).doesNotContain("Tr0ub4dor");
        assertThat(config.get(password).toString()).doesNotContain("Tr0ub4dor");
    }

    // Doc (Secret): "a secret can sit in ... an exception message without leaking."
    @Test
    void secretInAnExceptionMessageDoesNotLeak() {
        Secret secret = Secret.of("mongodb://app:s3cr3t@db:27017/x?tls=true");
        RuntimeException e = new IllegalStateException("cannot connect to " + secret);
        assertThat(e.getMessage()).doesNotContain("s3cr3t");
        assertThat(e.toString()).doesNotContain("s3cr3t");
    }
}
