package dev.corekit.storage.s3.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.storage.s3.S3Settings;
import dev.corekit.storage.s3.S3StorageProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The promises of {@link S3Settings}: every bad or missing value named at once, no secret in any message. */
class S3SettingsRedTeamTest {

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
        assertNames(invalid(S3Settings::ofDefaults), S3Settings.BUCKET.propertyName());
    }

    @Test
    void aMissingBucketIsNamedByItsPropertyName() {
        assertNames(invalid(() -> S3Settings.load(Config.defaultsOnly())), "corekit.storage.s3.bucket");
    }

    @Test
    void aNullBucketInTheBuilderFailsNamingTheSetting() {
        Throwable e = catchThrowable(
                () -> S3Settings.custom(Config.defaultsOnly()).bucket(null).build());
        assertThat(e).isInstanceOfAny(InvalidSettingException.class, NullPointerException.class);
        assertThat(e.getMessage()).contains("corekit.storage.s3.bucket");
    }

    @Test
    void aBlankBucketIsRefused() {
        assertNames(
                invalid(() ->
                        S3Settings.custom(Config.defaultsOnly()).bucket("  ").build()),
                "corekit.storage.s3.bucket");
    }

    @Test
    void aBucketWithASlashIsRefusedBeforeItCanBecomeAKeyPrefix() {
        assertNames(
                invalid(() -> S3Settings.custom(Config.defaultsOnly())
                        .bucket("files/private")
                        .build()),
                "corekit.storage.s3.bucket");
    }

    @Test
    void aBlankRegionIsRefusedSinceSigningNeedsOne() {
        assertNames(
                invalid(() -> S3Settings.custom(Config.defaultsOnly())
                        .bucket("files")
                        .region("")
                        .build()),
                "corekit.storage.s3.region");
    }

    @Test
    void everyBadEnvironmentValueIsNamedAtOnce() {
        InvalidSettingException e = invalid(() -> S3Settings.load(env(Map.of(
                "COREKIT_STORAGE_S3_ENDPOINT", "not a uri",
                "COREKIT_STORAGE_S3_PATH_STYLE", "maybe",
                "COREKIT_STORAGE_S3_PROFILE", "minio",
                "COREKIT_STORAGE_S3_MULTIPART_CHECKSUM", "md5"))));
        assertNames(
                e,
                "corekit.storage.s3.bucket",
                "corekit.storage.s3.endpoint",
                "corekit.storage.s3.path-style",
                "corekit.storage.s3.profile",
                "corekit.storage.s3.multipart-checksum");
        assertThat(e.getMessage()).contains("COREKIT_STORAGE_S3_PROFILE");
    }

    @Test
    void theDocumentedEnvironmentExampleLoads() {
        S3Settings s3 = S3Settings.load(env(Map.of(
                "COREKIT_STORAGE_S3_BUCKET", "files",
                "COREKIT_STORAGE_S3_ENDPOINT", "http://minio:9000",
                "COREKIT_STORAGE_S3_PATH_STYLE", "true",
                "COREKIT_STORAGE_S3_PROFILE", "compatible",
                "COREKIT_STORAGE_S3_MULTIPART_CHECKSUM", "full-object")));
        assertThat(s3.bucket()).isEqualTo("files");
        assertThat(s3.endpoint()).contains(URI.create("http://minio:9000"));
        assertThat(s3.pathStyle()).isTrue();
        assertThat(s3.profile()).isEqualTo(S3Settings.Profile.COMPATIBLE);
        assertThat(s3.multipartChecksum()).isEqualTo(S3Settings.MultipartChecksum.FULL_OBJECT);
        assertThat(s3.region()).isEqualTo(S3Settings.DEFAULT_REGION);
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        S3Settings s3 = S3Settings.custom(Config.defaultsOnly()).bucket("files").build();
        assertThat(s3.endpoint()).as("empty for AWS itself").isEmpty();
        assertThat(s3.profile()).isEqualTo(S3Settings.DEFAULT_PROFILE);
        assertThat(s3.multipartChecksum()).isEqualTo(S3Settings.DEFAULT_MULTIPART_CHECKSUM);
        assertThat(S3Settings.DEFAULT_REGION).isNotBlank();
    }

    @Test
    void aRelativeEndpointIsRefused() {
        assertNames(
                invalid(() -> S3Settings.custom(Config.defaultsOnly())
                        .bucket("files")
                        .endpoint(URI.create("/minio:9000"))
                        .build()),
                "corekit.storage.s3.endpoint");
    }

    @Test
    void anEndpointThatIsNotHttpIsRefused() {
        assertNames(
                invalid(() -> S3Settings.custom(Config.defaultsOnly())
                        .bucket("files")
                        .endpoint(URI.create("ftp://minio:9000"))
                        .build()),
                "corekit.storage.s3.endpoint");
    }

    @Test
    void credentialsInsideABadEndpointNeverAppearInTheError() {
        // README: "credentials in URIs ... masked in toString(), logs and errors ... even in a URI that cannot be
        // parsed"
        Throwable e = catchThrowable(() -> S3Settings.load(env(Map.of(
                "COREKIT_STORAGE_S3_BUCKET", "files",
                "COREKIT_STORAGE_S3_ENDPOINT",
                        "http://AKIAEXAMPLE:Sup3rS3cretKey@minio:port?X-Amz-Signature=abc123"))));
        assertThat(e).isInstanceOf(InvalidSettingException.class);
        assertThat(e.getMessage()).contains("corekit.storage.s3.endpoint").doesNotContain("Sup3rS3cretKey");
        assertThat(e.toString()).doesNotContain("Sup3rS3cretKey");
    }

    @Test
    void theProviderNeverShowsItsCredentials() {
        S3StorageProvider provider = S3StorageProvider.custom()
                .settings(
                        S3Settings.custom(Config.defaultsOnly()).bucket("files").build())
                .credentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")))
                .build();
        assertThat(provider.toString()).doesNotContain("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    }

    @Test
    void theBuilderValuesWinOverTheEnvironment() {
        S3Settings s3 = S3Settings.custom(
                        env(Map.of("COREKIT_STORAGE_S3_BUCKET", "from-env", "COREKIT_STORAGE_S3_PATH_STYLE", "false")))
                .bucket("from-code")
                .pathStyle(true)
                .build();
        assertThat(s3.bucket()).isEqualTo("from-code");
        assertThat(s3.pathStyle()).isTrue();
    }

    @Test
    void aNullProfileOrChecksumInTheBuilderFailsNamingTheSettingOrFallsBack() {
        Throwable e = catchThrowable(() -> S3Settings.custom(Config.defaultsOnly())
                .bucket("files")
                .profile(null)
                .build());
        if (e != null) {
            assertThat(e).isInstanceOfAny(InvalidSettingException.class, NullPointerException.class);
            assertThat(e.getMessage()).contains("corekit.storage.s3.profile");
        }
    }

    @Test
    void enumNamesAreAcceptedInAnyCase() {
        assertThatThrownBy(() -> S3Settings.load(
                        env(Map.of("COREKIT_STORAGE_S3_BUCKET", "files", "COREKIT_STORAGE_S3_PROFILE", "Full_Object"))))
                .isInstanceOf(InvalidSettingException.class);
        assertThat(S3Settings.load(env(Map.of(
                                "COREKIT_STORAGE_S3_BUCKET", "files", "COREKIT_STORAGE_S3_PROFILE", "Compatible")))
                        .profile())
                .isEqualTo(S3Settings.Profile.COMPATIBLE);
    }
}
