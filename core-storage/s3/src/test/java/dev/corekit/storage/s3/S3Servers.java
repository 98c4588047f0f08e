package dev.corekit.storage.s3;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 servers the tests run against, started once per test JVM: Adobe S3Mock in-process (it checks CRC32C
 * checksums, not signatures) and S3Proxy on an in-memory store with authentication on (it checks SigV4 signatures,
 * expiry and explicit CRC32C).
 */
final class S3Servers {
    static final String MOCK_BUCKET = "corekit-mock";
    static final String PROXY_ACCESS_KEY = "corekit-access";
    static final String PROXY_SECRET_KEY = "corekit-secret-key-for-tests";

    private static S3MockExtension mock;
    private static S3Proxy proxy;

    private S3Servers() {}

    /** S3Mock's HTTP port; the bucket {@link #MOCK_BUCKET} exists. */
    static synchronized int s3Mock() {
        if (mock == null) {
            mock = S3MockExtension.builder()
                    .withInitialBuckets(MOCK_BUCKET)
                    .silent()
                    .build();
            mock.start();
        }
        return mock.getHttpPort();
    }

    /** S3Proxy's HTTP port; buckets are created by the tests ({@link #createProxyBucket}). */
    static synchronized int s3Proxy() throws Exception {
        if (proxy == null) {
            proxy = S3Proxy.builder()
                    .blobStore(BlobStores.create("transient", new Properties()))
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V4, PROXY_ACCESS_KEY, PROXY_SECRET_KEY)
                    .build();
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.onSpinWait();
            }
        }
        return proxy.getPort();
    }

    /** Creates a bucket in S3Proxy. */
    static void createProxyBucket(String bucket) throws Exception {
        try (S3Client client = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(PROXY_ACCESS_KEY, PROXY_SECRET_KEY)))
                .endpointOverride(URI.create("http://127.0.0.1:" + s3Proxy()))
                .forcePathStyle(true)
                .build()) {
            client.createBucket(b -> b.bucket(bucket));
        }
    }

    /** Credentials S3Mock accepts (it checks none). */
    static StaticCredentialsProvider mockCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("corekit", "corekit-mock-secret"));
    }

    /** The credentials S3Proxy checks. */
    static StaticCredentialsProvider proxyCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(PROXY_ACCESS_KEY, PROXY_SECRET_KEY));
    }
}
