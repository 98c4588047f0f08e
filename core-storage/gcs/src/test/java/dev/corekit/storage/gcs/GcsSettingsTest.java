package dev.corekit.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GcsSettingsTest {
    @Test
    void defaultsDeferToApplicationDefaultCredentials() {
        GcsSettings settings =
                GcsSettings.load(Config.of(Map.of(), Map.of("COREKIT_STORAGE_GCS_BUCKET", "acme-files"), Map.of()));

        assertThat(settings.bucket()).isEqualTo("acme-files");
        assertThat(settings.projectId()).isEmpty();
        assertThat(settings.host()).isEmpty();
    }

    @Test
    void theBucketIsRequired() {
        assertThatThrownBy(GcsSettings::ofDefaults)
                .hasMessageContaining("corekit.storage.gcs.bucket")
                .hasMessageContaining("required");
    }

    @Test
    void hostOverridePointsTheClientAtATestServer() {
        Config config = Config.of(
                Map.of("corekit.storage.gcs.host", "http://127.0.0.1:4443"),
                Map.of("COREKIT_STORAGE_GCS_PROJECT_ID", "corekit-test", "COREKIT_STORAGE_GCS_BUCKET", "files"),
                Map.of());

        GcsSettings settings = GcsSettings.load(config);

        assertThat(settings.host()).contains(URI.create("http://127.0.0.1:4443"));
        assertThat(settings.projectId()).contains("corekit-test");
    }

    @Test
    void badValuesAreNamedWithWhatIsAllowed() {
        Config config = Config.of(
                Map.of(),
                Map.of(
                        "COREKIT_STORAGE_GCS_BUCKET", "My_Bucket",
                        "COREKIT_STORAGE_GCS_HOST", "http://127.0.0.1:4443/storage/v1"),
                Map.of());

        assertThatThrownBy(() -> GcsSettings.load(config))
                .hasMessageContaining("corekit.storage.gcs.bucket = \"My_Bucket\"")
                .hasMessageContaining("a GCS bucket name")
                .hasMessageContaining("corekit.storage.gcs.host = \"http://127.0.0.1:4443/storage/v1\"")
                .hasMessageContaining("an http(s) origin with no path");
    }

    @Test
    void theBuilderSetsValuesInCode() {
        GcsSettings settings = GcsSettings.custom(Config.defaultsOnly())
                .bucket("files")
                .projectId("corekit-test")
                .build();

        assertThat(settings.bucket()).isEqualTo("files");
        assertThat(settings.projectId()).contains("corekit-test");
    }
}
