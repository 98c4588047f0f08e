package dev.corekit.query;

import dev.corekit.config.Config;
import dev.corekit.config.Setting;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of core-query ({@code corekit.query.*}, {@code COREKIT_QUERY_*}).
 *
 * @param slowQueryThreshold a command slower than this gets a slow-query record with its redacted filter shape
 * @param maxTrackedCommands in-flight commands the monitor remembers at once; beyond it, the oldest are forgotten and
 *     counted, so a burst can never exhaust memory
 */
public record QuerySettings(Duration slowQueryThreshold, int maxTrackedCommands) {

    public static final Duration DEFAULT_SLOW_QUERY_THRESHOLD = Duration.ofMillis(100);
    public static final int DEFAULT_MAX_TRACKED_COMMANDS = 10_000;

    public static final Setting<Duration> SLOW_QUERY_THRESHOLD = Setting.duration(
                    "query", "slow-query-threshold", DEFAULT_SLOW_QUERY_THRESHOLD)
            .between(Duration.ofMillis(1), Duration.ofMinutes(10));
    public static final Setting<Integer> MAX_TRACKED_COMMANDS =
            Setting.integer("query", "max-tracked-commands", DEFAULT_MAX_TRACKED_COMMANDS, 16, 1_000_000);

    public QuerySettings {
        Objects.requireNonNull(slowQueryThreshold, "slowQueryThreshold");
    }

    /** The defaults alone, whatever the environment says. */
    public static QuerySettings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static QuerySettings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static QuerySettings load(Config config) {
        Config.Reader reader = config.reader();
        Duration slow = reader.get(SLOW_QUERY_THRESHOLD);
        Integer tracked = reader.get(MAX_TRACKED_COMMANDS);
        return reader.build(() -> new QuerySettings(slow, tracked));
    }
}
