package dev.corekit.benchmarks.storage;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Adobe S3Mock in the benchmark's JVM, as the storage tests run it: it checks CRC32C, not signatures. S3Mock runs on
 * Spring Boot, whose dependencies do not converge with the rest of this module's, so it is on the classpath only with
 * the {@code storage-bench} profile (run with {@code -Denforcer.skip}, as {@code perftest}) and started by name.
 */
final class S3Mock implements AutoCloseable {
    static final String BUCKET = "corekit-bench";
    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("corekit", "corekit-mock-secret"));
    private static final String EXTENSION = "com.adobe.testing.s3mock.junit5.S3MockExtension";

    private final Object mock;
    private final int port;

    private S3Mock(Object mock, int port) {
        this.mock = mock;
        this.port = port;
    }

    static S3Mock start() {
        try {
            Object builder = Class.forName(EXTENSION).getMethod("builder").invoke(null);
            builder = builder.getClass()
                    .getMethod("withInitialBuckets", String[].class)
                    .invoke(builder, (Object) new String[] {BUCKET});
            builder = builder.getClass().getMethod("silent").invoke(builder);
            Object mock = builder.getClass().getMethod("build").invoke(builder);
            mock.getClass().getMethod("start").invoke(mock);
            int port = (Integer) mock.getClass().getMethod("getHttpPort").invoke(mock);
            return new S3Mock(mock, port);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("S3Mock is not on the classpath: run with -Pbench,storage-bench", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("S3Mock did not start", e);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        try {
            mock.getClass().getMethod("stop").invoke(mock);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("S3Mock did not stop", e);
        }
    }
}
