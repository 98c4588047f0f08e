package dev.corekit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.internal.LocalStorageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a service sees at startup: the provider chosen by one setting, and clear errors for what is wrong. */
class StorageStartupTest {
    @TempDir
    Path root;

    private final Recorder recorder = Recorder.of(new InMemorySink());

    @Test
    void theProviderIsFoundOnTheClasspathByTheSettingAlone() {
        Config config = Config.of(Map.of("corekit.storage.local-root", root.toString()), Map.of(), Map.of());

        try (Storage storage =
                Storage.custom().config(config).recorder(recorder).build()) {
            assertThat(storage.settings().provider()).isEqualTo(StorageSettings.Provider.LOCAL);
            assertThat(storage.unwrap(Path.class))
                    .isEqualTo(root.toAbsolutePath().normalize());
            storage.privateFiles().put("a.txt", new byte[] {1}, "text/plain");
            assertThat(root.resolve("private/a.txt")).exists();
        }
    }

    @Test
    void aProviderWhoseModuleIsMissingFailsWithTheDependencyToAdd() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_STORAGE_PROVIDER", "gcs"), Map.of());

        assertThatThrownBy(
                        () -> Storage.custom().config(config).recorder(recorder).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("corekit.storage.provider = gcs, but no provider for gcs is on the classpath: add the"
                        + " dependency dev.corekit:core-storage-gcs");
    }

    @Test
    void anUnknownProviderFailsAtStartupNamingTheChoices() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_STORAGE_PROVIDER", "azure"), Map.of());

        assertThatThrownBy(
                        () -> Storage.custom().config(config).recorder(recorder).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("corekit.storage.provider = \"azure\"")
                .hasMessageContaining("one of local | s3 | gcs");
    }

    @Test
    void aProviderGivenInCodeMustMatchTheSetting() {
        StorageSettings s3 = StorageSettings.custom(Config.defaultsOnly())
                .provider(StorageSettings.Provider.S3)
                .build();

        assertThatThrownBy(() -> Storage.custom()
                        .settings(s3)
                        .provider(new LocalStorageProvider())
                        .recorder(recorder)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("corekit.storage.provider = s3, but the provider given is local");
    }

    @Test
    void aLocalRootThatCannotBeADirectoryFailsAtStartupNamingTheSetting() throws Exception {
        Path file = Files.writeString(root.resolve("not-a-directory"), "x");
        StorageSettings settings = StorageSettings.custom(Config.defaultsOnly())
                .localRoot(file.resolve("files"))
                .build();

        assertThatThrownBy(() ->
                        Storage.custom().settings(settings).recorder(recorder).build())
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.REJECTED))
                .hasMessageContaining("corekit.storage.local-root = " + file.resolve("files"));
    }

    @Test
    void publicFilesNeedACdnBaseUrlAndSaySo() {
        StorageSettings settings =
                StorageSettings.custom(Config.defaultsOnly()).localRoot(root).build();

        try (Storage storage =
                Storage.custom().settings(settings).recorder(recorder).build()) {
            assertThatThrownBy(storage::publicFiles)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("corekit.storage.public-base-url");
            assertThatThrownBy(() -> storage.unwrap(String.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the local provider has no java.lang.String to unwrap");
        }
    }
}
