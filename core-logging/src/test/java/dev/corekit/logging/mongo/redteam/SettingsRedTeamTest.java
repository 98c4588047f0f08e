package dev.corekit.logging.mongo.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.mongo.MongoSinkSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Red team: bad settings and bad URIs fail with a clear error that never shows the password. */
class SettingsRedTeamTest {
    static final String PASSWORD = "Pa55w0rdNeverShown";

    @TempDir
    Path temp;

    static String everything(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(String.valueOf(t)).append('\n');
            for (Throwable s : t.getSuppressed()) {
                text.append(String.valueOf(s)).append('\n');
            }
        }
        return text.toString();
    }

    /** Builds and starts; returns what failed (null when a sink started, which is then closed). */
    static Throwable buildAndStart(MongoSinkSettings.Builder builder) {
        return catchThrowable(() -> {
            MongoSink sink = MongoSink.start(builder.build());
            sink.close();
        });
    }

    // README: "Secrets (passwords, tokens, credentials in URIs) are Secret values: masked in toString(), logs and
    // errors (... even in a URI that cannot be parsed)." README: "A bad value fails fast and names the key".
    // Doc (MongoSink.start): "Starts a sink with its own client built from MongoSinkSettings.mongodbUri()".
    @ParameterizedTest
    @ValueSource(
            strings = {
                "mongodb://rt:" + PASSWORD + "@127.0.0.1:99999",
                "mongodb://rt:" + PASSWORD + "@",
                "mongodb://rt:" + PASSWORD + "@127.0.0.1/?authMechanism=NOPE",
                "mongodb://rt:" + PASSWORD + "@127.0.0.1/?w=-7&journal=maybe",
                "mongodb+srv://rt:" + PASSWORD + "@host.example:27017",
                "http://rt:" + PASSWORD + "@127.0.0.1",
                "mongodb://rt:" + PASSWORD + "@127.0.0.1/?replicaSet=&readPreference=bogus",
                "rt:" + PASSWORD + "@127.0.0.1",
                "mongodb://rt:" + PASSWORD + "@at@127.0.0.1"
            })
    void aBadUriFailsAtBuildOrStartNamingTheSettingAndNeverShowingThePassword(String uri) {
        try (MongoRig.CapturedLogs logs = new MongoRig.CapturedLogs()) {
            MongoSinkSettings.Builder builder = MongoSinkSettings.custom(Config.defaultsOnly())
                    .mongodbUri(uri)
                    .spillDirectory(temp);
            Throwable failure = buildAndStart(builder);
            assertThat(failure).as("a bad URI is refused: %s", uri).isNotNull();
            String text = everything(failure);
            assertThat(text).doesNotContain(PASSWORD);
            assertThat(failure.getMessage()).containsIgnoringCase("mongodb-uri");
            assertThat(logs.everything()).doesNotContain(PASSWORD);
        }
    }

    // Doc (MongoSinkSettings.load / fromEnvironment): "InvalidSettingException - naming every bad value". README: "A
    // bad value fails fast and names the key, the value, where it came from and what is allowed — every bad value at
    // once". README: secrets masked in errors.
    @Test
    void everyBadValueFromTheEnvironmentIsNamedAtOnceWithTheUriMasked() {
        Map<String, String> env = Map.of(
                "COREKIT_LOGGING_MONGODB_URI", "mongodb://rt:" + PASSWORD + "@127.0.0.1:99999/?x=" + PASSWORD,
                "COREKIT_LOGGING_QUEUE_CAPACITY", "-1",
                "COREKIT_LOGGING_BATCH_SIZE", "0",
                "COREKIT_LOGGING_SPILL_MAX_MB", "0",
                "COREKIT_LOGGING_SHUTDOWN_DRAIN_TIMEOUT", "999999999999999999d",
                "COREKIT_LOGGING_RETENTION", "106751991167301d");
        Throwable failure = catchThrowable(() -> MongoSinkSettings.load(Config.of(Map.of(), env, Map.of())));
        assertThat(failure).isInstanceOf(InvalidSettingException.class);
        String message = failure.getMessage();
        assertThat(everything(failure)).doesNotContain(PASSWORD);
        assertThat(message)
                .contains(MongoSinkSettings.QUEUE_CAPACITY.propertyName())
                .contains(MongoSinkSettings.BATCH_SIZE.propertyName())
                .contains(MongoSinkSettings.SPILL_MAX_MB.propertyName())
                .contains(MongoSinkSettings.SHUTDOWN_DRAIN_TIMEOUT.propertyName())
                .contains(MongoSinkSettings.RETENTION.propertyName())
                .contains(MongoSinkSettings.MONGODB_URI.propertyName());
    }

    // Doc (Builder.build): "Resolves and validates every setting. Throws InvalidSettingException - naming every bad
    // value". Durations that overflow (nanoseconds, millis, seconds of a TTL index) are bad values, not crashes later.
    @Test
    void overflowingDurationsInTheBuilderAreRefusedByBuildNamingTheSetting() {
        for (Duration huge : List.of(
                Duration.ofSeconds(Long.MAX_VALUE),
                Duration.ofSeconds(Long.MAX_VALUE / 1000),
                Duration.ofDays(365_000))) {
            assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                            .shutdownDrainTimeout(huge)
                            .build())
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining(MongoSinkSettings.SHUTDOWN_DRAIN_TIMEOUT.propertyName());
            assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                            .retention(huge)
                            .build())
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining(MongoSinkSettings.RETENTION.propertyName());
        }
        for (Duration negative : List.of(Duration.ofMillis(-1), Duration.ofSeconds(Long.MIN_VALUE))) {
            assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                            .shutdownDrainTimeout(negative)
                            .build())
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining(MongoSinkSettings.SHUTDOWN_DRAIN_TIMEOUT.propertyName());
        }
    }

    // Doc (MongoSink): "a caller wakes it only when the queue holds a batch" and queueCapacity is what is "buffered
    // before WARN+ spill": a batch larger than the queue can never be held, so the pair is a bad value for build().
    @Test
    void aBatchLargerThanTheQueueIsRefusedByBuild() {
        assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                        .queueCapacity(100)
                        .batchSize(101)
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(MongoSinkSettings.BATCH_SIZE.propertyName());
        assertThat(MongoSinkSettings.custom(Config.defaultsOnly())
                        .queueCapacity(100)
                        .batchSize(100)
                        .build()
                        .batchSize())
                .isEqualTo(100);
    }

    // Doc (MongoSinkSettings): "queueCapacity [...]: 64 to 16,777,216"; "a bad one fails there with the key, the value,
    // its source and what is allowed". (The red team first read no bound at all and asked for queues of 4.)
    @Test
    void aQueueSmallerThanSixtyFourIsRefusedNamingTheRangeAndSixtyFourIsTaken() {
        Throwable error = catchThrowable(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                .queueCapacity(63)
                .batchSize(8)
                .build());
        assertThat(error)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(MongoSinkSettings.QUEUE_CAPACITY.propertyName())
                .hasMessageContaining("63")
                .hasMessageContaining("64")
                .hasMessageContaining("16777216");
        assertThat(MongoSinkSettings.custom(Config.defaultsOnly())
                        .queueCapacity(64)
                        .batchSize(8)
                        .build()
                        .queueCapacity())
                .isEqualTo(64);
    }

    // Doc (Builder.build): "Resolves and validates every setting".
    @Test
    void nonPositiveSizesAndEmptyNamesAreRefusedByBuild() {
        assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                        .queueCapacity(0)
                        .build())
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                        .batchSize(-5)
                        .build())
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                        .spillMaxMb(-1)
                        .build())
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                        .mongodbCollection("")
                        .build())
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                        .mongodbDatabase("bad.db/name")
                        .build())
                .isInstanceOf(InvalidSettingException.class);
    }

    // Doc (MongoSink.start): "Throws IllegalArgumentException - when the settings name no MongoDB URI".
    // README: secrets "masked in toString()".
    @Test
    void startWithoutAUriFailsClearlyAndSettingsNeverPrintThePassword() {
        assertThatThrownBy(() -> MongoSink.start(MongoSinkSettings.ofDefaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mongodb-uri");
        MongoSinkSettings settings = MongoSinkSettings.custom(Config.defaultsOnly())
                .mongodbUri("mongodb://rt:" + PASSWORD + "@127.0.0.1:27017/?authSource=" + PASSWORD)
                .build();
        assertThat(settings.toString()).doesNotContain(PASSWORD).contains("127.0.0.1");
    }
}
