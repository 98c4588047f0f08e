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
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The contract against Adobe S3Mock in-process, through a {@link FaultyHttpProxy} that flips bytes in transit. S3Mock
 * checks CRC32C (single, per part, full-object multipart) but no signatures: the signature and expiry tests are skipped
 * here and run against S3Proxy ({@link S3ProxyContractTest}).
 */
class S3MockContractTest extends StorageContract {
    private FaultyHttpProxy faulty;

    @Override
    protected Storage openStorage(Recorder recorder) throws Exception {
        faulty = FaultyHttpProxy.start("127.0.0.1", S3Servers.s3Mock());
        S3Settings s3 = S3Settings.custom(Config.defaultsOnly())
                .bucket(S3Servers.MOCK_BUCKET)
                .endpoint(faulty.uri())
                .pathStyle(true)
                .build();
        return Storage.custom()
                .settings(StorageSettings.custom(Config.defaultsOnly())
                        .provider(StorageSettings.Provider.S3)
                        .publicBaseUrl(URI.create("https://cdn.example.com/files/"))
                        .partSizeMib(5)
                        .retryInitialBackoff(java.time.Duration.ofMillis(10))
                        .build())
                .provider(S3StorageProvider.custom()
                        .settings(s3)
                        .credentials(S3Servers.mockCredentials())
                        .build())
                .recorder(recorder)
                .build();
    }

    @Override
    protected boolean serverChecksSignatures() {
        return false;
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
    protected void letExpire(SignedUrl url) {
        throw new UnsupportedOperationException("S3Mock checks no expiry");
    }

    @Override
    protected void assertNoPartialUploadRemains() {
        assertThat(faulty.faultPending()).as("the armed fault hit a request").isFalse();
        S3Client client = storage().unwrap(S3Client.class);
        assertThat(client.listMultipartUploads(b -> b.bucket(S3Servers.MOCK_BUCKET))
                        .uploads())
                .as("multipart uploads left open")
                .isEmpty();
    }

    @Override
    protected void closeServers() throws Exception {
        faulty.close();
    }
}
