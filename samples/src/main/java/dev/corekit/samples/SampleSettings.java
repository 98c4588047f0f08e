package dev.corekit.samples;

import dev.corekit.config.Config;
import dev.corekit.config.Setting;

/**
 * Settings of the sample service itself ({@code corekit.sample.*}, {@code COREKIT_SAMPLE_*}), resolved like every
 * corekit setting: builder, system property, environment variable, {@code corekit.properties}, default. The modules it
 * uses read their own ({@code COREKIT_QUERY_MONGODB_URI}, {@code COREKIT_MESSAGING_URI}, {@code COREKIT_STORAGE_*},
 * ...); see the sample's README.
 *
 * @param bindAddress the address the HTTP server listens on; loopback unless set ({@code 0.0.0.0} in a container)
 * @param port the HTTP port; 0 picks a free one
 * @param serve whether to keep serving after the walk-through until the process is stopped; by default the sample runs
 *     its walk-through and exits
 */
public record SampleSettings(String bindAddress, int port, boolean serve) {
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final boolean DEFAULT_SERVE = false;

    /** The address the HTTP server listens on. */
    public static final Setting<String> BIND_ADDRESS = Setting.string("sample", "bind-address", DEFAULT_BIND_ADDRESS)
            .require(address -> !address.isBlank(), "a host name or IP address like 0.0.0.0");
    /** The HTTP port; 0 picks a free one. */
    public static final Setting<Integer> PORT = Setting.integer("sample", "port", DEFAULT_PORT, 0, 65_535);
    /** Keep serving after the walk-through ({@code -Dcorekit.sample.serve=true} or {@code COREKIT_SAMPLE_SERVE=true}). */
    public static final Setting<Boolean> SERVE = Setting.bool("sample", "serve", DEFAULT_SERVE);

    /** The settings in force for this process. */
    public static SampleSettings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static SampleSettings load(Config config) {
        Config.Reader reader = config.reader();
        String bindAddress = reader.get(BIND_ADDRESS);
        Integer port = reader.get(PORT);
        Boolean serve = reader.get(SERVE);
        return reader.build(() -> new SampleSettings(bindAddress, port, serve));
    }
}
