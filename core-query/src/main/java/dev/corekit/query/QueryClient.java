package dev.corekit.query;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import dev.corekit.config.Secret;
import dev.corekit.logging.Recorder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one way a service gets a MongoDB client and its collections (ArchUnit rule CK-QUERY-001 points here): a
 * {@link MongoClient} with cluster-ready defaults and a {@link CommandMonitor} registered, so no command goes unseen.
 * Create one per process at startup and close it at shutdown; it is thread-safe.
 *
 * <pre>{@code
 * QueryClient mongo = QueryClient.fromEnvironment();       // COREKIT_QUERY_MONGODB_URI=mongodb://.../shop
 * MongoCollection<Order> orders = mongo.collection("orders", Order.class);
 * }</pre>
 *
 * <p>Defaults, each right for a replica set or a sharded cluster: write concern {@code majority} with
 * {@link QuerySettings#writeConcernTimeout()}, retryable reads and writes, and bounded waits everywhere
 * ({@link QuerySettings#connectTimeout()}, {@link QuerySettings#serverSelectionTimeout()},
 * {@link QuerySettings#readTimeout()}, {@link QuerySettings#poolWaitTimeout()}). Options written in the connection
 * string win over these defaults; {@link Builder#configure} wins over both, except that the monitor's listener is
 * always registered. The client-side operation timeout ({@code timeoutMS}) is left to the connection string: it is an
 * alpha API in driver 5.
 */
public final class QueryClient implements AutoCloseable {
    private final MongoClient client;
    private final MongoClientSettings clientSettings;
    private final CommandMonitor monitor;
    private final QuerySettings settings;
    private final String defaultDatabase;
    private final String description;

    private QueryClient(QuerySettings settings, CommandMonitor monitor, Consumer<MongoClientSettings.Builder> custom) {
        Secret uri = settings.mongodbUri()
                .orElseThrow(() ->
                        new IllegalStateException("no MongoDB URI: set " + QuerySettings.MONGODB_URI.envName() + " or "
                                + QuerySettings.MONGODB_URI.propertyName() + " (mongodb://host:27017/database)"));
        ConnectionString connection = new ConnectionString(uri.reveal());
        this.settings = settings;
        this.monitor = monitor;
        this.defaultDatabase = connection.getDatabase();
        this.clientSettings = clientSettings(settings, connection, monitor.listener(), custom);
        this.description = "QueryClient{uri=" + uri + ", monitor=" + monitor + "}";
        this.client = MongoClients.create(clientSettings);
    }

    /** A client for {@link QuerySettings#fromEnvironment()}, recording through the process-wide recorder. */
    public static QueryClient fromEnvironment() {
        return of(QuerySettings.fromEnvironment());
    }

    /**
     * A client for {@code settings}, recording through the process-wide recorder.
     *
     * @throws IllegalStateException when {@link QuerySettings#mongodbUri()} is unset
     */
    public static QueryClient of(QuerySettings settings) {
        return custom().settings(settings).build();
    }

    /** A builder: settings from the environment and the process-wide recorder unless set. */
    public static Builder custom() {
        return new Builder();
    }

    static MongoClientSettings clientSettings(
            QuerySettings settings,
            ConnectionString connection,
            CommandListener listener,
            Consumer<MongoClientSettings.Builder> custom) {
        long writeConcernTimeout = settings.writeConcernTimeout().toMillis();
        MongoClientSettings.Builder builder = MongoClientSettings.builder()
                .writeConcern(
                        writeConcernTimeout > 0
                                ? WriteConcern.MAJORITY.withWTimeout(writeConcernTimeout, TimeUnit.MILLISECONDS)
                                : WriteConcern.MAJORITY)
                .retryWrites(true)
                .retryReads(true)
                .applyToSocketSettings(socket -> socket.connectTimeout(
                                (int) settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(
                        settings.serverSelectionTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(
                        pool -> pool.maxWaitTime(settings.poolWaitTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .applyConnectionString(connection)
                .addCommandListener(listener);
        if (custom != null) {
            custom.accept(builder);
        }
        MongoClientSettings built = builder.build();
        if (!built.getCommandListeners().contains(listener)) {
            built = MongoClientSettings.builder(built)
                    .addCommandListener(listener)
                    .build();
        }
        return built;
    }

    /** The driver's client, monitored. Prefer {@link #collection} for collections. */
    public MongoClient mongoClient() {
        return client;
    }

    /**
     * The database the connection string names.
     *
     * @throws IllegalStateException when it names none
     */
    public MongoDatabase database() {
        if (defaultDatabase == null) {
            throw new IllegalStateException("the MongoDB URI names no database: add /<database> to "
                    + QuerySettings.MONGODB_URI.envName() + ", or call database(name)");
        }
        return client.getDatabase(defaultDatabase);
    }

    /** A database of this client. */
    public MongoDatabase database(String name) {
        return client.getDatabase(Objects.requireNonNull(name, "name"));
    }

    /**
     * A collection of the database the connection string names.
     *
     * @throws IllegalStateException when it names none
     */
    public <T> MongoCollection<T> collection(String name, Class<T> documentClass) {
        return database().getCollection(Objects.requireNonNull(name, "name"), documentClass);
    }

    /** A collection of {@code database}. */
    public <T> MongoCollection<T> collection(String database, String name, Class<T> documentClass) {
        return database(database).getCollection(Objects.requireNonNull(name, "name"), documentClass);
    }

    /** The monitor registered on this client. */
    public CommandMonitor monitor() {
        return monitor;
    }

    /** The settings this client was built with. */
    public QuerySettings settings() {
        return settings;
    }

    /** What the driver was configured with (for diagnostics and tests). */
    MongoClientSettings clientSettings() {
        return clientSettings;
    }

    /** Closes the driver's client: its pools and monitoring threads. */
    @Override
    public void close() {
        client.close();
    }

    /** The endpoint with credentials masked, and the monitor's totals. */
    @Override
    public String toString() {
        return description;
    }

    /** Builds a {@link QueryClient}. */
    public static final class Builder {
        private QuerySettings settings;
        private Recorder recorder;
        private Consumer<MongoClientSettings.Builder> custom;

        private Builder() {}

        /** The settings; {@link QuerySettings#fromEnvironment()} when unset. */
        public Builder settings(QuerySettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Where the monitor's records go; the process-wide recorder when unset. */
        public Builder recorder(Recorder recorder) {
            this.recorder = Objects.requireNonNull(recorder, "recorder");
            return this;
        }

        /**
         * Adjusts the driver's settings after corekit's defaults and the connection string (a codec registry, an
         * application name). The monitor's listener stays registered whatever this does.
         */
        public Builder configure(Consumer<MongoClientSettings.Builder> custom) {
            this.custom = Objects.requireNonNull(custom, "custom");
            return this;
        }

        /**
         * Builds and connects (lazily: the driver connects on first use).
         *
         * @throws IllegalStateException when no MongoDB URI is configured
         * @throws dev.corekit.config.InvalidSettingException when a setting from the environment is invalid
         */
        public QueryClient build() {
            QuerySettings resolved = settings != null ? settings : QuerySettings.fromEnvironment();
            CommandMonitor monitor =
                    recorder == null ? CommandMonitor.of(resolved) : CommandMonitor.of(resolved, recorder);
            return new QueryClient(resolved, monitor, custom);
        }
    }
}
