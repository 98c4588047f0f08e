package dev.corekit.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import dev.corekit.config.Config;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.contract.FaultyHttpProxy;
import dev.corekit.storage.contract.MutableClock;
import dev.corekit.storage.contract.StorageContract;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;

/**
 * The contract through the real google-cloud-storage client against {@link GcsTestServer} (our JSON-API test server:
 * no GCS emulator runs here), behind a {@link FaultyHttpProxy} that flips bytes in transit. V4 signed URLs are made
 * offline with a locally generated RSA service-account key, and the test server verifies their signature with its
 * public key and their expiry by the same clock the storage signs with.
 */
class GcsContractTest extends StorageContract {
    static final String BUCKET = "corekit-gcs";

    private final MutableClock clock = new MutableClock();
    private GcsTestServer server;
    private FaultyHttpProxy faulty;

    @Override
    protected Storage openStorage(Recorder recorder) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair key = generator.generateKeyPair();
        server = GcsTestServer.start(clock, key.getPublic());
        server.createBucket(BUCKET);
        faulty = FaultyHttpProxy.start("127.0.0.1", server.uri().getPort());
        return Storage.custom()
                .settings(StorageSettings.custom(Config.defaultsOnly())
                        .provider(StorageSettings.Provider.GCS)
                        .publicBaseUrl(URI.create("https://cdn.example.com/files"))
                        .partSizeMib(5)
                        .retryInitialBackoff(Duration.ofMillis(10))
                        .build())
                .provider(GcsStorageProvider.custom()
                        .settings(GcsSettings.custom(Config.defaultsOnly())
                                .bucket(BUCKET)
                                .projectId("corekit-test")
                                .host(faulty.uri())
                                .build())
                        .credentials(NoCredentials.getInstance())
                        .signer(serviceAccount(key))
                        .build())
                .recorder(recorder)
                .clock(clock)
                .build();
    }

    static ServiceAccountCredentials serviceAccount(KeyPair key) {
        return ServiceAccountCredentials.newBuilder()
                .setClientEmail("corekit-test@corekit-test.iam.gserviceaccount.com")
                .setClientId("1234567890")
                .setPrivateKey(key.getPrivate())
                .setPrivateKeyId("corekit-test-key")
                .setProjectId("corekit-test")
                .build();
    }

    @Override
    protected void corruptNextUpload() {
        faulty.flipNextRequestBody(FaultyHttpProxy.PUTS);
    }

    @Override
    protected void corruptNextDownload(String key) {
        faulty.flipNextResponseBody(
                request -> request.method().equals("GET") && request.target().startsWith("/download/"));
    }

    @Override
    protected void letExpire(SignedUrl url) {
        clock.advanceTo(url.expiresAt().plusSeconds(1));
    }

    @Override
    protected Instant clockNow() {
        return clock.instant();
    }

    @Override
    protected void assertNoPartialUploadRemains() {
        assertThat(faulty.faultPending()).as("the armed fault hit a request").isFalse();
    }

    @Override
    protected void closeServers() throws Exception {
        faulty.close();
        server.close();
    }
}
