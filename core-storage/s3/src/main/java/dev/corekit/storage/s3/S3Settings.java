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
 * <pre>{@code
 * // an S3-compatible store (MinIO, R2, Ceph, ...):
 * // COREKIT_STORAGE_PROVIDER=s3  COREKIT_STORAGE_S3_BUCKET=files  COREKIT_STORAGE_S3_ENDPOINT=http://minio:9000
 * // COREKIT_STORAGE_S3_PATH_STYLE=true  COREKIT_STORAGE_S3_PROFILE=compatible
 * }</pre>
 *
 * @param bucket the bucket every file lives in; required, and checked at startup
 * @param region the AWS region (also required by S3-compatible stores for signing)
 * @param endpoint an endpoint override for S3-compatible stores; empty for AWS itself
 * @param pathStyle path-style addressing ({@code host/bucket/key}), which most S3-compatible stores need
 * @param profile what the store accepts: see {@link Profile}
 * @param multipartChecksum the checksum type of multipart uploads: see {@link MultipartChecksum}
 */
public record S3Settings(
        String bucket,
        String region,
        Optional<URI> endpoint,
        boolean pathStyle,
        Profile profile,
        MultipartChecksum multipartChecksum) {

    /** What an S3 endpoint accepts beyond the basics. */
    public enum Profile {
        /**
         * AWS S3: the SDK's defaults (checksums on every operation that supports one, chunked uploads). The CRC32C of
         * every upload is still computed by corekit and sent as {@code x-amz-checksum-crc32c}, never left to the
         * SDK's default CRC32.
         */
        AWS,
        /**
         * S3-compatible stores that reject the SDK's newer defaults: checksums only where an operation requires one
         * ({@code requestChecksumCalculation(WHEN_REQUIRED)}) with the precomputed {@code x-amz-checksum-crc32c} header
         * (no trailer, no {@code aws-chunked} body), and {@code Content-MD5} on bulk deletes, which such stores
         * require.
         */
        COMPATIBLE
    }

    /** How a multipart upload's whole-object checksum is formed; corekit compares like with like. */
    public enum MultipartChecksum {
        /** The CRC32C of the whole object, as if uploaded in one piece (what reads verify against). */
        FULL_OBJECT,
        /**
         * A CRC32C of the parts' CRC32Cs with a {@code -N} suffix, for stores without full-object checksums. Writes are
         * checked against the composite corekit computes from its parts; reads of such objects cannot be verified
         * (their verdict says so).
         */
        COMPOSITE
    }

    public static final String DEFAULT_REGION = "us-east-1";
    public static final Profile DEFAULT_PROFILE = Profile.AWS;
    public static final MultipartChecksum DEFAULT_MULTIPART_CHECKSUM = MultipartChecksum.FULL_OBJECT;

    public static final Setting<String> BUCKET = Setting.string("storage.s3", "bucket", null)
            .require(
                    bucket -> bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]") && !bucket.contains(".."),
                    "an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-'");
    public static final Setting<String> REGION = Setting.string("storage.s3", "region", DEFAULT_REGION)
            .require(region -> region.matches("[a-z]{2}(-[a-z0-9]+)+-\\d+"), "an AWS region name like eu-west-1");
    public static final Setting<URI> ENDPOINT = Setting.uri("storage.s3", "endpoint", null)
            .require(
                    uri -> ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                            && uri.getHost() != null
                            && uri.getRawQuery() == null,
                    "an http(s) endpoint like http://127.0.0.1:9000");
    public static final Setting<Boolean> PATH_STYLE = Setting.bool("storage.s3", "path-style", false);
    public static final Setting<Profile> PROFILE =
            Setting.oneOf("storage.s3", "profile", Profile.class, DEFAULT_PROFILE);
    public static final Setting<MultipartChecksum> MULTIPART_CHECKSUM =
            Setting.oneOf("storage.s3", "multipart-checksum", MultipartChecksum.class, DEFAULT_MULTIPART_CHECKSUM);

    public S3Settings {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(multipartChecksum, "multipartChecksum");
    }

    /**
     * The defaults alone, whatever the environment says; only for a config that sets the bucket.
     *
     * @throws dev.corekit.config.InvalidSettingException since the bucket has no default
     */
    public static S3Settings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad or missing value
     */
    public static S3Settings fromEnvironment() {
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
    public static S3Settings load(Config config) {
        Config.Reader reader = config.reader();
        String bucket = reader.get(BUCKET);
        String region = reader.get(REGION);
        Optional<URI> endpoint = reader.find(ENDPOINT);
        Boolean pathStyle = reader.get(PATH_STYLE);
        Profile profile = reader.get(PROFILE);
        MultipartChecksum multipart = reader.get(MULTIPART_CHECKSUM);
        return reader.build(() -> new S3Settings(bucket, region, endpoint, pathStyle, profile, multipart));
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

        public Builder region(String region) {
            config = config.with(REGION, region);
            return this;
        }

        public Builder endpoint(URI endpoint) {
            config = config.with(ENDPOINT, endpoint);
            return this;
        }

        public Builder pathStyle(boolean pathStyle) {
            config = config.with(PATH_STYLE, pathStyle);
            return this;
        }

        public Builder profile(Profile profile) {
            config = config.with(PROFILE, profile);
            return this;
        }

        public Builder multipartChecksum(MultipartChecksum checksum) {
            config = config.with(MULTIPART_CHECKSUM, checksum);
            return this;
        }

        /**
         * Resolves and validates every setting.
         *
         * @throws dev.corekit.config.InvalidSettingException naming every bad or missing value
         */
        public S3Settings build() {
            return load(config);
        }
    }
}
