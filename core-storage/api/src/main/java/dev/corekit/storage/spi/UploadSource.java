package dev.corekit.storage.spi;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * The caller's stream as a provider reads it: in chunks the provider sends as they are, each checksummed once with
 * {@link java.util.zip.CRC32C} (the chunk's checksum for per-part checksums, combined into the whole object's). Memory
 * is the provider's buffer, whatever the size.
 *
 * <pre>{@code
 * byte[] part = new byte[partSize];
 * int n = source.read(part, 0, part.length);
 * if (!source.hasMore()) { ...single request with source.checksum()... }
 * }</pre>
 *
 * <p>A failing caller stream, or one that does not hold the declared length, raises a {@link StorageException} with
 * reason {@link StorageException.Reason#SOURCE_FAILED}: the provider then removes whatever it started. Not
 * thread-safe: one upload, one thread.
 */
public final class UploadSource {
    /** The size a first part's buffer starts at when the length is not declared. */
    public static final int FIRST_PART_BUFFER = 256 * 1024;

    /** The most bytes asked of the stream at once, and checksummed while they are still in the CPU's cache. */
    private static final int SLICE = 64 * 1024;

    private final String key;
    private final InputStream in;
    private final long declaredLength;
    private final CRC32C chunk = new CRC32C();
    private Crc32c total = Crc32c.EMPTY;
    private Crc32c lastChunk = Crc32c.EMPTY;
    private long size;
    private boolean atEnd;
    private int pending = -1;

    private UploadSource(String key, InputStream in, long declaredLength) {
        this.key = key;
        this.in = in;
        this.declaredLength = declaredLength;
    }

    /**
     * A source over {@code in}.
     *
     * @param key the caller's file key, for error messages
     * @param in the caller's stream (not closed here)
     * @param declaredLength the length the caller declared, if any
     */
    public static UploadSource of(String key, InputStream in, OptionalLong declaredLength) {
        return new UploadSource(
                Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(in, "in"),
                Objects.requireNonNull(declaredLength, "declaredLength").orElse(-1));
    }

    /** The length the caller declared, if any. */
    public OptionalLong declaredLength() {
        return declaredLength < 0 ? OptionalLong.empty() : OptionalLong.of(declaredLength);
    }

    /**
     * Reads up to {@code length} bytes into {@code buffer}, blocking until that many arrived or the stream ended, and
     * checksums them.
     *
     * @return the number of bytes read: less than {@code length} only at the end of the stream
     * @throws StorageException with reason SOURCE_FAILED when the stream fails or breaks its declared length
     */
    public int read(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        int n = 0;
        chunk.reset();
        if (pending >= 0 && length > 0) {
            buffer[offset] = (byte) pending;
            chunk.update(pending);
            pending = -1;
            n = 1;
        }
        while (n < length && !atEnd) {
            int r;
            try {
                // in slices, each checksummed as soon as it arrived, while its bytes are still in the CPU's cache
                r = in.read(buffer, offset + n, Math.min(length - n, SLICE));
            } catch (IOException | RuntimeException e) {
                throw failed(
                        "the stream failed after " + (size + n) + " bytes: "
                                + e.getClass().getName(),
                        e);
            }
            if (r < 0) {
                atEnd = true;
            } else {
                chunk.update(buffer, offset + n, r);
                n += r;
                if (declaredLength >= 0 && size + n > declaredLength) {
                    throw failed("the stream holds more than the declared " + declaredLength + " bytes", null);
                }
            }
        }
        lastChunk = Crc32c.of((int) chunk.getValue());
        total = Crc32c.combine(total, lastChunk, n);
        size += n;
        if (atEnd) {
            checkDeclaredLength();
        }
        return n;
    }

    /**
     * Whether more bytes follow, reading one ahead if needed (it is returned by the next {@link #read}).
     *
     * @throws StorageException with reason SOURCE_FAILED when the stream fails or breaks its declared length
     */
    public boolean hasMore() {
        if (pending >= 0) {
            return true;
        }
        if (atEnd) {
            return false;
        }
        int next;
        try {
            next = in.read();
        } catch (IOException | RuntimeException e) {
            throw failed(
                    "the stream failed after " + size + " bytes: "
                            + e.getClass().getName(),
                    e);
        }
        if (next < 0) {
            atEnd = true;
            checkDeclaredLength();
            return false;
        }
        if (declaredLength >= 0 && size >= declaredLength) {
            throw failed("the stream holds more than the declared " + declaredLength + " bytes", null);
        }
        pending = next;
        return true;
    }

    /**
     * One part of a multipart or resumable upload: the first {@code length} bytes of {@code buffer} and their CRC32C.
     *
     * @param buffer the bytes (only the first {@code length} count)
     * @param length how many bytes of {@code buffer} the part holds
     * @param crc32c the CRC32C of those bytes
     */
    public record Part(byte[] buffer, int length, Crc32c crc32c) {}

    /**
     * Reads the next part of up to {@code partSize} bytes: less only at the end of the stream (then
     * {@link #hasMore()} is false). The buffer grows from {@value #FIRST_PART_BUFFER} bytes (or the declared length)
     * as needed, so that a small upload never holds a whole part's worth of memory.
     *
     * @param reuse the buffer of the previous part, to fill again; null for the first part
     * @param partSize the most bytes a part holds
     * @throws StorageException with reason SOURCE_FAILED when the stream fails or breaks its declared length
     */
    public Part readPart(byte[] reuse, int partSize) {
        if (partSize <= 0) {
            throw new IllegalArgumentException("part size must be positive: " + partSize);
        }
        byte[] buffer = reuse;
        if (buffer == null) {
            buffer = new byte
                    [declaredLength >= 0
                            ? (int) Math.min(partSize, declaredLength)
                            : Math.min(partSize, FIRST_PART_BUFFER)];
        }
        int length = 0;
        Crc32c crc = Crc32c.EMPTY;
        while (length < partSize) {
            if (declaredLength >= 0 && size >= declaredLength) {
                break; // hasMore() confirms the end, or finds the stream longer than declared
            }
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(partSize, Math.max(64 * 1024, buffer.length * 2)));
            }
            int wanted = buffer.length - length;
            int read = read(buffer, length, wanted);
            crc = Crc32c.combine(crc, lastChunk, read);
            length += read;
            if (read < wanted) {
                break;
            }
        }
        return new Part(buffer, length, crc);
    }

    /** The checksum of the bytes of the last {@link #read}. */
    public Crc32c lastChunkChecksum() {
        return lastChunk;
    }

    /** The checksum of every byte read so far: of the whole object once {@link #hasMore()} is false. */
    public Crc32c checksum() {
        return total;
    }

    /** The number of bytes read so far. */
    public long size() {
        return size;
    }

    /** The caller's key, for messages. */
    public String key() {
        return key;
    }

    private void checkDeclaredLength() {
        if (declaredLength >= 0 && size != declaredLength) {
            throw failed("the stream ended after " + size + " bytes, " + declaredLength + " were declared", null);
        }
    }

    private StorageException failed(String what, Throwable cause) {
        return new StorageException(
                StorageException.Reason.SOURCE_FAILED,
                key,
                "upload of '" + key + "' aborted, nothing stored: " + what,
                cause);
    }
}
