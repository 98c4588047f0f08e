package dev.corekit.logging;

import dev.corekit.config.Config;
import dev.corekit.config.Setting;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Settings of the logging API, resolved by {@link Config} (builder, then {@code corekit.logging.*} system properties,
 * {@code COREKIT_LOGGING_*} environment variables, {@code corekit.properties}, defaults). The sinks of the logging
 * binding ({@code core-logging}) have settings of their own in the same {@code logging} area.
 *
 * <pre>{@code
 * LoggingSettings settings = LoggingSettings.custom().redactKeys(List.of("iban")).build();
 * }</pre>
 *
 * @param redactKeys attribute and header names (case-insensitive, matched as substrings, separators ignored) whose
 *     values are redacted: always {@link #DEFAULT_REDACT_KEYS}, plus the keys configured in
 *     {@code corekit.logging.redact-keys} (a configuration can add keys, never switch the defaults off by mistake)
 */
public record LoggingSettings(List<String> redactKeys) {

    public static final List<String> DEFAULT_REDACT_KEYS = List.of(
            "authorization",
            "password",
            "passwd",
            "secret",
            "token",
            "cookie",
            "api-key",
            "apikey",
            "api_key",
            "private-key",
            "credential",
            "session");

    /** Keys redacted in addition to {@link #DEFAULT_REDACT_KEYS}; none by default. */
    public static final Setting<List<String>> REDACT_KEYS = Setting.list("logging", "redact-keys", List.of())
            .require(
                    keys -> keys.stream().allMatch(key -> key.chars().anyMatch(Character::isLetterOrDigit)),
                    "comma-separated key fragments, each with at least one letter or digit (e.g. iban, ssn)");

    public LoggingSettings {
        redactKeys = withDefaultRedactKeys(redactKeys);
    }

    /** The defaults alone, whatever the environment says. */
    public static LoggingSettings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static LoggingSettings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /** A builder whose unset values come from {@link Config#fromEnvironment()}. */
    public static Builder custom() {
        return new Builder(Config.fromEnvironment());
    }

    /** A builder whose unset values come from {@code config}. */
    public static Builder custom(Config config) {
        return new Builder(config);
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static LoggingSettings load(Config config) {
        Config.Reader reader = config.reader();
        List<String> extraRedactKeys = reader.get(REDACT_KEYS);
        return reader.build(() -> new LoggingSettings(extraRedactKeys));
    }

    private static List<String> withDefaultRedactKeys(List<String> extra) {
        LinkedHashSet<String> keys = new LinkedHashSet<>(DEFAULT_REDACT_KEYS);
        keys.addAll(extra);
        return List.copyOf(keys);
    }

    /** Sets values in code; {@link #build()} resolves the rest and validates everything. */
    public static final class Builder {
        private Config config;

        private Builder(Config config) {
            this.config = config;
        }

        /** Keys to redact in addition to {@link #DEFAULT_REDACT_KEYS}. */
        public Builder redactKeys(List<String> keys) {
            config = config.with(REDACT_KEYS, List.copyOf(keys));
            return this;
        }

        /**
         * Resolves and validates every setting.
         *
         * @throws dev.corekit.config.InvalidSettingException naming every bad value
         */
        public LoggingSettings build() {
            return load(config);
        }
    }
}
