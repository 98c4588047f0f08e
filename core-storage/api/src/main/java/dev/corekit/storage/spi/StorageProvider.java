package dev.corekit.storage.spi;

import dev.corekit.storage.StorageSettings;

/**
 * A storage provider, found by {@link java.util.ServiceLoader} (one per provider module, registered in
 * {@code META-INF/services/dev.corekit.storage.spi.StorageProvider}) or passed to
 * {@link dev.corekit.storage.Storage.Builder#provider}. For provider modules, not for services.
 */
public interface StorageProvider {
    /** The value of {@code corekit.storage.provider} this provider serves. */
    StorageSettings.Provider kind();

    /**
     * Loads the provider's own settings from {@link ProviderContext#config()}, builds its client and checks that its
     * bucket or directory is reachable: a missing bucket fails here, at startup, not at the first upload.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad or missing setting
     * @throws dev.corekit.storage.StorageException when the bucket cannot be reached or does not exist
     */
    ObjectStore open(ProviderContext context);
}
