package dev.corekit.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.NoCredentials;
import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.StoredFile;
import dev.corekit.storage.contract.FaultyHttpProxy;
import dev.corekit.storage.contract.MutableClock;
import dev.corekit.storage.contract.TestContent;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only GCS has, through the real google-cloud-storage client against {@link GcsTestServer}: where the CRC32C
 * travels in a resumable upload, a lost answer that does not make the client store the object twice, startup checks.
 */
class GcsProviderTest {
    private static final int MIB = 1024 * 1024;
    private static final String BUCKET = "corekit-gcs-provider";

    private final MutableClock clock = new MutableClock();
    private final String root = "gcs-provider/" + UUID.randomUUID() + "/";
    private KeyPair key;
    private GcsTestServer server;
    private FaultyHttpProxy faulty;

    @BeforeEach
    void startServer() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        key = generator.generateKeyPair();
        server = GcsTestServer.start(clock, key.getPublic());
        server.createBucket(BUCKET);
        faulty = FaultyHttpProxy.start("127.0.0.1", server.uri().getPort());
    }

    @AfterEach
    void stopServer() throws Exception {
        faulty.close();
        server.close();
    }

    private Storage storage(GcsStorageProvider.Builder provider) {
        return Storage.custom()
                .settings(StorageSettings.custom(Config.defaultsOnly())
                        .provider(StorageSettings.Provider.GCS)
                        .partSizeMib(5)
                        .retryInitialBackoff(Duration.ofMillis(10))
                        .build())
                .provider(provider.build())
                .recorder(Recorder.of(new InMemorySink()))
                .clock(clock)
                .build();
    }

    private GcsStorageProvider.Builder gcs(String bucket) {
        return GcsStorageProvider.custom()
                .settings(GcsSettings.custom(Config.defaultsOnly())
                        .bucket(bucket)
                        .projectId("corekit-test")
                        .host(faulty.uri())
                        .build())
                .credentials(NoCredentials.getInstance());
    }

    private List<GcsTestServer.Seen> chunks() {
        return server.requests().stream()
                .filter(request -> request.method().equals("PUT")
                        && request.path().startsWith("/upload/")
                        && !request.headers().getOrDefault("content-range", "").startsWith("bytes */"))
                .toList();
    }

    @Test
    void aLongUploadGoesInChunksOfThePartSizeAndItsFinalChunkCarriesTheWholeCrc32c() {
        long size = 11L * MIB;
        try (Storage storage = storage(gcs(BUCKET))) {
            StoredFile stored = storage.privateFiles()
                    .put(root + "chunked.bin", TestContent.stream(7, size), PutOptions.ofDefaults());

            assertThat(stored.crc32c()).isEqualTo(TestContent.crc32c(7, size));
            List<GcsTestServer.Seen> chunks = chunks();
            assertThat(chunks)
                    .extracting(chunk -> chunk.headers().get("content-range"))
                    .containsExactly(
                            "bytes 0-5242879/*", "bytes 5242880-10485759/*", "bytes 10485760-11534335/11534336");
            assertThat(chunks.get(2).headers().get("x-goog-hash"))
                    .isEqualTo("crc32c=" + stored.crc32c().toBase64());
        }
    }

    @Test
    void anUploadWhoseFinalAnswerWasLostIsNotStoredTwice() {
        try (Storage storage = storage(gcs(BUCKET))) {
            String key = root + "answer-lost.bin";
            byte[] content = TestContent.bytes(5, 200_000);
            faulty.dropNextResponse(request ->
                    request.method().equals("PUT") && request.target().startsWith("/upload/") && request.hasBody());

            StoredFile stored = storage.privateFiles().put(key, content, "application/octet-stream");

            assertThat(faulty.faultPending()).isFalse();
            assertThat(stored.version())
                    .contains(Long.toString(
                            server.objects(BUCKET).get("private/" + key).generation()));
            assertThat(server.requests().stream()
                            .filter(request -> request.method().equals("POST")))
                    .as("one resumable session")
                    .hasSize(1);
            assertThat(chunks()).as("the bytes were sent once").hasSize(1);
            assertThat(storage.privateFiles().readAllBytes(key)).isEqualTo(content);
        }
    }

    @Test
    void aMissingBucketFailsAtStartupNamingTheSetting() {
        assertThatThrownBy(() -> storage(gcs("corekit-no-such-bucket")))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.REJECTED))
                .hasMessageContaining("the GCS bucket does not exist")
                .hasMessageContaining("corekit.storage.gcs.bucket = corekit-no-such-bucket");
    }

    @Test
    void anUnsetBucketFailsAtStartupNamingTheSetting() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_STORAGE_PROVIDER", "gcs"), Map.of());

        assertThatThrownBy(() -> Storage.custom()
                        .config(config)
                        .recorder(Recorder.of(new InMemorySink()))
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("corekit.storage.gcs.bucket")
                .hasMessageContaining("required");
    }

    @Test
    void signedUrlsNeedCredentialsThatCanSignAndSaySo() {
        try (Storage storage = storage(gcs(BUCKET))) {
            assertThatThrownBy(() -> storage.privateFiles().signGet(root + "a.txt", Duration.ofMinutes(5)))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.REJECTED))
                    .hasMessageContaining("GCS V4 signed URLs need credentials that can sign");
        }
    }

    @Test
    void signedUrlsAreMadeOfflineWithAServiceAccountKeyAndNameTheirExactExpiry() {
        try (Storage storage = storage(gcs(BUCKET).signer(GcsContractTest.serviceAccount(key)))) {
            var url = storage.privateFiles().signGet(root + "a.txt", Duration.ofMinutes(5));

            assertThat(url.url().getQuery()).contains("X-Goog-Algorithm=GOOG4-RSA-SHA256", "X-Goog-Expires=300");
            assertThat(url.expiresAt())
                    .isEqualTo(clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(300));
            assertThat(server.requests())
                    .as("signing is offline")
                    .allMatch(request ->
                            request.method().equals("GET") && request.path().equals("/storage/v1/b/" + BUCKET));
        }
    }
}
