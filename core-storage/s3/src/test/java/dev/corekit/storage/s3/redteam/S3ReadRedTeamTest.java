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
import dev.corekit.storage.s3.S3Settings;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;

/** Read verdicts on S3: VALIDATED, SKIPPED with a reason (objects written around corekit, composite), MISMATCH. */
@Timeout(120)
class S3ReadRedTeamTest extends AbstractS3RedTeamTest {

    private void putRaw(String key, byte[] data, ChecksumAlgorithm algorithm) {
        client().putObject(
                        b -> {
                            b.bucket(bucket).key(objectKey(key));
                            if (algorithm != null) {
                                b.checksumAlgorithm(algorithm);
                            }
                        },
                        RequestBody.fromBytes(data));
    }

    @Test
    void anObjectWrittenAroundCorekitWithoutAChecksumIsSkippedWithAReasonNotValidated() throws Exception {
        openMock();
        String key = dir + "raw-none";
        byte[] data = TestContent.bytes(1, 5000);
        putRaw(key, data, null);
        FileInfo info = storage.privateFiles().stat(key).orElseThrow();
        if (info.crc32c().isPresent()) {
            // the store computed one itself (the SDK's default may send one): then it must validate
            try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
                assertThat(in.readAllBytes()).isEqualTo(data);
                assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
            }
            return;
        }
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
            ReadVerdict verdict = in.verdict();
            assertThat(verdict.status()).isEqualTo(ReadVerdict.Status.SKIPPED);
            assertThat(verdict.reason()).get().asString().isNotBlank();
            assertThat(verdict.isValidated()).isFalse();
        }
        // readAllBytes: "StorageException with INTEGRITY (not an IntegrityException: there is no stored checksum to
        // name) when the provider stores none for this file"
        Throwable e = catchThrowable(() -> storage.privateFiles().readAllBytes(key));
        assertThat(e).isInstanceOf(StorageException.class).isNotInstanceOf(IntegrityException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.INTEGRITY);
        assertThat(((StorageException) e).key()).contains(key);
        assertThat(e.getMessage()).contains(key).contains("no CRC32C");
    }

    @Test
    void anObjectWrittenAroundCorekitWithAnotherChecksumIsNeverCalledValidated() throws Exception {
        openMock();
        String key = dir + "raw-crc32";
        byte[] data = TestContent.bytes(2, 5000);
        putRaw(key, data, ChecksumAlgorithm.CRC32);
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
            ReadVerdict verdict = in.verdict();
            if (verdict.status() == ReadVerdict.Status.VALIDATED) {
                assertThat(verdict.expected()).contains(Crc32c.of(data));
            } else {
                assertThat(verdict.status()).isEqualTo(ReadVerdict.Status.SKIPPED);
                assertThat(verdict.reason()).get().asString().isNotBlank();
            }
        }
    }

    @Test
    void anObjectWrittenAroundCorekitWithTheRightCrc32cValidates() throws Exception {
        openMock();
        String key = dir + "raw-crc32c";
        byte[] data = TestContent.bytes(3, 5000);
        putRaw(key, data, ChecksumAlgorithm.CRC32_C);
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
            assertThat(in.verdict().expected()).contains(Crc32c.of(data));
        }
    }

    @Test
    void aFullObjectMultipartUploadValidatesOnReadAndStatShowsTheWholeObjectCrc() throws Exception {
        openMock();
        String key = dir + "full";
        long size = 2L * PART + 17;
        StoredFile stored = storage.privateFiles().put(key, TestContent.stream(4, size), PutOptions.ofDefaults());
        assertThat(stored.crc32c()).isEqualTo(TestContent.crc32c(4, size));
        assertThat(storage.privateFiles().stat(key).orElseThrow().crc32c()).contains(TestContent.crc32c(4, size));
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            TestContent.assertSameContent(4, size, in);
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
        }
    }

    @Test
    void aCompositeMultipartUploadIsStoredWholeAndItsReadSaysWhyItCannotBeVerified() throws Exception {
        openMock(s3 -> s3.multipartChecksum(S3Settings.MultipartChecksum.COMPOSITE), s -> s, mockCredentials());
        String key = dir + "composite";
        long size = PART + 17;
        StoredFile stored = storage.privateFiles().put(key, TestContent.stream(5, size), PutOptions.ofDefaults());
        assertThat(stored.size()).isEqualTo(size);
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            TestContent.assertSameContent(5, size, in);
            ReadVerdict verdict = in.verdict();
            assertThat(verdict.status())
                    .as("COMPOSITE: 'reads of such objects cannot be verified (their verdict says so)'")
                    .isEqualTo(ReadVerdict.Status.SKIPPED);
            assertThat(verdict.reason()).get().asString().isNotBlank();
        }
    }

    @Test
    void aCompositeSinglePartUploadStillValidates() throws Exception {
        openMock(s3 -> s3.multipartChecksum(S3Settings.MultipartChecksum.COMPOSITE), s -> s, mockCredentials());
        String key = dir + "composite-small";
        storage.privateFiles().put(key, TestContent.stream(6, 1000), PutOptions.ofDefaults());
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            TestContent.assertSameContent(6, 1000, in);
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
        }
    }

    @Test
    void aByteFlippedInALargeDownloadFailsTheLastReadWithBothChecksums() throws Exception {
        openMock();
        String key = dir + "flip-down";
        long size = PART + 3;
        storage.privateFiles().put(key, TestContent.stream(7, size), PutOptions.ofDefaults());
        faulty.flipNextResponseBody(FaultyHttpProxy.GETS);
        try (Download in = storage.privateFiles().open(key, Verification.VERIFY)) {
            Throwable e = catchThrowable(() -> in.transferTo(OutputSink.INSTANCE));
            assertThat(e).isInstanceOf(IOException.class).hasCauseInstanceOf(IntegrityException.class);
            IntegrityException integrity = (IntegrityException) e.getCause();
            assertThat(integrity.key()).contains(key);
            assertThat(integrity.expected()).isEqualTo(TestContent.crc32c(7, size));
            assertThat(integrity.actual()).isPresent().get().isNotEqualTo(integrity.expected());
            ReadVerdict verdict = in.verdict();
            assertThat(verdict.status()).isEqualTo(ReadVerdict.Status.MISMATCH);
            assertThat(verdict.expected()).contains(integrity.expected());
            assertThat(verdict.actual()).isEqualTo(integrity.actual());
        }
        assertThat(faulty.faultPending()).isFalse();
    }

    @Test
    void aSkippedReadOfAFlippedDownloadSaysSkippedNotValidated() throws Exception {
        openMock();
        String key = dir + "flip-skip";
        storage.privateFiles().put(key, TestContent.stream(8, 3000), PutOptions.ofDefaults());
        faulty.flipNextResponseBody(FaultyHttpProxy.GETS);
        try (Download in = storage.privateFiles().open(key, Verification.SKIP)) {
            in.readAllBytes();
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.SKIPPED);
        }
    }

    @Test
    void readAllBytesOfAFlippedDownloadThrowsIntegrityNotReturnsBadBytes() throws Exception {
        openMock();
        String key = dir + "flip-all";
        storage.privateFiles().put(key, TestContent.stream(9, 3000), PutOptions.ofDefaults());
        faulty.flipNextResponseBody(FaultyHttpProxy.GETS);
        Throwable e = catchThrowable(() -> storage.privateFiles().readAllBytes(key));
        if (e == null) {
            // corekit retried the read: then it must have returned the right bytes
            assertThat(storage.privateFiles().readAllBytes(key)).isEqualTo(TestContent.bytes(9, 3000));
        } else {
            assertThat(e).isInstanceOf(IntegrityException.class);
            assertThat(((IntegrityException) e).key()).contains(key);
        }
    }

    @Test
    void openingAMissingKeyIsNotFoundNamingTheKey() throws Exception {
        openMock();
        Throwable e = catchThrowable(() -> storage.privateFiles().open(dir + "missing", Verification.VERIFY));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.NOT_FOUND);
        assertThat(((StorageException) e).key()).contains(dir + "missing");
        try (Stream<FileInfo> none = storage.privateFiles().list(dir + "missing")) {
            assertThat(none).isEmpty();
        }
    }

    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
