package dev.corekit.logging.mongo;

import com.mongodb.ConnectionString;
import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.event.Level;

/**
 * Settings of the MongoDB sink and of what the Logback appender persists, resolved by {@link Config} (builder, then
 * {@code corekit.logging.*} system properties, {@code COREKIT_LOGGING_*} environment variables,
 * {@code corekit.properties}, defaults). Every default is a public constant; a service normally sets nothing and the
 * platform sets {@code COREKIT_LOGGING_MONGODB_URI} once.
 *
 * <pre>{@code
 * MongoSinkSettings settings = MongoSinkSettings.custom().retention(Duration.ofDays(7)).build();
 * }</pre>
 *
 * <p>Every value is checked when the settings are loaded, and a bad one fails there with the key, the value, its source
 * and what is allowed ({@link dev.corekit.config.InvalidSettingException}). The ranges below are those of the public
 * {@link Setting} constants.
 *
 * @param retention how long records are kept (a TTL index on the collection): 1 hour to 3650 days
 * @param mongodbUri where the sink writes; empty means no MongoDB sink
 * @param mongodbDatabase the database of the collection: 1-64 characters, none of {@code /\. "$} or NUL
 * @param mongodbCollection the one collection all records go to: 1-64 characters, none of {@code /\. "$} or NUL
 * @param queueCapacity records buffered before WARN+ spill to disk and lower levels are dropped: 64 to 16,777,216
 * @param batchSize records per bulk write: 1 to 100,000, and at most {@code queueCapacity}
 * @param spillDirectory where WARN+ records go while the buffer is full, replayed in order on recovery
 * @param spillMaxMb at most this many MiB of spill files in {@code spillDirectory}; beyond it WARN+ records are
 *     dropped and counted like lower levels, so a long outage cannot fill the disk: 1 to 1,048,576
 * @param shutdownDrainTimeout how long closing the sink (at JVM shutdown) waits to write what is queued and to replay
 *     spill files: 0 to 5 minutes
 * @param persistLevel the lowest level of ordinary log events that Corekit's Logback appender persists (operation
 *     records are always persisted)
 */
