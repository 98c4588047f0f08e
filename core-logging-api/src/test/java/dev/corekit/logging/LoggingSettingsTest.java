package dev.corekit.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoggingSettingsTest {
    @Test
    void defaultsNeedNoConfiguration() {
        assertThat(LoggingSettings.ofDefaults().redactKeys())
                .containsExactlyElementsOf(LoggingSettings.DEFAULT_REDACT_KEYS)
                .contains("authorization", "password", "token", "cookie");
    }

    @Test
    void ofDefaultsIgnoresTheEnvironmentAndFromEnvironmentReadsIt() {
        assertThat(LoggingSettings.ofDefaults()).isEqualTo(LoggingSettings.load(Config.defaultsOnly()));
        assertThat(LoggingSettings.fromEnvironment()).isEqualTo(LoggingSettings.load(Config.fromEnvironment()));
    }

    @Test
    void configuredRedactKeysAddToTheDefaultsAndAnEmptyValueKeepsThem() {
        Config extra = Config.of(Map.of(), Map.of("COREKIT_LOGGING_REDACT_KEYS", "iban,ssn"), Map.of());
        assertThat(LoggingSettings.load(extra).redactKeys())
                .containsAll(LoggingSettings.DEFAULT_REDACT_KEYS)
                .contains("iban", "ssn");

        Config empty = Config.of(Map.of(), Map.of("COREKIT_LOGGING_REDACT_KEYS", ""), Map.of());
        assertThat(LoggingSettings.load(empty).redactKeys())
                .containsExactlyElementsOf(LoggingSettings.DEFAULT_REDACT_KEYS);
    }

    @Test
    void aRedactKeyOfSeparatorsOnlyFailsAtLoadNamingKeyValueAndSource() {
        Config separators = Config.of(Map.of(), Map.of("COREKIT_LOGGING_REDACT_KEYS", "ssn, -"), Map.of());

        assertThatThrownBy(() -> LoggingSettings.load(separators))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("corekit.logging.redact-keys = \"ssn, -\"")
                .hasMessageContaining("environment variable COREKIT_LOGGING_REDACT_KEYS")
                .hasMessageContaining("at least one letter or digit");
    }

    @Test
    void builderOverridesTheEnvironment() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_LOGGING_REDACT_KEYS", "iban"), Map.of());

        assertThat(LoggingSettings.custom(config)
                        .redactKeys(List.of("ssn"))
                        .build()
                        .redactKeys())
                .contains("ssn")
                .doesNotContain("iban");
    }
}
