package dev.corekit.storage;

import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The operations public and private files share. Keys are relative to the area ({@code invoices/2026/1.pdf}); the
 * same key names the same file whatever the provider.
 *
 * <p><b>Keys.</b> A key is 1 to 1024 bytes of UTF-8 (less the area prefix; some providers allow less), made of
 * {@code /}-separated segments that are neither empty nor {@code .} nor {@code ..}, with no control characters and no
 * backslash. A bad key fails with an {@link IllegalArgumentException} that says which rule it broke, before anything is
 * stored.
 *
 * <p><b>Errors.</b> Every method throws {@link StorageException} (with its {@link StorageException.Reason}) when the
 * provider fails, after corekit's retries of what is safe to retry ({@code corekit.storage.retry-*}); reads, stats,
 * lists and deletes are retried, uploads only where nothing completed can be sent twice.
 */
public interface FileArea {
    /**
     * Stores the content of {@code content} under {@code key}, reading it to its end (the caller closes it). The
     * CRC32C is computed over the very bytes sent, in constant memory whatever the size (large or unknown lengths go
     * multipart or resumable), sent for the provider to check, and compared with the checksum the provider stored
     * before this method returns.
     *
     * @return what to persist: key, size, CRC32C, version
     * @throws IntegrityException when the stored checksum differs, the provider rejected the bytes or the content does
     *     not match {@link PutOptions#expectedCrc32c()}; nothing corrupt remains
     * @throws StorageException with {@link StorageException.Reason#SOURCE_FAILED} when {@code content} fails or does
     *     not hold {@link PutOptions#length()} bytes; nothing partial remains
     * @throws IllegalArgumentException for a bad key
     */
    StoredFile put(String key, InputStream content, PutOptions options);

    /** Stores {@code content} under {@code key}; see {@link #put(String, InputStream, PutOptions)}. */
    StoredFile put(String key, byte[] content, String contentType);

    /** What the provider says about the file, or empty when there is none. */
    Optional<FileInfo> stat(String key);

    /** Whether a file has this key. */
    default boolean exists(String key) {
        return stat(key).isPresent();
    }

    /**
     * Opens the file for reading; the caller closes the download.
     *
     * @throws StorageException with {@link StorageException.Reason#NOT_FOUND} when there is no such file
     */
    Download open(String key, Verification verification);

    /**
     * Reads a whole file into memory and verifies it: for small files.
     *
     * @throws IntegrityException when the bytes read are not the bytes stored
     * @throws StorageException with {@link StorageException.Reason#INTEGRITY} (not an {@code IntegrityException}: there
     *     is no stored checksum to name) when the provider stores none for this file, e.g. one written around corekit;
     *     {@link #open(String, Verification)} reads it with a {@code SKIPPED} verdict instead
     * @throws StorageException with {@link StorageException.Reason#NOT_FOUND} when there is no such file
     */
    byte[] readAllBytes(String key);

    /** Deletes the file; returns whether there was one (as far as the provider tells). */
    boolean delete(String key);

    /** Deletes every file named (one bulk request where the provider has one); absent keys are ignored. */
    void deleteAll(Collection<String> keys);

    /**
     * The files whose key starts with {@code prefix} ({@code ""} for all), in key order, fetched page by page as the
     * stream is consumed. Close the stream (try-with-resources) when not consuming it to the end.
     */
    Stream<FileInfo> list(String prefix);
}
