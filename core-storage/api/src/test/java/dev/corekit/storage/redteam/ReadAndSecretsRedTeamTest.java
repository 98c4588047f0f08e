package dev.corekit.storage.redteam;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.logging.LogRecord;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.Download;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.ReadVerdict;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.Verification;
import dev.corekit.storage.local.LocalFilesHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Corruption on disk, listing by awkward prefixes, and secrets that must never show in strings or records. */
class ReadAndSecretsRedTeamTest extends RedTeamFixture {
    private static final String KEY = "dir/data.bin";

    private byte[] storeAndLocate() throws Exception {
        byte[] bytes = UploadRedTeamTest.content(100_000);
        storage.privateFiles().put(KEY, bytes, "application/octet-stream");
        return bytes;
    }

    private Path fileOnDisk() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.endsWith(Path.of("dir", "data.bin")))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private void flipByte(long position) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(fileOnDisk().toFile(), "rw")) {
            file.seek(position);
            int b = file.read();
            file.seek(position);
            file.write(~b);
        }
    }

    @Test
    void aByteFlippedOnDiskFailsAVerifiedReadWithAMismatchVerdict() throws Exception {
        byte[] bytes = storeAndLocate();
        for (long position : new long[] {0, 50_000, 99_999}) {
            flipByte(position);
            Download in = storage.privateFiles().open(KEY, Verification.VERIFY);
            Throwable thrown = catchThrowable(in::readAllBytes);
            assertThat(thrown).as("byte %d", position).isInstanceOf(IOException.class);
            assertThat(thrown).hasCauseInstanceOf(IntegrityException.class);
            IntegrityException cause = (IntegrityException) thrown.getCause();
            assertThat(cause.key()).contains(KEY);
            assertThat(cause.expected()).isEqualTo(Crc32c.of(bytes));
            ReadVerdict verdict = in.verdict();
            assertThat(verdict.status()).isEqualTo(ReadVerdict.Status.MISMATCH);
            assertThat(verdict.expected()).contains(Crc32c.of(bytes));
            assertThat(verdict.actual()).isPresent().isNotEqualTo(verdict.expected());
            assertThat(verdict.isValidated()).isFalse();
            in.close();
            assertThat(catchThrowable(() -> storage.privateFiles().readAllBytes(KEY)))
                    .isInstanceOf(IntegrityException.class);
            try (Download skip = storage.privateFiles().open(KEY, Verification.SKIP)) {
                assertThat(skip.readAllBytes()).hasSize(bytes.length);
                assertThat(skip.verdict().status()).isEqualTo(ReadVerdict.Status.SKIPPED);
                assertThat(skip.verdict().isValidated()).isFalse();
            }
            flipByte(position); // restore
            assertThat(storage.privateFiles().readAllBytes(KEY)).isEqualTo(bytes);
        }
    }

    @Test
    void aTruncatedOrExtendedFileOnDiskNeverValidates() throws Exception {
        storeAndLocate();
        try (RandomAccessFile file = new RandomAccessFile(fileOnDisk().toFile(), "rw")) {
            file.setLength(file.length() - 1);
        }
        assertThat(catchThrowable(() -> storage.privateFiles().readAllBytes(KEY)))
                .isInstanceOf(IntegrityException.class);
        try (Download in = storage.privateFiles().open(KEY, Verification.VERIFY)) {
            catchThrowable(in::readAllBytes);
            assertThat(in.verdict().status()).isNotEqualTo(ReadVerdict.Status.VALIDATED);
        }
        Files.write(fileOnDisk(), new byte[] {1, 2}, java.nio.file.StandardOpenOption.APPEND);
        assertThat(catchThrowable(() -> storage.privateFiles().readAllBytes(KEY)))
                .isInstanceOf(IntegrityException.class);
    }

    @Test
    void aVerifiedReadNotReadToTheEndIsSkippedNotValidated() throws Exception {
        storeAndLocate();
        try (Download in = storage.privateFiles().open(KEY, Verification.VERIFY)) {
            in.readNBytes(10);
            assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.SKIPPED);
            assertThat(in.verdict().reason()).isPresent();
            assertThat(in.info().key()).isEqualTo(KEY);
        }
    }

    @Test
    void aCorruptFileServedOverHttpIsCutOffNotDeliveredWhole() throws Exception {
        byte[] bytes = storeAndLocate();
        flipByte(99_000);
        SignedUrl url = storage.privateFiles().signGet(KEY, Duration.ofMinutes(1));
        Throwable thrown = catchThrowable(() -> {
            HttpResponse<byte[]> response =
                    http.send(HttpRequest.newBuilder(url.url()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.body().length)
                    .as("status %d", response.statusCode())
                    .isLessThan(bytes.length);
        });
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(IOException.class);
        }
    }

    @Test
    void missingFilesAreNotFound() {
        StorageException open =
                (StorageException) catchThrowable(() -> storage.privateFiles().open("nope", Verification.VERIFY));
        assertThat(open.reason()).isEqualTo(StorageException.Reason.NOT_FOUND);
        assertThat(open.key()).contains("nope");
        StorageException read =
                (StorageException) catchThrowable(() -> storage.privateFiles().readAllBytes("nope"));
        assertThat(read.reason()).isEqualTo(StorageException.Reason.NOT_FOUND);
        assertThat(storage.privateFiles().stat("nope")).isEmpty();
        assertThat(storage.privateFiles().delete("nope")).isFalse();
        storage.privateFiles().deleteAll(List.of("nope", "nope/too"));
        StorageException confirm =
                (StorageException) catchThrowable(() -> storage.privateFiles().confirmUpload("nope", Crc32c.EMPTY));
        assertThat(confirm.reason()).isEqualTo(StorageException.Reason.NOT_FOUND);
    }

    @Test
    void listingMatchesPrefixesAsStringsWithSpecialCharactersLiterally() {
        List<String> keys = List.of(
                "a%b/1",
                "a_b/1",
                "a.b/1",
                "a*b/1",
                "a[b]/1",
                "a b/1",
                "a?b/1",
                "a+b/1",
                "a-b",
                "a/b",
                "a0",
                "dir/file1",
                "dir/file2",
                "dir/other",
                "dir2/file",
                "\u00e9/1");
        for (String key : keys) {
            storage.privateFiles().put(key, key.getBytes(UTF_8), "text/plain");
        }
        storage.publicFiles().put("a%b/public", new byte[] {1}, "text/plain");
        assertThat(list("a%")).containsExactly("a%b/1");
        assertThat(list("a_")).containsExactly("a_b/1");
        assertThat(list("a.")).containsExactly("a.b/1");
        assertThat(list("a*")).containsExactly("a*b/1");
        assertThat(list("a[")).containsExactly("a[b]/1");
        assertThat(list("a ")).containsExactly("a b/1");
        assertThat(list("a?")).containsExactly("a?b/1");
        assertThat(list("a+")).containsExactly("a+b/1");
        assertThat(list("dir/fi")).as("a prefix is not a directory").containsExactly("dir/file1", "dir/file2");
        assertThat(list("dir")).containsExactly("dir/file1", "dir/file2", "dir/other", "dir2/file");
        assertThat(list("dir/")).containsExactly("dir/file1", "dir/file2", "dir/other");
        assertThat(list("\u00e9")).containsExactly("\u00e9/1");
        assertThat(list("zzz")).isEmpty();
        List<String> all = list("");
        assertThat(all).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(all).as("key order").isSortedAccordingTo(String::compareTo);
        assertThat(list("a")).startsWith("a b/1").contains("a-b", "a/b", "a0");
        List<FileInfo> infos;
        try (Stream<FileInfo> files = storage.privateFiles().list("a%")) {
            infos = files.toList();
        }
        assertThat(infos.get(0).size()).isEqualTo("a%b/1".getBytes(UTF_8).length);
    }

    private List<String> list(String prefix) {
        try (Stream<FileInfo> files = storage.privateFiles().list(prefix)) {
            return files.map(FileInfo::key).toList();
        }
    }

    @Test
    void noStringOrRecordShowsTheSigningKeyOrASignedUrlsQuery() throws Exception {
        storage.privateFiles().put("s.txt", "x".getBytes(UTF_8), "text/plain");
        SignedUrl get = storage.privateFiles().signGet("s.txt", Duration.ofMinutes(1));
        SignedUrl put =
                storage.privateFiles().signPut("u.txt", "text/plain", Crc32c.of(new byte[] {1}), Duration.ofMinutes(1));
        storage.privateFiles().put("p.txt", new ByteArrayInputStream(new byte[] {1}), PutOptions.of("text/plain"));
        for (SignedUrl url : List.of(get, put)) {
            String query = url.url().getRawQuery();
            assertThat(url.toString()).doesNotContain(query).doesNotContain(SIGNING_KEY);
            assertThat(url.redactedUrl()).doesNotContain(query);
            for (String param : query.split("&")) {
                String value = param.substring(param.indexOf('=') + 1);
                if (value.length() >= 16) { // the signature, not a short method or expiry
                    assertThat(url.toString()).doesNotContain(value);
                    for (LogRecord record : sink.records()) {
                        assertThat(record.toString()).doesNotContain(value);
                    }
                }
            }
        }
        for (LogRecord record : sink.records()) {
            assertThat(record.toString()).doesNotContain(SIGNING_KEY);
        }
        assertThat(sink.records()).isNotEmpty();
        assertThat(storage.settings().toString()).doesNotContain(SIGNING_KEY);
        assertThat(storage.toString()).doesNotContain(SIGNING_KEY);
        assertThat(LocalFilesHandler.of(storage).toString()).doesNotContain(SIGNING_KEY);
        assertThat(PutOptions.ofDefaults().toString()).isNotBlank();
        StorageException e =
                (StorageException) catchThrowable(() -> storage.privateFiles().readAllBytes("nope"));
        assertThat(e.toString()).doesNotContain(SIGNING_KEY);
    }
}
