package dev.corekit.storage.s3.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.Download;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.ReadVerdict;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StoredFile;
import dev.corekit.storage.Verification;
import dev.corekit.storage.contract.FaultyHttpProxy;
import dev.corekit.storage.contract.TestContent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upload promises of the S3 provider on S3Mock (which checks CRC32C) behind a faulty proxy: "one request up to
 * corekit.storage.part-size-mib, multipart above"; "nothing partial remains"; "nothing corrupt remains".
 */
@Timeout(120)
class S3UploadRedTeamTest extends AbstractS3RedTeamTest {

    @BeforeEach
    void open() throws Exception {
        openMock();
    }

    private void assertStoredExactly(String key, long seed, long size, StoredFile stored) throws Exception {
        Crc32c crc = TestContent.crc32c(seed, size);
        assertThat(stored.key()).isEqualTo(key);
        assertThat(stored.size()).isEqualTo(size);
        assertThat(stored.crc32c()).isEqualTo(crc);
        FileInfo info = storage.privateFiles().stat(key).orElseThrow();
        assertThat(info.size()).isEqualTo(size);
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            TestContent.assertSameContent(seed, size, in);
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
            assertThat(in.verdict().expected()).contains(crc);
        }
    }

    @ParameterizedTest(name = "{0} bytes, unknown length")
    @ValueSource(longs = {0, 1, PART - 1, PART, PART + 1, 2L * PART, 2L * PART + 1})
    void sizesAroundThePartSizeRoundTripWithUnknownLength(long size) throws Exception {
        String key = dir + "u-" + size;
        StoredFile stored = storage.privateFiles().put(key, TestContent.stream(size, size), PutOptions.ofDefaults());
        assertStoredExactly(key, size, size, stored);
        assertThat(client().listMultipartUploads(b -> b.bucket(bucket).prefix(objectKey(dir)))
                        .uploads())
                .isEmpty();
    }

    @ParameterizedTest(name = "{0} bytes, declared length")
    @ValueSource(longs = {0, 1, PART, PART + 1, 2L * PART + 1})
    void sizesAroundThePartSizeRoundTripWithDeclaredLength(long size) throws Exception {
        String key = dir + "d-" + size;
        StoredFile stored = storage.privateFiles()
                .put(
                        key,
                        TestContent.stream(size, size),
                        PutOptions.ofDefaults().withLength(size));
        assertStoredExactly(key, size, size, stored);
    }

    @Test
    void anUploadOfAtMostOnePartIsOneRequestAndALongerOneIsMultipart() throws Exception {
        faulty.clearRequests();
        storage.privateFiles().put(dir + "one", TestContent.stream(1, PART), PutOptions.ofDefaults());
        long puts =
                faulty.requests().stream().filter(r -> r.method().equals("PUT")).count();
        long multipartStarts = faulty.requests().stream()
                .filter(r -> r.method().equals("POST") && r.target().contains("uploads"))
                .count();
        assertThat(puts).as("PUTs for exactly one part").isEqualTo(1);
        assertThat(multipartStarts).as("multipart uploads for exactly one part").isZero();
    }

    @ParameterizedTest(name = "source fails after {0} bytes, unknown length")
    @ValueSource(longs = {0, 100, PART - 1, PART, PART + 100, 2L * PART})
    void aSourceThatFailsStoresNothingAndSaysSourceFailedNamingTheKey(long good) {
        String key = dir + "fail-" + good;
        Throwable e = catchThrowable(
                () -> storage.privateFiles().put(key, failingAfter(good, good), PutOptions.ofDefaults()));
        assertThat(e).isInstanceOf(StorageException.class).isNotInstanceOf(IntegrityException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED);
        assertThat(((StorageException) e).key()).contains(key);
        assertThat(e.getMessage()).contains(key);
        assertNothingRemains(key);
    }

    @ParameterizedTest(name = "declared {0} + delta")
    @ValueSource(longs = {1, PART, PART + 1, 2L * PART})
    void aStreamShorterThanDeclaredStoresNothing(long declared) {
        String key = dir + "short-" + declared;
        Throwable e = catchThrowable(() -> storage.privateFiles()
                .put(
                        key,
                        TestContent.stream(1, declared - 1),
                        PutOptions.ofDefaults().withLength(declared)));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED);
        assertThat(((StorageException) e).key()).contains(key);
        assertNothingRemains(key);
    }

    @ParameterizedTest(name = "declared {0}, one byte more")
    @ValueSource(longs = {0, 1, PART, PART + 1, 2L * PART})
    void aStreamLongerThanDeclaredStoresNothing(long declared) {
        String key = dir + "long-" + declared;
        Throwable e = catchThrowable(() -> storage.privateFiles()
                .put(
                        key,
                        TestContent.stream(1, declared + 1),
                        PutOptions.ofDefaults().withLength(declared)));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED);
        assertThat(((StorageException) e).key()).contains(key);
        assertNothingRemains(key);
    }

    @Test
    void aSourceThatFailsOnlyAfterItsLastByteWithUnknownLengthStoresNothing() {
        String key = dir + "fail-at-eof";
        long size = PART + 10;
        Throwable e = catchThrowable(
                () -> storage.privateFiles().put(key, failingAfter(size, size), PutOptions.ofDefaults()));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED);
        assertNothingRemains(key);
    }

    enum BadWrite {
        SOURCE_FAILS_IN_FIRST_PART,
        SOURCE_FAILS_IN_SECOND_PART,
        SHORTER_THAN_DECLARED,
        WRONG_EXPECTED_CRC_SINGLE,
        WRONG_EXPECTED_CRC_MULTIPART,
        FLIPPED_IN_TRANSIT
    }

    @ParameterizedTest
    @EnumSource(BadWrite.class)
    void aFailedOverwriteLeavesThePreviousVersionWhole(BadWrite bad) throws Exception {
        if (bad == BadWrite.SOURCE_FAILS_IN_SECOND_PART || bad == BadWrite.WRONG_EXPECTED_CRC_MULTIPART) {
            // S3Mock 5.2's AbortMultipartUpload deletes the key's existing object (S3 and S3Proxy keep it, checked
            // with the raw client): an aborted multipart overwrite is checked on S3Proxy
            storage.close();
            openProxy(s3 -> s3, s -> s);
        }
        String key = dir + "keep-" + bad;
        StoredFile first = storage.privateFiles().put(key, TestContent.stream(7, 1000), PutOptions.ofDefaults());
        Throwable e = catchThrowable(() -> {
            switch (bad) {
                case SOURCE_FAILS_IN_FIRST_PART ->
                    storage.privateFiles().put(key, failingAfter(8, 100), PutOptions.ofDefaults());
                case SOURCE_FAILS_IN_SECOND_PART ->
                    storage.privateFiles().put(key, failingAfter(8, PART + 5), PutOptions.ofDefaults());
                case SHORTER_THAN_DECLARED ->
                    storage.privateFiles()
                            .put(
                                    key,
                                    TestContent.stream(8, 99),
                                    PutOptions.ofDefaults().withLength(100));
                case WRONG_EXPECTED_CRC_SINGLE ->
                    storage.privateFiles()
                            .put(
                                    key,
                                    TestContent.stream(8, 100),
                                    PutOptions.custom()
                                            .expectedCrc32c(Crc32c.of(1))
                                            .build());
                case WRONG_EXPECTED_CRC_MULTIPART ->
                    storage.privateFiles()
                            .put(
                                    key,
                                    TestContent.stream(8, PART + 1),
                                    PutOptions.custom()
                                            .expectedCrc32c(Crc32c.of(1))
                                            .build());
                case FLIPPED_IN_TRANSIT -> {
                    faulty.flipNextRequestBody(FaultyHttpProxy.PUTS);
                    storage.privateFiles().put(key, TestContent.stream(8, 100), PutOptions.ofDefaults());
                }
            }
        });
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(storage.privateFiles().stat(key))
                .as("the previous version after %s", bad)
                .isPresent();
        assertStoredExactly(key, 7, 1000, first);
    }

    @ParameterizedTest(name = "wrong expected CRC32C, {0} bytes")
    @ValueSource(longs = {10, PART + 1})
    void aWrongExpectedChecksumFailsWithIntegrityNamingKeyAndBothChecksums(long size) {
        String key = dir + "expected-" + size;
        Crc32c real = TestContent.crc32c(3, size);
        Crc32c wrong = Crc32c.of(real.intValue() ^ 1);
        Throwable e = catchThrowable(() -> storage.privateFiles()
                .put(
                        key,
                        TestContent.stream(3, size),
                        PutOptions.custom().expectedCrc32c(wrong).build()));
        assertThat(e).isInstanceOf(IntegrityException.class);
        IntegrityException integrity = (IntegrityException) e;
        assertThat(integrity.key()).contains(key);
        assertThat(integrity.expected()).as("the checksum the caller declared").isEqualTo(wrong);
        assertThat(integrity.getMessage()).contains(key);
        integrity.actual().ifPresent(actual -> assertThat(actual).isEqualTo(real));
        assertNothingRemains(key);
    }

    @ParameterizedTest(name = "byte flipped in transit, {0} bytes")
    @ValueSource(longs = {1000, PART, PART + 1, 2L * PART + 7})
    void aByteFlippedInTransitFailsWithIntegrityAndNothingRemains(long size) {
        String key = dir + "flip-" + size;
        faulty.flipNextRequestBody(FaultyHttpProxy.PUTS);
        Throwable e = catchThrowable(
                () -> storage.privateFiles().put(key, TestContent.stream(5, size), PutOptions.ofDefaults()));
        assertThat(faulty.faultPending()).as("the fault hit").isFalse();
        assertThat(e).isInstanceOf(IntegrityException.class);
        IntegrityException integrity = (IntegrityException) e;
        assertThat(integrity.key()).contains(key);
        assertThat(integrity.getMessage()).contains(key);
        assertThat(integrity.retryable()).isFalse();
        assertNothingRemains(key);
    }

    @ParameterizedTest(name = "byte flipped in transit, {0} bytes declared (one streamed request)")
    @ValueSource(longs = {PART + 1, 2L * PART + 7})
    void aByteFlippedInTransitOfAStreamedPutFailsWithIntegrityAndNothingRemains(long size) {
        String key = dir + "flip-declared-" + size;
        faulty.flipNextRequestBody(FaultyHttpProxy.PUTS);
        Throwable e = catchThrowable(() -> storage.privateFiles()
                .put(key, TestContent.stream(5, size), PutOptions.ofDefaults().withLength(size)));
        assertThat(faulty.faultPending()).as("the fault hit").isFalse();
        assertThat(e).isInstanceOf(IntegrityException.class);
        assertThat(((IntegrityException) e).key()).contains(key);
        assertNothingRemains(key);
    }

    @Test
    void aStreamedPutWithAWrongDeclaredChecksumIsRefusedAndThePreviousVersionStays() throws Exception {
        String key = dir + "declared-wrong";
        StoredFile first = storage.privateFiles().put(key, TestContent.stream(7, 1000), PutOptions.ofDefaults());
        long size = PART + 1;
        Throwable e = catchThrowable(() -> storage.privateFiles()
                .put(
                        key,
                        TestContent.stream(8, size),
                        PutOptions.custom()
                                .length(size)
                                .expectedCrc32c(Crc32c.of(1))
                                .build()));
        assertThat(e).isInstanceOf(IntegrityException.class);
        assertThat(((IntegrityException) e).expected()).isEqualTo(Crc32c.of(1));
        assertStoredExactly(key, 7, 1000, first);
    }

    @Test
    void aLostResponseToAStreamedPutIsRecoveredWithoutSendingItAgain() throws Exception {
        String key = dir + "lost-declared";
        long size = PART + 1;
        faulty.dropNextResponse(FaultyHttpProxy.PUTS);
        StoredFile stored = storage.privateFiles()
                .put(key, TestContent.stream(9, size), PutOptions.ofDefaults().withLength(size));
        assertThat(faulty.faultPending()).isFalse();
        assertStoredExactly(key, 9, size, stored);
    }

    @Test
    void aByteFlippedInTheLastPartFailsWithIntegrityAndNothingRemains() {
        String key = dir + "flip-last";
        long size = 2L * PART + 300_000;
        int[] seen = {0};
        faulty.flipNextRequestBody(r -> FaultyHttpProxy.PUTS.test(r) && ++seen[0] == 3);
        Throwable e = catchThrowable(
                () -> storage.privateFiles().put(key, TestContent.stream(6, size), PutOptions.ofDefaults()));
        assertThat(faulty.faultPending()).as("the fault hit").isFalse();
        assertThat(e).isInstanceOf(IntegrityException.class);
        assertNothingRemains(key);
    }

    @ParameterizedTest(name = "response to a PUT lost, {0} bytes")
    @ValueSource(longs = {1000, PART + 1})
    void aLostResponseToAnUploadIsRecoveredAndStoresExactlyOnce(long size) throws Exception {
        String key = dir + "lost-" + size;
        faulty.dropNextResponse(FaultyHttpProxy.PUTS);
        StoredFile stored = storage.privateFiles().put(key, TestContent.stream(9, size), PutOptions.ofDefaults());
        assertThat(faulty.faultPending()).isFalse();
        assertStoredExactly(key, 9, size, stored);
        assertNothingOpen();
    }

    @Test
    void aLostResponseToTheMultipartCompletionIsRecovered() throws Exception {
        String key = dir + "lost-complete";
        long size = PART + 1;
        faulty.dropNextResponse(r -> r.method().equals("POST") && r.target().contains("uploadId="));
        StoredFile stored;
        try {
            stored = storage.privateFiles().put(key, TestContent.stream(10, size), PutOptions.ofDefaults());
        } catch (StorageException e) {
            // the upload completed on the server: a failure must at least not leave an unreported file behind
            assertThat(faulty.faultPending()).isFalse();
            assertNothingRemains(key);
            return;
        }
        assertThat(faulty.faultPending()).isFalse();
        assertStoredExactly(key, 10, size, stored);
        assertNothingOpen();
    }

    @Test
    void anOverwriteKeepsOnlyTheLastVersionWhateverTheSizes() throws Exception {
        String key = dir + "over";
        storage.privateFiles().put(key, TestContent.stream(1, PART + 3), PutOptions.ofDefaults());
        storage.privateFiles().put(key, TestContent.stream(2, 10), PutOptions.ofDefaults());
        StoredFile last = storage.privateFiles().put(key, TestContent.stream(3, 0), PutOptions.ofDefaults());
        assertStoredExactly(key, 3, 0, last);
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "over")) {
            assertThat(listed.toList())
                    .singleElement()
                    .satisfies(f -> assertThat(f.size()).isZero());
        }
    }

    @Test
    void concurrentPutsOfOneKeyLeaveOneWholeVersionAndNoOpenUpload() throws Exception {
        String key = dir + "race";
        long[] sizes = {10, PART + 1, 1000, PART, 2L * PART + 3, 0};
        ExecutorService pool = Executors.newFixedThreadPool(sizes.length);
        try {
            List<Future<StoredFile>> puts = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                long seed = 100 + i;
                long size = sizes[i];
                puts.add(pool.submit(() ->
                        storage.privateFiles().put(key, TestContent.stream(seed, size), PutOptions.ofDefaults())));
            }
            for (Future<StoredFile> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdownNow();
        }
        FileInfo info = storage.privateFiles().stat(key).orElseThrow();
        int winner = -1;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] == info.size()) {
                winner = i;
            }
        }
        assertThat(winner).as("the stored size is one of the sizes written").isNotNegative();
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            TestContent.assertSameContent(100 + winner, sizes[winner], in);
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
        }
        assertNothingOpen();
    }

    @Test
    void aDeleteOfAMissingKeyDoesNotThrowAndDeleteAllIgnoresAbsentKeys() {
        assertThat(catchThrowable(() -> storage.privateFiles().delete(dir + "never")))
                .isNull();
        storage.privateFiles().put(dir + "present", new byte[] {1}, "application/octet-stream");
        storage.privateFiles().deleteAll(List.of(dir + "never-1", dir + "present", dir + "never-2"));
        assertThat(storage.privateFiles().exists(dir + "present")).isFalse();
    }

    private void assertNothingOpen() {
        assertThat(client().listMultipartUploads(b -> b.bucket(bucket).prefix(objectKey(dir)))
                        .uploads())
                .as("multipart uploads left open")
                .isEmpty();
    }
}
