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
 * <pre>{@code
 * // COREKIT_STORAGE_PROVIDER=gcs  COREKIT_STORAGE_GCS_BUCKET=acme-files
 * }</pre>
 *
 * @param bucket the bucket every file lives in; required, and checked at startup
 * @param projectId the project; empty to take the one Application Default Credentials name
 * @param host a JSON-API host override (a test server, a private endpoint); empty for Google itself
 */
public record GcsSettings(String bucket, Optional<String> projectId, Optional<URI> host) {

    public static final Setting<String> BUCKET = Setting.string("storage.gcs", "bucket", null)
            .require(
                    bucket -> bucket.matches("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]") && !bucket.contains(".."),
                    "a GCS bucket name: 3-222 lower-case letters, digits, '-', '_' and '.'");
    public static final Setting<String> PROJECT_ID = Setting.string("storage.gcs", "project-id", null)
            .require(
                    id -> id.matches("[a-z][a-z0-9-]{4,28}[a-z0-9]"),
                    "a Google Cloud project id: 6-30 lower-case letters, digits or dashes, starting with a letter");
    public static final Setting<URI> HOST = Setting.uri("storage.gcs", "host", null)
            .require(
                    uri -> ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                            // a host and, if any, a numeric port: "http://gcs:port" parses with no host
                            && uri.getHost() != null
                            && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath())),
                    "an http(s) origin with no path, like http://127.0.0.1:4443");

    public GcsSettings {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(host, "host");
    }

    /**
     * The defaults alone, whatever the environment says.
     *
     * @throws dev.corekit.config.InvalidSettingException since the bucket has no default
     */
    public static GcsSettings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad or missing value
     */
    public static GcsSettings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /** A builder whose unset values come from {@link Config#fromEnvironment()}. */
    public static Builder custom() {
        return new Builder(Config.fromEnvironment());
    }

    /** A builder whose unset values come from {@code config}. */
    public static Builder custom(Config config) {
        return new Builder(Objects.requireNonNull(config, "config"));
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad or missing value
     */
    public static GcsSettings load(Config config) {
        Config.Reader reader = config.reader();
        String bucket = reader.get(BUCKET);
        Optional<String> projectId = reader.find(PROJECT_ID);
        Optional<URI> host = reader.find(HOST);
        return reader.build(() -> new GcsSettings(bucket, projectId, host));
    }

    /** Sets values in code; {@link #build()} resolves the rest and validates everything. */
    public static final class Builder {
        private Config config;

        private Builder(Config config) {
            this.config = config;
        }

        public Builder bucket(String bucket) {
            config = config.with(BUCKET, bucket);
            return this;
        }

        public Builder projectId(String projectId) {
            config = config.with(PROJECT_ID, projectId);
            return this;
        }

        public Builder host(URI host) {
            config = config.with(HOST, host);
            return this;
        }

        /**
         * Resolves and validates every setting.
         *
         * @throws dev.corekit.config.InvalidSettingException naming every bad or missing value
         */
        public GcsSettings build() {
            return load(config);
        }
    }
}
