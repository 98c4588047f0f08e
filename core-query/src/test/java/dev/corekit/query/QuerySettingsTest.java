package dev.corekit.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuerySettingsTest {
    @Test
    void defaultsFlagQueriesSlowerThanAHundredMilliseconds() {
        QuerySettings settings = QuerySettings.load(Config.defaultsOnly());

        assertThat(settings.slowQueryThreshold()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.maxTrackedCommands()).isEqualTo(10_000);
    }

    @Test
    void environmentOverridesTheThreshold() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_QUERY_SLOW_QUERY_THRESHOLD", "250ms"), Map.of());

        assertThat(QuerySettings.load(config).slowQueryThreshold()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void unboundedCommandTrackingIsRejected() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_QUERY_MAX_TRACKED_COMMANDS", "5000000"), Map.of());

        assertThatThrownBy(() -> QuerySettings.load(config))
                .hasMessageContaining("corekit.query.max-tracked-commands = \"5000000\"")
                .hasMessageContaining("a whole number from 16 to 1000000");
    }

    @Test
    void defaultsAreClusterReady() {
        QuerySettings settings = QuerySettings.ofDefaults();

        assertThat(settings.mongodbUri()).isEmpty();
        assertThat(settings.writeConcernTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.serverSelectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.maxBatchSize()).isEqualTo(500);
        assertThat(settings.cursorKey()).isEmpty();
    }

    @Test
    void anInFlightExpiryShorterThanTheReadTimeoutIsRejected() {
        assertThatThrownBy(() -> QuerySettings.custom(Config.defaultsOnly())
                        .readTimeout(Duration.ofMinutes(5))
                        .inFlightExpiry(Duration.ofMinutes(1))
                        .build())
                .hasMessageContaining("corekit.query.in-flight-expiry")
                .hasMessageContaining("at least corekit.query.read-timeout");
    }

    @Test
    void aShortCursorKeyIsRejectedWithoutShowingIt() {
        assertThatThrownBy(() -> QuerySettings.custom(Config.defaultsOnly())
                        .cursorKey("short-key-9")
                        .build())
                .hasMessageContaining("corekit.query.cursor-key")
                .hasMessageContaining("at least 32 characters")
                .hasMessageNotContaining("short-key-9");
    }

    @Test
    void aBadUriIsRejectedWithoutShowingIt() {
        Config config =
                Config.of(Map.of(), Map.of("COREKIT_QUERY_MONGODB_URI", "postgres://user:pw-123@db/x"), Map.of());

        assertThatThrownBy(() -> QuerySettings.load(config))
                .hasMessageContaining("corekit.query.mongodb-uri")
                .hasMessageNotContaining("pw-123");
    }
}
