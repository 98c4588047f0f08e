package dev.corekit.logging.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MongoSinkSettingsTest {
    @Test
    void defaultsNeedNoConfiguration() {
        MongoSinkSettings settings = MongoSinkSettings.load(Config.defaultsOnly());

        assertThat(settings.retention()).isEqualTo(MongoSinkSettings.DEFAULT_RETENTION);
        assertThat(settings.mongodbUri()).isEmpty();
        assertThat(settings.queueCapacity()).isEqualTo(MongoSinkSettings.DEFAULT_QUEUE_CAPACITY);
    }

    @Test
    void platformEnvironmentConfiguresTheMongoSink() {
        Config config = Config.of(
                Map.of(),
                Map.of(
                        "COREKIT_LOGGING_MONGODB_URI",
                        "mongodb://svc:pw@mongo:27017",
                        "COREKIT_LOGGING_RETENTION",
                        "7d"),
                Map.of());

        MongoSinkSettings settings = MongoSinkSettings.load(config);

        assertThat(settings.mongodbUri())
                .hasValueSatisfying(uri -> assertThat(uri.reveal()).isEqualTo("mongodb://svc:pw@mongo:27017"));
        assertThat(settings.retention()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.toString()).contains("mongodb://****@mongo:27017").doesNotContain(":pw@");
    }

    @Test
    void persistLevelIsReadInAnyCaseAndAnUnknownLevelIsRejectedListingTheLevels() {
        Config warn = Config.of(Map.of(), Map.of("COREKIT_LOGGING_PERSIST_LEVEL", "warn"), Map.of());
        assertThat(MongoSinkSettings.load(warn).persistLevel()).isEqualTo(org.slf4j.event.Level.WARN);
        assertThat(MongoSinkSettings.load(Config.defaultsOnly()).persistLevel()).isEqualTo(org.slf4j.event.Level.INFO);

        Config verbose = Config.of(Map.of(), Map.of("COREKIT_LOGGING_PERSIST_LEVEL", "verbose"), Map.of());
        assertThatThrownBy(() -> MongoSinkSettings.load(verbose))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("corekit.logging.persist-level = \"verbose\"")
                .hasMessageContaining("COREKIT_LOGGING_PERSIST_LEVEL")
                .hasMessageEndingWith("allowed: one of error | warn | info | debug | trace");
    }

    @Test
    void aMongoUriTheDriverCannotParseIsRejectedAtStartupWithoutShowingItsPassword() {
        assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                        .mongodbUri("mongodb://svc:hunter2@mongo:notaport/logs")
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("corekit.logging.mongodb-uri")
                .hasMessageContaining("allowed: a MongoDB connection string")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void builderOverridesTheEnvironment() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_LOGGING_BATCH_SIZE", "100"), Map.of());

        assertThat(MongoSinkSettings.custom(config).batchSize(7).build().batchSize())
                .isEqualTo(7);
    }

    @Test
    void nonMongoUriIsRejectedWithoutShowingItsPassword() {
        assertThatThrownBy(() -> MongoSinkSettings.custom(Config.defaultsOnly())
                        .mongodbUri("postgres://u:topsecret@db/x")
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("corekit.logging.mongodb-uri = \"postgres://****@db/x\" (from builder)")
                .hasMessageContaining("mongodb://")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void batchLargerThanQueueIsRejectedNamingBothSettings() {
        Config config = Config.of(
                Map.of(),
                Map.of("COREKIT_LOGGING_QUEUE_CAPACITY", "100", "COREKIT_LOGGING_BATCH_SIZE", "500"),
                Map.of());

        assertThatThrownBy(() -> MongoSinkSettings.load(config))
                .hasMessage("invalid corekit setting: corekit.logging.batch-size = \"500\" (from environment variable"
                        + " COREKIT_LOGGING_BATCH_SIZE): allowed: at most corekit.logging.queue-capacity (100)");
    }

    @Test
    void everyBadValueIsReportedTogether() {
        Config config = Config.of(
                Map.of("corekit.logging.retention", "10m"),
                Map.of("COREKIT_LOGGING_MONGODB_COLLECTION", "ops.log", "COREKIT_LOGGING_SHUTDOWN_DRAIN_TIMEOUT", "1h"),
                Map.of());

        assertThatThrownBy(() -> MongoSinkSettings.load(config))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.problems())
                                .extracting(InvalidSettingException.Problem::propertyName)
                                .containsExactly(
                                        "corekit.logging.retention",
                                        "corekit.logging.mongodb-collection",
                                        "corekit.logging.shutdown-drain-timeout"));
    }
}
