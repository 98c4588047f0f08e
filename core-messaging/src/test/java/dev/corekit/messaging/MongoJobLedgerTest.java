package dev.corekit.messaging;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.messaging.mongo.MongoJobLedger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The ledger through the real MongoDB driver, against the in-process mongo-java-server. */
class MongoJobLedgerTest extends JobLedgerContract {
    private MongoServer server;
    private MongoClient client;

    @BeforeEach
    void startServer() {
        server = new MongoServer(new MemoryBackend());
        var address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.shutdownNow();
    }

    @Override
    JobLedger ledger() {
        return MongoJobLedger.of(client.getDatabase("test").getCollection("jobs"));
    }
}
