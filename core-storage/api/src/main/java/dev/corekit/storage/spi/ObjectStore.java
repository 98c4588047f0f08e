package dev.corekit.storage.spi;

import dev.corekit.storage.FileInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One provider's bucket or directory, addressed by full object keys (area prefix included, already validated). Core
 * corekit does the rest: key rules, checksum comparison after each write, deletion on mismatch, retries of reads,
 * expiry caps, operation records.
 *
 * <p>Failures: throw {@link dev.corekit.storage.StorageException} with the right reason (an
 * {@link dev.corekit.storage.IntegrityException} when the provider rejected a checksum); any other
 * {@link IOException} or runtime exception counts as {@link dev.corekit.storage.StorageException.Reason#UNAVAILABLE}.
 * Never put a credential or a signed URL in a message. Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {
    /** The longest object key the provider accepts, in UTF-8 bytes. */
    int maxKeyBytes();

    /** The longest segment between slashes, in UTF-8 bytes; unlimited unless a file system says otherwise. */
    default int maxSegmentBytes() {
        return Integer.MAX_VALUE;
    }

    /**
     * Writes one object from {@link ObjectWrite#source()}, read to its end through {@link UploadSource} (which computes
     * the CRC32C of every byte once), sending the checksum so that the provider rejects a mismatch, and returns what the
     * provider stored — its checksum as the provider reports it, not as computed here. Nothing may remain when this
     * throws: abort multipart uploads, delete temporary files. Retries are this method's business, and it must never
     * send a completed upload again.
     */
    FileInfo write(ObjectWrite write) throws IOException;

    /** What the provider says about an object, or empty when there is none. */
    Optional<FileInfo> stat(String objectKey) throws IOException;

    /**
     * Opens an object for reading.
     *
     * @throws dev.corekit.storage.StorageException with reason NOT_FOUND when there is none
     */
    ObjectRead read(String objectKey) throws IOException;

    /** Deletes an object; returns whether there was one, as far as the provider says (S3 does not: true). */
    boolean delete(String objectKey) throws IOException;

    /** Deletes every object named, in as few requests as the provider allows; absent ones are ignored. */
    void deleteAll(List<String> objectKeys) throws IOException;

    /** The objects under {@code prefix}, in key order, paged lazily; the stream is closed by the caller. */
    Stream<FileInfo> list(String prefix) throws IOException;

    /** Signs a GET or PUT of one object; the expiry given is already capped. */
    PresignedRequest presign(PresignRequest request);

    /** When the credentials that sign URLs expire; empty when they do not (keys) or the provider cannot tell. */
    Optional<Instant> credentialExpiry();

    /** The provider's own client or handle of this type, if it has one: the vendor escape hatch. */
    <T> Optional<T> unwrap(Class<T> type);

    @Override
    void close();
}