public record MongoSinkSettings(
        Duration retention,
        Optional<Secret> mongodbUri,
        String mongodbDatabase,
        String mongodbCollection,
        int queueCapacity,
        int batchSize,
        Path spillDirectory,
        int spillMaxMb,
        Duration shutdownDrainTimeout,
        Level persistLevel) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    public static final String DEFAULT_MONGODB_DATABASE = "corekit";
    public static final String DEFAULT_MONGODB_COLLECTION = "operations";
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    public static final int DEFAULT_BATCH_SIZE = 512;
    public static final Path DEFAULT_SPILL_DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"), "corekit-spill");
    public static final int DEFAULT_SPILL_MAX_MB = 1024;
    public static final Duration DEFAULT_SHUTDOWN_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    public static final Level DEFAULT_PERSIST_LEVEL = Level.INFO;

    public static final Setting<Duration> RETENTION = Setting.duration("logging", "retention", DEFAULT_RETENTION)
            .between(Duration.ofHours(1), Duration.ofDays(3650));
    public static final Setting<Secret> MONGODB_URI = Setting.secret("logging", "mongodb-uri")
            .require(
                    MongoSinkSettings::isConnectionString,
                    "a MongoDB connection string: mongodb://[user:password@]host[:port][,host...][/database][?options]"
                            + " or mongodb+srv://...");
    public static final Setting<String> MONGODB_DATABASE = Setting.string(
                    "logging", "mongodb-database", DEFAULT_MONGODB_DATABASE)
            .require(MongoSinkSettings::isMongoName, "a MongoDB name: 1-64 characters, none of /\\. \"$ or NUL");
    public static final Setting<String> MONGODB_COLLECTION = Setting.string(
                    "logging", "mongodb-collection", DEFAULT_MONGODB_COLLECTION)
            .require(MongoSinkSettings::isMongoName, "a MongoDB name: 1-64 characters, none of /\\. \"$ or NUL");
    public static final Setting<Integer> QUEUE_CAPACITY =
            Setting.integer("logging", "queue-capacity", DEFAULT_QUEUE_CAPACITY, 64, 16_777_216);
    public static final Setting<Integer> BATCH_SIZE =
            Setting.integer("logging", "batch-size", DEFAULT_BATCH_SIZE, 1, 100_000);
    public static final Setting<Path> SPILL_DIRECTORY =
            Setting.path("logging", "spill-directory", DEFAULT_SPILL_DIRECTORY);
    public static final Setting<Integer> SPILL_MAX_MB =
            Setting.integer("logging", "spill-max-mb", DEFAULT_SPILL_MAX_MB, 1, 1_048_576);
    public static final Setting<Duration> SHUTDOWN_DRAIN_TIMEOUT = Setting.duration(
                    "logging", "shutdown-drain-timeout", DEFAULT_SHUTDOWN_DRAIN_TIMEOUT)
            .between(Duration.ZERO, Duration.ofMinutes(5));
    public static final Setting<Level> PERSIST_LEVEL =
            Setting.oneOf("logging", "persist-level", Level.class, DEFAULT_PERSIST_LEVEL);

    public MongoSinkSettings {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(mongodbUri, "mongodbUri");
        Objects.requireNonNull(mongodbDatabase, "mongodbDatabase");
        Objects.requireNonNull(mongodbCollection, "mongodbCollection");
        Objects.requireNonNull(spillDirectory, "spillDirectory");
        Objects.requireNonNull(shutdownDrainTimeout, "shutdownDrainTimeout");
        Objects.requireNonNull(persistLevel, "persistLevel");
    }

    /** The defaults alone, whatever the environment says (no MongoDB URI). */
    public static MongoSinkSettings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static MongoSinkSettings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /** A builder whose unset values come from {@link Config#fromEnvironment()}. */
    public static Builder custom() {
        return new Builder(Config.fromEnvironment());
    }

    /** A builder whose unset values come from {@code config}. */
    public static Builder custom(Config config) {
        return new Builder(config);
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static MongoSinkSettings load(Config config) {
        Config.Reader reader = config.reader();
        Duration retention = reader.get(RETENTION);
        Optional<Secret> mongodbUri = reader.find(MONGODB_URI);
        String database = reader.get(MONGODB_DATABASE);
        String collection = reader.get(MONGODB_COLLECTION);
        Integer queueCapacity = reader.get(QUEUE_CAPACITY);
        Integer batchSize = reader.get(BATCH_SIZE);
        Path spillDirectory = reader.get(SPILL_DIRECTORY);
        Integer spillMaxMb = reader.get(SPILL_MAX_MB);
        Duration drain = reader.get(SHUTDOWN_DRAIN_TIMEOUT);
        Level persistLevel = reader.get(PERSIST_LEVEL);
        if (queueCapacity != null && batchSize != null && batchSize > queueCapacity) {
            reader.reject(
                    BATCH_SIZE, batchSize, "at most " + QUEUE_CAPACITY.propertyName() + " (" + queueCapacity + ")");
        }
        return reader.build(() -> new MongoSinkSettings(
                retention,
                mongodbUri,
                database,
                collection,
                queueCapacity,
                batchSize,
                spillDirectory,
                spillMaxMb,
                drain,
                persistLevel));
    }

    /** Parsed the way the driver will parse it, so a bad URI fails at startup rather than at the first write. */
    private static boolean isConnectionString(Secret uri) {
        try {
            new ConnectionString(uri.reveal());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean isMongoName(String name) {
        return !name.isEmpty() && name.length() <= 64 && name.chars().noneMatch(c -> "/\\. \"$\0".indexOf(c) >= 0);
    }

    /** Sets values in code; {@link #build()} resolves the rest and validates everything. */
    public static final class Builder {
        private Config config;

        private Builder(Config config) {
            this.config = config;
        }

        public Builder retention(Duration retention) {
            config = config.with(RETENTION, retention);
            return this;
        }

        public Builder mongodbUri(String uri) {
            config = config.with(MONGODB_URI, Secret.of(uri));
            return this;
        }

        public Builder mongodbDatabase(String database) {
            config = config.with(MONGODB_DATABASE, database);
            return this;
        }

        public Builder mongodbCollection(String collection) {
            config = config.with(MONGODB_COLLECTION, collection);
            return this;
        }

        public Builder queueCapacity(int capacity) {
            config = config.with(QUEUE_CAPACITY, capacity);
            return this;
        }

        public Builder batchSize(int batchSize) {
            config = config.with(BATCH_SIZE, batchSize);
            return this;
        }

        public Builder spillDirectory(Path directory) {
            config = config.with(SPILL_DIRECTORY, directory);
            return this;
        }

        public Builder spillMaxMb(int megabytes) {
            config = config.with(SPILL_MAX_MB, megabytes);
            return this;
        }

        public Builder shutdownDrainTimeout(Duration timeout) {
            config = config.with(SHUTDOWN_DRAIN_TIMEOUT, timeout);
            return this;
        }

        public Builder persistLevel(Level level) {
            config = config.with(PERSIST_LEVEL, level);
            return this;
        }

        /**
         * Resolves and validates every setting.
         *
         * @throws dev.corekit.config.InvalidSettingException naming every bad value
         */
        public MongoSinkSettings build() {
            return load(config);
        }
    }
}
