package dev.corekit.samples.embedded;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * An in-process MongoDB-wire server (mongo-java-server, in memory) on a free loopback port, for when no MongoDB URI is
 * set. The real driver talks to it through core-query's client exactly as it would to a real MongoDB. Data lives as
 * long as the process.
 */
public final class EmbeddedMongo implements AutoCloseable {
    private final MongoServer server;
    private final String uri;

    private EmbeddedMongo(MongoServer server, String uri) {
        this.server = server;
        this.uri = uri;
    }

    /** Starts a server; its connection string names {@code database}. */
    public static EmbeddedMongo start(String database) {
        Objects.requireNonNull(database, "database");
        MongoServer server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        return new EmbeddedMongo(
                server, "mongodb://" + address.getHostString() + ":" + address.getPort() + "/" + database);
    }

    /** The connection string, {@code mongodb://127.0.0.1:<port>/<database>}. */
    public String uri() {
        return uri;
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    @Override
    public String toString() {
        return "EmbeddedMongo{" + uri + "}";
    }
}
