package dev.corekit.storage;

import dev.corekit.config.Config;
import dev.corekit.config.Setting;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of core-storage ({@code corekit.storage.*}, {@code COREKIT_STORAGE_*}). Swapping providers is a change of
 * {@code corekit.storage.provider}, nothing else.
 *
 * @param provider where files live; {@link Provider#LOCAL} is the embedded default
 * @param localRoot the directory of the local provider
 * @param publicBaseUrl the CDN base that public file URLs are built from; empty when the service serves no public files
 * @param signedUrlMaxTtl the cap on any signed URL's lifetime, whatever a caller asks for
 */
public record StorageSettings(
        Provider provider, Path localRoot, Optional<URI> publicBaseUrl, Duration signedUrlMaxTtl) {

    /** The storage providers corekit ships. */
    public enum Provider {
        LOCAL,
        S3,
        GCS
    }

    public static final Provider DEFAULT_PROVIDER = Provider.LOCAL;
    public static final Path DEFAULT_LOCAL_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "corekit-storage");
    public static final Duration DEFAULT_SIGNED_URL_MAX_TTL = Duration.ofMinutes(15);
    /** SigV4 presigned URLs cannot outlive seven days; no provider gets a longer cap. */
    public static final Duration LONGEST_SIGNED_URL_TTL = Duration.ofDays(7);

    public static final Setting<Provider> PROVIDER =
            Setting.oneOf("storage", "provider", Provider.class, DEFAULT_PROVIDER);
    public static final Setting<Path> LOCAL_ROOT = Setting.path("storage", "local-root", DEFAULT_LOCAL_ROOT);
    public static final Setting<URI> PUBLIC_BASE_URL = Setting.uri("storage", "public-base-url", null)
            .require(
                    uri -> ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                            && uri.getRawQuery() == null,
                    "an http(s) URL with no query, like https://cdn.example.com/files");
    public static final Setting<Duration> SIGNED_URL_MAX_TTL = Setting.duration(
                    "storage", "signed-url-max-ttl", DEFAULT_SIGNED_URL_MAX_TTL)
            .between(Duration.ofSeconds(1), LONGEST_SIGNED_URL_TTL);

    public StorageSettings {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(localRoot, "localRoot");
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        Objects.requireNonNull(signedUrlMaxTtl, "signedUrlMaxTtl");
    }

    /** The defaults alone, whatever the environment says. */
    public static StorageSettings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static StorageSettings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static StorageSettings load(Config config) {
        Config.Reader reader = config.reader();
        Provider provider = reader.get(PROVIDER);
        Path localRoot = reader.get(LOCAL_ROOT);
        Optional<URI> publicBaseUrl = reader.find(PUBLIC_BASE_URL);
        Duration maxTtl = reader.get(SIGNED_URL_MAX_TTL);
        return reader.build(() -> new StorageSettings(provider, localRoot, publicBaseUrl, maxTtl));
    }
}
