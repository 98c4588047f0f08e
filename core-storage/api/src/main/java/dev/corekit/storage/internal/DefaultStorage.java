package dev.corekit.storage.internal;

import dev.corekit.config.Config;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.PrivateFiles;
import dev.corekit.storage.PublicFiles;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.spi.ObjectStore;
import dev.corekit.storage.spi.ProviderContext;
import dev.corekit.storage.spi.StorageProvider;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/** The {@link Storage} every provider shares: areas over one {@link ObjectStore}. */
public final class DefaultStorage implements Storage {
    private final StorageSettings settings;
    private final ObjectStore store;
    private final Recorder recorder;
    private final Clock clock;
    private final Retry retry;
    private final DefaultPublicFiles publicFiles;
    private final DefaultPrivateFiles privateFiles;

    private DefaultStorage(
            StorageSettings settings, ObjectStore store, Recorder recorder, Clock clock, ProviderContext context) {
        this.settings = settings;
        this.store = store;
        this.recorder = recorder;
        this.clock = clock;
        this.retry = context.retry("corekit-storage");
        this.publicFiles = settings.publicBaseUrl()
                .map(base -> new DefaultPublicFiles(this, base))
                .orElse(null);
        this.privateFiles = new DefaultPrivateFiles(this);
    }

    /** Finds the provider, opens its store: see {@link Storage.Builder#build()}. */
    public static Storage open(
            StorageSettings settings, Config config, StorageProvider given, Recorder recorder, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        StorageProvider provider = given == null ? discover(settings.provider()) : given;
        if (provider.kind() != settings.provider()) {
            throw new IllegalStateException(StorageSettings.PROVIDER.propertyName() + " = "
                    + settings.provider().settingValue() + ", but the provider given is "
                    + provider.kind().settingValue() + ": set the setting to match, or pass the matching provider");
        }
        ProviderContext context = new ProviderContext(settings, config, recorder, clock);
        ObjectStore store = recorder.call("storage.open", op -> {
            op.attr("provider", settings.provider().settingValue());
            return provider.open(context);
        });
        return new DefaultStorage(settings, store, recorder, clock, context);
    }

    private static StorageProvider discover(StorageSettings.Provider kind) {
        List<StorageProvider> found = new ArrayList<>();
        for (StorageProvider candidate :
                ServiceLoader.load(StorageProvider.class, DefaultStorage.class.getClassLoader())) {
            if (candidate.kind() == kind) {
                found.add(candidate);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException(StorageSettings.PROVIDER.propertyName() + " = " + kind.settingValue()
                    + ", but no provider for " + kind.settingValue() + " is on the classpath: add the dependency"
                    + " dev.corekit:core-storage-" + kind.settingValue());
        }
        if (found.size() > 1) {
            throw new IllegalStateException(
                    "more than one storage provider for " + kind.settingValue() + " is on the classpath: "
                            + found.stream().map(p -> p.getClass().getName()).toList());
        }
        return found.get(0);
    }

    @Override
    public PublicFiles publicFiles() {
        if (publicFiles == null) {
            throw new IllegalStateException("public files need a CDN base URL: set "
                    + StorageSettings.PUBLIC_BASE_URL.propertyName() + " (or "
                    + StorageSettings.PUBLIC_BASE_URL.envName()
                    + "), e.g. https://cdn.example.com");
        }
        return publicFiles;
    }

    @Override
    public PrivateFiles privateFiles() {
        return privateFiles;
    }

    @Override
    public StorageSettings settings() {
        return settings;
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return store.unwrap(type)
                .orElseThrow(() -> new IllegalArgumentException("the "
                        + settings.provider().settingValue() + " provider has no " + type.getName() + " to unwrap"));
    }

    @Override
    public void close() {
        store.close();
    }

    /** The area whose prefix starts {@code objectKey}, if any: for the local HTTP handler. */
    public AreaFiles areaOf(String objectKey) {
        if (objectKey.startsWith(settings.privatePrefix())) {
            return privateFiles;
        }
        if (publicFiles != null && objectKey.startsWith(settings.publicPrefix())) {
            return publicFiles;
        }
        return null;
    }

    /** The provider's store. */
    public ObjectStore store() {
        return store;
    }

    Recorder recorder() {
        return recorder;
    }

    /** The clock signed URLs are timed by. */
    public Clock clock() {
        return clock;
    }

    Retry retry() {
        return retry;
    }

    String providerName() {
        return settings.provider().settingValue();
    }

    /** Wraps a provider failure that is not a {@link StorageException} already. */
    static StorageException unavailable(String key, String what, Throwable error) {
        if (error instanceof StorageException storage) {
            if (key == null || storage.key().equals(java.util.Optional.of(key))) {
                return storage;
            }
            // a provider names the object key; the caller gets its own key back, with the same reason
            return new StorageException(storage.reason(), key, storage.getMessage(), storage);
        }
        return new StorageException(
                StorageException.Reason.UNAVAILABLE,
                key,
                what + (key == null ? "" : " '" + key + "'") + " failed: "
                        + error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage()),
                error);
    }
}
