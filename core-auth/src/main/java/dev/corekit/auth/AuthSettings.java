package dev.corekit.auth;

import dev.corekit.config.Config;
import dev.corekit.config.Setting;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of core-auth ({@code corekit.auth.*}, {@code COREKIT_AUTH_*}).
 *
 * @param clockSkew the one tolerance applied to a token's {@code exp}, {@code nbf} and {@code iat}
 * @param slowCallThreshold a call still running after this gets a slow-call record, while it runs
 * @param hungCallThreshold a call still running after this gets a hung-call record; longer than the slow threshold
 */
public record AuthSettings(Duration clockSkew, Duration slowCallThreshold, Duration hungCallThreshold) {

    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SLOW_CALL_THRESHOLD = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HUNG_CALL_THRESHOLD = Duration.ofSeconds(30);

    public static final Setting<Duration> CLOCK_SKEW =
            Setting.duration("auth", "clock-skew", DEFAULT_CLOCK_SKEW).between(Duration.ZERO, Duration.ofMinutes(5));
    public static final Setting<Duration> SLOW_CALL_THRESHOLD = Setting.duration(
                    "auth", "slow-call-threshold", DEFAULT_SLOW_CALL_THRESHOLD)
            .between(Duration.ofMillis(1), Duration.ofHours(1));
    public static final Setting<Duration> HUNG_CALL_THRESHOLD = Setting.duration(
                    "auth", "hung-call-threshold", DEFAULT_HUNG_CALL_THRESHOLD)
            .between(Duration.ofMillis(2), Duration.ofHours(24));

    public AuthSettings {
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(slowCallThreshold, "slowCallThreshold");
        Objects.requireNonNull(hungCallThreshold, "hungCallThreshold");
    }

    /** The defaults alone, whatever the environment says. */
    public static AuthSettings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static AuthSettings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static AuthSettings load(Config config) {
        Config.Reader reader = config.reader();
        Duration skew = reader.get(CLOCK_SKEW);
        Duration slow = reader.get(SLOW_CALL_THRESHOLD);
        Duration hung = reader.get(HUNG_CALL_THRESHOLD);
        if (slow != null && hung != null && hung.compareTo(slow) <= 0) {
            reader.reject(
                    HUNG_CALL_THRESHOLD,
                    hung,
                    "longer than " + SLOW_CALL_THRESHOLD.propertyName() + " (" + SLOW_CALL_THRESHOLD.display(slow)
                            + ")");
        }
        return reader.build(() -> new AuthSettings(skew, slow, hung));
    }
}
