package dev.corekit.storage.s3;

import dev.corekit.config.Config;
import dev.corekit.config.Setting;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the S3 provider ({@code corekit.storage.s3.*}, {@code COREKIT_STORAGE_S3_*}). Credentials are not
 * settings: they come from the AWS SDK's default provider chain (environment, profile, instance role), so that no
 * secret ever passes through corekit configuration.
 *
 * @param region the AWS region (also required by S3-compatible stores for signing)
 * @param endpoint an endpoint override for S3-compatible stores; empty for AWS itself
 * @param pathStyle path-style addressing ({@code host/bucket/key}), which most S3-compatible stores need
 * @param checksumProfile how the CRC32C checksum travels: see {@link ChecksumProfile}
 */
public record S3Settings(String region, Optional<URI> endpoint, boolean pathStyle, ChecksumProfile checksumProfile) {

    /** How the CRC32C of an upload is sent, for stores that differ in what they accept. */
    public enum ChecksumProfile {
        /** The SDK's streaming trailer ({@code aws-chunked}); what AWS S3 accepts. */
        TRAILER,
        /** A precomputed {@code x-amz-checksum-crc32c} header only; for S3-compatible stores that reject trailers. */
        HEADER
    }

    public static final String DEFAULT_REGION = "us-east-1";
    public static final ChecksumProfile DEFAULT_CHECKSUM_PROFILE = ChecksumProfile.TRAILER;

    public static final Setting<String> REGION = Setting.string("storage.s3", "region", DEFAULT_REGION)
            .require(region -> region.matches("[a-z]{2}(-[a-z0-9]+)+-\\d+"), "an AWS region name like eu-west-1");
    public static final Setting<URI> ENDPOINT = Setting.uri("storage.s3", "endpoint", null)
            .require(
                    uri -> "https".equals(uri.getScheme()) || "http".equals(uri.getScheme()),
                    "an http(s) endpoint like http://127.0.0.1:9000");
    public static final Setting<Boolean> PATH_STYLE = Setting.bool("storage.s3", "path-style", false);
    public static final Setting<ChecksumProfile> CHECKSUM_PROFILE =
            Setting.oneOf("storage.s3", "checksum-profile", ChecksumProfile.class, DEFAULT_CHECKSUM_PROFILE);

    public S3Settings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(checksumProfile, "checksumProfile");
    }

    /** The defaults alone, whatever the environment says. */
    public static S3Settings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static S3Settings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static S3Settings load(Config config) {
        Config.Reader reader = config.reader();
        String region = reader.get(REGION);
        Optional<URI> endpoint = reader.find(ENDPOINT);
        Boolean pathStyle = reader.get(PATH_STYLE);
        ChecksumProfile profile = reader.get(CHECKSUM_PROFILE);
        return reader.build(() -> new S3Settings(region, endpoint, pathStyle, profile));
    }
}
