package dev.corekit.samples;

import dev.corekit.config.Config;
import dev.corekit.messaging.Health;
import dev.corekit.messaging.Messaging;
import dev.corekit.messaging.MessagingSettings;
import dev.corekit.messaging.embedded.EmbeddedBroker;
import dev.corekit.query.QueryClient;
import dev.corekit.query.QuerySettings;
import dev.corekit.samples.embedded.EmbeddedMongo;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import java.net.URI;
import java.util.Deque;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the service's dependencies are: what the environment says, else the embedded defaults. This is the only place
 * that knows about embedded servers; everything else gets a client and uses it the same way whatever is behind it.
 *
 * <ul>
 *   <li>MongoDB: {@code COREKIT_QUERY_MONGODB_URI}, else an in-process MongoDB-wire server.
 *   <li>Messaging: {@code COREKIT_MESSAGING_URI}, else RabbitMQ on localhost:5672 when it answers, else the embedded
 *       broker.
 *   <li>Storage: {@code COREKIT_STORAGE_PROVIDER} (s3, gcs) with its settings, else a local directory served by this
 *       service.
 * </ul>
 *
 * Every server or client opened here is pushed on {@code resources}, to be closed in reverse order.
 */
final class Connections {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

    /** The service's name: its producer name on events, and the prefix of its queues, unless configured. */
    static final String SERVICE_NAME = "orders-sample";
    /** Where the service serves the local storage provider's files. */
    static final String LOCAL_FILES_PATH = "/files";

    private Connections() {}

    static QueryClient mongo(Config config, Deque<AutoCloseable> resources) {
        QuerySettings settings = QuerySettings.load(config);
        if (settings.mongodbUri().isEmpty()) {
            EmbeddedMongo embedded = SampleService.opened(resources, EmbeddedMongo.start(SampleService.DATABASE));
            LOG.info(
                    "{} is not set: using an in-process MongoDB-wire server at {}",
                    QuerySettings.MONGODB_URI.envName(),
                    embedded.uri());
            settings = QuerySettings.custom(config).mongodbUri(embedded.uri()).build();
        }
        return SampleService.opened(
                resources, QueryClient.custom().settings(settings).build());
    }

    static Messaging messaging(Config config, Deque<AutoCloseable> resources) {
        MessagingSettings.Builder builder = MessagingSettings.custom(config);
        if (config.resolve(MessagingSettings.PRODUCER).source() == Config.Source.DEFAULT) {
            builder.producer(SERVICE_NAME);
        }
        MessagingSettings settings = builder.build();
        Optional<EmbeddedBroker> embedded = EmbeddedBroker.startUnlessBrokerAnswers(settings);
        if (embedded.isPresent()) {
            EmbeddedBroker broker = SampleService.opened(resources, embedded.get());
            LOG.info(
                    "{} is not set and no RabbitMQ answers on localhost:5672: using an embedded Qpid broker at {}",
                    MessagingSettings.URI.envName(),
                    broker);
            settings = broker.configure(builder).build();
        }
        return SampleService.opened(resources, Messaging.connect(settings));
    }

    /**
     * The storage of {@code corekit.storage.provider}. For the local provider (the default), its files are served by
     * this service at {@value #LOCAL_FILES_PATH}, so unless configured its signed URLs and public (CDN) URLs point
     * there.
     */
    static Storage storage(Config config, URI baseUri, Deque<AutoCloseable> resources) {
        StorageSettings.Builder builder = StorageSettings.custom(config);
        StorageSettings settings = builder.build();
        if (settings.provider() == StorageSettings.Provider.LOCAL) {
            URI localUrl = settings.localUrl();
            if (config.resolve(StorageSettings.LOCAL_URL).source() == Config.Source.DEFAULT) {
                localUrl = baseUri.resolve(LOCAL_FILES_PATH);
                builder.localUrl(localUrl);
            }
            if (settings.publicBaseUrl().isEmpty()) {
                String publicPrefix = settings.publicPrefix()
                        .substring(0, settings.publicPrefix().length() - 1);
                builder.publicBaseUrl(URI.create(localUrl + "/" + publicPrefix));
            }
            LOG.info(
                    "{} is not set: files live in {} and are served at {}",
                    StorageSettings.PROVIDER.envName(),
                    settings.localRoot(),
                    localUrl);
        }
        return SampleService.opened(
                resources,
                Storage.custom().settings(builder.build()).config(config).build());
    }

    /**
     * Waits up to the connect timeout for the broker, so that the service starts serving ready; when it does not come,
     * the service starts anyway (events are buffered, health says what is down).
     */
    static void awaitBroker(Messaging messaging) {
        try {
            if (!messaging.awaitHealth(Health.UP, messaging.settings().connectTimeout())) {
                LOG.warn("the broker is not ready yet; starting anyway: {}", messaging.healthDetail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }
}
