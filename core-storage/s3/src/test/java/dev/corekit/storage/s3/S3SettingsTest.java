package dev.corekit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
    @Test
    void defaultsTargetAwsWithStreamingChecksums() {
        S3Settings settings = S3Settings.load(Config.defaultsOnly());

        assertThat(settings.region()).isEqualTo("us-east-1");
        assertThat(settings.endpoint()).isEmpty();
        assertThat(settings.pathStyle()).isFalse();
        assertThat(settings.checksumProfile()).isEqualTo(S3Settings.ChecksumProfile.TRAILER);
    }

    @Test
    void s3CompatibleStoreIsConfiguredByEnvironment() {
        Config config = Config.of(
                Map.of(),
                Map.of(
                        "COREKIT_STORAGE_S3_ENDPOINT", "http://127.0.0.1:9000",
                        "COREKIT_STORAGE_S3_PATH_STYLE", "true",
                        "COREKIT_STORAGE_S3_CHECKSUM_PROFILE", "header"),
                Map.of());

        S3Settings settings = S3Settings.load(config);

        assertThat(settings.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(settings.pathStyle()).isTrue();
        assertThat(settings.checksumProfile()).isEqualTo(S3Settings.ChecksumProfile.HEADER);
    }

    @Test
    void malformedRegionAndNonHttpEndpointAreRejected() {
        Config config = Config.of(
                Map.of(),
                Map.of("COREKIT_STORAGE_S3_REGION", "Frankfurt", "COREKIT_STORAGE_S3_ENDPOINT", "s3://bucket"),
                Map.of());

        assertThatThrownBy(() -> S3Settings.load(config))
                .hasMessageContaining("corekit.storage.s3.region = \"Frankfurt\"")
                .hasMessageContaining("an AWS region name like eu-west-1")
                .hasMessageContaining("corekit.storage.s3.endpoint = \"s3://bucket\"");
    }
}
