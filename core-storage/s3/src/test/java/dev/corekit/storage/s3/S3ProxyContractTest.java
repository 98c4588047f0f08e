package dev.corekit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.config.Config;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.contract.FaultyHttpProxy;
import dev.corekit.storage.contract.StorageContract;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole contract against S3Proxy (in-memory store, SigV4 authentication on), through a {@link FaultyHttpProxy}:
 * the server that checks presigned signatures and their expiry, and explicit CRC32C. Expiry is real: the URLs of the
 * expiry tests live a few seconds and the test waits for the clock to pass them.
 */
class S3ProxyContractTest extends StorageContract {
    private static final String BUCKET = "corekit-proxy";

    private FaultyHttpProxy faulty;

    @Override
    protected Storage openStorage(Recorder recorder) throws Exception {
        S3Servers.createProxyBucket(BUCKET);
        faulty = FaultyHttpProxy.start("127.0.0.1", S3Servers.s3Proxy());
        S3Settings s3 = S3Settings.custom(Config.defaultsOnly())
                .bucket(BUCKET)
                .endpoint(faulty.uri())
                .pathStyle(true)
                // S3Proxy 4.1 checks and keeps a CRC32C sent in the header, but neither checks nor keeps one sent as
                // an aws-chunked trailer: in corekit's terms it is an S3-compatible store
                .profile(S3Settings.Profile.COMPATIBLE)
                .build();
        return Storage.custom()
                .settings(StorageSettings.custom(Config.defaultsOnly())
                        .provider(StorageSettings.Provider.S3)
                        .publicBaseUrl(URI.create("https://cdn.example.com/files"))
                        .partSizeMib(5)
                        .retryInitialBackoff(Duration.ofMillis(10))
                        .build())
                .provider(S3StorageProvider.custom()
                        .settings(s3)
                        .credentials(S3Servers.proxyCredentials())
                        .build())
                .recorder(recorder)
                .build();
    }

    @Override
    protected Duration expiringTtl() {
        return Duration.ofSeconds(4);
    }

    @Override
    protected void corruptNextUpload() {
        faulty.flipNextRequestBody(FaultyHttpProxy.PUTS);
    }

    @Override
    protected void corruptNextDownload(String key) {
        faulty.flipNextResponseBody(FaultyHttpProxy.GETS);
    }

    @Override
    protected void letExpire(SignedUrl url) throws InterruptedException {
        // S3Proxy judges expiry by its own clock, the system's: wait until it has passed (SigV4 counts whole seconds)
        Instant after = url.expiresAt().plusSeconds(1);
        while (Instant.now().isBefore(after)) {
            Thread.sleep(Math.max(1, Duration.between(Instant.now(), after).toMillis()));
        }
    }

    @Override
    protected void assertNoPartialUploadRemains() {
        assertThat(faulty.faultPending()).as("the armed fault hit a request").isFalse();
        S3Client client = storage().unwrap(S3Client.class);
        assertThat(client.listMultipartUploads(b -> b.bucket(BUCKET)).uploads())
                .as("multipart uploads left open")
                .isEmpty();
    }

    @Override
    protected void closeServers() throws Exception {
        faulty.close();
    }
}
