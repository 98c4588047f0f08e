package dev.corekit.auth.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MongoDB session store through the real driver against an in-process MongoDB-wire server. */
class MongoSessionStoreTest {
    private final Instant now = Instant.parse("2030-01-01T00:00:00Z");
    private MongoServer server;
    private MongoClient client;
    private MongoCollection<Document> collection;
    private MongoSessionStore store;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        var address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        collection = client.getDatabase("auth").getCollection("sessions");
        store = MongoSessionStore.of(collection);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    private Session session(String id) {
        return new Session(id, "user", "42", "acme", now, now.plus(30, ChronoUnit.DAYS), "r1", null);
    }

    @Test
    void aSessionRoundTripsAndTheTtlIndexExpiresItAtItsEnd() {
        store.create(session("s1"));

        assertThat(store.find("s1")).contains(session("s1"));
        assertThat(store.find("unknown")).isEmpty();
        List<Document> indexes = collection.listIndexes().into(new ArrayList<>());
        assertThat(indexes).anySatisfy(index -> {
            assertThat(index.getString("name")).isEqualTo(MongoSessionStore.TTL_INDEX);
            assertThat(index.get("key", Document.class)).containsEntry("expiresAt", 1);
            assertThat(((Number) index.get("expireAfterSeconds")).longValue()).isZero();
        });
    }

    @Test
    void writesUseMajorityWhateverTheCollectionSays() {
        MongoSessionStore fromW1 = MongoSessionStore.of(collection.withWriteConcern(WriteConcern.W1));

        assertThat(fromW1).isNotNull();
        assertThat(fromW1.toString()).contains("auth.sessions");
        assertThat(store.writeConcern()).isEqualTo(WriteConcern.MAJORITY);
        assertThat(fromW1.writeConcern()).isEqualTo(WriteConcern.MAJORITY);
    }

    @Test
    void aRefreshIdRotatesOnceAndNotAfterRevocation() {
        store.create(session("s1"));

        assertThat(store.rotateRefresh("s1", "r1", "r2", now)).isTrue();
        assertThat(store.rotateRefresh("s1", "r1", "r3", now)).isFalse();
        assertThat(store.find("s1").orElseThrow().refreshId()).isEqualTo("r2");

        store.revoke("s1", now);
        assertThat(store.find("s1").orElseThrow().isLive(now)).isFalse();
        assertThat(store.rotateRefresh("s1", "r2", "r4", now)).isFalse();
    }

    @Test
    void anEndedSessionCannotRotate() {
        store.create(session("s1"));

        assertThat(store.rotateRefresh("s1", "r1", "r2", now.plus(31, ChronoUnit.DAYS)))
                .isFalse();
    }
}
