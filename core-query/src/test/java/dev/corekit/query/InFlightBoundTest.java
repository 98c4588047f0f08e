package dev.corekit.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterId;
import com.mongodb.connection.ConnectionDescription;
import com.mongodb.connection.ConnectionId;
import com.mongodb.connection.ServerId;
import com.mongodb.connection.ServerType;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import dev.corekit.config.Config;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.query.internal.InFlightTable;
import java.time.Duration;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/**
 * In-flight commands stay in bounded memory whatever the event stream does: a million commands of which 1% never
 * complete (a connection died between the events) leave at most {@code maxTrackedCommands} entries behind, every one
 * accounted for.
 */
class InFlightBoundTest {
    static final int COMMANDS = 1_000_000;
    static final int CAPACITY = 1_000;

    @Test
    void aMillionCommandsWithOnePercentNeverFinishingKeepTheTableWithinItsCapacity() {
        CommandMonitor monitor = CommandMonitor.of(
                QuerySettings.custom(Config.defaultsOnly())
                        .maxTrackedCommands(CAPACITY)
                        .build(),
                Recorder.of(new InMemorySink()));
        CommandListener listener = monitor.listener();
        List<ConnectionDescription> connections = List.of(connection(1), connection(2), connection(3), connection(4));
        BsonDocument find = new BsonDocument("find", new BsonString("orders"))
                .append("filter", new BsonDocument("customerId", new BsonInt32(42)));
        BsonDocument reply = new BsonDocument(
                "cursor", new BsonDocument("firstBatch", new org.bson.BsonArray()).append("id", new BsonInt32(0)));
        int neverFinished = 0;
        int largestTable = 0;

        for (int i = 0; i < COMMANDS; i++) {
            ConnectionDescription connection = connections.get(i % connections.size());
            int requestId = i / connections.size(); // request ids repeat across connections: the key needs both
            listener.commandStarted(new CommandStartedEvent(null, i, requestId, connection, "shop", "find", find));
            if (i % 100 == 99) {
                neverFinished++;
            } else {
                listener.commandSucceeded(
                        new CommandSucceededEvent(null, i, requestId, connection, "find", "shop", reply, 50_000L));
            }
            if (i % 997 == 0) {
                largestTable = Math.max(largestTable, monitor.inFlight());
            }
        }

        assertThat(neverFinished).isEqualTo(COMMANDS / 100);
        assertThat(largestTable).isLessThanOrEqualTo(CAPACITY);
        assertThat(monitor.inFlight()).isLessThanOrEqualTo(CAPACITY);
        assertThat(monitor.inFlight() + monitor.forgotten())
                .as("every command that never finished is either still held or counted as forgotten")
                .isEqualTo(neverFinished);
        assertThat(monitor.totals().roundTrips()).isEqualTo(COMMANDS - neverFinished);
        assertThat(monitor.listenerFailures()).isZero();
    }

    @Test
    void entriesOlderThanTheExpiryAreForgottenAtTheNextSweep() {
        long expiry = Duration.ofMinutes(10).toNanos();
        InFlightTable<String> table = new InFlightTable<>(100, expiry);
        long start = 1_000L;
        table.put(1, 1, "stuck", start);

        long later = start + expiry + 1;
        for (int i = 2; i <= 1024; i++) {
            table.put(1, i, "quick", later);
            assertThat(table.remove(1, i)).isEqualTo("quick");
        }

        assertThat(table.remove(1, 1)).as("the stuck entry expired").isNull();
        assertThat(table.expired()).isEqualTo(1);
        assertThat(table.size()).isZero();
    }

    @Test
    void theSameRequestIdOnTwoConnectionsIsTwoCommands() {
        InFlightTable<String> table =
                new InFlightTable<>(100, Duration.ofMinutes(1).toNanos());
        table.put(1, 5, "on connection 1", 0);
        table.put(2, 5, "on connection 2", 0);

        assertThat(table.remove(2, 5)).isEqualTo("on connection 2");
        assertThat(table.remove(1, 5)).isEqualTo("on connection 1");
    }

    @Test
    void overCapacityTheOldestAreEvictedFirst() {
        InFlightTable<Integer> table =
                new InFlightTable<>(100, Duration.ofHours(1).toNanos());
        for (int i = 0; i < 101; i++) {
            table.put(1, i, i, i);
        }

        assertThat(table.size()).isLessThanOrEqualTo(100);
        assertThat(table.evicted()).isPositive();
        assertThat(table.remove(1, 0)).as("the oldest went first").isNull();
        assertThat(table.remove(1, 100)).as("the newest stays").isEqualTo(100);
    }

    private static ConnectionDescription connection(long localId) {
        return new ConnectionDescription(
                new ConnectionId(new ServerId(new ClusterId(), new ServerAddress("db", 27017)), localId, localId),
                17,
                ServerType.REPLICA_SET_PRIMARY,
                1000,
                16 * 1024 * 1024,
                48 * 1024 * 1024,
                List.of());
    }
}
