package dev.corekit.storage;

import java.time.Duration;

/**
 * Files nobody reads or writes without a credential: the service does it through this interface, and hands clients
 * short-lived {@link SignedUrl}s. Overwriting a key replaces the file.
 *
 * <pre>{@code
 * PrivateFiles files = storage.privateFiles();
 * SignedUrl download = files.signGet("invoices/2026/1.pdf", Duration.ofMinutes(5));
 *
 * // a browser uploads directly; the service checks the upload before recording it
 * SignedUrl upload = files.signPut("scans/7.pdf", "application/pdf", crc32cFromClient, Duration.ofMinutes(10));
 * ...
 * StoredFile scan = files.confirmUpload("scans/7.pdf", crc32cFromClient);
 * }</pre>
 *
 * <p>Every signed URL is written as a {@code storage.sign} operation record (key, method, expiry; never the URL).
 */
public interface PrivateFiles extends FileArea {
    /**
     * A URL a client can GET the file with, until it expires (see {@link SignedUrl} for the cap).
     *
     * @throws IllegalArgumentException for a bad key or a {@code ttl} shorter than one second
     * @throws StorageException when the signing credentials have already expired
     */
    SignedUrl signGet(String key, Duration ttl);

    /**
     * A URL a client can PUT exactly this content with: the provider rejects a body whose CRC32C is not
     * {@code crc32c}, and the signature any other content type. {@link SignedUrl#headers()} lists the headers the
     * client must send.
     *
     * @throws IllegalArgumentException for a bad key, content type or a {@code ttl} shorter than one second
     * @throws StorageException when the signing credentials have already expired
     */
    SignedUrl signPut(String key, String contentType, Crc32c crc32c, Duration ttl);

    /**
     * Checks a file a client uploaded through a signed URL and returns what to persist.
     *
     * @throws IntegrityException when the stored checksum is not {@code expected}; the file is deleted
     * @throws StorageException with {@link StorageException.Reason#NOT_FOUND} when nothing was uploaded
     */
    StoredFile confirmUpload(String key, Crc32c expected);
}
