package dev.corekit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageSettingsTest {
    @Test
    void embeddedDefaultIsTheLocalFileSystem() {
        StorageSettings settings = StorageSettings.load(Config.defaultsOnly());

        assertThat(settings.provider()).isEqualTo(StorageSettings.Provider.LOCAL);
        assertThat(settings.publicBaseUrl()).isEmpty();
        assertThat(settings.signedUrlMaxTtl()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void swappingProviderIsOneEnvironmentVariable() {
        Config config = Config.of(
                Map.of(),
                Map.of(
                        "COREKIT_STORAGE_PROVIDER",
                        "s3",
                        "COREKIT_STORAGE_PUBLIC_BASE_URL",
                        "https://cdn.example.com/f"),
                Map.of());

        StorageSettings settings = StorageSettings.load(config);

        assertThat(settings.provider()).isEqualTo(StorageSettings.Provider.S3);
        assertThat(settings.publicBaseUrl()).contains(URI.create("https://cdn.example.com/f"));
    }

    @Test
    void signedUrlsCannotBeAllowedToOutliveSevenDays() {
        Config config = Config.of(Map.of("corekit.storage.signed-url-max-ttl", "8d"), Map.of(), Map.of());

        assertThatThrownBy(() -> StorageSettings.load(config))
                .hasMessageContaining("corekit.storage.signed-url-max-ttl = \"8d\" (from system property")
                .hasMessageContaining("from 1s to 7d");
    }

    @Test
    void unknownProviderAndNonHttpBaseUrlAreBothReported() {
        Config config = Config.of(
                Map.of(),
                Map.of("COREKIT_STORAGE_PROVIDER", "azure", "COREKIT_STORAGE_PUBLIC_BASE_URL", "ftp://cdn/x"),
                Map.of());

        assertThatThrownBy(() -> StorageSettings.load(config))
                .hasMessageStartingWith("2 invalid corekit settings:")
                .hasMessageContaining("one of local | s3 | gcs")
                .hasMessageContaining("an http(s) URL with no query");
    }

    @Test
    void publicAndPrivatePrefixesMustBeDisjointSoTheCdnNeverServesPrivateFiles() {
        Config config = Config.of(
                Map.of("corekit.storage.public-prefix", "files/", "corekit.storage.private-prefix", "files/private/"),
                Map.of(),
                Map.of());

        assertThatThrownBy(() -> StorageSettings.load(config))
                .hasMessageContaining("corekit.storage.private-prefix = \"files/private/\"")
                .hasMessageContaining("disjoint from corekit.storage.public-prefix");
    }

    @Test
    void prefixesArePlainFolderNames() {
        Config config = Config.of(Map.of("corekit.storage.public-prefix", "../up/"), Map.of(), Map.of());

        assertThatThrownBy(() -> StorageSettings.load(config))
                .hasMessageContaining("corekit.storage.public-prefix = \"../up/\"")
                .hasMessageContaining("each ending in '/'");
    }

    @Test
    void theBuilderSetsValuesInCodeAndNeverShowsTheSigningKey() {
        StorageSettings settings = StorageSettings.custom(Config.defaultsOnly())
                .partSizeMib(16)
                .retryMaxAttempts(5)
                .localSigningKey(Secret.of("a-local-signing-key-of-32-chars!!"))
                .build();

        assertThat(settings.partSizeBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(settings.retryMaxAttempts()).isEqualTo(5);
        assertThat(settings.toString()).doesNotContain("a-local-signing-key");
        assertThatThrownBy(() -> StorageSettings.custom(Config.defaultsOnly())
                        .partSizeMib(4)
                        .build())
                .hasMessageContaining("corekit.storage.part-size-mib = \"4\"")
                .hasMessageContaining("from 5 to 512");
    }
}
