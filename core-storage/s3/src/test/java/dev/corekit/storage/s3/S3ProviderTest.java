package dev.corekit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.Download;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.ReadVerdict;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.StoredFile;
import dev.corekit.storage.Verification;
import dev.corekit.storage.contract.FaultyHttpProxy;
import dev.corekit.storage.contract.TestContent;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** What only S3 has: capability profiles, multipart checksum types, retries that never re-send, startup checks. */
class S3ProviderTest {
    private static final int MIB = 1024 * 1024;

    private FaultyHttpProxy faulty;
    private final String root = "s3-provider/" + UUID.randomUUID() + "/";

    @BeforeEach
    void startProxy() throws Exception {
        faulty = FaultyHttpProxy.start("127.0.0.1", S3Servers.s3Mock());
    }

    @AfterEach
    void stopProxy() throws IOException {
        faulty.close();
    }

    private Storage storage(S3Settings.Builder s3, AwsCredentialsProvider credentials) {
        return Storage.custom()
                .settings(StorageSettings.custom(Config.defaultsOnly())
                        .provider(StorageSettings.Provider.S3)
                        .partSizeMib(5)
                        .retryInitialBackoff(Duration.ofMillis(10))
                        .build())
                .provider(S3StorageProvider.custom()
                        .settings(s3.build())
                        .credentials(credentials)
                        .build())
                .recorder(Recorder.of(new InMemorySink()))
                .build();
    }

    private S3Settings.Builder s3() {
        return S3Settings.custom(Config.defaultsOnly())
                .bucket(S3Servers.MOCK_BUCKET)
                .endpoint(faulty.uri())
                .pathStyle(true);
    }

    private List<FaultyHttpProxy.Request> requests(String method, String pathPart) {
        return faulty.requests().stream()
                .filter(request ->
                        request.method().equals(method) && request.target().contains(pathPart))
                .toList();
    }

    @Test
    void theCrc32cCorekitComputedTravelsInItsHeaderNotTheSdksDefaultCrc32() {
        try (Storage storage = storage(s3(), S3Servers.mockCredentials())) {
            byte[] content = TestContent.bytes(1, 100_000);
            storage.privateFiles().put(root + "aws.bin", content, "application/octet-stream");

            FaultyHttpProxy.Request put = requests("PUT", "aws.bin").get(0);
            assertThat(put.headers())
                    .containsEntry("x-amz-checksum-crc32c", Crc32c.of(content).toBase64());
            assertThat(put.headers()).doesNotContainKey("x-amz-checksum-crc32");
            assertThat(put.headers().getOrDefault("x-amz-trailer", "")).doesNotContain("crc32");
        }
    }

    @Test
    void theCompatibleProfileSendsAPlainBodyWithTheHeaderAndContentMd5OnBulkDeletes() {
        try (Storage storage = storage(s3().profile(S3Settings.Profile.COMPATIBLE), S3Servers.mockCredentials())) {
            byte[] content = TestContent.bytes(2, 100_000);
            storage.privateFiles().put(root + "compatible.bin", content, "application/octet-stream");
            assertThat(storage.privateFiles().readAllBytes(root + "compatible.bin"))
                    .isEqualTo(content);

            storage.privateFiles().deleteAll(List.of(root + "compatible.bin"));

            FaultyHttpProxy.Request put = requests("PUT", "compatible.bin").get(0);
            assertThat(put.headers())
                    .containsEntry("x-amz-checksum-crc32c", Crc32c.of(content).toBase64());
            assertThat(put.headers()).doesNotContainKeys("x-amz-trailer", "content-encoding");
            assertThat(put.headers()).containsEntry("content-length", "100000");
            FaultyHttpProxy.Request bulkDelete = requests("POST", "?delete").get(0);
            assertThat(bulkDelete.headers()).containsKey("content-md5");
            assertThat(storage.privateFiles().exists(root + "compatible.bin")).isFalse();
        }
    }

