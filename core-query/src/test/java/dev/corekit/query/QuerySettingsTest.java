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
}
