package dev.corekit.storage.internal;

import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.spi.ObjectStore;
import dev.corekit.storage.spi.ProviderContext;
import dev.corekit.storage.spi.StorageProvider;
import java.io.OutputStream;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** The embedded default provider: a directory on the local file system. Found by {@link java.util.ServiceLoader}. */
public final class LocalStorageProvider implements StorageProvider {
    private final UnaryOperator<OutputStream> diskWrites;

    /** The provider as {@link java.util.ServiceLoader} makes it. */
    public LocalStorageProvider() {
        this(UnaryOperator.identity());
    }

    /**
     * A provider whose writes to disk pass through {@code diskWrites} first: lets tests put a fault between the bytes
     * checksummed and the bytes on disk, where a bad disk or bus would.
     */
    public LocalStorageProvider(UnaryOperator<OutputStream> diskWrites) {
        this.diskWrites = Objects.requireNonNull(diskWrites, "diskWrites");
    }

    @Override
    public StorageSettings.Provider kind() {
        return StorageSettings.Provider.LOCAL;
    }

    @Override
    public ObjectStore open(ProviderContext context) {
        return LocalObjectStore.open(context.settings(), diskWrites);
    }
}
