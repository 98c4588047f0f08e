package dev.corekit.storage;

import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.config.Setting;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of core-storage ({@code corekit.storage.*}, {@code COREKIT_STORAGE_*}). Swapping providers is a change of
 * {@code corekit.storage.provider}, nothing else; each provider module reads its own settings
 * ({@code corekit.storage.s3.*}, {@code corekit.storage.gcs.*}).
 *
 * <pre>{@code
 * StorageSettings settings = StorageSettings.custom()
 *         .provider(StorageSettings.Provider.S3)
 *         .publicBaseUrl(URI.create("https://cdn.example.com"))
 *         .build();
 * }</pre>
 *
 * <p>Public and private files live in one bucket (or directory) under two disjoint prefixes: a CDN serves the public
 * prefix (its origin path is the public prefix, so {@code public-base-url + "/" + key} is a file's URL), and nothing
 * under the private prefix is reachable except through signed URLs.
 *
 * @param provider where files live; {@link Provider#LOCAL} is the embedded default
 * @param localRoot the directory of the local provider
 * @param publicBaseUrl the CDN base that public file URLs are built from; empty when the service serves no public files
 * @param signedUrlMaxTtl the cap on any signed URL's lifetime, whatever a caller asks for
 * @param publicPrefix the object-key prefix of public files (ends with {@code /})
 * @param privatePrefix the object-key prefix of private files (ends with {@code /})
 * @param publicCacheControl the {@code Cache-Control} stored with every public file
 * @param partSizeMib the size of one multipart part (S3) or resumable chunk (GCS), in MiB: the memory one upload holds
 * @param retryMaxAttempts attempts of a retryable storage call, the first included ({@code 1} = no retry)
 * @param retryInitialBackoff the wait before the first retry; it doubles with each further retry
 * @param localUrl where {@link dev.corekit.storage.local.LocalFilesHandler} is mounted: the base of the local
 *     provider's signed and public URLs
 * @param localSigningKey the HMAC key of the local provider's signed URLs; empty for a random key per process (URLs
 *     then die with the process)
 */
public record StorageSettings(
        Provider provider,
        Path localRoot,
        Optional<URI> publicBaseUrl,
        Duration signedUrlMaxTtl,
        String publicPrefix,
        String privatePrefix,
        String publicCacheControl,
        int partSizeMib,
        int retryMaxAttempts,
        Duration retryInitialBackoff,
        URI localUrl,
        Optional<Secret> localSigningKey) {

    /** The storage providers corekit ships. */
    public enum Provider {
        LOCAL,
        S3,
        GCS;

        /** The name as {@code corekit.storage.provider} spells it: {@code local}, {@code s3}, {@code gcs}. */
        public String settingValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final Provider DEFAULT_PROVIDER = Provider.LOCAL;
    public static final Path DEFAULT_LOCAL_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "corekit-storage");
    public static final Duration DEFAULT_SIGNED_URL_MAX_TTL = Duration.ofMinutes(15);
    /** SigV4 presigned URLs cannot outlive seven days (GCS V4 ones fail beyond it); no provider gets a longer cap. */
    public static final Duration LONGEST_SIGNED_URL_TTL = Duration.ofDays(7);

    public static final String DEFAULT_PUBLIC_PREFIX = "public/";
    public static final String DEFAULT_PRIVATE_PREFIX = "private/";
    /** One year, and never revalidated: a public key names one content forever. */
    public static final String DEFAULT_PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable";
    /** 8 MiB: S3's minimum part is 5 MiB, GCS chunks are multiples of 256 KiB. */
    public static final int DEFAULT_PART_SIZE_MIB = 8;

    public static final int DEFAULT_RETRY_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_RETRY_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final URI DEFAULT_LOCAL_URL = URI.create("http://localhost:8080/files");

    public static final Setting<Provider> PROVIDER =
            Setting.oneOf("storage", "provider", Provider.class, DEFAULT_PROVIDER);
    public static final Setting<Path> LOCAL_ROOT = Setting.path("storage", "local-root", DEFAULT_LOCAL_ROOT);
    public static final Setting<URI> PUBLIC_BASE_URL = Setting.uri("storage", "public-base-url", null)
            .require(StorageSettings::isHttpBase, "an http(s) URL with no query, like https://cdn.example.com/files");
    public static final Setting<Duration> SIGNED_URL_MAX_TTL = Setting.duration(
                    "storage", "signed-url-max-ttl", DEFAULT_SIGNED_URL_MAX_TTL)
            .between(Duration.ofSeconds(1), LONGEST_SIGNED_URL_TTL);
    private static final String PREFIX_RULE =
            "segments of letters, digits, '-', '_' and '.' (not first), each ending in '/', like public/";

    public static final Setting<String> PUBLIC_PREFIX = Setting.string(
                    "storage", "public-prefix", DEFAULT_PUBLIC_PREFIX)
            .require(StorageSettings::isPrefix, PREFIX_RULE);
    public static final Setting<String> PRIVATE_PREFIX = Setting.string(
                    "storage", "private-prefix", DEFAULT_PRIVATE_PREFIX)
            .require(StorageSettings::isPrefix, PREFIX_RULE);
    public static final Setting<String> PUBLIC_CACHE_CONTROL = Setting.string(
                    "storage", "public-cache-control", DEFAULT_PUBLIC_CACHE_CONTROL)
            .require(
                    value -> !value.isBlank() && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f),
                    "a Cache-Control header value in printable ASCII");
    public static final Setting<Integer> PART_SIZE_MIB =
            Setting.integer("storage", "part-size-mib", DEFAULT_PART_SIZE_MIB, 5, 512);
    public static final Setting<Integer> RETRY_MAX_ATTEMPTS =
            Setting.integer("storage", "retry-max-attempts", DEFAULT_RETRY_MAX_ATTEMPTS, 1, 10);
    public static final Setting<Duration> RETRY_INITIAL_BACKOFF = Setting.duration(
                    "storage", "retry-initial-backoff", DEFAULT_RETRY_INITIAL_BACKOFF)
            .between(Duration.ofMillis(1), Duration.ofSeconds(30));
    public static final Setting<URI> LOCAL_URL = Setting.uri("storage", "local-url", DEFAULT_LOCAL_URL)
            .require(StorageSettings::isHttpBase, "an http(s) URL with no query, like http://localhost:8080/files");
    public static final Setting<Secret> LOCAL_SIGNING_KEY = Setting.secret("storage", "local-signing-key")
            .require(key -> key.reveal().length() >= 32, "at least 32 characters of secret text");

    public StorageSettings {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(localRoot, "localRoot");
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        Objects.requireNonNull(signedUrlMaxTtl, "signedUrlMaxTtl");
        Objects.requireNonNull(publicPrefix, "publicPrefix");
        Objects.requireNonNull(privatePrefix, "privatePrefix");
        Objects.requireNonNull(publicCacheControl, "publicCacheControl");
        Objects.requireNonNull(retryInitialBackoff, "retryInitialBackoff");
        Objects.requireNonNull(localUrl, "localUrl");
        Objects.requireNonNull(localSigningKey, "localSigningKey");
    }

    /** The size of one multipart part or resumable chunk, in bytes. */
    public int partSizeBytes() {
        return partSizeMib * 1024 * 1024;
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
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static StorageSettings load(Config config) {
        Config.Reader reader = config.reader();
        Provider provider = reader.get(PROVIDER);
        Path localRoot = reader.get(LOCAL_ROOT);
        Optional<URI> publicBaseUrl = reader.find(PUBLIC_BASE_URL);
        Duration maxTtl = reader.get(SIGNED_URL_MAX_TTL);
        String publicPrefix = reader.get(PUBLIC_PREFIX);
        String privatePrefix = reader.get(PRIVATE_PREFIX);
        String cacheControl = reader.get(PUBLIC_CACHE_CONTROL);
        Integer partSize = reader.get(PART_SIZE_MIB);
        Integer attempts = reader.get(RETRY_MAX_ATTEMPTS);
        Duration backoff = reader.get(RETRY_INITIAL_BACKOFF);
        URI localUrl = reader.get(LOCAL_URL);
        Optional<Secret> signingKey = reader.find(LOCAL_SIGNING_KEY);
        if (publicPrefix != null
                && privatePrefix != null
                && (publicPrefix.startsWith(privatePrefix) || privatePrefix.startsWith(publicPrefix))) {
            reader.reject(
                    PRIVATE_PREFIX,
                    privatePrefix,
                    "a prefix disjoint from " + PUBLIC_PREFIX.propertyName() + " (\"" + publicPrefix
                            + "\"): neither may start with the other, or a CDN would serve private files");
        }
        return reader.build(() -> new StorageSettings(
                provider,
                localRoot,
                publicBaseUrl,
                maxTtl,
                publicPrefix,
                privatePrefix,
                cacheControl,
                partSize,
                attempts,
                backoff,
                localUrl,
                signingKey));
    }

    private static boolean isHttpBase(URI uri) {
        return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                && uri.getHost() != null
                && uri.getRawQuery() == null
                && uri.getRawFragment() == null;
    }

    private static boolean isPrefix(String prefix) {
        // segments never start with '.', so no prefix is "." or ".." and none reaches a provider's hidden files
        return prefix.matches("([A-Za-z0-9_-][A-Za-z0-9._-]*/)+");
    }

    /** Sets values in code; {@link #build()} resolves the rest and validates everything. */
    public static final class Builder {
        private Config config;

        private Builder(Config config) {
            this.config = config;
        }

        public Builder provider(Provider provider) {
            config = config.with(PROVIDER, provider);
            return this;
        }

        public Builder localRoot(Path localRoot) {
            config = config.with(LOCAL_ROOT, localRoot);
            return this;
        }

        public Builder publicBaseUrl(URI publicBaseUrl) {
            config = config.with(PUBLIC_BASE_URL, publicBaseUrl);
            return this;
        }

        public Builder signedUrlMaxTtl(Duration maxTtl) {
            config = config.with(SIGNED_URL_MAX_TTL, maxTtl);
            return this;
        }

        public Builder publicPrefix(String prefix) {
            config = config.with(PUBLIC_PREFIX, prefix);
            return this;
        }

        public Builder privatePrefix(String prefix) {
            config = config.with(PRIVATE_PREFIX, prefix);
            return this;
        }

        public Builder publicCacheControl(String cacheControl) {
            config = config.with(PUBLIC_CACHE_CONTROL, cacheControl);
            return this;
        }

        public Builder partSizeMib(int mib) {
            config = config.with(PART_SIZE_MIB, mib);
            return this;
        }

        public Builder retryMaxAttempts(int attempts) {
            config = config.with(RETRY_MAX_ATTEMPTS, attempts);
            return this;
        }

        public Builder retryInitialBackoff(Duration backoff) {
            config = config.with(RETRY_INITIAL_BACKOFF, backoff);
            return this;
        }

        public Builder localUrl(URI localUrl) {
            config = config.with(LOCAL_URL, localUrl);
            return this;
        }

        public Builder localSigningKey(Secret key) {
            config = config.with(LOCAL_SIGNING_KEY, key);
            return this;
        }

        /**
         * Resolves and validates every setting.
         *
         * @throws dev.corekit.config.InvalidSettingException naming every bad value
         */
        public StorageSettings build() {
            return load(config);
        }
    }
}
