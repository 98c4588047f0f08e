package dev.corekit.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * The bytes a provider stored (or returned) are not the bytes that were sent: a flipped bit in transit, a truncated
 * upload, a stream that did not hold what its caller said. When a write raises it, nothing corrupt remains — the
 * object was rejected by the provider or deleted before the exception was thrown — so the caller must not persist a
 * record for the file. Never retryable as such: the caller decides whether to send the file again.
 *
 * <p>{@link #expected()} is the CRC32C of what should be there: the checksum the caller declared, else the one
 * corekit computed over the bytes it sent. {@link #actual()} is what the provider stored or the reader received; it is
 * empty when the provider rejected the upload itself without saying what it computed.
 */
public final class IntegrityException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final Crc32c expected;
    private final Crc32c actual;

    /**
     * An integrity failure of the file {@code key}.
     *
     * @param key the file key as the caller named it
     * @param expected the checksum of the bytes meant to be there
     * @param actual the checksum of the bytes found; null when the provider rejected them without saying
     * @param detail what happened, e.g. "the provider stored a different checksum; the object was deleted"
     * @param cause the provider's rejection, if any
     */
    public IntegrityException(String key, Crc32c expected, Crc32c actual, String detail, Throwable cause) {
        super(
                Reason.INTEGRITY,
                Objects.requireNonNull(key, "key"),
                "CRC32C mismatch for '" + key + "': expected " + Objects.requireNonNull(expected, "expected")
                        + ", actual " + (actual == null ? "unknown" : actual.toString()) + " (" + detail + ")",
                cause);
        this.expected = expected;
        this.actual = actual;
    }

    /** The CRC32C of the bytes meant to be there. */
    public Crc32c expected() {
        return expected;
    }

    /** The CRC32C of the bytes found; empty when the provider rejected them without saying what it computed. */
    public Optional<Crc32c> actual() {
        return Optional.ofNullable(actual);
    }
}
