package dev.corekit.storage.internal;

import dev.corekit.logging.Operation;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.Download;
import dev.corekit.storage.FileArea;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.ReadVerdict;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StoredFile;
import dev.corekit.storage.Verification;
import dev.corekit.storage.spi.ObjectRead;
import dev.corekit.storage.spi.ObjectStore;
import dev.corekit.storage.spi.ObjectWrite;
import dev.corekit.storage.spi.UploadSource;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** One area (public or private) of a {@link DefaultStorage}: keys under one prefix. */
public abstract class AreaFiles implements FileArea {
    final DefaultStorage storage;
    final ObjectStore store;
    final String prefix;
    private final String name;

    AreaFiles(DefaultStorage storage, String prefix, String name) {
        this.storage = storage;
        this.store = storage.store();
        this.prefix = prefix;
        this.name = name;
    }

    /** Whether writes refuse to replace an existing file. */
    abstract boolean createOnly();

    /** The {@code Cache-Control} stored with each file, if any. */
    abstract Optional<String> cacheControl();

    /** The area's object-key prefix. */
    public String prefix() {
        return prefix;
    }

    /** Validates a key and returns its object key. */
    String objectKey(String key) {
        Keys.validate(key, prefix, store.maxKeyBytes(), store.maxSegmentBytes());
        return prefix + key;
    }

    @Override
    public StoredFile put(String key, InputStream content, PutOptions options) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(options, "options");
        String objectKey = objectKey(key);
        return storage.recorder().call("storage.put", op -> write(op, key, objectKey, content, options));
    }

    @Override
    public StoredFile put(String key, byte[] content, String contentType) {
        Objects.requireNonNull(content, "content");
        return put(
                key,
                new ByteArrayInputStream(content),
                PutOptions.custom()
                        .contentType(contentType)
                        .length(content.length)
                        .build());
    }

    /** The write path of {@code put} and of the local handler's signed PUT. */
    public StoredFile putObject(String objectKey, InputStream content, PutOptions options) {
        String key = objectKey.substring(prefix.length());
        return put(key, content, options);
    }

    private StoredFile write(Operation op, String key, String objectKey, InputStream content, PutOptions options) {
        op.attr("provider", storage.providerName())
                .attr("area", name)
                .attr("key", key)
                .attr("contentType", options.contentType());
        options.length().ifPresent(length -> op.attr("declaredLength", length));
        UploadSource source = UploadSource.of(key, content, options.length());
        FileInfo stored;
        try {
            stored = store.write(new ObjectWrite(
                    objectKey, source, options.contentType(), cacheControl(), createOnly(), options.expectedCrc32c()));
        } catch (IOException | RuntimeException e) {
            op.attr("bytesRead", source.size());
            throw DefaultStorage.unavailable(key, "upload of", e);
        }
        Crc32c sent = source.checksum();
        op.attr("size", source.size()).attr("crc32c", sent.toBase64());
        Optional<Crc32c> declared = options.expectedCrc32c();
        if (declared.isPresent() && !declared.get().equals(sent)) {
            deleteCorrupt(op, key, objectKey);
            throw new IntegrityException(
                    key,
                    declared.get(),
                    sent,
                    "the stream did not hold the content whose checksum was declared; the object was deleted",
                    null);
        }
        Crc32c storedCrc = stored.crc32c().orElse(null);
        if (storedCrc == null || !storedCrc.equals(sent) || stored.size() != source.size()) {
            deleteCorrupt(op, key, objectKey);
            throw new IntegrityException(
                    key,
                    sent,
                    storedCrc,
                    storedCrc == null
                            ? "the provider reported no stored checksum; the object was deleted"
                            : "the provider stored " + stored.size() + " bytes with another checksum than the "
                                    + source.size() + " bytes sent; the object was deleted",
                    null);
        }
        stored.version().ifPresent(version -> op.attr("version", version));
        return new StoredFile(key, source.size(), sent, stored.version());
    }

    void deleteCorrupt(Operation op, String key, String objectKey) {
        try {
            retrying(() -> store.delete(objectKey));
            op.stage("corrupt-object-deleted");
        } catch (RuntimeException e) {
            op.stage("corrupt-object-delete-failed");
            throw new StorageException(
                    StorageException.Reason.INTEGRITY,
                    key,
                    "the object '" + key + "' failed its checksum check and could not be deleted: delete it by hand",
                    e);
        }
    }

    @Override
    public Optional<FileInfo> stat(String key) {
        String objectKey = objectKey(key);
        return retrying(() -> store.stat(objectKey), key, "stat of").map(info -> info.withKey(key));
    }

    @Override
    public Download open(String key, Verification verification) {
        Objects.requireNonNull(verification, "verification");
        String objectKey = objectKey(key);
        ObjectRead read = retrying(() -> store.read(objectKey), key, "read of");
        return new VerifyingDownload(key, read.info().withKey(key), read.content(), verification);
    }

    @Override
    public byte[] readAllBytes(String key) {
        try (Download in = open(key, Verification.VERIFY)) {
            byte[] bytes;
            try {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                if (e.getCause() instanceof IntegrityException integrity) {
                    throw integrity;
                }
                throw DefaultStorage.unavailable(key, "read of", e);
            }
            ReadVerdict verdict = in.verdict();
            if (!verdict.isValidated()) {
                throw new StorageException(
                        StorageException.Reason.INTEGRITY,
                        key,
                        "'" + key + "' cannot be verified: " + verdict.reason().orElse("no verdict"),
                        null);
            }
            return bytes;
        } catch (IOException e) {
            throw DefaultStorage.unavailable(key, "read of", e);
        }
    }

    @Override
    public boolean delete(String key) {
        String objectKey = objectKey(key);
        return storage.recorder().call("storage.delete", op -> {
            op.attr("provider", storage.providerName()).attr("area", name).attr("key", key);
            boolean deleted = retrying(() -> store.delete(objectKey), key, "delete of");
            op.attr("existed", deleted);
            return deleted;
        });
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        Objects.requireNonNull(keys, "keys");
        List<String> objectKeys = new ArrayList<>(keys.size());
        for (String key : keys) {
            objectKeys.add(objectKey(key));
        }
        if (objectKeys.isEmpty()) {
            return;
        }
        storage.recorder().run("storage.delete", op -> {
            op.attr("provider", storage.providerName()).attr("area", name).attr("count", objectKeys.size());
            retrying(
                    () -> {
                        store.deleteAll(List.copyOf(objectKeys));
                        return null;
                    },
                    null,
                    "bulk delete of " + objectKeys.size() + " files in");
        });
    }

    @Override
    public Stream<FileInfo> list(String keyPrefix) {
        Keys.validatePrefix(keyPrefix, prefix, store.maxKeyBytes());
        String objectPrefix = prefix + keyPrefix;
        Stream<FileInfo> objects = retrying(() -> store.list(objectPrefix), null, "list of '" + keyPrefix + "' in");
        return objects.filter(info -> info.key().startsWith(objectPrefix))
                .map(info -> info.withKey(info.key().substring(prefix.length())));
    }

    private <T> T retrying(CheckedSupplier<T> call) {
        return retrying(call, null, "call");
    }

    <T> T retrying(CheckedSupplier<T> call, String key, String what) {
        Retry retry = storage.retry();
        try {
            return Retry.decorateCheckedSupplier(retry, call).get();
        } catch (Throwable e) {
            if (e instanceof Error error) {
                throw error;
            }
            throw DefaultStorage.unavailable(key, what + " " + storage.providerName() + " " + name + " files", e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + storage.providerName() + ", prefix=" + prefix + "]";
    }
}