    @Test
    void multipartUploadsChecksumEveryPartAndTheWholeObject() {
        try (Storage storage = storage(s3(), S3Servers.mockCredentials())) {
            long size = 11L * MIB + 7;

            StoredFile stored = storage.privateFiles()
                    .put(root + "parts.bin", TestContent.stream(3, size), PutOptions.ofDefaults());

            assertThat(stored.crc32c()).isEqualTo(TestContent.crc32c(3, size));
            FaultyHttpProxy.Request create = requests("POST", "?uploads").get(0);
            assertThat(create.headers())
                    .containsEntry("x-amz-checksum-algorithm", "CRC32C")
                    .containsEntry("x-amz-checksum-type", "FULL_OBJECT");
            List<FaultyHttpProxy.Request> parts = requests("PUT", "partNumber=");
            assertThat(parts)
                    .hasSize(3)
                    .allSatisfy(part -> assertThat(part.headers()).containsKey("x-amz-checksum-crc32c"));
            FaultyHttpProxy.Request complete = requests("POST", "uploadId=").get(0);
            assertThat(complete.headers())
                    .containsEntry("x-amz-checksum-crc32c", stored.crc32c().toBase64());
            assertThat(storage.privateFiles()
                            .stat(root + "parts.bin")
                            .orElseThrow()
                            .crc32c())
                    .contains(stored.crc32c());
        }
    }

    @Test
    void compositeMultipartChecksumsAreComparedLikeWithLikeAndReadsSayTheyCannotBeVerified() throws IOException {
        try (Storage storage =
                storage(s3().multipartChecksum(S3Settings.MultipartChecksum.COMPOSITE), S3Servers.mockCredentials())) {
            long size = 6L * MIB;

            StoredFile stored = storage.privateFiles()
                    .put(root + "composite.bin", TestContent.stream(4, size), PutOptions.ofDefaults());

            assertThat(stored.crc32c()).isEqualTo(TestContent.crc32c(4, size));
            assertThat(requests("POST", "?uploads").get(0).headers()).containsEntry("x-amz-checksum-type", "COMPOSITE");
            try (Download in = storage.privateFiles().open(root + "composite.bin", Verification.VERIFY)) {
                TestContent.assertSameContent(4, size, in);
                assertThat(in.verdict().status()).isEqualTo(ReadVerdict.Status.SKIPPED);
                assertThat(in.verdict().reason()).contains("the provider stores no CRC32C for this file");
            }
        }
    }

    @Test
    void anUploadWhoseAnswerWasLostIsNotSentAgain() {
        try (Storage storage = storage(s3(), S3Servers.mockCredentials())) {
            String key = root + "answer-lost.bin";
            byte[] content = TestContent.bytes(5, 200_000);
            faulty.dropNextResponse(request ->
                    request.method().equals("PUT") && request.target().contains("answer-lost"));

            StoredFile stored = storage.privateFiles().put(key, content, "application/octet-stream");

            assertThat(faulty.faultPending()).isFalse();
            assertThat(stored.crc32c()).isEqualTo(Crc32c.of(content));
            assertThat(requests("PUT", "answer-lost"))
                    .as("the upload was sent once")
                    .hasSize(1);
            assertThat(requests("HEAD", "answer-lost"))
                    .as("S3 was asked whether it completed")
                    .isNotEmpty();
            assertThat(storage.privateFiles().readAllBytes(key)).isEqualTo(content);
        }
    }

    @Test
    void aMultipartUploadWhoseCompletionAnswerWasLostIsNotCompletedAgain() {
        try (Storage storage = storage(s3(), S3Servers.mockCredentials())) {
            String key = root + "complete-lost.bin";
            long size = 6L * MIB;
            Predicate<FaultyHttpProxy.Request> completion =
                    request -> request.method().equals("POST")
                            && request.target().contains("complete-lost")
                            && request.target().contains("uploadId=");
            faulty.dropNextResponse(completion);

            StoredFile stored = storage.privateFiles().put(key, TestContent.stream(6, size), PutOptions.ofDefaults());

            assertThat(stored.crc32c()).isEqualTo(TestContent.crc32c(6, size));
            assertThat(faulty.requests().stream().filter(completion))
                    .as("completed once")
                    .hasSize(1);
            assertThat(requests("PUT", "complete-lost"))
                    .as("each part sent once")
                    .hasSize(2);
        }
    }

    @Test
    void aReadWhoseAnswerWasLostIsRetried() {
        try (Storage storage = storage(s3(), S3Servers.mockCredentials())) {
            String key = root + "retried.txt";
            storage.privateFiles().put(key, new byte[] {1, 2, 3}, "text/plain");
            faulty.dropNextResponse(request ->
                    request.method().equals("HEAD") && request.target().contains("retried"));

            assertThat(storage.privateFiles().stat(key)).isPresent();
            assertThat(requests("HEAD", "retried")).hasSize(2);
        }
    }

