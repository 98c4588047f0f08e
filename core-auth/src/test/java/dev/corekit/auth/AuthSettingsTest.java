package dev.corekit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {
    @Test
    void defaultsAllowAMinuteOfSkewAndFlagSlowCallsAfterASecond() {
        AuthSettings settings = AuthSettings.load(Config.defaultsOnly());

        assertThat(settings.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.slowCallThreshold()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.hungCallThreshold()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void hungThresholdNotAboveSlowThresholdIsRejected() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_AUTH_SLOW_CALL_THRESHOLD", "45s"), Map.of());

        assertThatThrownBy(() -> AuthSettings.load(config))
                .hasMessage("invalid corekit setting: corekit.auth.hung-call-threshold = \"30s\" (from default):"
                        + " allowed: longer than corekit.auth.slow-call-threshold (45s)");
    }

    @Test
    void skewBeyondFiveMinutesIsRejected() {
        Config config = Config.of(Map.of("corekit.auth.clock-skew", "10m"), Map.of(), Map.of());

        assertThatThrownBy(() -> AuthSettings.load(config)).hasMessageContaining("from 0s to 5m");
    }
}
