package dev.corekit.query.internal;

import dev.corekit.query.QuerySettings;

/**
 * {@link QuerySettings#fromEnvironment()} resolved once per process, for the defaults of components built without
 * explicit settings (a batch loader's batch size, the cursor key of keyset pages), so that a platform's
 * {@code COREKIT_QUERY_*} variables apply to them with no code in the service.
 */
public final class ProcessSettings {
    private static volatile QuerySettings settings;

    private ProcessSettings() {}

    /**
     * The process's query settings.
     *
     * @throws dev.corekit.config.InvalidSettingException when a query setting in the environment is invalid
     */
    public static QuerySettings get() {
        QuerySettings current = settings;
        if (current == null) {
            current = QuerySettings.fromEnvironment();
            settings = current;
        }
        return current;
    }
}