    @Test
    void aMissingBucketFailsAtStartupNamingTheSetting() {
        assertThatThrownBy(() -> storage(s3().bucket("corekit-no-such-bucket"), S3Servers.mockCredentials()))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.REJECTED))
                .hasMessageContaining("the S3 bucket does not exist")
                .hasMessageContaining("corekit.storage.s3.bucket = corekit-no-such-bucket");
    }

    @Test
    void anUnsetBucketFailsAtStartupNamingTheSetting() {
        Config config = Config.of(
                Map.of(),
                Map.of("COREKIT_STORAGE_PROVIDER", "s3", "COREKIT_STORAGE_S3_ENDPOINT", "http://x:1"),
                Map.of());

        assertThatThrownBy(() -> Storage.custom()
                        .config(config)
                        .recorder(Recorder.of(new InMemorySink()))
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("corekit.storage.s3.bucket")
                .hasMessageContaining("required");
    }

    @Test
    void swappingToS3IsAConfigurationChangeOnly() {
        Config config = Config.of(
                Map.of("aws.accessKeyId", "unused-by-corekit"),
                Map.of(
                        "COREKIT_STORAGE_PROVIDER",
                        "s3",
                        "COREKIT_STORAGE_S3_BUCKET",
                        S3Servers.MOCK_BUCKET,
                        "COREKIT_STORAGE_S3_ENDPOINT",
                        faulty.uri().toString(),
                        "COREKIT_STORAGE_S3_PATH_STYLE",
                        "true"),
                Map.of());
        String previousId = System.setProperty("aws.accessKeyId", "corekit");
        String previousSecret = System.setProperty("aws.secretAccessKey", "corekit-mock-secret");
        try (Storage storage = Storage.custom()
                .config(config)
                .recorder(Recorder.of(new InMemorySink()))
                .build()) {
            storage.privateFiles().put(root + "via-service-loader.txt", new byte[] {42}, "text/plain");

            assertThat(storage.settings().provider()).isEqualTo(StorageSettings.Provider.S3);
            assertThat(storage.privateFiles().readAllBytes(root + "via-service-loader.txt"))
                    .containsExactly(42);
            assertThat(storage.unwrap(S3Client.class)).isNotNull();
        } finally {
            restore("aws.accessKeyId", previousId);
            restore("aws.secretAccessKey", previousSecret);
        }
    }

    @Test
    void aSignedUrlCannotOutliveTheTemporaryCredentialsThatSignedIt() {
        Instant expiry = Instant.now().plusSeconds(90);
        AwsSessionCredentials session = AwsSessionCredentials.builder()
                .accessKeyId("corekit")
                .secretAccessKey("corekit-mock-secret")
                .sessionToken("session-token")
                .expirationTime(expiry)
                .build();
        try (Storage storage = storage(s3(), StaticCredentialsProvider.create(session))) {
            SignedUrl url = storage.privateFiles().signGet(root + "short.txt", Duration.ofMinutes(10));

            assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.CREDENTIAL_EXPIRY);
            assertThat(url.expiresAt()).isBeforeOrEqualTo(expiry);
            int expires = Integer.parseInt(url.url().getQuery().replaceAll(".*X-Amz-Expires=(\\d+).*", "$1"));
            assertThat(expires).isBetween(85, 90);
            assertThat(url.toString()).doesNotContain("X-Amz-Signature").doesNotContain("session-token");
        }
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }

    @Test
    void publicUrlsUseTheCdnBaseNotTheBucket() {
        try (Storage storage = Storage.custom()
                .settings(StorageSettings.custom(Config.defaultsOnly())
                        .provider(StorageSettings.Provider.S3)
                        .publicBaseUrl(URI.create("https://cdn.example.com"))
                        .build())
                .provider(S3StorageProvider.custom()
                        .settings(s3().build())
                        .credentials(S3Servers.mockCredentials())
                        .build())
                .recorder(Recorder.of(new InMemorySink()))
                .build()) {
            storage.publicFiles().put(root + "logo.png", new byte[] {1}, "image/png");

            assertThat(storage.publicFiles().url(root + "logo.png"))
                    .isEqualTo(URI.create("https://cdn.example.com/" + root + "logo.png"));
            assertThat(storage.unwrap(S3Client.class)
                            .headObject(b -> b.bucket(S3Servers.MOCK_BUCKET).key("public/" + root + "logo.png"))
                            .cacheControl())
                    .isEqualTo(StorageSettings.DEFAULT_PUBLIC_CACHE_CONTROL);
        }
    }
}
