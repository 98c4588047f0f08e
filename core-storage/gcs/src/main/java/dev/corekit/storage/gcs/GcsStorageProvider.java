package dev.corekit.storage.gcs;

import com.google.auth.Credentials;
import com.google.auth.ServiceAccountSigner;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.gcs.internal.GcsObjectStore;
import dev.corekit.storage.spi.ObjectStore;
import dev.corekit.storage.spi.ProviderContext;
import dev.corekit.storage.spi.StorageProvider;
import java.util.Objects;
import java.util.Optional;

/**
 * The Google Cloud Storage provider, found by {@link java.util.ServiceLoader} when {@code corekit.storage.provider=gcs}:
 * settings from {@link GcsSettings}, credentials from Application Default Credentials.
 *
 * <p>Build one by hand only to hand it credentials, or the signer of V4 signed URLs when the credentials cannot sign
 * (V4 URLs need a service-account key or IAM {@code signBlob}):
 *
 * <pre>{@code
 * Storage storage = Storage.custom()
 *         .provider(GcsStorageProvider.custom().signer(serviceAccountCredentials).build())
 *         .build();
 * }</pre>
 *
 * <p>Uploads: one resumable upload per file, in chunks of {@code corekit.storage.part-size-mib}. A file that fits in one
 * chunk is sent with its CRC32C up front ({@code crc32cMatch}: GCS refuses other bytes); a longer one carries the
 * running CRC32C in the finalizing request, which GCS checks too; either way the stored CRC32C is compared with
 * corekit's before {@code put} returns. Downloads are verified by corekit (the client does not).
 */
public final class GcsStorageProvider implements StorageProvider {
    private final GcsSettings settings;
    private final Credentials credentials;
    private final ServiceAccountSigner signer;

    /** The provider as {@link java.util.ServiceLoader} makes it: everything from the environment. */
    public GcsStorageProvider() {
        this(null, null, null);
    }

    private GcsStorageProvider(GcsSettings settings, Credentials credentials, ServiceAccountSigner signer) {
        this.settings = settings;
        this.credentials = credentials;
        this.signer = signer;
    }

    /** A builder; unset parts come from the environment. */
    public static Builder custom() {
        return new Builder();
    }

    @Override
    public StorageSettings.Provider kind() {
        return StorageSettings.Provider.GCS;
    }

    @Override
    public ObjectStore open(ProviderContext context) {
        GcsSettings gcs = settings == null ? GcsSettings.load(context.config()) : settings;
        return GcsObjectStore.open(context, gcs, Optional.ofNullable(credentials), Optional.ofNullable(signer));
    }

    @Override
    public String toString() {
        return "GcsStorageProvider";
    }

    /** Builds a {@link GcsStorageProvider}. */
    public static final class Builder {
        private GcsSettings settings;
        private Credentials credentials;
        private ServiceAccountSigner signer;

        private Builder() {}

        /** The GCS settings; default: loaded from the storage's config when it opens. */
        public Builder settings(GcsSettings gcsSettings) {
            this.settings = Objects.requireNonNull(gcsSettings, "settings");
            return this;
        }

        /** The credentials of the client; default: Application Default Credentials. */
        public Builder credentials(Credentials clientCredentials) {
            this.credentials = Objects.requireNonNull(clientCredentials, "credentials");
            return this;
        }

        /** What signs V4 URLs; default: the client's credentials, when they can sign. */
        public Builder signer(ServiceAccountSigner urlSigner) {
            this.signer = Objects.requireNonNull(urlSigner, "signer");
            return this;
        }

        public GcsStorageProvider build() {
            return new GcsStorageProvider(settings, credentials, signer);
        }
    }
}
