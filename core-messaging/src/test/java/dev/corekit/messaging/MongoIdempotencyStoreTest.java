package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.messaging.mongo.MongoIdempotencyStore;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store through the real MongoDB driver, against the in-process mongo-java-server. */
class MongoIdempotencyStoreTest extends IdempotencyStoreContract {
    private MongoServer server;
    private MongoClient client;
    private MongoCollection<Document> collection;

    @BeforeEach
    void startServer() {
        server = new MongoServer(new MemoryBackend());
        String uri = "mongodb://" + server.bind().getHostString() + ":"
                + server.getLocalAddress().getPort();
        client = MongoClients.create(uri);
        collection = client.getDatabase("test").getCollection("idempotency");
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.shutdownNow();
    }

    @Override
    IdempotencyStore store() {
        return MongoIdempotencyStore.of(collection, clock);
    }

    @Test
    void documentsHaveAUniqueIdAndATtlIndexOnTheirExpiry() {
        IdempotencyStore store = store();
        store.claim("billing/e1", "a", LEASE);
        store.complete("billing/e1", "a", RETENTION);

        List<Document> indexes = collection.listIndexes().into(new ArrayList<>());
        assertThat(indexes).anySatisfy(index -> {
            assertThat(index.get("key", Document.class)).isEqualTo(new Document("expiresAt", 1));
            assertThat(((Number) index.get("expireAfterSeconds")).longValue()).isZero();
        });
        Document stored = collection.find().first();
        assertThat(stored.getString("_id")).isEqualTo("billing/e1");
        assertThat(stored.getString("state")).isEqualTo("DONE");
        assertThat(stored.getDate("expiresAt").toInstant())
                .isEqualTo(clock.instant().plus(RETENTION));
    }
}
