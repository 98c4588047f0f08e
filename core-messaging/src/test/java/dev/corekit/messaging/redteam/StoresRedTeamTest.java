package dev.corekit.messaging.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.messaging.IdempotencyStore;
import dev.corekit.messaging.JobLedger;
import dev.corekit.messaging.mongo.MongoIdempotencyStore;
import dev.corekit.messaging.mongo.MongoJobLedger;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Red team: the MongoDB ledger and idempotency store with hostile page indexes and durations. */
class StoresRedTeamTest {
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

    @Test
    void mongoLedgerRefusesPagesOutsideTheJobAndNeverCompletesEarly() {
        JobLedger ledger = MongoJobLedger.of(client.getDatabase("rt").getCollection("jobs"));
        ledger.started("job", "exports", 20, 2);
        assertThatThrownBy(() -> ledger.pageFinished("job", 2, JobLedger.Outcome.SUCCEEDED, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.pageFinished("job", -1, JobLedger.Outcome.SUCCEEDED, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ledger.pageFinished("job", 0, JobLedger.Outcome.SUCCEEDED, null))
                .isFalse();
        assertThat(ledger.status("job").orElseThrow().completed()).isFalse();
        assertThat(ledger.pageFinished("job", 1, JobLedger.Outcome.FAILED, "x")).isTrue();
        assertThat(ledger.pageFinished("job", 1, JobLedger.Outcome.FAILED, "x")).isFalse();
        assertThatThrownBy(() -> ledger.pageFinished("nope", 0, JobLedger.Outcome.SUCCEEDED, null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void mongoStoreSurvivesAnOverflowingLeaseAndRetention() {
        IdempotencyStore store =
                MongoIdempotencyStore.of(client.getDatabase("rt").getCollection("claims"));
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        assertThat(store.claim("k", "a", huge)).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
        assertThat(store.claim("k", "b", huge)).isEqualTo(IdempotencyStore.Claim.BUSY);
        assertThat(store.complete("k", "a", huge)).isTrue();
        assertThat(store.claim("k", "b", huge)).isEqualTo(IdempotencyStore.Claim.DONE);
    }
}
