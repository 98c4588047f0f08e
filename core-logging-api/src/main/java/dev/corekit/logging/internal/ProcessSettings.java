package dev.corekit.logging.internal;

import dev.corekit.logging.LoggingSettings;
import dev.corekit.logging.Redactor;

/**
 * The one place the process's {@link LoggingSettings} are loaded from the environment, for the recorder and for every
 * logging binding (the Logback encoder and appender build the same redactor). One failure policy: a bad value throws
 * the {@link dev.corekit.config.InvalidSettingException} that names it, and nothing falls back to defaults. Not cached:
 * each component loads once when it starts. Internal to corekit.
 */
public final class ProcessSettings {
    private ProcessSettings() {}

    /** The settings in force now. */
    public static LoggingSettings logging() {
        return LoggingSettings.fromEnvironment();
    }

    /** A redactor for the redact keys in force now. */
    public static Redactor redactor() {
        return Redactor.of(logging().redactKeys());
    }
}
