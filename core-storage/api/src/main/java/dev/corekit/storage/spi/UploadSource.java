package dev.corekit.storage.spi;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
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
        if (pending >= 0 && length > 0) {
            buffer[offset] = (byte) pending;
            pending = -1;
            n = 1;
        }
        while (n < length && !atEnd) {
            int r;
            try {
                r = in.read(buffer, offset + n, length - n);
            } catch (IOException | RuntimeException e) {
                throw failed(
                        "the stream failed after " + (size + n) + " bytes: "
                                + e.getClass().getName(),
                        e);
            }
            if (r < 0) {
                atEnd = true;
            } else {
                n += r;
                if (declaredLength >= 0 && size + n > declaredLength) {
                    throw failed("the stream holds more than the declared " + declaredLength + " bytes", null);
                }
            }
        }
        chunk.reset();
        chunk.update(buffer, offset, n);
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
