package dev.corekit.query;

import de.bwaldvogel.mongo.MongoServer;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One in-process MongoDB-wire server ({@link ScriptedBackend}) and a {@link QueryClient} on it through the real driver,
 * recording into an {@link InMemorySink}. Close it in {@code @AfterEach}.
 */
final class TestMongo implements AutoCloseable {
    static final String DATABASE = "shop";

    final ScriptedBackend backend = new ScriptedBackend();
    final MongoServer server = new MongoServer(backend);
    final InMemorySink sink = new InMemorySink();
    final Recorder recorder = Recorder.of(sink);
    final String uri;
    final QueryClient client;

    TestMongo() {
        this(settings -> settings);
    }

    TestMongo(UnaryOperator<QuerySettings.Builder> settings) {
        InetSocketAddress address = server.bind();
        uri = "mongodb://" + address.getHostString() + ":" + address.getPort() + "/" + DATABASE;
        client = QueryClient.custom()
                .settings(settings.apply(QuerySettings.custom(dev.corekit.config.Config.defaultsOnly())
                                .mongodbUri(uri)
                                .cursorKey("test-cursor-key-0123456789abcdef-0123456789"))
                        .build())
                .recorder(recorder)
                .build();
    }

    /** Records with this name, in order. */
    List<LogRecord> records(String name) {
        return sink.records(record -> record.name().equals(name));
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
