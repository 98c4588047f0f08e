package dev.corekit.benchmarks.storage;

import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.logging.Sink;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.spi.ObjectRead;
import dev.corekit.storage.spi.ObjectStore;
import dev.corekit.storage.spi.ObjectWrite;
import dev.corekit.storage.spi.PresignRequest;
import dev.corekit.storage.spi.PresignedRequest;
import dev.corekit.storage.spi.ProviderContext;
import dev.corekit.storage.spi.StorageProvider;
import dev.corekit.storage.spi.UploadSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The CRC32C corekit computes while it streams a put, against the raw {@link CRC32C#update} over the same bytes
 * (target: at least 0.9× the raw throughput). All in memory, so that the checksum is all that is measured:
 *
 * <ul>
 *   <li>{@code rawUpdate}: one {@code CRC32C.update} over the whole array, the ceiling;
 *   <li>{@code rawStreamed}: what a hand-written uploader does, the same stream read into a part buffer of the same
 *       size and {@code CRC32C.update} over each part;
 *   <li>{@code corekitPut}: a whole {@code privateFiles().put} of the same stream (key checks, the operation record,
 *       {@link UploadSource} reading parts and checksumming them, the comparison with the stored checksum) into a
 *       provider that keeps no bytes, so no I/O is measured;
 *   <li>{@code corekitSource}: the {@link UploadSource} part loop alone.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Crc32cStreamingBenchmark {
    @Param({"67108864"})
    public int size;

    @Param({"8"})
    public int partSizeMib;

    private byte[] data;
    private byte[] part;
    private Storage storage;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        data = new byte[size];
        new Random(42).nextBytes(data);
        part = new byte[partSizeMib * 1024 * 1024];
        storage = Storage.custom()
                .settings(StorageSettings.custom(Config.defaultsOnly())
                        .provider(StorageSettings.Provider.LOCAL)
                        .partSizeMib(partSizeMib)
                        .build())
                .provider(new DiscardingProvider())
                .recorder(Recorder.of(new DiscardingSink()))
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        storage.close();
    }

    @Benchmark
    public long rawUpdate() {
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length);
        return crc.getValue();
    }

    @Benchmark
    public long rawStreamed() throws Exception {
        InputStream in = new ByteArrayInputStream(data);
        CRC32C crc = new CRC32C();
        int n;
        while ((n = in.readNBytes(part, 0, part.length)) > 0) {
            crc.update(part, 0, n);
        }
        return crc.getValue();
    }

    @Benchmark
    public int copyOnly() throws Exception {
        InputStream in = new ByteArrayInputStream(data);
        int n;
        int last = 0;
        while ((n = in.readNBytes(part, 0, part.length)) > 0) {
            last ^= part[n - 1];
        }
        return last;
    }

    @Benchmark
    public int corekitSource() {
        UploadSource source =
                UploadSource.of("bench.bin", new ByteArrayInputStream(data), java.util.OptionalLong.of(data.length));
        UploadSource.Part current = source.readPart(part, part.length);
        while (source.hasMore()) {
            current = source.readPart(current.buffer(), part.length);
        }
        return source.checksum().intValue();
    }

    @Benchmark
    public int corekitPut() {
        String key = "bench/" + (next++ & 1023) + ".bin";
        return storage.privateFiles()
                .put(
                        key,
                        new ByteArrayInputStream(data),
                        PutOptions.custom()
                                .contentType("application/octet-stream")
                                .length(data.length)
                                .build())
                .crc32c()
                .intValue();
    }

    /** Records go nowhere: their cost is measured, not their I/O. */
    static final class DiscardingSink implements Sink {
        @Override
        public void accept(LogRecord record) {}
    }

    /** A provider that reads every upload as the real ones do, part by part, and keeps none of it. */
    static final class DiscardingProvider implements StorageProvider {
        @Override
        public StorageSettings.Provider kind() {
            return StorageSettings.Provider.LOCAL;
        }

        @Override
        public ObjectStore open(ProviderContext context) {
            int partSize = context.settings().partSizeBytes();
            return new ObjectStore() {
                private byte[] buffer;

                @Override
                public int maxKeyBytes() {
                    return 1024;
                }

                @Override
                public FileInfo write(ObjectWrite write) {
                    UploadSource source = write.source();
                    UploadSource.Part part = source.readPart(buffer, partSize);
                    while (source.hasMore()) {
                        part = source.readPart(part.buffer(), partSize);
                    }
                    buffer = part.buffer();
                    return new FileInfo(
                            write.objectKey(),
                            source.size(),
                            Optional.of(source.checksum()),
                            Optional.of(write.contentType()),
                            Optional.empty(),
                            Instant.EPOCH);
                }

                @Override
                public Optional<FileInfo> stat(String objectKey) {
                    return Optional.empty();
                }

                @Override
                public ObjectRead read(String objectKey) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public boolean delete(String objectKey) {
                    return false;
                }

                @Override
                public void deleteAll(List<String> objectKeys) {}

                @Override
                public Stream<FileInfo> list(String prefix) {
                    return Stream.empty();
                }

                @Override
                public PresignedRequest presign(PresignRequest request) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Optional<Instant> credentialExpiry() {
                    return Optional.empty();
                }

                @Override
                public <T> Optional<T> unwrap(Class<T> type) {
                    return Optional.empty();
                }

                @Override
                public void close() {}
            };
        }
    }
}
