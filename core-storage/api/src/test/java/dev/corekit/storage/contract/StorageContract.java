package dev.corekit.storage.contract;

import static dev.corekit.storage.contract.TestContent.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.Download;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.PrivateFiles;
import dev.corekit.storage.PublicFiles;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.ReadVerdict;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StoredFile;
import dev.corekit.storage.Verification;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every storage provider passes, through the public API only. A provider's test extends it, opens a
 * {@link Storage} against a real server (or directory) and supplies the faults: a flipped byte in transit on upload
 * and on download, and the passing of a signed URL's expiry.
 *
 * <p>Each test works under its own random key prefix, so tests share one storage and one server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StorageContract {
    /** Over 100 MiB, so it is uploaded in several parts or chunks. */
    protected static final long LARGE = 100L * MIB + 12_345;

    /** Where operation records of the storage under test go. */
    protected final InMemorySink records = new InMemorySink();

    protected final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Storage storage;
    private String root;

    /**
     * Opens the storage under test: a public base URL set, signed URLs capped at 15 minutes (the default), records to
     * {@code recorder}.
     */
    protected abstract Storage openStorage(Recorder recorder) throws Exception;

    /** Makes the next upload of object bytes arrive at the provider with one byte flipped. */
    protected abstract void corruptNextUpload();

    /** Makes the next download of {@code key} (a private file) return one byte flipped. */
    protected abstract void corruptNextDownload(String key) throws IOException;

    /** Brings the storage's and the server's time past {@code url}'s expiry. */
    protected abstract void letExpire(SignedUrl url) throws Exception;

    /** Whether the server checks signatures and expiry of signed URLs (S3Mock does not). */
    protected boolean serverChecksSignatures() {
        return true;
    }

    /** The lifetime of the signed URLs the expiry tests let expire: short where expiry takes real waiting. */
    protected Duration expiringTtl() {
        return Duration.ofMinutes(5);
    }

    /** Fails when a provider keeps something of an aborted upload (multipart parts, temporary files). */
    protected void assertNoPartialUploadRemains() throws Exception {}

    /** Closes what {@link #openStorage} started. */
    protected void closeServers() throws Exception {}

    @BeforeAll
    final void open() throws Exception {
        storage = openStorage(Recorder.of(records));
    }

    @AfterAll
    final void close() throws Exception {
        if (storage != null) {
            storage.close();
        }
        closeServers();
    }

    @BeforeEach
    final void newRoot() {
        root = "contract/" + UUID.randomUUID() + "/";
        records.clear();
    }

    /** The storage under test. */
    protected final Storage storage() {
        return storage;
    }

    /** A key under this test's own prefix. */
    protected final String key(String name) {
        return root + name;
    }

    private PrivateFiles files() {
        return storage.privateFiles();
    }

    // --- round trips -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 5 * MIB})
    void smallFilesRoundTripByteEqualWithTheirChecksum(int size) {
        byte[] content = TestContent.bytes(size, size);
        String key = key("small-" + size + ".bin");

        StoredFile stored = files().put(key, content, "application/octet-stream");

        assertThat(stored.key()).isEqualTo(key);
        assertThat(stored.size()).isEqualTo(size);
        assertThat(stored.crc32c()).isEqualTo(Crc32c.of(content));
        assertThat(files().readAllBytes(key)).isEqualTo(content);
        FileInfo info = files().stat(key).orElseThrow();
        assertThat(info.size()).isEqualTo(size);
        assertThat(info.crc32c()).contains(Crc32c.of(content));
        assertThat(info.contentType()).contains("application/octet-stream");
    }

    @Test
    void aLargeStreamOfUnknownLengthGoesInPartsAndRoundTripsByteEqual() throws IOException {
        String key = key("large.bin");

        StoredFile stored = files().put(key, TestContent.stream(7, LARGE), PutOptions.of("video/mp4"));

        assertThat(stored.size()).isEqualTo(LARGE);
        assertThat(stored.crc32c()).isEqualTo(TestContent.crc32c(7, LARGE));
        try (Download in = files().open(key, Verification.VERIFY)) {
            TestContent.assertSameContent(7, LARGE, in);
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
            assertThat(in.verdict().actual()).contains(stored.crc32c());
            assertThat(in.info().contentType()).contains("video/mp4");
        }
    }

    @Test
    void aStreamOfDeclaredLengthJustOverOnePartRoundTrips() throws IOException {
        long size = storage.settings().partSizeBytes() + 1L;
        String key = key("one-part-and-a-byte.bin");

        StoredFile stored = files().put(
                        key,
                        TestContent.stream(3, size),
                        PutOptions.ofDefaults().withLength(size));

        assertThat(stored.crc32c()).isEqualTo(TestContent.crc32c(3, size));
        try (Download in = files().open(key, Verification.VERIFY)) {
            TestContent.assertSameContent(3, size, in);
            assertThat(in.verdict().isValidated()).isTrue();
        }
    }

    @Test
    void overwritingAPrivateFileReplacesItsContent() {
        String key = key("overwritten.txt");
        StoredFile first = files().put(key, "first".getBytes(StandardCharsets.UTF_8), "text/plain");

        StoredFile second = files().put(key, "second version".getBytes(StandardCharsets.UTF_8), "text/plain");

        assertThat(files().readAllBytes(key)).isEqualTo("second version".getBytes(StandardCharsets.UTF_8));
        assertThat(second.crc32c()).isNotEqualTo(first.crc32c());
        assertThat(files().stat(key).orElseThrow().size()).isEqualTo(14);
        if (first.version().isPresent()) {
            assertThat(second.version()).isPresent().isNotEqualTo(first.version());
        }
    }

    @Test
    void deleteRemovesTheFileAndExistsSaysSo() {
        String key = key("deleted.txt");
        files().put(key, new byte[] {1, 2, 3}, "application/octet-stream");
        assertThat(files().exists(key)).isTrue();

        files().delete(key);

        assertThat(files().exists(key)).isFalse();
        assertThat(files().stat(key)).isEmpty();
        assertThatThrownBy(() -> files().open(key, Verification.VERIFY))
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.NOT_FOUND))
                .satisfies(e -> assertThat(((StorageException) e).key()).contains(key));
        assertThat(files().exists(key("never-stored.txt"))).isFalse();
        files().delete(key); // deleting what is gone is not an error
    }

    @Test
    void listingByPrefixReturnsExactlyTheMatchingKeysInOrder() {
        for (String name : List.of("a/2.txt", "a/1.txt", "a/b/3.txt", "ab/4.txt", "b/5.txt")) {
            files().put(key(name), name.getBytes(StandardCharsets.UTF_8), "text/plain");
        }

        List<String> underA;
        try (Stream<FileInfo> listed = files().list(key("a/"))) {
            underA = listed.map(FileInfo::key).toList();
        }
        List<String> startingWithA;
        try (Stream<FileInfo> listed = files().list(key("a"))) {
            startingWithA = listed.map(FileInfo::key).toList();
        }

        assertThat(underA).containsExactly(key("a/1.txt"), key("a/2.txt"), key("a/b/3.txt"));
        assertThat(startingWithA).containsExactly(key("a/1.txt"), key("a/2.txt"), key("a/b/3.txt"), key("ab/4.txt"));
        try (Stream<FileInfo> listed = files().list(key("a/1"))) {
            assertThat(listed.toList())
                    .singleElement()
                    .satisfies(info -> assertThat(info.size()).isEqualTo(7));
        }

        files().deleteAll(List.of(key("a/1.txt"), key("a/2.txt"), key("a/b/3.txt"), key("ab/4.txt"), key("zz")));

        try (Stream<FileInfo> listed = files().list(root)) {
            assertThat(listed.map(FileInfo::key)).containsExactly(key("b/5.txt"));
        }
    }

    // --- public files -------------------------------------------------------------------------------------------

    @Test
    void publicFilesAreImmutableAndAddressedByTheirCdnUrl() {
        PublicFiles publicFiles = storage.publicFiles();
        String key = key("logo v1.png");
        publicFiles.put(key, new byte[] {9, 9, 9}, "image/png");

        assertThatThrownBy(() -> publicFiles.put(key, new byte[] {1}, "image/png"))
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.ALREADY_EXISTS))
                .hasMessageContaining("immutable");
        assertThat(publicFiles.readAllBytes(key)).containsExactly(9, 9, 9);
        URI base = storage.settings().publicBaseUrl().orElseThrow();
        assertThat(publicFiles.url(key).toString())
                .isEqualTo(base.toString().replaceAll("/$", "") + "/" + root + "logo%20v1.png");
        assertThat(files().exists(key)).as("public and private files are apart").isFalse();
    }

    // --- signed URLs --------------------------------------------------------------------------------------------

    @Test
    void aSignedGetWorksForARealHttpClient() throws Exception {
        String key = key("report.pdf");
        byte[] content = TestContent.bytes(11, 70_000);
        files().put(key, content, "application/pdf");

        SignedUrl url = files().signGet(key, Duration.ofMinutes(5));

        assertThat(url.method()).isEqualTo("GET");
        assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.REQUESTED);
        assertThat(url.toString()).doesNotContain(url.url().getRawQuery());
        HttpResponse<byte[]> ok = send(url, HttpRequest.BodyPublishers.noBody(), url.headers());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(content);
    }

    @Test
    void aTamperedOrExpiredSignedGetIsRejected() throws Exception {
        assumeTrue(serverChecksSignatures(), "this server checks no signatures; another test class runs this");
        String key = key("report.pdf");
        files().put(key, TestContent.bytes(12, 1000), "application/pdf");
        SignedUrl url = files().signGet(key, expiringTtl());
        assertThat(send(url, HttpRequest.BodyPublishers.noBody(), url.headers()).statusCode())
                .as("before expiry")
                .isEqualTo(200);

        String text = url.url().toString();
        URI otherKey = URI.create(text.replace("report.pdf", "other.pdf"));
        assertThat(get(otherKey).statusCode()).as("a signature for another key").isIn(403, 400, 401);
        int last = text.length() - 1;
        URI badSignature = URI.create(text.substring(0, last) + (text.charAt(last) == 'a' ? 'b' : 'a'));
        assertThat(get(badSignature).statusCode()).as("a changed signature").isIn(403, 400, 401);

        letExpire(url);
        assertThat(get(url.url()).statusCode()).as("after expiry").isIn(403, 400, 401);
    }

    @Test
    void aSignedPutStoresExactlyTheSignedContentAndIsConfirmedByChecksum() throws Exception {
        String key = key("upload.png");
        byte[] content = TestContent.bytes(21, 300_000);
        Crc32c crc = Crc32c.of(content);

        SignedUrl url = files().signPut(key, "image/png", crc, Duration.ofMinutes(5));

        assertThat(url.method()).isEqualTo("PUT");
        assertThat(url.headers().values())
                .contains("image/png")
                .anySatisfy(value -> assertThat(value).contains(crc.toBase64()));
        HttpResponse<byte[]> response = send(url, HttpRequest.BodyPublishers.ofByteArray(content), url.headers());
        assertThat(response.statusCode())
                .as(new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        StoredFile confirmed = files().confirmUpload(key, crc);
        assertThat(confirmed.size()).isEqualTo(content.length);
        assertThat(confirmed.crc32c()).isEqualTo(crc);
        assertThat(files().readAllBytes(key)).isEqualTo(content);
        assertThat(files().stat(key).orElseThrow().contentType()).contains("image/png");
    }

    @Test
    void aSignedPutOfOtherBytesIsRejectedAndStoresNothing() throws Exception {
        String key = key("forged.png");
        byte[] signed = TestContent.bytes(31, 10_000);
        byte[] sent = signed.clone();
        sent[5000] ^= 1;

        SignedUrl url = files().signPut(key, "image/png", Crc32c.of(signed), Duration.ofMinutes(5));
        HttpResponse<byte[]> response = send(url, HttpRequest.BodyPublishers.ofByteArray(sent), url.headers());

        assertThat(response.statusCode()).isBetween(400, 499);
        assertThat(files().exists(key)).isFalse();
        assertThatThrownBy(() -> files().confirmUpload(key, Crc32c.of(signed)))
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.NOT_FOUND));
    }

    @Test
    void aSignedPutWithOtherHeadersOrAfterExpiryIsRejected() throws Exception {
        assumeTrue(serverChecksSignatures(), "this server checks no signatures; another test class runs this");
        String key = key("headers.txt");
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
        SignedUrl url = files().signPut(key, "text/plain", Crc32c.of(content), expiringTtl());
        Map<String, String> otherType = new java.util.HashMap<>(url.headers());
        otherType.replaceAll((name, value) -> value.equals("text/plain") ? "text/html" : value);

        HttpResponse<byte[]> wrongType = send(url, HttpRequest.BodyPublishers.ofByteArray(content), otherType);

        assertThat(wrongType.statusCode()).isBetween(400, 499);
        assertThat(files().exists(key)).isFalse();

        letExpire(url);
        HttpResponse<byte[]> expired = send(url, HttpRequest.BodyPublishers.ofByteArray(content), url.headers());
        assertThat(expired.statusCode()).isBetween(400, 499);
        assertThat(files().exists(key)).isFalse();
    }

    @Test
    void aLifetimeOverTheCapIsClampedAndTheResultSaysSo() {
        String key = key("clamped.txt");
        Instant before = Instant.now().minusSeconds(2);

        SignedUrl url = files().signGet(key, Duration.ofDays(30));

        assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.MAX_TTL_SETTING);
        assertThat(url.clamped()).isTrue();
        assertThat(url.expiresAt())
                .isBeforeOrEqualTo(clockNow().plus(storage.settings().signedUrlMaxTtl()))
                .isAfter(before);
        assertThatThrownBy(() -> files().signGet(key, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1s");
    }

    /** The storage's current time, for expiry checks; the system clock unless a provider's test moves time. */
    protected Instant clockNow() {
        return Instant.now();
    }

    // --- integrity ----------------------------------------------------------------------------------------------

    @Test
    void aByteFlippedInTransitOnUploadRaisesAndLeavesNothingBehind() throws Exception {
        String key = key("flipped.bin");
        byte[] content = TestContent.bytes(41, 2 * MIB);

        corruptNextUpload();
        IntegrityException error = catchThrowableOfType(
                IntegrityException.class, () -> files().put(key, content, "application/octet-stream"));

        assertThat(error).as("a flipped byte must raise an IntegrityException").isNotNull();
        assertThat(error.key()).contains(key);
        assertThat(error.expected()).isEqualTo(Crc32c.of(content));
        assertThat(error.actual()).isNotEqualTo(Optional.of(Crc32c.of(content)));
        assertThat(error.code()).isEqualTo("STORAGE_INTEGRITY");
        assertThat(error.retryable()).isFalse();
        assertThat(files().exists(key)).isFalse();
        assertNoPartialUploadRemains();
    }

    @Test
    void aByteFlippedInTransitInsideAMultipartUploadRaisesAndLeavesNothingBehind() throws Exception {
        String key = key("flipped-large.bin");
        long size = 2L * storage.settings().partSizeBytes() + 1000;

        corruptNextUpload();
        IntegrityException error = catchThrowableOfType(
                IntegrityException.class,
                () -> files().put(key, TestContent.stream(43, size), PutOptions.ofDefaults()));

        assertThat(error).as("a flipped byte must raise an IntegrityException").isNotNull();
        assertThat(error.key()).contains(key);
        assertThat(files().exists(key)).isFalse();
        assertNoPartialUploadRemains();
    }

    @Test
    void aByteFlippedOnDownloadIsReportedAsAMismatch() throws Exception {
        String key = key("read-flipped.bin");
        byte[] content = TestContent.bytes(51, 100_000);
        files().put(key, content, "application/octet-stream");

        corruptNextDownload(key);
        Download in = files().open(key, Verification.VERIFY);
        IOException failure;
        try (in) {
            failure = catchThrowableOfType(IOException.class, in::readAllBytes);
        }

        assertThat(failure).as("reading a corrupt file to its end must fail").isNotNull();
        assertThat(failure.getCause()).isInstanceOf(IntegrityException.class);
        assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.MISMATCH);
        assertThat(in.verdict().expected()).contains(Crc32c.of(content));
        assertThat(in.verdict().actual()).isPresent().isNotEqualTo(Optional.of(Crc32c.of(content)));
    }

    @Test
    void aVerdictSaysWhyAReadWasNotChecked() throws IOException {
        String key = key("verdicts.bin");
        files().put(key, TestContent.bytes(61, 50_000), "application/octet-stream");

        ReadVerdict skipped;
        try (Download in = files().open(key, Verification.SKIP)) {
            in.readAllBytes();
            skipped = in.verdict();
        }
        ReadVerdict partial;
        try (Download in = files().open(key, Verification.VERIFY)) {
            in.readNBytes(10);
            partial = in.verdict();
        }

        assertThat(skipped.status()).isEqualTo(ReadVerdict.Status.SKIPPED);
        assertThat(skipped.reason()).contains("verification not requested");
        assertThat(partial.status()).isEqualTo(ReadVerdict.Status.SKIPPED);
        assertThat(partial.reason()).contains("not read to the end");
    }

    @Test
    void aDeclaredChecksumTheContentDoesNotHaveFailsAndStoresNothing() {
        String key = key("declared.txt");
        byte[] content = "content".getBytes(StandardCharsets.UTF_8);
        Crc32c wrong = Crc32c.of("other".getBytes(StandardCharsets.UTF_8));

        IntegrityException error = catchThrowableOfType(
                IntegrityException.class,
                () -> files().put(
                                key,
                                new java.io.ByteArrayInputStream(content),
                                PutOptions.custom().expectedCrc32c(wrong).build()));

        assertThat(error).isNotNull();
        assertThat(error.expected()).isEqualTo(wrong);
        assertThat(files().exists(key)).isFalse();
    }

    // --- bad input ----------------------------------------------------------------------------------------------

    @Test
    void badKeysAreRejectedWithTheRuleTheyBrokeAndNothingIsStored() {
        Map<String, String> bad = Map.ofEntries(
                Map.entry("", "must not be empty"),
                Map.entry("/absolute", "starts with '/'"),
                Map.entry(root + "folder/", "ends with '/'"),
                Map.entry(root + "a//b", "empty segment"),
                Map.entry(root + "../escape", "'..' segment"),
                Map.entry("..", "'..' segment"),
                Map.entry(root + "./here", "'.' segment"),
                Map.entry(root + "line\nbreak", "control character U+000A"),
                Map.entry(root + "nul\u0000", "control character U+0000"),
                Map.entry(root + "del\u007f", "control character U+007F"),
                Map.entry(root + "back\\slash", "backslash"),
                Map.entry(root + "lone\uD800", "lone surrogate"),
                Map.entry(root + "x".repeat(1025), "bytes in UTF-8"));

        bad.forEach((key, rule) -> {
            assertThatThrownBy(() -> files().put(key, new byte[] {1}, "application/octet-stream"))
                    .as("key %s", key)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(rule);
            assertThatThrownBy(() -> files().signGet(key, Duration.ofMinutes(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        });
        assertThatThrownBy(() -> files().put(null, new byte[0], "text/plain")).isInstanceOf(NullPointerException.class);
        try (Stream<FileInfo> listed = files().list(root)) {
            assertThat(listed).isEmpty();
        }
        assertThat(records.records(record -> record.name().equals("storage.put")))
                .as("a bad key is refused before any operation starts")
                .isEmpty();
    }

    @Test
    void aStreamFailingMidUploadStoresNothing() throws Exception {
        String key = key("broken-stream.bin");
        long before = storage.settings().partSizeBytes() + 123_456L;
        InputStream failing = new SequenceInputStream(TestContent.stream(71, before), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("client went away");
            }
        });

        assertThatThrownBy(() -> files().put(key, failing, PutOptions.ofDefaults()))
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED))
                .hasMessageContaining("nothing stored")
                .hasRootCauseMessage("client went away");

        assertThat(files().exists(key)).isFalse();
        assertNoPartialUploadRemains();
    }

    @Test
    void aStreamShorterOrLongerThanDeclaredStoresNothing() {
        String shortKey = key("short.bin");
        String longKey = key("long.bin");

        assertThatThrownBy(() -> files().put(
                                shortKey,
                                TestContent.stream(1, 9),
                                PutOptions.ofDefaults().withLength(10)))
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED))
                .hasMessageContaining("ended after 9 bytes, 10 were declared");
        assertThatThrownBy(() -> files().put(
                                longKey,
                                TestContent.stream(1, 11),
                                PutOptions.ofDefaults().withLength(10)))
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED))
                .hasMessageContaining("more than the declared 10 bytes");

        assertThat(files().exists(shortKey)).isFalse();
        assertThat(files().exists(longKey)).isFalse();
    }

    // --- records ------------------------------------------------------------------------------------------------

    @Test
    void eachWriteAndSignedUrlIsAnOperationRecordWithoutTheUrl() {
        String key = key("recorded.txt");
        byte[] content = "recorded".getBytes(StandardCharsets.UTF_8);
        files().put(key, content, "text/plain");
        SignedUrl url = files().signGet(key, Duration.ofMinutes(2));

        LogRecord put = completed("storage.put");
        LogRecord sign = completed("storage.sign");

        assertThat(put.status()).isEqualTo(LogRecord.Status.SUCCEEDED);
        assertThat(put.attributes())
                .containsEntry("key", key)
                .containsEntry("size", 8L)
                .containsEntry("crc32c", Crc32c.of(content).toBase64())
                .containsEntry("provider", storage.settings().provider().settingValue());
        assertThat(put.durationMicros()).isNotNegative();
        assertThat(sign.attributes())
                .containsEntry("key", key)
                .containsEntry("method", "GET")
                .containsEntry("limitedBy", "REQUESTED")
                .containsEntry("expiresAt", url.expiresAt().toString());
        String everything = records.records().toString();
        assertThat(everything)
                .doesNotContain(url.url().getRawQuery())
                .doesNotContain(url.url().toString());
    }

    private LogRecord completed(String name) {
        return records.records(record -> record.name().equals(name) && !record.isStart()).stream()
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no completed " + name + " record in " + records.records()));
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** Sends a signed request with exactly {@code headers}. */
    protected HttpResponse<byte[]> send(SignedUrl url, HttpRequest.BodyPublisher body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url.url())
                .timeout(Duration.ofSeconds(30))
                .method(url.method(), body);
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A plain GET. */
    protected HttpResponse<byte[]> get(URI uri) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
