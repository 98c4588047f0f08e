package dev.corekit.benchmarks.storage;

import dev.corekit.config.Config;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.s3.S3Settings;
import dev.corekit.storage.s3.S3StorageProvider;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A 100 MiB put through corekit against the raw AWS SDK put with CRC32C, on the same in-process S3Mock in the same run
 * (target: corekit at most 1.05× the time). The content is in memory, so the client and the server are measured, not a
 * source; each put replaces the same key, so the server's disk does not fill up.
 *
 * <ul>
 *   <li>{@code rawPut}: one {@code PutObject} with {@code ChecksumAlgorithm.CRC32_C} (the SDK computes it and sends it
 *       in an aws-chunked trailer);
 *   <li>{@code rawMultipart}: the SDK's multipart upload in parts of the same size as corekit's, CRC32C per part (the
 *       protocol corekit uses for anything over one part);
 *   <li>{@code corekitPut}: {@code privateFiles().put} with the length declared and the default part size (8 MiB):
 *       one streamed {@code PutObject} whose CRC32C the SDK sends in a trailer, like {@code rawPut}, while corekit
 *       checksums the bytes as they are read and compares with the stored checksum before it returns; memory stays
 *       at one chunk;
 *   <li>{@code corekitMultipart}: the same stream with its length not declared: multipart in 8 MiB parts with a
 *       full-object CRC32C, each part's CRC32C precomputed and sent in its header (compare with
 *       {@code rawMultipart});
 *   <li>{@code corekitSinglePut}: the same with a part size over the file, so corekit sends one {@code PutObject}
 *       like {@code rawPut} (it then holds the file in memory: not a setting for 100 MiB files, a like-for-like
 *       comparison of the protocol).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class S3PutBenchmark {
    @Param({"104857600"})
    public int size;

    private byte[] data;
    private S3Mock s3;
    private S3Client raw;
    private Storage corekit;
    private Storage corekitSingle;

    @Setup(Level.Trial)
    public void setUp() {
        data = new byte[size];
        new Random(7).nextBytes(data);
        s3 = S3Mock.start();
        raw = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(S3Mock.CREDENTIALS)
                .endpointOverride(s3.uri())
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
        corekit = storage(StorageSettings.DEFAULT_PART_SIZE_MIB);
        corekitSingle = storage(size / (1024 * 1024) + 1);
    }

    private Storage storage(int partSizeMib) {
        return Storage.custom()
                .settings(StorageSettings.custom(Config.defaultsOnly())
                        .provider(StorageSettings.Provider.S3)
                        .partSizeMib(partSizeMib)
                        .build())
                .provider(S3StorageProvider.custom()
                        .settings(S3Settings.custom(Config.defaultsOnly())
                                .bucket(S3Mock.BUCKET)
                                .endpoint(s3.uri())
                                .pathStyle(true)
                                .build())
                        .credentials(S3Mock.CREDENTIALS)
                        .build())
                .recorder(Recorder.of(new Crc32cStreamingBenchmark.DiscardingSink()))
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        corekit.close();
        corekitSingle.close();
        raw.close();
        s3.close();
    }

    @Benchmark
    public String rawPut() {
        return raw.putObject(
                        request -> request.bucket(S3Mock.BUCKET)
                                .key("raw-put.bin")
                                .contentType("application/octet-stream")
                                .contentLength((long) data.length)
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C),
                        RequestBody.fromInputStream(new ByteArrayInputStream(data), data.length))
                .checksumCRC32C();
    }

    @Benchmark
    public String rawMultipart() {
        String key = "raw-multipart.bin";
        int partSize = StorageSettings.DEFAULT_PART_SIZE_MIB * 1024 * 1024;
        String uploadId = raw.createMultipartUpload(request -> request.bucket(S3Mock.BUCKET)
                        .key(key)
                        .contentType("application/octet-stream")
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C))
                .uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int offset = 0, number = 1; offset < data.length; offset += partSize, number++) {
            int length = Math.min(partSize, data.length - offset);
            int partNumber = number;
            UploadPartResponse response = raw.uploadPart(
                    request -> request.bucket(S3Mock.BUCKET)
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            .contentLength((long) length)
                            .checksumAlgorithm(ChecksumAlgorithm.CRC32_C),
                    RequestBody.fromInputStream(new ByteArrayInputStream(data, offset, length), length));
            parts.add(CompletedPart.builder()
                    .partNumber(partNumber)
                    .eTag(response.eTag())
                    .checksumCRC32C(response.checksumCRC32C())
                    .build());
        }
        return raw.completeMultipartUpload(request -> request.bucket(S3Mock.BUCKET)
                        .key(key)
                        .uploadId(uploadId)
                        .multipartUpload(upload -> upload.parts(parts)))
                .checksumCRC32C();
    }

    @Benchmark
    public Crc32c corekitPut() {
        return put(corekit, "corekit-put.bin");
    }

    @Benchmark
    public Crc32c corekitMultipart() {
        return corekit.privateFiles()
                .put("corekit-multipart.bin", new ByteArrayInputStream(data), PutOptions.of("application/octet-stream"))
                .crc32c();
    }

    @Benchmark
    public Crc32c corekitSinglePut() {
        return put(corekitSingle, "corekit-single-put.bin");
    }

    private Crc32c put(Storage storage, String key) {
        return storage.privateFiles()
                .put(
                        key,
                        new ByteArrayInputStream(data),
                        PutOptions.custom()
                                .contentType("application/octet-stream")
                                .length(data.length)
                                .build())
                .crc32c();
    }
}
