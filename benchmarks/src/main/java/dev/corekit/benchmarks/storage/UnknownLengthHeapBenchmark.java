package dev.corekit.benchmarks.storage;

import dev.corekit.config.Config;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.StoredFile;
import dev.corekit.storage.s3.S3Settings;
import dev.corekit.storage.s3.S3StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The heap held while a stream of unknown length (generated, never in memory as a whole) is uploaded through corekit:
 * it must stay flat whatever the size. A sampler thread reads the heap every 2 ms during the upload; the teardown
 * prints {@code HEAP peak=...} (the most heap in use, uncollected garbage included, so it follows the young
 * generation's size), {@code peak-live-after-gc=...} (the most heap left in use after a collection during the upload:
 * what is still referenced) and the heap in use before the upload and after a GC at its end. The
 * fork runs with a 512 MiB heap, half the 1 GiB uploaded, so whole-file buffering could not pass unseen.
 *
 * <p>{@code provider=s3} uploads to S3Mock in the same JVM (its own heap is in the figure too); {@code provider=local}
 * to the local filesystem provider (corekit alone in the JVM).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class UnknownLengthHeapBenchmark {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final List<MemoryPoolMXBean> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
            .toList();
    private static final long MIB = 1024 * 1024;

    @Param({"134217728", "1073741824"})
    public long size;

    @Param({"s3", "local"})
    public String provider;

    private S3Mock s3;
    private Path localRoot;
    private Storage storage;
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong peakLive = new AtomicLong();
    private volatile boolean sampling;
    private Thread sampler;
    private long before;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        StorageSettings.Builder settings = StorageSettings.custom(Config.defaultsOnly());
        Storage.Builder builder = Storage.custom().recorder(Recorder.of(new Crc32cStreamingBenchmark.DiscardingSink()));
        if (provider.equals("s3")) {
            s3 = S3Mock.start();
            builder.settings(settings.provider(StorageSettings.Provider.S3).build())
                    .provider(S3StorageProvider.custom()
                            .settings(S3Settings.custom(Config.defaultsOnly())
                                    .bucket(S3Mock.BUCKET)
                                    .endpoint(s3.uri())
                                    .pathStyle(true)
                                    .build())
                            .credentials(S3Mock.CREDENTIALS)
                            .build());
        } else {
            localRoot = Files.createTempDirectory("corekit-heap-bench");
            builder.settings(settings.provider(StorageSettings.Provider.LOCAL)
                    .localRoot(localRoot)
                    .build());
        }
        storage = builder.build();
    }

    @Setup(Level.Iteration)
    public void startSampling() {
        System.gc();
        before = MEMORY.getHeapMemoryUsage().getUsed();
        peak.set(before);
        peakLive.set(liveAfterGc());
        sampling = true;
        sampler = new Thread(
                () -> {
                    while (sampling) {
                        peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
                        peakLive.accumulateAndGet(liveAfterGc(), Math::max);
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    @TearDown(Level.Iteration)
    public void stopSampling() throws InterruptedException {
        sampling = false;
        sampler.join();
        System.gc();
        long after = MEMORY.getHeapMemoryUsage().getUsed();
        System.out.printf(
                "%nHEAP provider=%s size=%d MiB: before=%d MiB peak=%d MiB peak-live-after-gc=%d MiB after-gc=%d MiB"
                        + " max=%d MiB%n",
                provider,
                size / MIB,
                before / MIB,
                peak.get() / MIB,
                peakLive.get() / MIB,
                after / MIB,
                MEMORY.getHeapMemoryUsage().getMax() / MIB);
    }

    /** The heap left in use after the last collection of each pool: what is still referenced, garbage excluded. */
    private static long liveAfterGc() {
        long live = 0;
        for (MemoryPoolMXBean pool : HEAP_POOLS) {
            MemoryUsage usage = pool.getCollectionUsage();
            live += usage == null ? 0 : usage.getUsed();
        }
        return live;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        storage.close();
        if (s3 != null) {
            s3.close();
        }
        if (localRoot != null) {
            try (Stream<Path> files = Files.walk(localRoot)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    @Benchmark
    public StoredFile upload() {
        // the same key each time: the previous upload is replaced, the disk does not fill up
        return storage.privateFiles().put("heap/unknown-length.bin", new Generated(size), PutOptions.ofDefaults());
    }

    /** {@code size} pseudo-random bytes made as they are read; the length is not declared. */
    static final class Generated extends InputStream {
        private long remaining;
        private long state = 0x9E3779B97F4A7C15L;

        Generated(long size) {
            this.remaining = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                buffer[offset + i] = (byte) state;
            }
            remaining -= n;
            return n;
        }
    }
}
