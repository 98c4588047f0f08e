package dev.corekit.storage.gcs;

import dev.corekit.config.Config;
import dev.corekit.config.Setting;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the Google Cloud Storage provider ({@code corekit.storage.gcs.*}, {@code COREKIT_STORAGE_GCS_*}).
 * Credentials come from Google's Application Default Credentials, never from corekit configuration.
 *
 * @param projectId the project; empty to take the one Application Default Credentials name
 * @param host a JSON-API host override (a test server, a private endpoint); empty for Google itself
 */
public record GcsSettings(Optional<String> projectId, Optional<URI> host) {

    public static final Setting<String> PROJECT_ID = Setting.string("storage.gcs", "project-id", null)
            .require(
                    id -> id.matches("[a-z][a-z0-9-]{4,28}[a-z0-9]"),
                    "a Google Cloud project id: 6-30 lower-case letters, digits or dashes, starting with a letter");
    public static final Setting<URI> HOST = Setting.uri("storage.gcs", "host", null)
            .require(
                    uri -> ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                            && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath())),
                    "an http(s) origin with no path, like http://127.0.0.1:4443");

    public GcsSettings {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(host, "host");
    }

    /** The defaults alone, whatever the environment says. */
    public static GcsSettings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static GcsSettings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static GcsSettings load(Config config) {
        Config.Reader reader = config.reader();
        Optional<String> projectId = reader.find(PROJECT_ID);
        Optional<URI> host = reader.find(HOST);
        return reader.build(() -> new GcsSettings(projectId, host));
    }
}
