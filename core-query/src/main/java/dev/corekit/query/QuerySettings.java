package dev.corekit.query;

import com.mongodb.ConnectionString;
import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.config.Setting;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of core-query, resolved by {@link Config} (builder, then {@code corekit.query.*} system properties,
 * {@code COREKIT_QUERY_*} environment variables, {@code corekit.properties}, defaults). Every default is a public
 * constant and is right for a replica set or a sharded cluster; a value outside the range given below is refused with
 * an {@link dev.corekit.config.InvalidSettingException} naming it. A service normally sets nothing and the platform
 * sets {@code COREKIT_QUERY_MONGODB_URI} (and {@code COREKIT_QUERY_CURSOR_KEY}) once.
 *
 * <pre>{@code
 * QuerySettings settings = QuerySettings.custom().slowQueryThreshold(Duration.ofMillis(50)).build();
 * }</pre>
 *
 * @param mongodbUri the MongoDB connection string; its database, when it names one, is {@link QueryClient}'s default
 *     database. Options written in the URI win over the defaults below.
 * @param connectTimeout how long opening a connection may take (100 ms to 5 min)
 * @param serverSelectionTimeout how long an operation waits for a suitable server (a primary for writes) before it
 *     fails; during an election this is the longest a caller blocks (100 ms to 10 min)
 * @param readTimeout how long a socket read may block; a hung server never holds a thread longer than this (1 s to
 *     1 h)
 * @param poolWaitTimeout how long an operation waits for a pooled connection when all are busy (0 to 10 min; 0
 *     fails at once)
 * @param writeConcernTimeout how long a {@code majority} write waits for replication before the server reports a
 *     {@code writeConcernError} (the write itself is not undone); {@link Duration#ZERO} waits forever (0 to 10 min)
 * @param slowQueryThreshold a command slower than this gets a slow-query record with its redacted filter shape (1 ms
 *     to 10 min)
 * @param maxTrackedCommands in-flight commands the monitor remembers at once; beyond it, the oldest are forgotten and
 *     counted, so a burst, or commands whose completion never arrives, can never exhaust memory (16 to
 *     1,000,000)
 * @param inFlightExpiry an in-flight command older than this is forgotten (and counted): its completion is not coming.
 *     At least {@code readTimeout} (1 s to 1 day)
 * @param maxBatchSize the most keys one {@code $in} query of a batch loader carries; more keys are split into
 *     several queries (1 to 10,000)
 * @param cursorKey the HMAC key that signs keyset cursor tokens (at least 32 characters); set it the same on every
 *     instance of a service so that a token issued by one instance is accepted by the next. Unset, each process draws a
 *     random key and tokens only work on the instance that issued them
 */
public record QuerySettings(
        Optional<Secret> mongodbUri,
        Duration connectTimeout,
        Duration serverSelectionTimeout,
        Duration readTimeout,
        Duration poolWaitTimeout,
        Duration writeConcernTimeout,
        Duration slowQueryThreshold,
        int maxTrackedCommands,
        Duration inFlightExpiry,
        int maxBatchSize,
        Optional<Secret> cursorKey) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SERVER_SELECTION_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_POOL_WAIT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WRITE_CONCERN_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SLOW_QUERY_THRESHOLD = Duration.ofMillis(100);
    public static final int DEFAULT_MAX_TRACKED_COMMANDS = 10_000;
    public static final Duration DEFAULT_IN_FLIGHT_EXPIRY = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_BATCH_SIZE = 500;
    /** The shortest {@code cursor-key} accepted, in characters. */
    public static final int MIN_CURSOR_KEY_LENGTH = 32;

    public static final Setting<Secret> MONGODB_URI = Setting.secret("query", "mongodb-uri")
            .require(
                    QuerySettings::isConnectionString,
                    "a MongoDB connection string: mongodb://[user:password@]host[:port][,host...][/database][?options]"
                            + " or mongodb+srv://...");
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration(
                    "query", "connect-timeout", DEFAULT_CONNECT_TIMEOUT)
            .between(Duration.ofMillis(100), Duration.ofMinutes(5));
    public static final Setting<Duration> SERVER_SELECTION_TIMEOUT = Setting.duration(
                    "query", "server-selection-timeout", DEFAULT_SERVER_SELECTION_TIMEOUT)
            .between(Duration.ofMillis(100), Duration.ofMinutes(10));
    public static final Setting<Duration> READ_TIMEOUT = Setting.duration("query", "read-timeout", DEFAULT_READ_TIMEOUT)
            .between(Duration.ofSeconds(1), Duration.ofHours(1));
    public static final Setting<Duration> POOL_WAIT_TIMEOUT = Setting.duration(
                    "query", "pool-wait-timeout", DEFAULT_POOL_WAIT_TIMEOUT)
            .between(Duration.ZERO, Duration.ofMinutes(10));
    public static final Setting<Duration> WRITE_CONCERN_TIMEOUT = Setting.duration(
                    "query", "write-concern-timeout", DEFAULT_WRITE_CONCERN_TIMEOUT)
            .between(Duration.ZERO, Duration.ofMinutes(10));
    public static final Setting<Duration> SLOW_QUERY_THRESHOLD = Setting.duration(
                    "query", "slow-query-threshold", DEFAULT_SLOW_QUERY_THRESHOLD)
            .between(Duration.ofMillis(1), Duration.ofMinutes(10));
    public static final Setting<Integer> MAX_TRACKED_COMMANDS =
            Setting.integer("query", "max-tracked-commands", DEFAULT_MAX_TRACKED_COMMANDS, 16, 1_000_000);
    public static final Setting<Duration> IN_FLIGHT_EXPIRY = Setting.duration(
                    "query", "in-flight-expiry", DEFAULT_IN_FLIGHT_EXPIRY)
            .between(Duration.ofSeconds(1), Duration.ofDays(1));
    public static final Setting<Integer> MAX_BATCH_SIZE =
            Setting.integer("query", "max-batch-size", DEFAULT_MAX_BATCH_SIZE, 1, 10_000);
    public static final Setting<Secret> CURSOR_KEY = Setting.secret("query", "cursor-key")
            .require(
                    key -> key.reveal().length() >= MIN_CURSOR_KEY_LENGTH,
                    "a random key of at least " + MIN_CURSOR_KEY_LENGTH + " characters");

    public QuerySettings {
        Objects.requireNonNull(mongodbUri, "mongodbUri");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(serverSelectionTimeout, "serverSelectionTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(poolWaitTimeout, "poolWaitTimeout");
        Objects.requireNonNull(writeConcernTimeout, "writeConcernTimeout");
        Objects.requireNonNull(slowQueryThreshold, "slowQueryThreshold");
        Objects.requireNonNull(inFlightExpiry, "inFlightExpiry");
        Objects.requireNonNull(cursorKey, "cursorKey");
    }

    /** The defaults alone, whatever the environment says (no MongoDB URI, no cursor key). */
    public static QuerySettings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static QuerySettings fromEnvironment() {
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
    public static QuerySettings load(Config config) {
        Config.Reader reader = config.reader();
        Optional<Secret> uri = reader.find(MONGODB_URI);
        Duration connect = reader.get(CONNECT_TIMEOUT);
        Duration selection = reader.get(SERVER_SELECTION_TIMEOUT);
        Duration read = reader.get(READ_TIMEOUT);
        Duration poolWait = reader.get(POOL_WAIT_TIMEOUT);
        Duration writeConcern = reader.get(WRITE_CONCERN_TIMEOUT);
        Duration slow = reader.get(SLOW_QUERY_THRESHOLD);
        Integer tracked = reader.get(MAX_TRACKED_COMMANDS);
        Duration expiry = reader.get(IN_FLIGHT_EXPIRY);
        Integer batch = reader.get(MAX_BATCH_SIZE);
        Optional<Secret> cursorKey = reader.find(CURSOR_KEY);
        if (read != null && expiry != null && expiry.compareTo(read) < 0) {
            reader.reject(IN_FLIGHT_EXPIRY, expiry, "at least " + READ_TIMEOUT.propertyName() + " (" + read + ")");
        }
        return reader.build(() -> new QuerySettings(
                uri, connect, selection, read, poolWait, writeConcern, slow, tracked, expiry, batch, cursorKey));
    }

    private static boolean isConnectionString(Secret value) {
        try {
            new ConnectionString(value.reveal());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Shows every value, the URI and cursor key masked. */
    @Override
    public String toString() {
        return "QuerySettings{mongodbUri=" + mongodbUri.map(Secret::toString).orElse("(unset)") + ", connectTimeout="
                + connectTimeout + ", serverSelectionTimeout=" + serverSelectionTimeout + ", readTimeout="
                + readTimeout + ", poolWaitTimeout=" + poolWaitTimeout + ", writeConcernTimeout="
                + writeConcernTimeout + ", slowQueryThreshold=" + slowQueryThreshold + ", maxTrackedCommands="
                + maxTrackedCommands + ", inFlightExpiry=" + inFlightExpiry + ", maxBatchSize=" + maxBatchSize
                + ", cursorKey=" + (cursorKey.isPresent() ? Secret.MASK : "(unset: random per process)") + "}";
    }

    /** Sets values in code; {@link #build()} resolves the rest and validates everything. */
    public static final class Builder {
        private Config config;

        private Builder(Config config) {
            this.config = config;
        }

        /** The MongoDB connection string (kept as a {@link Secret}). */
        public Builder mongodbUri(String uri) {
            config = config.with(MONGODB_URI, Secret.of(Objects.requireNonNull(uri, "uri")));
            return this;
        }

        public Builder connectTimeout(Duration value) {
            config = config.with(CONNECT_TIMEOUT, value);
            return this;
        }

        public Builder serverSelectionTimeout(Duration value) {
            config = config.with(SERVER_SELECTION_TIMEOUT, value);
            return this;
        }

        public Builder readTimeout(Duration value) {
            config = config.with(READ_TIMEOUT, value);
            return this;
        }

        public Builder poolWaitTimeout(Duration value) {
            config = config.with(POOL_WAIT_TIMEOUT, value);
            return this;
        }

        public Builder writeConcernTimeout(Duration value) {
            config = config.with(WRITE_CONCERN_TIMEOUT, value);
            return this;
        }

        public Builder slowQueryThreshold(Duration value) {
            config = config.with(SLOW_QUERY_THRESHOLD, value);
            return this;
        }

        public Builder maxTrackedCommands(int value) {
            config = config.with(MAX_TRACKED_COMMANDS, value);
            return this;
        }

        public Builder inFlightExpiry(Duration value) {
            config = config.with(IN_FLIGHT_EXPIRY, value);
            return this;
        }

        public Builder maxBatchSize(int value) {
            config = config.with(MAX_BATCH_SIZE, value);
            return this;
        }

        /** The HMAC key of cursor tokens (kept as a {@link Secret}). */
        public Builder cursorKey(String key) {
            config = config.with(CURSOR_KEY, Secret.of(Objects.requireNonNull(key, "key")));
            return this;
        }

        /**
         * Resolves and validates every setting.
         *
         * @throws dev.corekit.config.InvalidSettingException naming every bad value
         */
        public QuerySettings build() {
            return load(config);
        }
    }
}
