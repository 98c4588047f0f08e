package dev.corekit.storage.s3.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.contract.FaultyHttpProxy;
import dev.corekit.storage.contract.TestContent;
import dev.corekit.storage.s3.S3Settings;
import dev.corekit.storage.s3.S3StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Shared scaffolding of the S3 red-team checks: the in-process servers of {@code S3Servers} (package-private in the
 * provider's test package, reached by reflection so that the servers stay one per JVM), a {@link FaultyHttpProxy} in
 * front, and a fresh key prefix per test. Abstract: surefire runs the subclasses only.
 */
abstract class AbstractS3RedTeamTest {
    static final int MIB = TestContent.MIB;
    static final int PART = 5 * MIB;
    static final String MOCK_BUCKET = "corekit-mock";

    protected final List<LogRecord> records = new CopyOnWriteArrayList<>();
    protected final String dir = "rt-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    protected FaultyHttpProxy faulty;
    protected Storage storage;
    protected String bucket;

    @AfterEach
    void closeStorageAndProxy() throws Exception {
        if (storage != null) {
            storage.close();
        }
        if (faulty != null) {
            faulty.close();
        }
    }

    // --- the servers of S3Servers, by reflection --------------------------------------------------------------

    static Object servers(String method, Class<?>[] types, Object... args) {
        try {
            Class<?> servers = Class.forName("dev.corekit.storage.s3.S3Servers");
            Method m = servers.getDeclaredMethod(method, types);
            m.setAccessible(true);
            return m.invoke(null, args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static int s3MockPort() {
        return (int) servers("s3Mock", new Class<?>[0]);
    }

    static int s3ProxyPort() {
        return (int) servers("s3Proxy", new Class<?>[0]);
    }

    static void createProxyBucket(String name) {
        servers("createProxyBucket", new Class<?>[] {String.class}, name);
    }

    static AwsCredentialsProvider mockCredentials() {
        return (AwsCredentialsProvider) servers("mockCredentials", new Class<?>[0]);
    }

    static AwsCredentialsProvider proxyCredentials() {
        return (AwsCredentialsProvider) servers("proxyCredentials", new Class<?>[0]);
    }

    static final String PROXY_SECRET_KEY = "corekit-secret-key-for-tests";

    // --- storages ---------------------------------------------------------------------------------------------

    /** A storage on S3Mock behind the faulty proxy, part size 5 MiB. */
    Storage openMock() throws IOException {
        return openMock(s3 -> s3, settings -> settings, mockCredentials());
    }

    Storage openMock(
            UnaryOperator<S3Settings.Builder> s3,
            UnaryOperator<StorageSettings.Builder> settings,
            AwsCredentialsProvider credentials)
            throws IOException {
        faulty = FaultyHttpProxy.start("127.0.0.1", s3MockPort());
        bucket = MOCK_BUCKET;
        storage = open(faulty.uri(), MOCK_BUCKET, s3, settings, credentials);
        return storage;
    }

    /** A storage on S3Proxy (signatures and expiry checked), directly, on a fresh bucket. */
    Storage openProxy(UnaryOperator<S3Settings.Builder> s3, UnaryOperator<StorageSettings.Builder> settings) {
        bucket = "rt-" + UUID.randomUUID().toString().substring(0, 8);
        createProxyBucket(bucket);
        storage = open(URI.create("http://127.0.0.1:" + s3ProxyPort()), bucket, s3, settings, proxyCredentials());
        return storage;
    }

    Storage open(
            URI endpoint,
            String bucketName,
            UnaryOperator<S3Settings.Builder> s3,
            UnaryOperator<StorageSettings.Builder> settings,
            AwsCredentialsProvider credentials) {
        S3Settings s3Settings = s3.apply(S3Settings.custom(Config.defaultsOnly())
                        .bucket(bucketName)
                        .endpoint(endpoint)
                        .pathStyle(true))
                .build();
        return Storage.custom()
                .settings(settings.apply(StorageSettings.custom(Config.defaultsOnly())
                                .provider(StorageSettings.Provider.S3)
                                .publicBaseUrl(URI.create("https://cdn.example.com/files"))
                                .partSizeMib(5)
                                .retryInitialBackoff(Duration.ofMillis(10)))
                        .build())
                .provider(S3StorageProvider.custom()
                        .settings(s3Settings)
                        .credentials(credentials)
                        .build())
                .recorder(Recorder.of(records::add))
                .build();
    }

    S3Client client() {
        return storage.unwrap(S3Client.class);
    }

    String objectKey(String key) {
        return storage.settings().privatePrefix() + key;
    }

    /** Nothing under the key remains: not as a file, not in a listing, not as an open multipart upload. */
    void assertNothingRemains(String key) {
        assertThat(storage.privateFiles().exists(key)).as("file %s exists", key).isFalse();
        try (Stream<FileInfo> listed = storage.privateFiles().list(key)) {
            assertThat(listed.map(FileInfo::key)).as("listed under %s", key).doesNotContain(key);
        }
        assertThat(client().listMultipartUploads(b -> b.bucket(bucket).prefix(objectKey(key)))
                        .uploads())
                .as("multipart uploads left open under %s", key)
                .isEmpty();
    }

    /** {@code good} bytes of {@link TestContent} from {@code seed}, then an IOException instead of the end. */
    static InputStream failingAfter(long seed, long good) {
        InputStream content = TestContent.stream(seed, good);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = content.read(buffer, offset, length);
                if (n < 0) {
                    throw new IOException("the caller's source broke after " + good + " bytes");
                }
                return n;
            }
        };
    }
}
