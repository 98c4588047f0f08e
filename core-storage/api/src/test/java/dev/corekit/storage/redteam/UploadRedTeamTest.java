package dev.corekit.storage.redteam;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.ReadVerdict;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StoredFile;
import dev.corekit.storage.Verification;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Streams that lie or fail, wrong declared checksums and racing writers against one key. */
class UploadRedTeamTest extends RedTeamFixture {
    private static final String KEY = "docs/report.bin";
    private static final byte[] OLD = "the previous version".getBytes(UTF_8);

    /** Serves {@code size} pseudo-random bytes, then throws once {@code failAt} bytes were read (never if -1). */
    static final class HostileStream extends InputStream {
        private final long size;
        private final long failAt;
        private long position;

        HostileStream(long size, long failAt) {
            this.size = size;
            this.failAt = failAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failAt >= 0 && position >= failAt) {
                throw new IOException("disk on fire at byte " + position);
            }
            if (position >= size) {
                return -1;
            }
            long limit = failAt >= 0 ? Math.min(size, failAt) : size;
            int n = (int) Math.min(len, Math.max(1, limit - position));
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((position + i) * 31 + 7);
            }
            position += n;
            return n;
        }
    }

    static byte[] content(int size) throws IOException {
        return new HostileStream(size, -1).readAllBytes();
    }

    private void assertOldVersionUntouched() {
        assertThat(storage.privateFiles().readAllBytes(KEY)).isEqualTo(OLD);
    }

    @Test
    void aStreamThatFailsMidUploadStoresNothingAndLeavesTheExistingFile() throws Exception {
        storage.privateFiles().put(KEY, OLD, "text/plain");
        List<String> disk = filesOnDisk();
        for (long[] sizeAndFail : new long[][] {{1000, 0}, {1000, 500}, {20L << 20, 9L << 20}}) {
            StorageException e = catchThrowableOfType(
                    StorageException.class,
                    () -> storage.privateFiles()
                            .put(KEY, new HostileStream(sizeAndFail[0], sizeAndFail[1]), PutOptions.ofDefaults()));
            assertThat(e).as("fail at %d", sizeAndFail[1]).isNotNull();
            assertThat(e.reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED);
            assertThat(e.key()).contains(KEY);
            assertOldVersionUntouched();
            assertThat(filesOnDisk()).as("no temp file left behind").isEqualTo(disk);
        }
        StorageException fresh = catchThrowableOfType(
                StorageException.class,
                () -> storage.privateFiles().put("new.bin", new HostileStream(1000, 10), PutOptions.ofDefaults()));
        assertThat(fresh.reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED);
        assertThat(storage.privateFiles().exists("new.bin")).isFalse();
        assertThat(filesOnDisk()).isEqualTo(disk);
    }

    @Test
    void aStreamShorterOrLongerThanItsDeclaredLengthStoresNothing() throws Exception {
        storage.privateFiles().put(KEY, OLD, "text/plain");
        List<String> disk = filesOnDisk();
        for (long[] actualAndDeclared : new long[][] {{99, 100}, {101, 100}, {0, 1}, {1, 0}, {6L << 20, 5L << 20}}) {
            PutOptions options =
                    PutOptions.custom().length(actualAndDeclared[1]).build();
            StorageException e = catchThrowableOfType(
                    StorageException.class,
                    () -> storage.privateFiles().put(KEY, new HostileStream(actualAndDeclared[0], -1), options));
            assertThat(e)
                    .as("%d bytes declared as %d", actualAndDeclared[0], actualAndDeclared[1])
                    .isNotNull();
            assertThat(e.reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED);
            assertOldVersionUntouched();
            assertThat(filesOnDisk()).isEqualTo(disk);
        }
    }

    @Test
    void aStreamThatClaimsToHaveReadMoreThanAskedStoresNothingCorrupt() throws Exception {
        storage.privateFiles().put(KEY, OLD, "text/plain");
        InputStream liar = new InputStream() {
            private int calls;

            @Override
            public int read() {
                return calls++ < 3 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return calls++ < 3 ? len + 10 : -1; // breaks the InputStream contract
            }
        };
        try {
            StoredFile stored = storage.privateFiles().put(KEY, liar, PutOptions.ofDefaults());
            // if accepted, what was stored must be what the put says it stored
            byte[] read = storage.privateFiles().readAllBytes(KEY);
            assertThat(Crc32c.of(read)).isEqualTo(stored.crc32c());
            assertThat((long) read.length).isEqualTo(stored.size());
        } catch (StorageException | IllegalStateException | IndexOutOfBoundsException e) {
            assertOldVersionUntouched();
        }
    }

    @Test
    void aWrongExpectedChecksumFailsNamingKeyAndBothChecksumsAndKeepsThePreviousVersion() throws Exception {
        storage.privateFiles().put(KEY, OLD, "text/plain");
        List<String> disk = filesOnDisk();
        byte[] bytes = content(4096);
        Crc32c actual = Crc32c.of(bytes);
        Crc32c wrong = Crc32c.of(actual.intValue() ^ 1);
        for (PutOptions options : List.of(
                PutOptions.custom().expectedCrc32c(wrong).build(),
                PutOptions.custom().expectedCrc32c(wrong).length(bytes.length).build())) {
            IntegrityException e = catchThrowableOfType(
                    IntegrityException.class,
                    () -> storage.privateFiles().put(KEY, new ByteArrayInputStream(bytes), options));
            assertThat(e).isNotNull();
            assertThat(e.key()).contains(KEY);
            assertThat(e.reason()).isEqualTo(StorageException.Reason.INTEGRITY);
            assertThat(e.code()).isEqualTo("STORAGE_INTEGRITY");
            assertThat(e.retryable()).isFalse();
            assertThat(e.expected()).isEqualTo(wrong);
            assertThat(e.actual()).contains(actual);
            assertThat(e.getMessage()).contains(KEY);
            assertOldVersionUntouched();
            assertThat(filesOnDisk()).isEqualTo(disk);
        }
        // a wrong checksum on a new key: nothing there afterwards
        catchThrowableOfType(
                IntegrityException.class,
                () -> storage.privateFiles()
                        .put(
                                "fresh",
                                new ByteArrayInputStream(bytes),
                                PutOptions.custom().expectedCrc32c(wrong).build()));
        assertThat(storage.privateFiles().exists("fresh")).isFalse();
        // and on a public key: not taken by the failed write, so the right content can still go there
        catchThrowableOfType(
                IntegrityException.class,
                () -> storage.publicFiles()
                        .put(
                                "p.bin",
                                new ByteArrayInputStream(bytes),
                                PutOptions.custom().expectedCrc32c(wrong).build()));
        assertThat(storage.publicFiles().exists("p.bin")).isFalse();
        assertThat(storage.publicFiles()
                        .put(
                                "p.bin",
                                new ByteArrayInputStream(bytes),
                                PutOptions.custom().expectedCrc32c(actual).build())
                        .crc32c())
                .isEqualTo(actual);
    }

    @Test
    void theRightExpectedChecksumAndLengthStoreExactlyWhatTheStoredFileSays() throws Exception {
        for (int size : new int[] {0, 1, 8191, 6 << 20}) {
            byte[] bytes = content(size);
            StoredFile stored = storage.privateFiles()
                    .put(
                            "ok/" + size,
                            new ByteArrayInputStream(bytes),
                            PutOptions.custom()
                                    .length(size)
                                    .expectedCrc32c(Crc32c.of(bytes))
                                    .contentType("application/x-rt")
                                    .build());
            assertThat(stored.key()).isEqualTo("ok/" + size);
            assertThat(stored.size()).isEqualTo(size);
            assertThat(stored.crc32c()).isEqualTo(Crc32c.of(bytes));
            var info = storage.privateFiles().stat("ok/" + size).orElseThrow();
            assertThat(info.size()).isEqualTo(size);
            assertThat(info.crc32c()).contains(Crc32c.of(bytes));
            assertThat(info.contentType()).contains("application/x-rt");
            try (var in = storage.privateFiles().open("ok/" + size, Verification.VERIFY)) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
                assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.VALIDATED);
            }
        }
        assertThat(storage.privateFiles().stat("ok/0").orElseThrow().crc32c()).contains(Crc32c.EMPTY);
    }

    @Test
    void publicFilesRefuseOverwriteAndKeepTheFirstContent() {
        storage.publicFiles().put("logo.png", new byte[] {1}, "image/png");
        StorageException e = catchThrowableOfType(
                StorageException.class, () -> storage.publicFiles().put("logo.png", new byte[] {2}, "image/png"));
        assertThat(e.reason()).isEqualTo(StorageException.Reason.ALREADY_EXISTS);
        assertThat(e.key()).contains("logo.png");
        assertThat(storage.publicFiles().readAllBytes("logo.png")).containsExactly(1);
    }

    @Test
    void concurrentPrivatePutsToOneKeyLeaveOneWholeVersionAndReadersNeverSeeAMix() throws Exception {
        int writers = 6;
        int size = 1 << 20;
        List<byte[]> versions = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            byte[] v = new byte[size];
            Arrays.fill(v, (byte) ('A' + i));
            versions.add(v);
        }
        storage.privateFiles().put(KEY, versions.get(0), "application/octet-stream");
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < writers; i++) {
                    byte[] v = versions.get(i);
                    puts.add(pool.submit(() -> {
                        start.await();
                        return storage.privateFiles().put(KEY, v, "application/octet-stream");
                    }));
                }
            }
            List<Future<List<String>>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    start.await();
                    List<String> problems = new ArrayList<>();
                    while (writing.get()) {
                        try (var in = storage.privateFiles().open(KEY, Verification.VERIFY)) {
                            byte[] read = in.readAllBytes();
                            if (!isOneWholeVersion(read, versions)) {
                                problems.add("mixed read of " + read.length + " bytes");
                            }
                            if (in.verdict().status() != ReadVerdict.Status.VALIDATED) {
                                problems.add("verdict " + in.verdict());
                            }
                        } catch (IOException | StorageException e) {
                            problems.add("read failed: " + e);
                        }
                    }
                    return problems;
                }));
            }
            start.countDown();
            for (Future<?> put : puts) {
                put.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<List<String>> reader : readers) {
                assertThat(reader.get(60, TimeUnit.SECONDS))
                        .as("readers during writes")
                        .isEmpty();
            }
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        byte[] last = storage.privateFiles().readAllBytes(KEY);
        assertThat(isOneWholeVersion(last, versions)).isTrue();
        assertThat(storage.privateFiles().stat(KEY).orElseThrow().crc32c()).contains(Crc32c.of(last));
    }

    @Test
    void concurrentPublicPutsToOneKeyLetExactlyOneWin() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int i = 0; i < writers; i++) {
                byte[] v = new byte[256 << 10];
                Arrays.fill(v, (byte) i);
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        storage.publicFiles().put("race.bin", v, "application/octet-stream");
                        return 1;
                    } catch (StorageException e) {
                        assertThat(e.reason()).isEqualTo(StorageException.Reason.ALREADY_EXISTS);
                        return 0;
                    }
                }));
            }
            start.countDown();
            int wins = 0;
            for (Future<Integer> r : results) {
                wins += r.get(60, TimeUnit.SECONDS);
            }
            assertThat(wins).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        byte[] stored = storage.publicFiles().readAllBytes("race.bin");
        assertThat(stored).hasSize(256 << 10);
        byte first = stored[0];
        for (byte b : stored) {
            assertThat(b).isEqualTo(first);
        }
    }

    private static boolean isOneWholeVersion(byte[] read, List<byte[]> versions) {
        return versions.stream().anyMatch(v -> Arrays.equals(v, read));
    }
}
