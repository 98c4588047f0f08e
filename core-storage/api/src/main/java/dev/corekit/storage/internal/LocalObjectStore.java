package dev.corekit.storage.internal;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.spi.ObjectRead;
import dev.corekit.storage.spi.ObjectStore;
import dev.corekit.storage.spi.ObjectWrite;
import dev.corekit.storage.spi.PresignRequest;
import dev.corekit.storage.spi.PresignedRequest;
import dev.corekit.storage.spi.UploadSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Files under one directory: each object is a plain file at {@code root/<object key>}, its CRC32C, content type,
 * cache control and version in user extended attributes set on the temporary file before it is moved into place, so
 * that content and metadata change together, atomically.
 */
public final class LocalObjectStore implements ObjectStore {
    /** Where uploads are written before they are moved into place; never listed. */
    static final String TEMP_DIR = ".corekit-tmp";
    /** Linux's NAME_MAX: no file name can be longer. */
    private static final int MAX_SEGMENT_BYTES = 255;

    private static final int MAX_KEY_BYTES = 1024;
    private static final int BUFFER = 1 << 20;
    private static final String ATTR_CRC32C = "corekit.crc32c";
    private static final String ATTR_CONTENT_TYPE = "corekit.content-type";
    private static final String ATTR_CACHE_CONTROL = "corekit.cache-control";
    private static final String ATTR_VERSION = "corekit.version";
    private static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final Path root;
    private final Path temp;
    private final LocalSigner signer;
    private final UnaryOperator<OutputStream> diskWrites;

    private LocalObjectStore(Path root, LocalSigner signer, UnaryOperator<OutputStream> diskWrites) {
        this.root = root;
        this.temp = root.resolve(TEMP_DIR);
        this.signer = signer;
        this.diskWrites = diskWrites;
    }

