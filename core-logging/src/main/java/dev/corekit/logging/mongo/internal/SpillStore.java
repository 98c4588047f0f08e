package dev.corekit.logging.mongo.internal;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.bson.Document;

/**
 * The spill files of one sink: JSON lines (Extended JSON, one document per line) named
 * {@code spill-<epoch millis>-<sequence>.jsonl}, so that sorting by name is oldest first.
 *
 * <p>Durability: every append is flushed to the operating system before it returns (it survives a crash of the
 * process); the file is fsynced when it is closed (before a replay and at shutdown), not per record, to keep the
 * caller's thread short. The open file is locked, so a second process on the same directory never replays it.
 *
 * <p>Bounded: once the spill files in the directory take {@code maxBytes} (counted when first needed, then kept up to
 * date by appends and replays of this store), appends are refused, so a long outage fills no disk: the caller counts
 * the refused records as dropped and they are reported like every drop.
 *
 * <p>Thread-safe: appends come from callers' threads (queue full) and the writer; one lock keeps lines whole.
 */
public final class SpillStore {
    private static final String PREFIX = "spill-";
    private static final String SUFFIX = ".jsonl";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path directory;
    private final long maxBytes;
    private final Object lock = new Object();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private FileOutputStream out;
    private FileLock fileLock;
    private Writer writer;
    private Path current;
    private long lastMillis;
    // Bytes of spill files in the directory; -1 until first counted. Guarded by lock.
    private long bytes = -1;
    // True at start (a previous process may have left files) and after every append.
    private volatile boolean pending = true;

    public SpillStore(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    /** The directory spill files are in. */
    public Path directory() {
        return directory;
    }

    /**
     * Appends documents as lines and flushes them to the OS; false when the disk refused (the error is kept for
     * {@link #takeLastError()}, never logged here: this runs on callers' threads).
     */
    public boolean append(List<Document> docs) {
        List<String> lines = new ArrayList<>(docs.size());
        for (Document doc : docs) {
            lines.add(RecordDocuments.toJson(doc));
        }
        long size = 0;
        for (String line : lines) {
            size += line.length() + 1; // the UTF-8 size for ASCII; close enough for a disk budget
        }
        synchronized (lock) {
            try {
                if (bytes < 0) {
                    bytes = bytesOnDisk();
                }
                if (bytes + size > maxBytes) {
                    lastError.compareAndSet(
                            null,
                            "spill directory " + directory + " is full (" + bytes + " of " + maxBytes
                                    + " bytes, corekit.logging.spill-max-mb): WARN+ records are dropped and counted"
                                    + " until MongoDB takes the spilled ones");
                    return false;
                }
                if (writer == null) {
                    open();
                }
                for (String line : lines) {
                    writer.write(line);
                    writer.write('\n');
                }
                writer.flush();
                bytes += size;
                pending = true;
                return true;
            } catch (IOException | RuntimeException e) {
                lastError.set("cannot spill to " + directory + ": " + e);
                closeQuietly();
                return false;
            }
        }
    }

    /** Appends one document; see {@link #append(List)}. */
    public boolean append(Document doc) {
        return append(List.of(doc));
    }

    /** The last append failure not yet reported, or null. */
    public String takeLastError() {
        return lastError.getAndSet(null);
    }

    /** Whether spill files may exist that were not replayed. */
    public boolean pending() {
        return pending;
    }

    /** Marks a replay as starting: appends from now on set {@link #pending()} again. */
    public void replayStarting() {
        pending = false;
    }

    /** Marks a replay as incomplete: files are left. */
    public void replayIncomplete() {
        pending = true;
    }

    /** Closes (and fsyncs) the open file, so it can be replayed; the next append opens a new one. */
    public void rotate() throws IOException {
        synchronized (lock) {
            if (writer == null) {
                return;
            }
            try {
                writer.flush();
                out.getChannel().force(true);
            } finally {
                closeQuietly();
            }
        }
    }

    /** The spill files not open for writing here, oldest first. */
    public List<Path> files() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        Path open;
        synchronized (lock) {
            open = current;
        }
        try (Stream<Path> listing = Files.list(directory)) {
            return listing.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith(PREFIX) && name.endsWith(SUFFIX) && !p.equals(open);
                    })
                    .sorted()
                    .toList();
        }
    }

    /**
     * Locks {@code file} for replay; null when another sink (this process or another) holds it. Close the claim to
     * release it; {@link Claim#delete()} removes the file once every record of it is written.
     */
    public Claim claim(Path file) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (java.nio.file.NoSuchFileException gone) {
            return null;
        }
        try {
            FileLock claimed = channel.tryLock();
            if (claimed == null) {
                channel.close();
                return null;
            }
            return new Claim(file, channel);
        } catch (OverlappingFileLockException | IOException e) {
            channel.close();
            return null;
        }
    }

    private long bytesOnDisk() throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> listing = Files.list(directory)) {
            for (Path file : (Iterable<Path>) listing::iterator) {
                String name = file.getFileName().toString();
                if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
                    try {
                        total += Files.size(file);
                    } catch (java.nio.file.NoSuchFileException replayedMeanwhile) {
                        // deleted by a replay in another process: nothing to count
                    }
                }
            }
        }
        return total;
    }

    /** A spill file locked for replay. */
    public final class Claim implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;

        private Claim(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        /** The file. */
        public Path file() {
            return file;
        }

        /** Its non-blank lines. */
        public List<String> lines() throws IOException {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        }

        /** Deletes the file: every record of it is in MongoDB. */
        public void delete() throws IOException {
            long size;
            try {
                size = Files.size(file);
            } catch (java.nio.file.NoSuchFileException gone) {
                return;
            }
            if (Files.deleteIfExists(file)) {
                synchronized (lock) {
                    if (bytes >= 0) {
                        bytes = Math.max(0, bytes - size);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Closes the open file, fsynced. */
    public void close() {
        try {
            rotate();
        } catch (IOException e) {
            lastError.set("cannot close spill file " + current + ": " + e);
        }
    }

    private void open() throws IOException {
        Files.createDirectories(directory);
        long millis = Math.max(System.currentTimeMillis(), lastMillis);
        lastMillis = millis;
        Path file = directory.resolve(
                String.format("%s%013d-%06d%s", PREFIX, millis, SEQUENCE.incrementAndGet() % 1_000_000, SUFFIX));
        FileOutputStream stream = new FileOutputStream(file.toFile(), true);
        try {
            fileLock = stream.getChannel().tryLock();
        } catch (OverlappingFileLockException e) {
            fileLock = null;
        }
        out = stream;
        current = file;
        writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 16 * 1024);
    }

    private void closeQuietly() {
        try {
            if (writer != null) {
                writer.close(); // releases the lock with the channel
            } else if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            lastError.compareAndSet(null, "cannot close spill file " + current + ": " + e);
        }
        writer = null;
        out = null;
        fileLock = null;
        current = null;
    }
}
