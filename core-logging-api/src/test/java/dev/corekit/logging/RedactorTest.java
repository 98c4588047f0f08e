package dev.corekit.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {
    final Redactor redactor = Redactor.ofDefaults();

    @Test
    void sensitiveKeysMatchIgnoringCaseAndSeparators() {
        assertThat(List.of(
                        "Authorization",
                        "password",
                        "DB_PASSWORD",
                        "x-api-key",
                        "apiKey",
                        "api_key",
                        "Set-Cookie",
                        "refreshToken",
                        "client.secret",
                        "sessionId"))
                .allMatch(redactor::isSensitive);
        assertThat(List.of("user", "items", "path", "status")).noneMatch(redactor::isSensitive);
    }

    @Test
    void verdictsStayRightWhenAskedAgainAndPastTheCachedKeys() {
        Redactor fresh = Redactor.of(List.of("secret"));
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 10_000; i++) {
                assertThat(fresh.isSensitive("k" + i))
                        .as("k%d, round %d", i, round)
                        .isFalse();
                assertThat(fresh.isSensitive("client_secret_" + i))
                        .as("client_secret_%d", i)
                        .isTrue();
            }
        }
        assertThat(fresh.redact("Client-Secret", "s3cr3t")).isEqualTo(Redactor.REDACTED);
    }

    @Test
    void nestedMapsAndListsAreRedacted() {
        Map<String, Object> redacted = redactor.redact(Map.of(
                "headers", Map.of("Cookie", "a=b", "Accept", "json"),
                "calls", List.of(Map.of("token", "t1"), Map.of("id", 2))));

        assertThat(redacted)
                .containsEntry("headers", Map.of("Cookie", Redactor.REDACTED, "Accept", "json"))
                .containsEntry("calls", List.of(Map.of("token", Redactor.REDACTED), Map.of("id", 2)));
    }

    @Test
    void configuredKeysReplaceTheDefaults() {
        Redactor custom = Redactor.of(List.of("iban"));

        assertThat(custom.redact(Map.of("IBAN", "DE00", "password", "x")))
                .containsEntry("IBAN", Redactor.REDACTED)
                .containsEntry("password", "x");
    }

    @Test
    void aKeyWithNoLetterOrDigitIsRejectedNamingIt() {
        assertThatThrownBy(() -> Redactor.of(List.of("token", " - ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redaction key ' - '")
                .hasMessageContaining("no letter or digit");
    }
}