    static LocalObjectStore open(StorageSettings settings, UnaryOperator<OutputStream> diskWrites) {
        Path root = settings.localRoot().toAbsolutePath().normalize();
        String setting = StorageSettings.LOCAL_ROOT.propertyName() + " = " + root;
        try {
            Files.createDirectories(root.resolve(TEMP_DIR));
        } catch (IOException e) {
            throw new StorageException(
                    StorageException.Reason.REJECTED,
                    null,
                    "the local storage provider cannot create its directory (" + setting + "): " + e,
                    e);
        }
        Path probe = null;
        try {
            probe = Files.createTempFile(root.resolve(TEMP_DIR), "probe-", ".tmp");
            UserDefinedFileAttributeView view = Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class);
            if (view == null) {
                throw new IOException("no user-defined file attribute view");
            }
            view.write(ATTR_VERSION, ByteBuffer.wrap(new byte[] {'1'}));
        } catch (IOException | UnsupportedOperationException e) {
            throw new StorageException(
                    StorageException.Reason.REJECTED,
                    null,
                    "the local storage provider keeps each file's CRC32C in a user extended attribute, which the file"
                            + " system of " + setting + " does not support (" + e.getMessage() + "): choose a"
                            + " directory on ext4, xfs, btrfs, APFS or NTFS",
                    e);
        } finally {
            deleteQuietly(probe);
        }
        return new LocalObjectStore(root, new LocalSigner(settings.localUrl(), settings.localSigningKey()), diskWrites);
    }

    /** The signer of this store's URLs: the local HTTP handler verifies with it. */
    public LocalSigner signer() {
        return signer;
    }

    @Override
    public int maxKeyBytes() {
        return MAX_KEY_BYTES;
    }

    @Override
    public int maxSegmentBytes() {
        return MAX_SEGMENT_BYTES;
    }

    @Override
    public FileInfo write(ObjectWrite write) throws IOException {
        Path target = resolve(write.objectKey());
        UploadSource source = write.source();
        String key = source.key();
        if (write.createOnly() && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw alreadyExists(key);
        }
        Path upload = Files.createTempFile(temp, "upload-", ".part");
        try {
            try (FileChannel channel = FileChannel.open(upload, StandardOpenOption.WRITE)) {
                OutputStream out = diskWrites.apply(Channels.newOutputStream(channel));
                byte[] buffer = new byte[BUFFER];
                while (true) {
                    int n = source.read(buffer, 0, buffer.length);
                    out.write(buffer, 0, n);
                    if (n < buffer.length || !source.hasMore()) {
                        break;
                    }
                }
                out.flush();
                channel.force(true);
            }
            Crc32c sent = source.checksum();
            if (write.expectedCrc32c().isPresent()
                    && !write.expectedCrc32c().get().equals(sent)) {
                throw new IntegrityException(
                        key,
                        write.expectedCrc32c().get(),
                        sent,
                        "the content does not have the declared checksum; nothing was stored",
                        null);
            }
            // the provider's own check: what is on disk, read back, must be what was sent
            Crc32c onDisk = checksumOf(upload);
            long size = Files.size(upload);
            if (!onDisk.equals(sent) || size != source.size()) {
                throw new IntegrityException(
                        key,
                        sent,
                        onDisk,
                        "the " + size + " bytes on disk differ from the " + source.size()
                                + " bytes written; nothing was stored",
                        null);
            }
            String version = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
            UserDefinedFileAttributeView view = Files.getFileAttributeView(upload, UserDefinedFileAttributeView.class);
            writeAttribute(view, ATTR_CRC32C, onDisk.toBase64());
            writeAttribute(view, ATTR_CONTENT_TYPE, write.contentType());
            writeAttribute(view, ATTR_VERSION, version);
            if (write.cacheControl().isPresent()) {
                writeAttribute(view, ATTR_CACHE_CONTROL, write.cacheControl().get());
            }
            publish(upload, target, write.createOnly(), key);
            return new FileInfo(
                    write.objectKey(),
                    size,
                    Optional.of(onDisk),
                    Optional.of(write.contentType()),
                    Optional.of(version),
                    Files.getLastModifiedTime(target).toInstant());
        } finally {
            deleteQuietly(upload);
        }
    }

    private void publish(Path upload, Path target, boolean createOnly, String key) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createDirectories(target.getParent());
                if (createOnly) {
                    Files.createLink(target, upload); // atomic, and fails when the key is taken
                } else {
                    Files.move(upload, target, StandardCopyOption.ATOMIC_MOVE);
                }
                syncDirectory(target.getParent());
                return;
            } catch (FileAlreadyExistsException e) {
                if (createOnly && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw alreadyExists(key);
                }
                throw inTheWay(key, e);
            } catch (NoSuchFileException e) {
                // a concurrent delete pruned the empty folder between createDirectories and the move: once more
                if (attempt >= 3) {
                    throw e;
                }
            } catch (AtomicMoveNotSupportedException e) {
                throw e;
            } catch (FileSystemException e) {
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw inTheWay(key, e);
                }
                throw e;
            }
        }
    }

    @Override
    public Optional<FileInfo> stat(String objectKey) throws IOException {
        Path path = resolve(objectKey);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!attributes.isRegularFile()) {
            return Optional.empty();
        }
        UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
        List<String> names;
        try {
            names = view.list();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(new FileInfo(
                objectKey,
                attributes.size(),
                readAttribute(view, names, ATTR_CRC32C).map(Crc32c::fromBase64),
                readAttribute(view, names, ATTR_CONTENT_TYPE),
                readAttribute(view, names, ATTR_VERSION),
                attributes.lastModifiedTime().toInstant()));
    }

    /** The cache control stored with an object, if any: for the local HTTP handler. */
    public Optional<String> cacheControl(String objectKey) throws IOException {
        Path path = resolve(objectKey);
        UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
        return readAttribute(view, view.list(), ATTR_CACHE_CONTROL);
    }

    @Override
    public ObjectRead read(String objectKey) throws IOException {
        Path path = resolve(objectKey);
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<FileInfo> before = stat(objectKey);
            if (before.isEmpty()) {
                throw notFound(objectKey);
            }
            InputStream in;
            try {
                in = Files.newInputStream(path);
            } catch (NoSuchFileException e) {
                throw notFound(objectKey);
            }
            // what was read before opening describes the file opened only if all of it is still there after: a stat
            // is several path lookups, so one racing a replace can mix the checksum of one version with the version
            // id of the next; comparing the whole record (not only the version) rejects such a mixed stat
            Optional<FileInfo> after = stat(objectKey);
            if (after.isPresent() && after.get().equals(before.get())) {
                return new ObjectRead(before.get(), in);
            }
            in.close();
        }
        throw new StorageException(
                StorageException.Reason.UNAVAILABLE,
                objectKey,
                "'" + objectKey + "' was replaced five times while it was being opened",
                null);
    }

    @Override
    public boolean delete(String objectKey) throws IOException {
        Path path = resolve(objectKey);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        boolean deleted = Files.deleteIfExists(path);
        pruneEmptyFolders(path.getParent());
        return deleted;
    }

    @Override
    public void deleteAll(List<String> objectKeys) throws IOException {
        for (String objectKey : objectKeys) {
            delete(objectKey);
        }
    }

    @Override
    public Stream<FileInfo> list(String prefix) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return Stream.empty();
        }
        List<String> keys;
        try (Stream<Path> walk = Files.walk(start)) {
            keys = walk.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
                    .map(this::keyOf)
                    .filter(key -> key.startsWith(prefix) && !key.startsWith(TEMP_DIR + "/"))
                    .sorted(UTF8_ORDER)
                    .toList();
        }
        List<FileInfo> files = new ArrayList<>(keys.size());
        for (String key : keys) {
            stat(key).ifPresent(files::add);
        }
        return files.stream();
    }

    @Override
    public PresignedRequest presign(PresignRequest request) {
        return signer.sign(request);
    }

    @Override
    public Optional<Instant> credentialExpiry() {
        return Optional.empty();
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return type == Path.class ? Optional.of(type.cast(root)) : Optional.empty();
    }

    @Override
    public void close() {
        // nothing held open between calls
    }

    private Path resolve(String objectKey) {
        Path path;
        try {
            path = root.resolve(objectKey).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(
                    "file key " + Keys.show(objectKey) + " is not a valid path on this file system: " + e.getReason());
        }
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("file key " + Keys.show(objectKey) + " leaves the storage root");
        }
        return path;
    }

    private String keyOf(Path path) {
        Path relative = root.relativize(path);
        StringBuilder key = new StringBuilder();
        for (Path part : relative) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

    private void pruneEmptyFolders(Path folder) {
        Path current = folder;
        while (current != null && current.startsWith(root) && !current.equals(root)) {
            try {
                Files.delete(current);
            } catch (IOException e) {
                return; // not empty (or already gone): the folders above are not empty either
            }
            current = current.getParent();
        }
    }

    private static Crc32c checksumOf(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return Crc32c.of((int) crc.getValue());
    }

    private static void syncDirectory(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be synced; the rename itself is atomic regardless
        }
    }

    private static void writeAttribute(UserDefinedFileAttributeView view, String name, String value)
            throws IOException {
        view.write(name, StandardCharsets.UTF_8.encode(value));
    }

    private static Optional<String> readAttribute(UserDefinedFileAttributeView view, List<String> names, String name)
            throws IOException {
        if (!names.contains(name)) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.allocate(view.size(name));
        view.read(name, buffer);
        buffer.flip();
        return Optional.of(StandardCharsets.UTF_8.decode(buffer).toString());
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // a temporary file left behind is swept with the directory; the upload's outcome stands
            }
        }
    }

    private static StorageException alreadyExists(String key) {
        return new StorageException(
                StorageException.Reason.ALREADY_EXISTS,
                key,
                "public file '" + key + "' already exists: public keys are immutable, publish under a new key",
                null);
    }

    private static StorageException notFound(String objectKey) {
        return new StorageException(
                StorageException.Reason.NOT_FOUND, objectKey, "no file '" + objectKey + "' (local)", null);
    }

    private static StorageException inTheWay(String key, IOException e) {
        return new StorageException(
                StorageException.Reason.REJECTED,
                key,
                "'" + key + "' cannot be stored by the local provider: a file and a folder would share a name ("
                        + e.getClass().getSimpleName() + ")",
                e);
    }

    @Override
    public String toString() {
        return "LocalObjectStore[" + root + "]";
    }
}
