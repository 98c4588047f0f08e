package dev.corekit.storage.s3.internal;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.s3.S3Settings;
import dev.corekit.storage.spi.ObjectRead;
import dev.corekit.storage.spi.ObjectStore;
import dev.corekit.storage.spi.ObjectWrite;
import dev.corekit.storage.spi.PresignRequest;
import dev.corekit.storage.spi.ProviderContext;
import dev.corekit.storage.spi.UploadSource;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * One S3 bucket through the AWS SDK v2. The SDK's retries are off: each call that is safe to repeat is retried here
 * through Resilience4j, and an upload is sent again only after S3 said it did not complete.
 */
public final class S3ObjectStore implements ObjectStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

    private static final int MAX_KEY_BYTES = 1024;
    /** S3's largest single PUT: a declared length up to this goes in one streamed request. */
    static final long MAX_SINGLE_PUT_BYTES = 5L * 1024 * 1024 * 1024;

    private static final int DELETE_BATCH = 1000;
    /** Error codes by which S3 and compatible stores say the body is not what its checksum or hash says. */
    private static final Set<String> BAD_BODY_CODES = Set.of(
            "BadDigest",
            "InvalidDigest",
            "XAmzContentChecksumMismatch",
            "XAmzContentSHA256Mismatch",
            "InvalidChecksum",
            "IncompleteBody");

    private final ProviderContext context;
    private final S3Settings settings;
    private final S3Client client;
    private final S3Presigner presigner;
    private final AwsCredentialsProvider credentials;
    private final String bucket;
    private final int partSize;
    private final String where;

    private S3ObjectStore(
            ProviderContext context,
            S3Settings settings,
            S3Client client,
            S3Presigner presigner,
            AwsCredentialsProvider credentials) {
        this.context = context;
        this.settings = settings;
        this.client = client;
        this.presigner = presigner;
        this.credentials = credentials;
        this.bucket = settings.bucket();
        this.partSize = context.settings().partSizeBytes();
        this.where = settings.endpoint().map(Object::toString).orElse("AWS " + settings.region());
    }

    /** Builds the client and presigner and checks that the bucket exists: a missing bucket fails at startup. */
    public static S3ObjectStore open(ProviderContext context, S3Settings settings, AwsCredentialsProvider credentials) {
        boolean compatible = settings.profile() == S3Settings.Profile.COMPATIBLE;
        S3Configuration service = S3Configuration.builder()
                .pathStyleAccessEnabled(settings.pathStyle())
                // a compatible store gets a plain body with its checksum in a header: no aws-chunked framing
                .chunkedEncodingEnabled(!compatible)
                .build();
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(service)
                .requestChecksumCalculation(
                        compatible
                                ? RequestChecksumCalculation.WHEN_REQUIRED
                                : RequestChecksumCalculation.WHEN_SUPPORTED)
                // corekit verifies downloads itself and reports a verdict; the SDK would throw its own error instead
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (compatible) {
            builder.addPlugin(LegacyMd5Plugin.create()); // Content-MD5 on DeleteObjects (aws-sdk-java-v2#5805)
        }
        settings.endpoint().ifPresent(builder::endpointOverride);
        S3Presigner.Builder presignerBuilder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(service);
        settings.endpoint().ifPresent(presignerBuilder::endpointOverride);
        S3Client client = builder.build();
        S3Presigner presigner = presignerBuilder.build();
        S3ObjectStore store = new S3ObjectStore(context, settings, client, presigner, credentials);
        try {
            store.checkBucket();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void checkBucket() {
        String setting = S3Settings.BUCKET.propertyName() + " = " + bucket;
        try {
            retrying("s3-head-bucket", () -> client.headBucket(b -> b.bucket(bucket)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new StorageException(
                        StorageException.Reason.REJECTED,
                        null,
                        "the S3 bucket does not exist (" + setting + ", at " + where + ")",
                        e);
            }
            throw new StorageException(
                    StorageException.Reason.REJECTED,
                    null,
                    "the S3 bucket cannot be used (" + setting + ", at " + where + "): S3 answered " + e.statusCode()
                            + " " + errorCode(e),
                    e);
        } catch (SdkClientException e) {
            throw new StorageException(
                    StorageException.Reason.UNAVAILABLE,
                    null,
                    "S3 cannot be reached at " + where + " (" + setting + "): " + e.getMessage(),
                    e);
        }
    }

    @Override
    public int maxKeyBytes() {
        return MAX_KEY_BYTES;
    }

    // --- writes -------------------------------------------------------------------------------------------------

    @Override
    public FileInfo write(ObjectWrite write) {
        UploadSource source = write.source();
        OptionalLong declared = source.declaredLength();
        if (declared.isPresent()
                && declared.getAsLong() > partSize
                && declared.getAsLong() <= MAX_SINGLE_PUT_BYTES
                && settings.profile() == S3Settings.Profile.AWS) {
            return putStreamed(write, declared.getAsLong());
        }
        UploadSource.Part first = source.readPart(null, partSize);
        if (!source.hasMore()) {
            return putSingle(write, first);
        }
        return putMultipart(write, first);
    }

    private FileInfo putSingle(ObjectWrite write, UploadSource.Part part) {
        String key = write.source().key();
        refuseUndeclaredContent(write, part.crc32c());
        PutObjectRequest.Builder builder = PutObjectRequest.builder()
                .bucket(bucket)
                .key(write.objectKey())
                .contentType(write.contentType())
                .contentLength((long) part.length())
                .checksumCRC32C(part.crc32c().toBase64());
        write.cacheControl().ifPresent(builder::cacheControl);
        if (write.createOnly()) {
            builder.ifNoneMatch("*");
        }
        PutObjectRequest request = builder.build();
        int[] attempts = {0};
        return uploading("s3-put", key, part.crc32c(), () -> {
            if (attempts[0]++ > 0) {
                // the previous attempt may have completed with its answer lost: never send a completed upload again
                Optional<FileInfo> landed =
                        landed(write.objectKey(), part.crc32c().toBase64(), part.length());
                if (landed.isPresent()) {
                    return landed.get();
                }
            }
            PutObjectResponse response = client.putObject(
                    request,
                    RequestBody.fromContentProvider(
                            () -> new ByteArrayInputStream(part.buffer(), 0, part.length()),
                            part.length(),
                            write.contentType()));
            return stored(write, response.checksumCRC32C(), response.eTag(), response.versionId(), part.length());
        });
    }

    /**
     * A declared length over one part goes in one request, streamed: memory stays at the SDK's chunk whatever the
     * size, and S3 checks a CRC32C the SDK computes over the bytes as it sends them (an {@code aws-chunked} trailer),
     * while corekit checksums the same bytes as they are read, to compare with what S3 stored. A checksum the caller
     * declared is sent up front instead, so S3 refuses content without it and a previous version stays. Not retried:
     * the caller's stream cannot be read twice (nothing is stored when the request fails).
     */
    private FileInfo putStreamed(ObjectWrite write, long length) {
        UploadSource source = write.source();
        String key = source.key();
        PutObjectRequest.Builder builder = PutObjectRequest.builder()
                .bucket(bucket)
                .key(write.objectKey())
                .contentType(write.contentType())
                .contentLength(length);
        write.expectedCrc32c()
                .ifPresentOrElse(
                        expected -> builder.checksumCRC32C(expected.toBase64()),
                        () -> builder.checksumAlgorithm(ChecksumAlgorithm.CRC32_C));
        write.cacheControl().ifPresent(builder::cacheControl);
        if (write.createOnly()) {
            builder.ifNoneMatch("*");
        }
        boolean[] opened = {false};
        RequestBody body = RequestBody.fromContentProvider(
                () -> {
                    if (opened[0]) {
                        throw new IllegalStateException("the stream of '" + key + "' cannot be sent twice");
                    }
                    opened[0] = true;
                    return new DeclaredLengthStream(source, length);
                },
                length,
                write.contentType());
        PutObjectResponse response;
        try {
            response = client.putObject(builder.build(), body);
        } catch (RuntimeException e) {
            StorageException fromSource = sourceFailure(e);
            if (fromSource != null) {
                throw fromSource;
            }
            Crc32c read = source.size() == length ? source.checksum() : null;
            if (read != null) {
                refuseUndeclaredContent(write, read);
                if (isTransient(e)) {
                    // every byte went out and the answer was lost: the request may have completed
                    Optional<FileInfo> landed = landedIfKnown(write.objectKey(), read.toBase64(), length);
                    if (landed.isPresent()) {
                        return landed.get();
                    }
                }
            }
            throw translate(e, key, read, true);
        }
        return stored(write, response.checksumCRC32C(), response.eTag(), response.versionId(), length);
    }

    private Optional<FileInfo> landedIfKnown(String objectKey, String checksum, long size) {
        try {
            return landed(objectKey, checksum, size);
        } catch (RuntimeException e) {
            return Optional.empty(); // unknown: the caller gets the original error
        }
    }

    /** The source's own failure (a failing or overlong stream), however the SDK wrapped it. */
    private static StorageException sourceFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof StorageException storage
                    && storage.reason() == StorageException.Reason.SOURCE_FAILED) {
                return storage;
            }
        }
        return null;
    }

    /**
     * The caller's stream as the SDK reads it, through the upload source (which checksums every byte and enforces the
     * declared length). At the declared length it looks one byte ahead, so that a longer stream fails before the
     * request completes, not after the object was stored.
     */
    private static final class DeclaredLengthStream extends InputStream {
        private final UploadSource source;
        private final long length;

        DeclaredLengthStream(UploadSource source, long length) {
            this.source = source;
            this.length = length;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (count == 0) {
                return 0;
            }
            int n = source.read(buffer, offset, (int) Math.min(count, Math.max(1, length - source.size())));
            if (source.size() >= length) {
                source.hasMore(); // throws SOURCE_FAILED when the stream holds more than declared
            }
            return n == 0 ? -1 : n;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    private FileInfo putMultipart(ObjectWrite write, UploadSource.Part first) {
        UploadSource source = write.source();
        String key = source.key();
        String objectKey = write.objectKey();
        if (write.createOnly() && stat(objectKey).isPresent()) {
            throw alreadyExists(key);
        }
        boolean fullObject = settings.multipartChecksum() == S3Settings.MultipartChecksum.FULL_OBJECT;
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder()
                .bucket(bucket)
                .key(objectKey)
                .contentType(write.contentType())
                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                .checksumType(fullObject ? ChecksumType.FULL_OBJECT : ChecksumType.COMPOSITE);
        write.cacheControl().ifPresent(create::cacheControl);
        String uploadId = uploading(
                "s3-create-multipart",
                key,
                null,
                () -> client.createMultipartUpload(create.build()).uploadId());
        try {
            List<CompletedPart> parts = new ArrayList<>();
            ByteArrayOutputStream partChecksums = new ByteArrayOutputStream();
            UploadSource.Part part = first;
            while (true) {
                parts.add(uploadPart(key, objectKey, uploadId, parts.size() + 1, part));
                partChecksums.writeBytes(part.crc32c().bytes());
                if (!source.hasMore()) {
                    break;
                }
                part = source.readPart(part.buffer(), partSize);
            }
            Crc32c whole = source.checksum();
            refuseUndeclaredContent(write, whole); // before completing: aborted, the previous version stays
            String expected = fullObject
                    ? whole.toBase64()
                    : Crc32c.of(partChecksums.toByteArray()).toBase64() + "-" + parts.size();
            return complete(write, uploadId, parts, whole, expected, source.size(), fullObject);
        } catch (RuntimeException | Error e) {
            abort(objectKey, uploadId);
            throw e;
        }
    }

    /**
     * Fails before anything is committed when the caller declared a checksum the content does not have, so that an
     * overwrite that fails leaves the previous version in place.
     */
    private static void refuseUndeclaredContent(ObjectWrite write, Crc32c actual) {
        Optional<Crc32c> declared = write.expectedCrc32c();
        if (declared.isPresent() && !declared.get().equals(actual)) {
            throw new IntegrityException(
                    write.source().key(),
                    declared.get(),
                    actual,
                    "the content does not have the declared checksum; nothing was stored",
                    null);
        }
    }

    private CompletedPart uploadPart(
            String key, String objectKey, String uploadId, int number, UploadSource.Part part) {
        UploadPartRequest request = UploadPartRequest.builder()
                .bucket(bucket)
                .key(objectKey)
                .uploadId(uploadId)
                .partNumber(number)
                .contentLength((long) part.length())
                .checksumCRC32C(part.crc32c().toBase64())
                .build();
        // a part may be sent again: S3 keeps the last copy of each part number
        String etag = uploading(
                "s3-upload-part",
                key,
                part.crc32c(),
                () -> client.uploadPart(
                                request,
                                RequestBody.fromContentProvider(
                                        () -> new ByteArrayInputStream(part.buffer(), 0, part.length()),
                                        part.length(),
                                        "application/octet-stream"))
                        .eTag());
        return CompletedPart.builder()
                .partNumber(number)
                .eTag(etag)
                .checksumCRC32C(part.crc32c().toBase64())
                .build();
    }

    private FileInfo complete(
            ObjectWrite write,
            String uploadId,
            List<CompletedPart> parts,
            Crc32c whole,
            String expected,
            long size,
            boolean fullObject) {
        String key = write.source().key();
        CompleteMultipartUploadRequest.Builder builder = CompleteMultipartUploadRequest.builder()
                .bucket(bucket)
                .key(write.objectKey())
                .uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts))
                .checksumType(fullObject ? ChecksumType.FULL_OBJECT : ChecksumType.COMPOSITE);
        if (fullObject) {
            builder.checksumCRC32C(whole.toBase64());
        }
        if (write.createOnly()) {
            builder.ifNoneMatch("*");
        }
        CompleteMultipartUploadRequest request = builder.build();
        int[] attempts = {0};
        return uploading("s3-complete-multipart", key, whole, () -> {
            if (attempts[0]++ > 0) {
                Optional<FileInfo> landed = landed(write.objectKey(), expected, size);
                if (landed.isPresent()) {
                    return fullObject ? landed.get() : withChecksum(landed.get(), whole);
                }
            }
            CompleteMultipartUploadResponse response = client.completeMultipartUpload(request);
            if (fullObject) {
                return stored(write, response.checksumCRC32C(), response.eTag(), response.versionId(), size);
            }
            // composite: like is compared with like, and the stored parts' checksums combine into the whole's
            String composite = response.checksumCRC32C() != null
                    ? response.checksumCRC32C()
                    : head(write.objectKey())
                            .map(HeadObjectResponse::checksumCRC32C)
                            .orElse(null);
            if (!expected.equals(composite)) {
                deleteQuietly(write.objectKey());
                throw new IntegrityException(
                        key,
                        whole,
                        null,
                        "S3 stored the composite checksum " + composite + ", corekit sent parts making " + expected
                                + "; the object was deleted",
                        null);
            }
            return new FileInfo(
                    write.objectKey(),
                    size,
                    Optional.of(whole),
                    Optional.of(write.contentType()),
                    Optional.ofNullable(response.versionId()),
                    Instant.now());
        });
    }

    private void abort(String objectKey, String uploadId) {
        try {
            retrying(
                    "s3-abort-multipart",
                    () -> client.abortMultipartUpload(
                            b -> b.bucket(bucket).key(objectKey).uploadId(uploadId)));
        } catch (RuntimeException e) {
            LOG.warn(
                    "multipart upload {} of {} could not be aborted ({}); a bucket lifecycle rule for incomplete"
                            + " multipart uploads removes its parts",
                    uploadId,
                    objectKey,
                    e.getClass().getName());
        }
    }

    /** The object as it stands if it has exactly this checksum and size: the previous attempt completed. */
    private Optional<FileInfo> landed(String objectKey, String checksum, long size) {
        return head(objectKey)
                .filter(head -> checksum.equals(head.checksumCRC32C())
                        && head.contentLength() != null
                        && head.contentLength() == size)
                .map(head -> info(objectKey, head));
    }

    private FileInfo stored(ObjectWrite write, String checksum, String etag, String versionId, long size) {
        if (checksum == null) {
            // a store that does not echo the checksum: ask for this very version (a concurrent write is not ours)
            HeadObjectResponse head = client.headObject(
                    b -> b.bucket(bucket).key(write.objectKey()).ifMatch(etag).checksumMode(ChecksumMode.ENABLED));
            return info(write.objectKey(), head);
        }
        return new FileInfo(
                write.objectKey(),
                size,
                parseFull(checksum),
                Optional.of(write.contentType()),
                Optional.ofNullable(versionId),
                Instant.now());
    }

    private static FileInfo withChecksum(FileInfo info, Crc32c crc) {
        return new FileInfo(
                info.key(), info.size(), Optional.of(crc), info.contentType(), info.version(), info.lastModified());
    }

    // --- reads --------------------------------------------------------------------------------------------------

    @Override
    public Optional<FileInfo> stat(String objectKey) {
        try {
            return head(objectKey).map(head -> info(objectKey, head));
        } catch (RuntimeException e) {
            throw translate(e, objectKey, null, false);
        }
    }

    private Optional<HeadObjectResponse> head(String objectKey) {
        try {
            return Optional.of(
                    client.headObject(b -> b.bucket(bucket).key(objectKey).checksumMode(ChecksumMode.ENABLED)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public ObjectRead read(String objectKey) {
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                HeadObjectResponse head = head(objectKey).orElseThrow(() -> notFound(objectKey));
                try {
                    // the bytes of exactly the version whose checksum was just read; checksum mode stays off so that
                    // corekit, not the SDK, judges the bytes
                    ResponseInputStream<GetObjectResponse> in = client.getObject(
                            b -> b.bucket(bucket).key(objectKey).ifMatch(head.eTag()));
                    return new ObjectRead(info(objectKey, head), in);
                } catch (S3Exception e) {
                    if (e.statusCode() == 404) {
                        throw notFound(objectKey);
                    }
                    if (e.statusCode() != 412) {
                        throw e;
                    }
                    // replaced between the HEAD and the GET: read the new version's checksum
                }
            }
            throw new StorageException(
                    StorageException.Reason.UNAVAILABLE,
                    objectKey,
                    "'" + objectKey + "' was replaced three times while it was being opened",
                    null);
        } catch (RuntimeException e) {
            throw translate(e, objectKey, null, false);
        }
    }

    private FileInfo info(String objectKey, HeadObjectResponse head) {
        return new FileInfo(
                objectKey,
                head.contentLength() == null ? 0 : head.contentLength(),
                parseFull(head.checksumCRC32C()),
                Optional.ofNullable(head.contentType()),
                Optional.ofNullable(head.versionId()),
                head.lastModified() == null ? Instant.EPOCH : head.lastModified());
    }

    /** A whole-object CRC32C; empty for none or a composite one ({@code ...-N}), which no read can check. */
    private static Optional<Crc32c> parseFull(String checksum) {
        if (checksum == null || checksum.contains("-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Crc32c.fromBase64(checksum));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    // --- deletes and lists --------------------------------------------------------------------------------------

    @Override
    public boolean delete(String objectKey) {
        try {
            client.deleteObject(b -> b.bucket(bucket).key(objectKey));
            return true; // S3 answers the same whether there was an object or not
        } catch (RuntimeException e) {
            throw translate(e, objectKey, null, false);
        }
    }

    private void deleteQuietly(String objectKey) {
        try {
            retrying(
                    "s3-delete", () -> client.deleteObject(b -> b.bucket(bucket).key(objectKey)));
        } catch (RuntimeException e) {
            LOG.warn(
                    "a corrupt object could not be deleted ({}); delete {} by hand",
                    e.getClass().getName(),
                    objectKey);
        }
    }

    @Override
    public void deleteAll(List<String> objectKeys) {
        try {
            for (int from = 0; from < objectKeys.size(); from += DELETE_BATCH) {
                List<ObjectIdentifier> batch =
                        objectKeys.subList(from, Math.min(objectKeys.size(), from + DELETE_BATCH)).stream()
                                .map(key -> ObjectIdentifier.builder().key(key).build())
                                .toList();
                DeleteObjectsResponse response = client.deleteObjects(
                        b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
                if (response.hasErrors() && !response.errors().isEmpty()) {
                    S3Error error = response.errors().get(0);
                    throw new StorageException(
                            StorageException.Reason.REJECTED,
                            null,
                            response.errors().size() + " of " + batch.size() + " deletes failed at " + where
                                    + ", the first for '" + error.key() + "': " + error.code(),
                            null);
                }
            }
        } catch (RuntimeException e) {
            throw translate(e, null, null, false);
        }
    }

    @Override
    public Stream<FileInfo> list(String prefix) {
        Iterator<FileInfo> pages = new Iterator<>() {
            private Iterator<FileInfo> page = List.<FileInfo>of().iterator();
            private String token;
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !last) {
                    String continuation = token;
                    ListObjectsV2Response response;
                    try {
                        response = retrying(
                                "s3-list",
                                () -> client.listObjectsV2(
                                        b -> b.bucket(bucket).prefix(prefix).continuationToken(continuation)));
                    } catch (RuntimeException e) {
                        throw translate(e, null, null, false);
                    }
                    page = response.contents().stream()
                            .map(object -> new FileInfo(
                                    object.key(),
                                    object.size() == null ? 0 : object.size(),
                                    Optional.empty(),
                                    Optional.empty(),
                                    Optional.empty(),
                                    object.lastModified() == null ? Instant.EPOCH : object.lastModified()))
                            .iterator();
                    token = response.nextContinuationToken();
                    last = !Boolean.TRUE.equals(response.isTruncated()) || token == null;
                }
                return page.hasNext();
            }

            @Override
            public FileInfo next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    // --- signed URLs --------------------------------------------------------------------------------------------

    @Override
    public dev.corekit.storage.spi.PresignedRequest presign(PresignRequest request) {
        // The presigner signs at the system clock's now; SigV4 counts whole seconds from X-Amz-Date (now, truncated):
        // whole seconds from now that end by the capped expiry keep the URL inside every cap.
        Duration lifetime = Duration.ofSeconds(
                Duration.between(Instant.now(), request.expiresAt()).getSeconds());
        if (lifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new StorageException(
                    StorageException.Reason.REJECTED,
                    request.objectKey(),
                    "a signed URL for '" + request.objectKey() + "' would live less than a second",
                    null);
        }
        software.amazon.awssdk.awscore.presigner.PresignedRequest signed;
        try {
            if ("PUT".equals(request.method())) {
                signed = presigner.presignPutObject(p -> p.signatureDuration(lifetime)
                        .putObjectRequest(o -> o.bucket(bucket)
                                .key(request.objectKey())
                                .contentType(request.contentType().orElseThrow())
                                .checksumCRC32C(request.crc32c().orElseThrow().toBase64())));
            } else {
                signed = presigner.presignGetObject(p -> p.signatureDuration(lifetime)
                        .getObjectRequest(o -> o.bucket(bucket).key(request.objectKey())));
            }
        } catch (RuntimeException e) {
            throw translate(e, request.objectKey(), null, false);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        signed.signedHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                headers.put(name, String.join(",", values));
            }
        });
        try {
            // the instant S3 stops accepting it: X-Amz-Date (whole seconds) plus X-Amz-Expires
            return new dev.corekit.storage.spi.PresignedRequest(
                    signed.url().toURI(), headers, signed.expiration().truncatedTo(ChronoUnit.SECONDS));
        } catch (URISyntaxException e) {
            throw new StorageException(
                    StorageException.Reason.REJECTED,
                    request.objectKey(),
                    "the S3 presigner made a URL that is not a URI",
                    null);
        }
    }

    @Override
    public Optional<Instant> credentialExpiry() {
        try {
            return credentials.resolveIdentity().join().expirationTime();
        } catch (RuntimeException e) {
            throw new StorageException(
                    StorageException.Reason.REJECTED,
                    null,
                    "the S3 credentials cannot be resolved: " + e.getClass().getSimpleName(),
                    e);
        }
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type.isInstance(client)) {
            return Optional.of(type.cast(client));
        }
        if (type.isInstance(presigner)) {
            return Optional.of(type.cast(presigner));
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
    }

    // --- retries and errors -------------------------------------------------------------------------------------

    /** Runs an upload step with retries; failures come out as corekit's exceptions. */
    private <T> T uploading(String name, String key, Crc32c sent, CheckedSupplier<T> call) {
        try {
            return retrying(name, call);
        } catch (RuntimeException e) {
            throw translate(e, key, sent, true);
        }
    }

    private <T> T retrying(String name, CheckedSupplier<T> call) {
        Retry retry = context.retry(name, S3ObjectStore::isTransient);
        try {
            return Retry.decorateCheckedSupplier(retry, call).get();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new StorageException(
                    StorageException.Reason.UNAVAILABLE,
                    null,
                    name + " failed: " + e.getClass().getName(),
                    e);
        }
    }

    private static boolean isTransient(Throwable error) {
        if (error instanceof S3Exception s3) {
            return s3.statusCode() >= 500 || s3.statusCode() == 429;
        }
        if (error instanceof StorageException storage) {
            return storage.retryable();
        }
        return error instanceof SdkClientException || error instanceof IOException;
    }

    private RuntimeException translate(RuntimeException error, String key, Crc32c sent, boolean upload) {
        if (error instanceof StorageException storage) {
            return storage;
        }
        if (error instanceof S3Exception s3) {
            int status = s3.statusCode();
            String code = errorCode(s3);
            String message =
                    s3.awsErrorDetails() == null || s3.awsErrorDetails().errorMessage() == null
                            ? ""
                            : s3.awsErrorDetails().errorMessage();
            String answer = "S3 answered " + status + " " + code;
            if (upload && sent != null && isBadBody(status, code, message)) {
                return new IntegrityException(
                        key, sent, null, "S3 rejected the bytes (" + answer + "); nothing was stored", s3);
            }
            if (upload && sent != null && "SignatureDoesNotMatch".equals(code) && credentialsWork()) {
                // chunk-signed uploads (plain http) sign every chunk: a changed byte breaks the chunk's signature
                return new IntegrityException(
                        key,
                        sent,
                        null,
                        "S3 rejected the payload's signature while the credentials are valid: the bytes changed in"
                                + " transit (" + answer + "); nothing was stored",
                        s3);
            }
            if (status == 412 && upload) {
                return alreadyExists(key);
            }
            if (status == 404 && "NoSuchBucket".equals(code)) {
                return new StorageException(
                        StorageException.Reason.REJECTED,
                        key,
                        "the S3 bucket " + bucket + " does not exist at " + where,
                        s3);
            }
            if (status == 404 && !upload) {
                return notFound(key);
            }
            StorageException.Reason reason = status >= 500 || status == 429
                    ? StorageException.Reason.UNAVAILABLE
                    : StorageException.Reason.REJECTED;
            return new StorageException(
                    reason, key, answer + (key == null ? "" : " for '" + key + "'") + " (" + where + ")", s3);
        }
        if (error instanceof SdkClientException) {
            return new StorageException(
                    StorageException.Reason.UNAVAILABLE,
                    key,
                    "S3 at " + where + " failed" + (key == null ? "" : " for '" + key + "'") + ": "
                            + error.getMessage(),
                    error);
        }
        return error;
    }

    private static boolean isBadBody(int status, String code, String message) {
        return BAD_BODY_CODES.contains(code)
                || (status == 400 && message.toLowerCase(Locale.ROOT).contains("checksum"));
    }

    private boolean credentialsWork() {
        try {
            retrying("s3-check-credentials", () -> client.headBucket(b -> b.bucket(bucket)));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? "(no error code)"
                : e.awsErrorDetails().errorCode();
    }

    private static StorageException notFound(String key) {
        return new StorageException(StorageException.Reason.NOT_FOUND, key, "no file '" + key + "' (s3)", null);
    }

    private static StorageException alreadyExists(String key) {
        return new StorageException(
                StorageException.Reason.ALREADY_EXISTS,
                key,
                "public file '" + key + "' already exists: public keys are immutable, publish under a new key",
                null);
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + bucket + " at " + where + ", " + settings.profile() + "]";
    }
}
