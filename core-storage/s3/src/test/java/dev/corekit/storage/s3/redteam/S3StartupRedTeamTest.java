package dev.corekit.storage.s3.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.config.Config;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.s3.S3Settings;
import dev.corekit.storage.s3.S3StorageProvider;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** "A missing bucket fails here, at startup, not at the first upload"; close() then use. */
class S3StartupRedTeamTest extends AbstractS3RedTeamTest {

    @Test
    @Timeout(60)
    void aMissingBucketFailsAtStartupAsRejectedNamingTheBucket() {
        Throwable e = catchThrowable(() -> open(
                URI.create("http://127.0.0.1:" + s3MockPort()),
                "corekit-redteam-no-such-bucket",
                s3 -> s3,
                s -> s,
                mockCredentials()));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.REJECTED);
        assertThat(e.getMessage()).contains("corekit-redteam-no-such-bucket");
    }

    @Test
    @Timeout(60)
    void aMissingBucketOnAStoreThatChecksSignaturesAlsoFailsAtStartup() {
        Throwable e = catchThrowable(() -> open(
                URI.create("http://127.0.0.1:" + s3ProxyPort()),
                "corekit-redteam-no-such-bucket",
                s3 -> s3,
                s -> s,
                proxyCredentials()));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.REJECTED);
        assertThat(e.getMessage()).contains("corekit-redteam-no-such-bucket").doesNotContain(PROXY_SECRET_KEY);
    }

    @Test
    @Timeout(60)
    void wrongCredentialsFailAtStartupWithoutShowingTheSecret() {
        createProxyBucket("rt-badcreds");
        Throwable e = catchThrowable(() -> open(
                URI.create("http://127.0.0.1:" + s3ProxyPort()),
                "rt-badcreds",
                s3 -> s3,
                s -> s,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("corekit-access", "WrongSecretXYZ123"))));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.REJECTED);
        assertThat(e.getMessage()).doesNotContain("WrongSecretXYZ123");
        Throwable cause = e;
        while (cause != null) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain("WrongSecretXYZ123");
            cause = cause.getCause();
        }
    }

    @Test
    @Timeout(60)
    void anUnreachableEndpointFailsAtStartupAsUnavailable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        int closedPort = port;
        Throwable e = catchThrowable(() ->
                open(URI.create("http://127.0.0.1:" + closedPort), MOCK_BUCKET, s3 -> s3, s -> s, mockCredentials()));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.UNAVAILABLE);
        assertThat(((StorageException) e).retryable()).isTrue();
    }

    @Test
    void aProviderThatDiffersFromTheSettingIsRefused() {
        assertThatThrownBy(() -> Storage.custom()
                        .settings(StorageSettings.custom(Config.defaultsOnly())
                                .provider(StorageSettings.Provider.GCS)
                                .build())
                        .provider(S3StorageProvider.custom()
                                .settings(S3Settings.custom(Config.defaultsOnly())
                                        .bucket(MOCK_BUCKET)
                                        .endpoint(URI.create("http://127.0.0.1:" + s3MockPort()))
                                        .pathStyle(true)
                                        .build())
                                .credentials(mockCredentials())
                                .build())
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @Timeout(60)
    void usingAClosedStorageFailsPromptlyAndStoresNothing() throws Exception {
        openMock();
        String key = dir + "after-close.bin";
        Storage closed = storage;
        closed.close();
        Throwable e = catchThrowable(() -> closed.privateFiles()
                .put(key, new ByteArrayInputStream(new byte[] {1, 2, 3}), PutOptions.ofDefaults()));
        assertThat(e).isInstanceOfAny(IllegalStateException.class, StorageException.class);
        storage = null;
        try (Storage again = open(faulty.uri(), MOCK_BUCKET, s3 -> s3, s -> s, mockCredentials())) {
            assertThat(again.privateFiles().exists(key)).isFalse();
        }
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        openMock();
        storage.close();
        storage.close();
        storage = null;
    }

    @Test
    @Timeout(60)
    void anUnreachableStoreFailsAnUploadAsUnavailableAfterRetries() throws Exception {
        openMock(s3 -> s3, s -> s.retryMaxAttempts(2).retryInitialBackoff(Duration.ofMillis(5)), mockCredentials());
        faulty.close();
        Throwable e = catchThrowable(() -> storage.privateFiles().put(dir + "x.bin", new byte[10], "text/plain"));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.UNAVAILABLE);
        assertThat(((StorageException) e).key()).contains(dir + "x.bin");
        faulty = null;
    }
}
