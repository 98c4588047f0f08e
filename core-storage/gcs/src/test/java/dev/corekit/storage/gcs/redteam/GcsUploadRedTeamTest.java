package dev.corekit.storage.gcs.redteam;

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
import java.io.IOException;
import java.io.OutputStream;
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
 * Upload and read promises of the GCS provider: "one resumable upload per file, in chunks of part-size"; a one-chunk
 * file carries its CRC32C up front, a longer one in the finalizing request; "the stored CRC32C is compared with
 * corekit's before put returns"; "Downloads are verified by corekit".
 */
@Timeout(120)
class GcsUploadRedTeamTest extends AbstractGcsRedTeamTest {

    @BeforeEach
    void open() throws Exception {
        openGcs();
    }

    private void assertStoredExactly(String key, long seed, long size, StoredFile stored) throws Exception {
        Crc32c crc = TestContent.crc32c(seed, size);
        assertThat(stored.key()).isEqualTo(key);
        assertThat(stored.size()).isEqualTo(size);
        assertThat(stored.crc32c()).isEqualTo(crc);
        assertThat(stored.version()).as("GCS generation").isPresent();
        FileInfo info = storage.privateFiles().stat(key).orElseThrow();
        assertThat(info.size()).isEqualTo(size);
        assertThat(info.crc32c()).contains(crc);
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            TestContent.assertSameContent(seed, size, in);
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
        }
    }

    @ParameterizedTest(name = "{0} bytes, unknown length")
    @ValueSource(longs = {0, 1, 256 * 1024, PART - 1, PART, PART + 1, 2L * PART + 1})
    void sizesAroundTheChunkSizeRoundTripWithUnknownLength(long size) throws Exception {
        String key = dir + "u-" + size;
        StoredFile stored = storage.privateFiles().put(key, TestContent.stream(size, size), PutOptions.ofDefaults());
        assertStoredExactly(key, size, size, stored);
    }

    @ParameterizedTest(name = "{0} bytes, declared length")
    @ValueSource(longs = {0, 1, PART, PART + 1})
    void sizesAroundTheChunkSizeRoundTripWithDeclaredLength(long size) throws Exception {
        String key = dir + "d-" + size;
        StoredFile stored = storage.privateFiles()
                .put(
                        key,
                        TestContent.stream(size, size),
                        PutOptions.ofDefaults().withLength(size));
        assertStoredExactly(key, size, size, stored);
    }

    @ParameterizedTest(name = "source fails after {0} bytes")
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

    @ParameterizedTest(name = "declared {0}, one byte less")
    @ValueSource(longs = {1, PART, PART + 1})
    void aStreamShorterThanDeclaredStoresNothing(long declared) {
        String key = dir + "short-" + declared;
        Throwable e = catchThrowable(() -> storage.privateFiles()
                .put(
                        key,
                        TestContent.stream(1, declared - 1),
                        PutOptions.ofDefaults().withLength(declared)));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED);
        assertNothingRemains(key);
    }

    @ParameterizedTest(name = "declared {0}, one byte more")
    @ValueSource(longs = {0, 1, PART, PART + 1})
    void aStreamLongerThanDeclaredStoresNothing(long declared) {
        String key = dir + "long-" + declared;
        Throwable e = catchThrowable(() -> storage.privateFiles()
                .put(
                        key,
                        TestContent.stream(1, declared + 1),
                        PutOptions.ofDefaults().withLength(declared)));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED);
        assertNothingRemains(key);
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
        assertThat(integrity.expected()).isEqualTo(wrong);
        integrity.actual().ifPresent(actual -> assertThat(actual).isEqualTo(real));
        assertNothingRemains(key);
    }

    @ParameterizedTest(name = "byte flipped in chunk {0}")
    @ValueSource(ints = {1, 2, 3})
    void aByteFlippedInAnyChunkFailsWithIntegrityAndNothingRemains(int chunk) {
        String key = dir + "flip-" + chunk;
        long size = chunk == 1 ? 1000 : 2L * PART + 100;
        int[] seen = {0};
        faulty.flipNextRequestBody(r -> FaultyHttpProxy.PUTS.test(r) && ++seen[0] == chunk);
        Throwable e = catchThrowable(
                () -> storage.privateFiles().put(key, TestContent.stream(5, size), PutOptions.ofDefaults()));
        assertThat(faulty.faultPending()).as("the fault hit").isFalse();
        assertThat(e).isInstanceOf(IntegrityException.class);
        IntegrityException integrity = (IntegrityException) e;
        assertThat(integrity.key()).contains(key);
        assertThat(integrity.expected()).isEqualTo(TestContent.crc32c(5, size));
        assertThat(integrity.getMessage()).contains(key);
        assertNothingRemains(key);
    }

    @ParameterizedTest(name = "response to chunk {0} lost")
    @ValueSource(ints = {1, 2})
    void aLostResponseToAChunkIsRecoveredAndStoresExactlyOnce(int chunk) throws Exception {
        String key = dir + "lost-" + chunk;
        long size = chunk == 1 ? 1000 : PART + 1;
        int[] seen = {0};
        faulty.dropNextResponse(r -> FaultyHttpProxy.PUTS.test(r) && ++seen[0] == chunk);
        StoredFile stored = storage.privateFiles().put(key, TestContent.stream(9, size), PutOptions.ofDefaults());
        assertThat(faulty.faultPending()).isFalse();
        assertStoredExactly(key, 9, size, stored);
    }

    enum BadWrite {
        SOURCE_FAILS_IN_FIRST_CHUNK,
        SOURCE_FAILS_IN_SECOND_CHUNK,
        WRONG_EXPECTED_CRC,
        FLIPPED_IN_TRANSIT
    }

    @ParameterizedTest
    @EnumSource(BadWrite.class)
    void aFailedOverwriteLeavesThePreviousVersionWhole(BadWrite bad) throws Exception {
        String key = dir + "keep-" + bad;
        StoredFile first = storage.privateFiles().put(key, TestContent.stream(7, 1000), PutOptions.ofDefaults());
        Throwable e = catchThrowable(() -> {
            switch (bad) {
                case SOURCE_FAILS_IN_FIRST_CHUNK ->
                    storage.privateFiles().put(key, failingAfter(8, 100), PutOptions.ofDefaults());
                case SOURCE_FAILS_IN_SECOND_CHUNK ->
                    storage.privateFiles().put(key, failingAfter(8, PART + 5), PutOptions.ofDefaults());
                case WRONG_EXPECTED_CRC ->
                    storage.privateFiles()
                            .put(
                                    key,
                                    TestContent.stream(8, 100),
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

    @Test
    void anOverwriteKeepsOnlyTheLastVersionWithANewGeneration() throws Exception {
        String key = dir + "over";
        StoredFile a = storage.privateFiles().put(key, TestContent.stream(1, PART + 3), PutOptions.ofDefaults());
        StoredFile b = storage.privateFiles().put(key, TestContent.stream(2, 10), PutOptions.ofDefaults());
        assertThat(b.version()).isNotEqualTo(a.version());
        assertStoredExactly(key, 2, 10, b);
        try (Stream<FileInfo> listed = storage.privateFiles().list(key)) {
            assertThat(listed.toList())
                    .singleElement()
                    .satisfies(f -> assertThat(f.version()).isEqualTo(b.version()));
        }
    }

    @Test
    void concurrentPutsOfOneKeyLeaveOneWholeVersion() throws Exception {
        String key = dir + "race";
        long[] sizes = {10, PART + 1, 1000, PART, 0};
        ExecutorService pool = Executors.newFixedThreadPool(sizes.length);
        List<StoredFile> results = new ArrayList<>();
        try {
            List<Future<StoredFile>> puts = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                long seed = 100 + i;
                long size = sizes[i];
                puts.add(pool.submit(() ->
                        storage.privateFiles().put(key, TestContent.stream(seed, size), PutOptions.ofDefaults())));
            }
            for (Future<StoredFile> put : puts) {
                results.add(put.get());
            }
        } finally {
            pool.shutdownNow();
        }
        FileInfo info = storage.privateFiles().stat(key).orElseThrow();
        int winner = -1;
        for (int i = 0; i < sizes.length; i++) {
            if (results.get(i).version().equals(info.version())) {
                winner = i;
            }
        }
        assertThat(winner).as("the stored generation is one a put returned").isNotNegative();
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            TestContent.assertSameContent(100 + winner, sizes[winner], in);
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
        }
    }

    @Test
    void aByteFlippedInALargeDownloadFailsTheLastReadWithBothChecksums() throws Exception {
        String key = dir + "flip-down";
        long size = PART + 3;
        storage.privateFiles().put(key, TestContent.stream(7, size), PutOptions.ofDefaults());
        faulty.flipNextResponseBody(r -> r.method().equals("GET") && r.target().startsWith("/download/"));
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            Throwable e = catchThrowable(() -> in.transferTo(OutputStream.nullOutputStream()));
            assertThat(e).isInstanceOf(IOException.class).hasCauseInstanceOf(IntegrityException.class);
            IntegrityException integrity = (IntegrityException) e.getCause();
            assertThat(integrity.key()).contains(key);
            assertThat(integrity.expected()).isEqualTo(TestContent.crc32c(7, size));
            assertThat(integrity.actual()).isPresent().get().isNotEqualTo(integrity.expected());
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.MISMATCH);
        }
        assertThat(faulty.faultPending()).isFalse();
    }

    @Test
    void aFileReplacedWhileBeingReadIsNeverValidatedAgainstTheWrongChecksum() throws Exception {
        String key = dir + "swap";
        storage.privateFiles().put(key, TestContent.stream(1, 3 * MIB), PutOptions.ofDefaults());
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            byte[] head = in.readNBytes(1000);
            storage.privateFiles().put(key, TestContent.stream(2, 3 * MIB), PutOptions.ofDefaults());
            Throwable e = catchThrowable(() -> in.transferTo(OutputStream.nullOutputStream()));
            if (e == null) {
                assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
                assertThat(head).isEqualTo(TestContent.bytes(1, 1000));
            } else {
                assertThat(e).isInstanceOfAny(IOException.class, StorageException.class);
                assertThat(in.verdict().status()).isNotEqualTo(ReadVerdict.Status.VALIDATED);
            }
        }
    }

    @Test
    void aDeleteOfAMissingKeySaysFalseAndDeleteAllIgnoresAbsentKeys() {
        assertThat(storage.privateFiles().delete(dir + "never")).isFalse();
        storage.privateFiles().put(dir + "present", new byte[] {1}, "application/octet-stream");
        storage.privateFiles().deleteAll(List.of(dir + "never-1", dir + "present", dir + "never-2"));
        assertThat(storage.privateFiles().exists(dir + "present")).isFalse();
    }

    @Test
    void usingAClosedStorageFailsPromptlyAndStoresNothing() throws Exception {
        String key = dir + "after-close";
        storage.close();
        Throwable e = catchThrowable(() -> storage.privateFiles().put(key, new byte[] {1}, "text/plain"));
        storage = null;
        if (e != null) {
            assertThat(e).isInstanceOfAny(IllegalStateException.class, StorageException.class);
        }
    }
}
