package dev.corekit.storage.gcs.internal;

import com.google.api.core.ApiClock;
import com.google.api.gax.paging.Page;
import com.google.auth.Credentials;
import com.google.auth.ServiceAccountSigner;
import com.google.cloud.ReadChannel;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BlobWriteSession;
import com.google.cloud.storage.BlobWriteSessionConfigs;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.gcs.GcsSettings;
import dev.corekit.storage.spi.ObjectRead;
import dev.corekit.storage.spi.ObjectStore;
import dev.corekit.storage.spi.ObjectWrite;
import dev.corekit.storage.spi.PresignRequest;
import dev.corekit.storage.spi.PresignedRequest;
import dev.corekit.storage.spi.ProviderContext;
import dev.corekit.storage.spi.UploadSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** One GCS bucket through the google-cloud-storage client (JSON API). */
public final class GcsObjectStore implements ObjectStore {
    private static final int MAX_KEY_BYTES = 1024;
    private static final Pattern SIGNED_AT = Pattern.compile("[?&]X-Goog-Date=(\\d{8}T\\d{6}Z)");
    private static final Pattern SIGNED_FOR = Pattern.compile("[?&]X-Goog-Expires=(\\d+)");
    private static final DateTimeFormatter GOOG_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final Storage storage;
    private final String bucket;
    private final int partSize;
    private final Optional<URI> host;
    private final Optional<ServiceAccountSigner> signer;
    private final String where;

    private GcsObjectStore(Storage storage, GcsSettings settings, int partSize, Optional<ServiceAccountSigner> signer) {
        this.storage = storage;
        this.bucket = settings.bucket();
        this.partSize = partSize;
        this.host = settings.host();
        this.signer = signer;
        this.where = settings.host().map(URI::toString).orElse("Google Cloud Storage");
    }

    /** Builds the client and checks that the bucket exists: a missing bucket fails at startup. */
    public static GcsObjectStore open(
            ProviderContext context,
            GcsSettings settings,
            Optional<Credentials> credentials,
            Optional<ServiceAccountSigner> signer) {
        int partSize = context.settings().partSizeBytes();
        StorageOptions.Builder options = StorageOptions.newBuilder()
                // signed URLs are timed by the storage's clock, as every other provider's
                .setClock(new ClockAdapter(context.clock()))
                .setBlobWriteSessionConfig(BlobWriteSessionConfigs.getDefault().withChunkSize(partSize))
                // the client's own retries (of a resumable upload's chunks, among others) follow corekit's retry
                // settings: its defaults retry for up to 50 s, which held startup that long on an unreachable host
                .setRetrySettings(ServiceOptions.getDefaultRetrySettings().toBuilder()
                        .setMaxAttempts(context.settings().retryMaxAttempts())
                        .setInitialRetryDelayDuration(context.settings().retryInitialBackoff())
                        .setRetryDelayMultiplier(2.0)
                        .setMaxRetryDelayDuration(context.settings()
                                .retryInitialBackoff()
                                .multipliedBy(1L << (context.settings().retryMaxAttempts() - 1)))
                        .build());
        settings.projectId().ifPresent(options::setProjectId);
        settings.host().ifPresent(uri -> options.setHost(uri.toString()));
        credentials.ifPresent(options::setCredentials);
        GcsObjectStore store = new GcsObjectStore(options.build().getService(), settings, partSize, signer);
        store.checkBucket();
        return store;
    }

    private void checkBucket() {
        String setting = GcsSettings.BUCKET.propertyName() + " = " + bucket;
        com.google.cloud.storage.Bucket found;
        try {
            found = storage.get(bucket);
        } catch (com.google.cloud.storage.StorageException e) {
            throw new StorageException(
                    e.getCode() == 0 || e.isRetryable()
                            ? StorageException.Reason.UNAVAILABLE
                            : StorageException.Reason.REJECTED,
                    null,
                    "the GCS bucket cannot be used (" + setting + ", at " + where + "): " + e.getCode() + " "
                            + e.getReason(),
                    e);
        }
        if (found == null) {
            throw new StorageException(
                    StorageException.Reason.REJECTED,
                    null,
                    "the GCS bucket does not exist (" + setting + ", at " + where + ")",
                    null);
        }
    }

    @Override
    public int maxKeyBytes() {
        return MAX_KEY_BYTES;
    }

    // --- writes -------------------------------------------------------------------------------------------------

