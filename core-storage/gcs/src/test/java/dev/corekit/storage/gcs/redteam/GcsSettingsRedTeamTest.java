package dev.corekit.storage.gcs.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.gcs.GcsSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link GcsSettings}: every bad or missing value named at once; the bucket "checked at startup". */
class GcsSettingsRedTeamTest extends AbstractGcsRedTeamTest {

    private static Config env(Map<String, String> environment) {
        return Config.of(Map.of(), environment, Map.of());
    }

    private static InvalidSettingException invalid(Runnable load) {
        Throwable thrown = catchThrowable(load::run);
        assertThat(thrown).isInstanceOf(InvalidSettingException.class);
        return (InvalidSettingException) thrown;
    }

    private static void assertNames(InvalidSettingException e, String... propertyNames) {
        assertThat(e.problems())
                .extracting(InvalidSettingException.Problem::propertyName)
                .contains(propertyNames);
        for (String name : propertyNames) {
            assertThat(e.getMessage()).contains(name);
        }
    }

    @Test
    void ofDefaultsFailsBecauseTheBucketHasNoDefault() {
        assertNames(invalid(GcsSettings::ofDefaults), "corekit.storage.gcs.bucket");
    }

    @Test
    void aBlankBucketIsRefused() {
        assertNames(
                invalid(() ->
                        GcsSettings.custom(Config.defaultsOnly()).bucket(" ").build()),
                "corekit.storage.gcs.bucket");
    }

    @Test
    void aBucketWithASlashIsRefused() {
        assertNames(
                invalid(() -> GcsSettings.custom(Config.defaultsOnly())
                        .bucket("files/private")
                        .build()),
                "corekit.storage.gcs.bucket");
    }

    @Test
    void everyBadEnvironmentValueIsNamedAtOnce() {
        InvalidSettingException e =
                invalid(() -> GcsSettings.load(env(Map.of("COREKIT_STORAGE_GCS_HOST", "not a host"))));
        assertNames(e, "corekit.storage.gcs.bucket", "corekit.storage.gcs.host");
    }

    @Test
    void aRelativeHostIsRefused() {
        assertNames(
                invalid(() -> GcsSettings.custom(Config.defaultsOnly())
                        .bucket("files")
                        .host(URI.create("/storage"))
                        .build()),
                "corekit.storage.gcs.host");
    }

    @Test
    void theDocumentedEnvironmentExampleLoadsWithEmptyDefaults() {
        GcsSettings gcs = GcsSettings.load(env(Map.of("COREKIT_STORAGE_GCS_BUCKET", "acme-files")));
        assertThat(gcs.bucket()).isEqualTo("acme-files");
        assertThat(gcs.projectId()).isEmpty();
        assertThat(gcs.host()).isEmpty();
    }

    @Test
    void aBlankProjectIdIsRefusedOrTreatedAsAbsent() {
        Throwable e = catchThrowable(() -> GcsSettings.load(
                env(Map.of("COREKIT_STORAGE_GCS_BUCKET", "files", "COREKIT_STORAGE_GCS_PROJECT_ID", " "))));
        if (e == null) {
            assertThat(GcsSettings.load(env(Map.of(
                                    "COREKIT_STORAGE_GCS_BUCKET", "files", "COREKIT_STORAGE_GCS_PROJECT_ID", " ")))
                            .projectId())
                    .isEmpty();
        } else {
            assertNames((InvalidSettingException) e, "corekit.storage.gcs.project-id");
        }
    }

    @Test
    void credentialsInsideABadHostNeverAppearInTheError() {
        Throwable e = catchThrowable(() -> GcsSettings.load(env(Map.of(
                "COREKIT_STORAGE_GCS_BUCKET", "files",
                "COREKIT_STORAGE_GCS_HOST", "https://user:Sup3rS3cretToken@gcs host/?access_token=ya29.SECRET"))));
        assertThat(e).isInstanceOf(InvalidSettingException.class);
        assertThat(e.getMessage())
                .contains("corekit.storage.gcs.host")
                .doesNotContain("Sup3rS3cretToken")
                .doesNotContain("ya29.SECRET");
    }

    @Test
    void aHostWithANonNumericPortIsRefused() {
        assertNames(
                invalid(() -> GcsSettings.load(env(
                        Map.of("COREKIT_STORAGE_GCS_BUCKET", "files", "COREKIT_STORAGE_GCS_HOST", "http://gcs:port")))),
                "corekit.storage.gcs.host");
    }

    @Test
    @Timeout(60)
    void aMissingBucketFailsAtStartupAsRejectedNamingTheBucket() throws Exception {
        Throwable e = catchThrowable(() -> build(
                GcsSettings.custom(Config.defaultsOnly())
                        .bucket("corekit-no-such-bucket")
                        .projectId("corekit-test")
                        .host(faulty.uri()),
                s -> s,
                serviceAccount()));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.REJECTED);
        assertThat(e.getMessage()).contains("corekit-no-such-bucket");
    }

    @Test
    @Timeout(90)
    void anUnreachableHostFailsAtStartupAsUnavailable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        int closedPort = port;
        Throwable e = catchThrowable(() -> build(
                GcsSettings.custom(Config.defaultsOnly())
                        .bucket(BUCKET)
                        .projectId("corekit-test")
                        .host(URI.create("http://127.0.0.1:" + closedPort)),
                s -> s,
                serviceAccount()));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.UNAVAILABLE);
    }
}
