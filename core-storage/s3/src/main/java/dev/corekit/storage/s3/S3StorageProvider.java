package dev.corekit.storage.s3;

import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.s3.internal.S3ObjectStore;
import dev.corekit.storage.spi.ObjectStore;
import dev.corekit.storage.spi.ProviderContext;
import dev.corekit.storage.spi.StorageProvider;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The S3 provider (AWS and S3-compatible stores), found by {@link java.util.ServiceLoader} when
 * {@code corekit.storage.provider=s3}: settings from {@link S3Settings}, credentials from the AWS SDK's default chain.
 *
 * <p>Build one by hand only to hand it credentials or settings the environment does not hold:
 *
 * <pre>{@code
 * Storage storage = Storage.custom()
 *         .provider(S3StorageProvider.custom().credentials(assumedRoleCredentials).build())
 *         .build();
 * }</pre>
 *
 * <p>Uploads, in memory bounded by one part ({@code corekit.storage.part-size-mib}) whatever the size; corekit
 * computes the CRC32C of the bytes as it reads them and compares it with the one S3 stored before {@code put} returns:
 *
 * <ul>
 *   <li>up to one part: one request carrying that CRC32C in {@code x-amz-checksum-crc32c};
 *   <li>a declared length over one part, up to S3's 5 GiB single-request limit, with the {@link S3Settings.Profile#AWS}
 *       profile: one streamed request whose CRC32C the SDK computes over the same bytes as it sends them (an
 *       {@code aws-chunked} trailer; a checksum the caller declared is sent up front instead), never buffered;
 *   <li>otherwise (unknown length, over 5 GiB, or the {@code COMPATIBLE} profile, which rejects trailers): multipart,
 *       with per-part CRC32C and a whole-object checksum of the type {@link S3Settings#multipartChecksum()}.
 * </ul>
 *
 * <p>The SDK's own retries are off: corekit retries through Resilience4j, and before sending an upload again it asks
 * S3 whether the first one completed. A streamed request is never sent twice (the caller's stream cannot be read
 * twice): when it fails, nothing is stored and the caller gets the error.
 */
public final class S3StorageProvider implements StorageProvider {
    private final S3Settings settings;
    private final AwsCredentialsProvider credentials;

    /** The provider as {@link java.util.ServiceLoader} makes it: everything from the environment. */
    public S3StorageProvider() {
        this(null, null);
    }

    private S3StorageProvider(S3Settings settings, AwsCredentialsProvider credentials) {
        this.settings = settings;
        this.credentials = credentials;
    }

    /** A builder; unset parts come from the environment. */
    public static Builder custom() {
        return new Builder();
    }

    @Override
    public StorageSettings.Provider kind() {
        return StorageSettings.Provider.S3;
    }

    @Override
    public ObjectStore open(ProviderContext context) {
        S3Settings s3 = settings == null ? S3Settings.load(context.config()) : settings;
        AwsCredentialsProvider chain =
                credentials == null ? DefaultCredentialsProvider.builder().build() : credentials;
        return S3ObjectStore.open(context, s3, chain);
    }

    @Override
    public String toString() {
        return "S3StorageProvider";
    }

    /** Builds an {@link S3StorageProvider}. */
    public static final class Builder {
        private S3Settings settings;
        private AwsCredentialsProvider credentials;

        private Builder() {}

        /** The S3 settings; default: loaded from the storage's config when it opens. */
        public Builder settings(S3Settings s3Settings) {
            this.settings = Objects.requireNonNull(s3Settings, "settings");
            return this;
        }

        /**
         * The credentials; default: the AWS SDK's default chain. Temporary credentials cap the lifetime of signed URLs
         * at their expiry.
         */
        public Builder credentials(AwsCredentialsProvider credentialsProvider) {
            this.credentials = Objects.requireNonNull(credentialsProvider, "credentials");
            return this;
        }

        public S3StorageProvider build() {
            return new S3StorageProvider(settings, credentials);
        }
    }
}