    @Override
    public FileInfo write(ObjectWrite write) throws IOException {
        UploadSource source = write.source();
        String key = source.key();
        UploadSource.Part first = source.readPart(null, partSize);
        boolean whole = !source.hasMore();
        BlobInfo.Builder info =
                BlobInfo.newBuilder(BlobId.of(bucket, write.objectKey())).setContentType(write.contentType());
        write.cacheControl().ifPresent(info::setCacheControl);
        List<Storage.BlobWriteOption> options = new ArrayList<>();
        options.add(Storage.BlobWriteOption.disableGzipContent());
        if (write.createOnly()) {
            options.add(Storage.BlobWriteOption.doesNotExist());
        }
        // The checksum up front whenever it is known: GCS refuses other bytes (crc32cMatch). Otherwise the client
        // sends the running CRC32C of what it sent in the finalizing request, which GCS checks as well.
        Optional<Crc32c> upFront =
                write.expectedCrc32c().or(() -> whole ? Optional.of(first.crc32c()) : Optional.empty());
        if (upFront.isPresent()) {
            info.setCrc32c(upFront.get().toBase64());
            options.add(Storage.BlobWriteOption.crc32cMatch());
        }
        source.declaredLength().ifPresent(length -> options.add(Storage.BlobWriteOption.expectedObjectSize(length)));
        BlobWriteSession session;
        WritableByteChannel channel;
        try {
            session = storage.blobWriteSession(info.build(), options.toArray(Storage.BlobWriteOption[]::new));
            channel = session.open();
        } catch (RuntimeException e) {
            throw translate(e, key, null, true);
        }
        // The channel is closed only once every byte was read: closing finalizes the object. When the source or the
        // connection fails first, the unfinalized resumable session is abandoned and holds nothing visible.
        boolean finalizing = false;
        try {
            writeFully(channel, first);
            UploadSource.Part part = first;
            while (source.hasMore()) {
                part = source.readPart(part.buffer(), partSize);
                writeFully(channel, part);
            }
            finalizing = true;
            channel.close();
            BlobInfo stored = session.getResult().get();
            return info(write.objectKey(), stored);
        } catch (ExecutionException e) {
            return landedOrThrow(write, source, finalizing, translate(e.getCause(), key, upload(write, source), true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(
                    StorageException.Reason.UNAVAILABLE, key, "upload of '" + key + "' interrupted", e);
        } catch (IOException | RuntimeException e) {
            return landedOrThrow(write, source, finalizing, translate(e, key, upload(write, source), true));
        }
    }

    /**
     * The finalizing request failed without an answer (a broken connection, a timeout): GCS may have stored the
     * object all the same. The upload is never sent again; GCS is asked instead, and an object with exactly the bytes
     * sent (size and CRC32C) is the upload's result. Any other failure is thrown as it is.
     */
    private FileInfo landedOrThrow(
            ObjectWrite write, UploadSource source, boolean finalizing, RuntimeException failure) {
        if (!finalizing
                || !(failure instanceof StorageException storageError)
                || storageError.reason() != StorageException.Reason.UNAVAILABLE) {
            throw failure;
        }
        Optional<FileInfo> found;
        try {
            found = stat(write.objectKey());
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            throw failure;
        }
        String sent = source.checksum().toBase64();
        if (found.isPresent()
                && found.get().size() == source.size()
                && found.get()
                        .crc32c()
                        .map(Crc32c::toBase64)
                        .filter(sent::equals)
                        .isPresent()) {
            return found.get();
        }
        throw failure;
    }

    /** What an upload meant to store, for the integrity error of a rejected one. */
    private static Sent upload(ObjectWrite write, UploadSource source) {
        Crc32c read = source.checksum();
        return write.expectedCrc32c()
                .map(declared -> new Sent(declared, declared.equals(read) ? null : read))
                .orElseGet(() -> new Sent(read, null));
    }

    /**
     * The checksum an upload was meant to have, and the checksum of the bytes corekit read when they differ from a
     * declared one (the stream did not hold what its caller said).
     */
    private record Sent(Crc32c expected, Crc32c read) {}

    private static void writeFully(WritableByteChannel channel, UploadSource.Part part) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(part.buffer(), 0, part.length());
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    // --- reads --------------------------------------------------------------------------------------------------

    @Override
    public Optional<FileInfo> stat(String objectKey) {
        try {
            return Optional.ofNullable(storage.get(BlobId.of(bucket, objectKey)))
                    .map(blob -> info(objectKey, blob));
        } catch (RuntimeException e) {
            throw translate(e, objectKey, null, false);
        }
    }

    @Override
    public ObjectRead read(String objectKey) {
        try {
            Blob blob = storage.get(BlobId.of(bucket, objectKey));
            if (blob == null) {
                throw notFound(objectKey);
            }
            // the bytes of exactly the generation whose checksum was just read
            ReadChannel reader = storage.reader(BlobId.of(bucket, objectKey, blob.getGeneration()));
            reader.setChunkSize(Math.min(partSize, 2 * 1024 * 1024));
            InputStream in = Channels.newInputStream(reader);
            return new ObjectRead(info(objectKey, blob), in);
        } catch (RuntimeException e) {
            throw translate(e, objectKey, null, false);
        }
    }

    private static FileInfo info(String objectKey, BlobInfo blob) {
        Optional<Crc32c> crc = Optional.empty();
        if (blob.getCrc32c() != null) {
            try {
                crc = Optional.of(Crc32c.fromBase64(blob.getCrc32c()));
            } catch (IllegalArgumentException e) {
                crc = Optional.empty();
            }
        }
        Instant updated = blob.getUpdateTimeOffsetDateTime() == null
                ? Instant.EPOCH
                : blob.getUpdateTimeOffsetDateTime().toInstant();
        return new FileInfo(
                objectKey,
                blob.getSize() == null ? 0 : blob.getSize(),
                crc,
                Optional.ofNullable(blob.getContentType()),
                Optional.ofNullable(blob.getGeneration()).map(String::valueOf),
                updated);
    }

    // --- deletes and lists --------------------------------------------------------------------------------------

    @Override
    public boolean delete(String objectKey) {
        try {
            return storage.delete(BlobId.of(bucket, objectKey));
        } catch (RuntimeException e) {
            throw translate(e, objectKey, null, false);
        }
    }

    @Override
    public void deleteAll(List<String> objectKeys) {
        // one request each: the JSON API's batch endpoint is a multipart/mixed protocol of its own, and GCS deletes
        // are cheap; a failure stops at the first key that failed
        for (String objectKey : objectKeys) {
            delete(objectKey);
        }
    }

    @Override
    public Stream<FileInfo> list(String prefix) {
        Page<Blob> page;
        try {
            page = storage.list(bucket, Storage.BlobListOption.prefix(prefix));
        } catch (RuntimeException e) {
            throw translate(e, null, null, false);
        }
        return StreamSupport.stream(page.iterateAll().spliterator(), false).map(blob -> info(blob.getName(), blob));
    }

    // --- signed URLs --------------------------------------------------------------------------------------------

    @Override
    public PresignedRequest presign(PresignRequest request) {
        long seconds = Duration.between(request.now(), request.expiresAt()).getSeconds();
        List<Storage.SignUrlOption> options = new ArrayList<>();
        options.add(Storage.SignUrlOption.withV4Signature());
        Map<String, String> headers = new LinkedHashMap<>();
        if ("PUT".equals(request.method())) {
            options.add(Storage.SignUrlOption.httpMethod(HttpMethod.PUT));
            headers.put("Content-Type", request.contentType().orElseThrow());
            headers.put(
                    "x-goog-hash", "crc32c=" + request.crc32c().orElseThrow().toBase64());
            options.add(Storage.SignUrlOption.withExtHeaders(headers));
        } else {
            options.add(Storage.SignUrlOption.httpMethod(HttpMethod.GET));
        }
        signer.ifPresent(s -> options.add(Storage.SignUrlOption.signWith(s)));
        host.ifPresent(h -> {
            options.add(Storage.SignUrlOption.withHostName(h.toString()));
            options.add(Storage.SignUrlOption.withPathStyle());
        });
        URL url;
        try {
            url = storage.signUrl(
                    BlobInfo.newBuilder(bucket, request.objectKey()).build(),
                    seconds,
                    TimeUnit.SECONDS,
                    options.toArray(Storage.SignUrlOption[]::new));
        } catch (IllegalStateException e) {
            throw new StorageException(
                    StorageException.Reason.REJECTED,
                    request.objectKey(),
                    "GCS V4 signed URLs need credentials that can sign (a service-account key, or a signer given to"
                            + " GcsStorageProvider): " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            throw translate(e, request.objectKey(), null, false);
        }
        try {
            URI uri = url.toURI();
            return new PresignedRequest(uri, headers, expiry(uri, request.expiresAt()));
        } catch (URISyntaxException e) {
            throw new StorageException(
                    StorageException.Reason.REJECTED, request.objectKey(), "GCS signed a URL that is not a URI", e);
        }
    }

    /** When GCS stops accepting the URL: its X-Goog-Date plus X-Goog-Expires. */
    private static Instant expiry(URI uri, Instant fallback) {
        String query = "?" + uri.getRawQuery();
        Matcher at = SIGNED_AT.matcher(query);
        Matcher lifetime = SIGNED_FOR.matcher(query);
        if (!at.find() || !lifetime.find()) {
            return fallback;
        }
        return LocalDateTime.parse(at.group(1), GOOG_DATE)
                .toInstant(ZoneOffset.UTC)
                .plusSeconds(Long.parseLong(lifetime.group(1)));
    }

    @Override
    public Optional<Instant> credentialExpiry() {
        return Optional.empty(); // V4 URLs are signed with a key: they live as long as asked, up to seven days
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(storage) ? Optional.of(type.cast(storage)) : Optional.empty();
    }

    @Override
    public void close() {
        try {
            storage.close();
        } catch (Exception e) {
            // nothing a caller can do at shutdown
        }
    }

    // --- errors -------------------------------------------------------------------------------------------------

    private RuntimeException translate(Throwable error, String key, Sent sent, boolean upload) {
        if (error instanceof StorageException storageError) {
            return storageError;
        }
        com.google.cloud.storage.StorageException gcs = findGcsException(error);
        if (gcs != null) {
            int code = gcs.getCode();
            String answer = "GCS answered " + code
                    + (gcs.getReason() == null || gcs.getReason().isBlank() ? "" : " " + gcs.getReason());
            if (upload && sent != null && code == 400 && isChecksumMessage(error)) {
                return integrity(key, sent, "GCS rejected the bytes (" + answer + "); nothing was stored", gcs);
            }
            if (upload && code == 412) {
                return new StorageException(
                        StorageException.Reason.ALREADY_EXISTS,
                        key,
                        "public file '" + key + "' already exists: public keys are immutable, publish under a new key",
                        gcs);
            }
            if (code == 404) {
                return notFound(key);
            }
            StorageException.Reason reason = code == 0 || code == 429 || code >= 500 || gcs.isRetryable()
                    ? StorageException.Reason.UNAVAILABLE
                    : StorageException.Reason.REJECTED;
            return new StorageException(
                    reason, key, answer + (key == null ? "" : " for '" + key + "'") + " (" + where + ")", gcs);
        }
        if (upload && sent != null && isChecksumMessage(error)) {
            return integrity(key, sent, "the GCS client refused the upload; nothing was stored", error);
        }
        return new StorageException(
                StorageException.Reason.UNAVAILABLE,
                key,
                "GCS at " + where + " failed" + (key == null ? "" : " for '" + key + "'") + ": "
                        + error.getClass().getName(),
                error);
    }

    private static IntegrityException integrity(String key, Sent sent, String detail, Throwable cause) {
        return new IntegrityException(
                key,
                sent.expected(),
                sent.read(),
                sent.read() == null
                        ? detail
                        : "the stream did not hold the content whose checksum was declared; " + detail,
                cause);
    }

    private static com.google.cloud.storage.StorageException findGcsException(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof com.google.cloud.storage.StorageException gcs) {
                return gcs;
            }
        }
        return null;
    }

    /** Whether the error, or one of its causes (the client puts GCS's answer in a cause), names a checksum. */
    private static boolean isChecksumMessage(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            String lower = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (lower.contains("crc32c") || lower.contains("checksum")) {
                return true;
            }
        }
        return false;
    }

    private static StorageException notFound(String key) {
        return new StorageException(StorageException.Reason.NOT_FOUND, key, "no file '" + key + "' (gcs)", null);
    }

    @Override
    public String toString() {
        return "GcsObjectStore[" + bucket + " at " + where + "]";
    }

    /** The storage's clock as the client's: signed URLs carry its time. */
    private static final class ClockAdapter implements ApiClock {
        private final Clock clock;

        ClockAdapter(Clock clock) {
            this.clock = clock;
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long millisTime() {
            return clock.millis();
        }
    }
}
