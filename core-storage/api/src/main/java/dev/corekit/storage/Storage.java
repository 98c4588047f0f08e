package dev.corekit.storage;

import dev.corekit.config.Config;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.internal.DefaultStorage;
import dev.corekit.storage.spi.StorageProvider;
import java.time.Clock;
import java.util.Objects;

/**
 * Object storage for a service: one factory, two access models. {@link #publicFiles()} are immutable files a CDN
 * serves; {@link #privateFiles()} are reached only through the service or short-lived signed URLs. The provider (local
 * directory, S3 or an S3-compatible store, GCS) is chosen by {@code corekit.storage.provider}; swapping it is a
 * configuration change, and the code below stays the same.
 *
 * <pre>{@code
 * Storage storage = Storage.fromEnvironment();            // once, at startup; fails fast on bad settings
 * StoredFile stored = storage.privateFiles().put("invoices/2026/1.pdf", in, PutOptions.of("application/pdf"));
 * repository.save(invoice.withFile(stored.key(), stored.crc32c().toBase64(), stored.size()));
 * }</pre>
 *
 * <p>Every write is CRC32C-checked end to end (see {@link FileArea#put}), every write and signed URL is an operation
 * record ({@code storage.put}, {@code storage.sign}: key, size, provider, checksum, duration — never a credential or a
 * signed URL). Instances are thread-safe; make one per process and close it at shutdown.
 */
public interface Storage extends AutoCloseable {
    /**
     * The storage configured by this process's environment ({@link StorageSettings#fromEnvironment()} and the chosen
     * provider's settings).
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad or missing setting (a missing bucket too)
     * @throws StorageException when the provider cannot be reached or its bucket does not exist
     * @throws IllegalStateException when the chosen provider's module is not on the classpath
     */
    static Storage fromEnvironment() {
        return custom().build();
    }

    /** The storage these settings describe; the provider's own settings come from the environment. */
    static Storage of(StorageSettings settings) {
        return custom().settings(settings).build();
    }

    /** A builder: settings, configuration of the provider, recorder, clock. */
    static Builder custom() {
        return new Builder();
    }

    /**
     * The public files, served by the CDN.
     *
     * @throws IllegalStateException when {@code corekit.storage.public-base-url} is not set
     */
    PublicFiles publicFiles();

    /** The private files. */
    PrivateFiles privateFiles();

    /** The settings in force. */
    StorageSettings settings();

    /**
     * The escape hatch for the rare case corekit does not cover: the provider's own client, e.g.
     * {@code software.amazon.awssdk.services.s3.S3Client}, {@code com.google.cloud.storage.Storage}, or the local root
     * {@link java.nio.file.Path}. Bytes written through it bypass corekit's integrity checks.
     *
     * @throws IllegalArgumentException when the provider has nothing of that type
     */
    <T> T unwrap(Class<T> type);

    /** Releases the provider's clients. */
    @Override
    void close();

    /** Builds a {@link Storage}; unset parts come from the environment. */
    final class Builder {
        private StorageSettings settings;
        private Config config;
        private StorageProvider provider;
        private Recorder recorder;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The storage settings; default {@link StorageSettings#fromEnvironment()} (or loaded from {@link #config}). */
        public Builder settings(StorageSettings storageSettings) {
            this.settings = Objects.requireNonNull(storageSettings, "settings");
            return this;
        }

        /** Where the provider reads its own settings ({@code corekit.storage.s3.*}, ...); default the environment. */
        public Builder config(Config providerConfig) {
            this.config = Objects.requireNonNull(providerConfig, "config");
            return this;
        }

        /**
         * The provider, when it needs more than settings (e.g. {@code S3StorageProvider.custom().credentials(...)});
         * default: the one on the classpath for {@code corekit.storage.provider}, found by {@link java.util.ServiceLoader}.
         */
        public Builder provider(StorageProvider storageProvider) {
            this.provider = Objects.requireNonNull(storageProvider, "provider");
            return this;
        }

        /** Where operation records go; default {@link GlobalRecorder#get()}. */
        public Builder recorder(Recorder operationRecorder) {
            this.recorder = Objects.requireNonNull(operationRecorder, "recorder");
            return this;
        }

        /** The clock signed URLs are timed by; default the system clock. */
        public Builder clock(Clock signingClock) {
            this.clock = Objects.requireNonNull(signingClock, "clock");
            return this;
        }

        /**
         * Opens the storage: validates settings, finds the provider and reaches its bucket or directory.
         *
         * @throws dev.corekit.config.InvalidSettingException naming every bad or missing setting
         * @throws StorageException when the provider cannot be reached or its bucket does not exist
         * @throws IllegalStateException when the chosen provider is not on the classpath or differs from the one given
         */
        public Storage build() {
            Config effectiveConfig = config == null ? Config.fromEnvironment() : config;
            StorageSettings effectiveSettings = settings == null ? StorageSettings.load(effectiveConfig) : settings;
            Recorder effectiveRecorder = recorder == null ? GlobalRecorder.get() : recorder;
            return DefaultStorage.open(effectiveSettings, effectiveConfig, provider, effectiveRecorder, clock);
        }
    }
}
