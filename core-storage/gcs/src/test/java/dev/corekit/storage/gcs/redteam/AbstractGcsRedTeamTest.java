package dev.corekit.storage.gcs.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.contract.FaultyHttpProxy;
import dev.corekit.storage.contract.MutableClock;
import dev.corekit.storage.contract.TestContent;
import dev.corekit.storage.gcs.GcsSettings;
import dev.corekit.storage.gcs.GcsStorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared scaffolding of the GCS red-team checks: {@code GcsTestServer} (package-private in the provider's test
 * package, reached by reflection), a {@link FaultyHttpProxy} in front, an offline V4 signer, a mutable clock, and a
 * fresh key prefix per test. Abstract: surefire runs the subclasses only.
 */
abstract class AbstractGcsRedTeamTest {
    static final int MIB = TestContent.MIB;
    static final int PART = 5 * MIB;
    static final String BUCKET = "corekit-gcs-redteam";

    protected final List<LogRecord> records = new CopyOnWriteArrayList<>();
    protected final String dir = "rt-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    protected final MutableClock clock = new MutableClock();
    protected Object server;
    protected FaultyHttpProxy faulty;
    protected Storage storage;
    protected KeyPair key;

    @AfterEach
    void closeAll() throws Exception {
        if (storage != null) {
            storage.close();
        }
        if (faulty != null) {
            faulty.close();
        }
        if (server != null) {
            call(server, "close");
        }
    }

    static Object call(Object target, String method, Object... args) {
        try {
            Class<?> type = Class.forName("dev.corekit.storage.gcs.GcsTestServer");
            for (Method m : type.getDeclaredMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    m.setAccessible(true);
                    return m.invoke(target, args);
                }
            }
            throw new NoSuchMethodException(method);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the test server with the bucket, and the faulty proxy in front of it. */
    @BeforeEach
    void startServer() throws Exception {
        if (server != null) {
            return;
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        key = generator.generateKeyPair();
        server = call(null, "start", (Clock) clock, key.getPublic());
        call(server, "createBucket", BUCKET);
        faulty = FaultyHttpProxy.start("127.0.0.1", ((URI) call(server, "uri")).getPort());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> serverObjects() {
        return (Map<String, Object>) call(server, "objects", BUCKET);
    }

    long openSessions() {
        return (long) call(server, "openSessions");
    }

    ServiceAccountCredentials serviceAccount() {
        return ServiceAccountCredentials.newBuilder()
                .setClientEmail("corekit-test@corekit-test.iam.gserviceaccount.com")
                .setClientId("1234567890")
                .setPrivateKey(key.getPrivate())
                .setPrivateKeyId("corekit-test-key")
                .setProjectId("corekit-test")
                .build();
    }

    Storage openGcs() throws Exception {
        return openGcs(g -> g, s -> s, serviceAccount());
    }

    Storage openGcs(
            UnaryOperator<GcsSettings.Builder> gcs,
            UnaryOperator<StorageSettings.Builder> settings,
            ServiceAccountSigner signer)
            throws Exception {
        storage = build(
                gcs.apply(GcsSettings.custom(Config.defaultsOnly())
                        .bucket(BUCKET)
                        .projectId("corekit-test")
                        .host(faulty.uri())),
                settings,
                signer);
        return storage;
    }

    Storage build(
            GcsSettings.Builder gcs, UnaryOperator<StorageSettings.Builder> settings, ServiceAccountSigner signer) {
        GcsStorageProvider.Builder provider =
                GcsStorageProvider.custom().settings(gcs.build()).credentials(NoCredentials.getInstance());
        if (signer != null) {
            provider.signer(signer);
        }
        return Storage.custom()
                .settings(settings.apply(StorageSettings.custom(Config.defaultsOnly())
                                .provider(StorageSettings.Provider.GCS)
                                .publicBaseUrl(URI.create("https://cdn.example.com/files"))
                                .partSizeMib(5)
                                .retryInitialBackoff(Duration.ofMillis(10)))
                        .build())
                .provider(provider.build())
                .recorder(Recorder.of(records::add))
                .clock(clock)
                .build();
    }

    String objectKey(String fileKey) {
        return storage.settings().privatePrefix() + fileKey;
    }

    /** Nothing under the key remains: not as a file, not in a listing, not in the server's store. */
    void assertNothingRemains(String fileKey) {
        assertThat(storage.privateFiles().exists(fileKey))
                .as("file %s exists", fileKey)
                .isFalse();
        try (Stream<FileInfo> listed = storage.privateFiles().list(fileKey)) {
            assertThat(listed.map(FileInfo::key)).doesNotContain(fileKey);
        }
        assertThat(serverObjects()).doesNotContainKey(objectKey(fileKey));
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
