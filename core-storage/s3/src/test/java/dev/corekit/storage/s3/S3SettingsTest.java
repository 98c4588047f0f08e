package dev.corekit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
    @Test
    void defaultsTargetAwsWithFullObjectChecksums() {
        S3Settings settings =
                S3Settings.load(Config.of(Map.of(), Map.of("COREKIT_STORAGE_S3_BUCKET", "files"), Map.of()));

        assertThat(settings.bucket()).isEqualTo("files");
        assertThat(settings.region()).isEqualTo("us-east-1");
        assertThat(settings.endpoint()).isEmpty();
        assertThat(settings.pathStyle()).isFalse();
        assertThat(settings.profile()).isEqualTo(S3Settings.Profile.AWS);
        assertThat(settings.multipartChecksum()).isEqualTo(S3Settings.MultipartChecksum.FULL_OBJECT);
    }

    @Test
    void theBucketIsRequired() {
        assertThatThrownBy(S3Settings::ofDefaults)
                .hasMessageContaining("corekit.storage.s3.bucket")
                .hasMessageContaining("required");
    }

    @Test
    void s3CompatibleStoreIsConfiguredByEnvironment() {
        Config config = Config.of(
                Map.of(),
                Map.of(
                        "COREKIT_STORAGE_S3_BUCKET", "files",
                        "COREKIT_STORAGE_S3_ENDPOINT", "http://127.0.0.1:9000",
                        "COREKIT_STORAGE_S3_PATH_STYLE", "true",
                        "COREKIT_STORAGE_S3_PROFILE", "compatible",
                        "COREKIT_STORAGE_S3_MULTIPART_CHECKSUM", "composite"),
                Map.of());

        S3Settings settings = S3Settings.load(config);

        assertThat(settings.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(settings.pathStyle()).isTrue();
        assertThat(settings.profile()).isEqualTo(S3Settings.Profile.COMPATIBLE);
        assertThat(settings.multipartChecksum()).isEqualTo(S3Settings.MultipartChecksum.COMPOSITE);
    }

    @Test
    void malformedBucketRegionAndNonHttpEndpointAreAllReported() {
        Config config = Config.of(
                Map.of(),
                Map.of(
                        "COREKIT_STORAGE_S3_BUCKET", "My_Bucket",
                        "COREKIT_STORAGE_S3_REGION", "Frankfurt",
                        "COREKIT_STORAGE_S3_ENDPOINT", "s3://bucket"),
                Map.of());

        assertThatThrownBy(() -> S3Settings.load(config))
                .hasMessageContaining("corekit.storage.s3.bucket = \"My_Bucket\"")
                .hasMessageContaining("3-63 lower-case letters")
                .hasMessageContaining("corekit.storage.s3.region = \"Frankfurt\"")
                .hasMessageContaining("an AWS region name like eu-west-1")
                .hasMessageContaining("corekit.storage.s3.endpoint = \"s3://bucket\"");
    }

    @Test
    void theBuilderSetsValuesInCode() {
        S3Settings settings = S3Settings.custom(Config.defaultsOnly())
                .bucket("files")
                .region("eu-west-1")
                .pathStyle(true)
                .build();

        assertThat(settings.region()).isEqualTo("eu-west-1");
        assertThat(settings.pathStyle()).isTrue();
    }
}
