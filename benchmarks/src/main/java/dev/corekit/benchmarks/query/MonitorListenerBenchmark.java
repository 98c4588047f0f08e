package dev.corekit.benchmarks.query;

import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterId;
import com.mongodb.connection.ConnectionDescription;
import com.mongodb.connection.ConnectionId;
import com.mongodb.connection.ServerId;
import com.mongodb.connection.ServerType;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import dev.corekit.logging.Recorder;
import dev.corekit.query.CommandMonitor;
import dev.corekit.query.QuerySettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The monitor's own cost per command, without a server: one started and one succeeded event of a typical find (a
 * two-field filter, a sort, a reply of 10 documents) handed to its listener, as the driver does. Compare it with a
 * round trip's cost in {@link MonitorOverheadBenchmark}: this is the part of that overhead the monitor controls.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MonitorListenerBenchmark {
    private CommandListener listener;
    private ConnectionDescription connection;
    private BsonDocument command;
    private BsonDocument reply;
    private int requestId;

    @Setup
    public void start() {
        listener = CommandMonitor.of(QuerySettings.ofDefaults(), Recorder.of(record -> {}))
                .listener();
        connection = new ConnectionDescription(
                new ConnectionId(new ServerId(new ClusterId(), new ServerAddress("db", 27017)), 1, 1L),
                17,
                ServerType.REPLICA_SET_PRIMARY,
                1000,
                16 * 1024 * 1024,
                48 * 1024 * 1024,
                List.of());
        // Raw (byte-backed) documents, like the ones the driver hands to listeners.
        command = new RawBsonDocument(
                new BsonDocument("find", new BsonString("orders"))
                        .append(
                                "filter",
                                new BsonDocument("customerId", new BsonInt32(42))
                                        .append(
                                                "status",
                                                new BsonDocument(
                                                        "$in",
                                                        new BsonArray(List.of(
                                                                new BsonString("open"), new BsonString("paid"))))))
                        .append("sort", new BsonDocument("createdAt", new BsonInt32(-1)))
                        .append("$db", new BsonString("shop")),
                new BsonDocumentCodec());
        BsonArray batch = new BsonArray();
        for (int i = 0; i < 10; i++) {
            batch.add(new BsonDocument("_id", new BsonInt32(i)).append("total", new BsonInt64(i * 100L)));
        }
        reply = new RawBsonDocument(
                new BsonDocument(
                                "cursor",
                                new BsonDocument("firstBatch", batch)
                                        .append("id", new BsonInt64(0))
                                        .append("ns", new BsonString("shop.orders")))
                        .append("ok", new BsonInt32(1)),
                new BsonDocumentCodec());
    }

    @Benchmark
    public void startedAndSucceeded() {
        int id = requestId++;
        listener.commandStarted(new CommandStartedEvent(null, id, id, connection, "shop", "find", command));
        listener.commandSucceeded(new CommandSucceededEvent(null, id, id, connection, "find", "shop", reply, 50_000L));
    }
}
