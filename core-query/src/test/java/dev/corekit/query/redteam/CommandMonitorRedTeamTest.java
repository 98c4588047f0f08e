package dev.corekit.query.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.connection.ClusterId;
import com.mongodb.connection.ConnectionDescription;
import com.mongodb.connection.ConnectionId;
import com.mongodb.connection.ServerId;
import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import dev.corekit.config.Config;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.Scope;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.query.CommandMonitor;
import dev.corekit.query.QuerySettings;
import dev.corekit.query.QueryStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The monitor under floods, malformed events, failing recorders and nested operations. */
class CommandMonitorRedTeamTest {
    static final ServerId SERVER = new ServerId(new ClusterId(), new ServerAddress("127.0.0.1", 27017));

    final List<RedTeamMongo> opened = new ArrayList<>();

    RedTeamMongo open(RedTeamMongo mongo) {
        opened.add(mongo);
        return mongo;
    }

    @AfterEach
    void close() {
        opened.forEach(RedTeamMongo::close);
    }

    static ConnectionDescription connection(long id) {
        return new ConnectionDescription(
                new ConnectionId(SERVER, id, id), 17, null, 1000, 16_000_000, 48_000_000, List.of());
    }

    static BsonDocument find(String collection) {
        return new BsonDocument("find", new BsonString(collection))
                .append("filter", new BsonDocument("email", new BsonString("someone@example.com")))
                .append("$db", new BsonString("shop"));
    }

    static final BsonDocument OK_REPLY =
            BsonDocument.parse("{ok: 1, cursor: {id: {$numberLong: '0'}, ns: 'shop.orders', firstBatch: [{a: 1}]}}");

    static QuerySettings settings(int maxTracked) {
        return QuerySettings.custom(Config.defaultsOnly())
                .maxTrackedCommands(maxTracked)
                .build();
    }

    @Test
    void aMillionCommandsWithOnePercentNeverFinishingKeepTheInFlightTableBounded() {
        CommandMonitor monitor = CommandMonitor.of(settings(1000), Recorder.of(new InMemorySink()));
        CommandListener listener = monitor.listener();
        BsonDocument command = find("orders");
        int maxSeen = 0;

        for (int i = 0; i < 1_000_000; i++) {
            ConnectionDescription connection = connection(i % 64);
            listener.commandStarted(new CommandStartedEvent(null, i, i, connection, "shop", "find", command));
            if (i % 100 != 0) {
                listener.commandSucceeded(
                        new CommandSucceededEvent(null, i, i, connection, "shop", "find", OK_REPLY, 1_000));
            }
            if (i % 10_000 == 0) {
                maxSeen = Math.max(maxSeen, monitor.inFlight());
            }
        }

        assertThat(maxSeen).isLessThanOrEqualTo(1000);
        assertThat(monitor.inFlight()).isLessThanOrEqualTo(1000);
        assertThat(monitor.forgotten()).isGreaterThanOrEqualTo(10_000 - 1000);
        assertThat(monitor.listenerFailures()).isZero();
        assertThat(monitor.totals().roundTrips()).isGreaterThanOrEqualTo(990_000);
    }

    @Test
    void commandsWhoseCompletionNeverArrivesAreForgottenAfterTheExpiry() {
        QuerySettings settings = QuerySettings.custom(Config.defaultsOnly())
                .readTimeout(Duration.ofSeconds(1)) // the shortest allowed
                .inFlightExpiry(Duration.ofSeconds(1))
                .build();
        CommandMonitor monitor = CommandMonitor.of(settings, Recorder.of(new InMemorySink()));
        CommandListener listener = monitor.listener();
        for (int i = 0; i < 100; i++) {
            listener.commandStarted(new CommandStartedEvent(null, i, i, connection(1), "shop", "find", find("a")));
        }
        assertThat(monitor.inFlight()).isEqualTo(100);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int next = 1000;
        while (monitor.forgotten() < 100 && System.nanoTime() < deadline) {
            // later traffic is what sweeps: one finished command at a time
            listener.commandStarted(
                    new CommandStartedEvent(null, next, next, connection(2), "shop", "find", find("a")));
            listener.commandSucceeded(
                    new CommandSucceededEvent(null, next, next, connection(2), "shop", "find", OK_REPLY, 10));
            next++;
            Thread.onSpinWait();
        }

        assertThat(monitor.forgotten()).isEqualTo(100);
        assertThat(monitor.inFlight()).isZero();
    }

    @Test
    void theSameRequestIdOnTwoConnectionsIsTwoCommands() {
        CommandMonitor monitor = CommandMonitor.of(settings(100), Recorder.of(new InMemorySink()));
        CommandListener listener = monitor.listener();

        listener.commandStarted(new CommandStartedEvent(null, 1, 7, connection(1), "shop", "find", find("a")));
        listener.commandStarted(new CommandStartedEvent(null, 2, 7, connection(2), "shop", "find", find("b")));
        assertThat(monitor.inFlight()).isEqualTo(2);
        listener.commandSucceeded(new CommandSucceededEvent(null, 1, 7, connection(1), "shop", "find", OK_REPLY, 10));

        assertThat(monitor.inFlight()).isEqualTo(1);
    }

    @Test
    void completionsWithoutAStartAndDuplicatesNeverThrowIntoTheDriver() {
        CommandMonitor monitor = CommandMonitor.of(settings(100), Recorder.of(new InMemorySink()));
        CommandListener listener = monitor.listener();

        assertThatCode(() -> {
                    listener.commandSucceeded(
                            new CommandSucceededEvent(null, 1, 1, connection(1), "shop", "find", OK_REPLY, 10));
                    listener.commandFailed(new CommandFailedEvent(
                            null, 2, 2, connection(1), "shop", "find", 10, new RuntimeException("x")));
                    listener.commandStarted(
                            new CommandStartedEvent(null, 3, 3, connection(1), "shop", "find", find("a")));
                    listener.commandStarted(
                            new CommandStartedEvent(null, 3, 3, connection(1), "shop", "find", find("a")));
                    listener.commandSucceeded(
                            new CommandSucceededEvent(null, 3, 3, connection(1), "shop", "find", OK_REPLY, 10));
                    listener.commandSucceeded(
                            new CommandSucceededEvent(null, 3, 3, connection(1), "shop", "find", OK_REPLY, 10));
                })
                .doesNotThrowAnyException();
        assertThat(monitor.inFlight()).isZero();
    }

    @Test
    void malformedRepliesNeverThrowIntoTheDriver() {
        CommandMonitor monitor = CommandMonitor.of(settings(100), Recorder.of(new InMemorySink()));
        CommandListener listener = monitor.listener();
        List<BsonDocument> replies = List.of(
                BsonDocument.parse("{ok: 1, writeErrors: 'not an array'}"),
                BsonDocument.parse("{ok: 1, writeErrors: [5, 'x', {code: 'eleven'}]}"),
                BsonDocument.parse("{ok: 1, writeConcernError: 42}"),
                BsonDocument.parse("{ok: 1, cursor: 'nope'}"),
                BsonDocument.parse("{ok: 1, cursor: {firstBatch: 'nope', nextBatch: 7}}"),
                BsonDocument.parse("{ok: 1, n: 'many', value: [1, 2]}"),
                new BsonDocument());

        assertThatCode(() -> {
                    int id = 100;
                    for (BsonDocument reply : replies) {
                        for (String name : List.of("find", "insert", "findAndModify", "getMore", "aggregate")) {
                            id++;
                            BsonDocument command = new BsonDocument(name, new BsonString("c"))
                                    .append("filter", new BsonString("not a document"))
                                    .append("pipeline", new BsonInt32(3))
                                    .append("documents", new BsonArray(List.of(new BsonInt32(1))));
                            listener.commandStarted(
                                    new CommandStartedEvent(null, id, id, connection(1), "shop", name, command));
                            listener.commandSucceeded(
                                    new CommandSucceededEvent(null, id, id, connection(1), "shop", name, reply, 10));
                        }
                    }
                })
                .doesNotThrowAnyException();
    }

    @Test
    void sensitiveCommandsHandedOverAsEmptyDocumentsNeverFailTheMonitor() {
        CommandMonitor monitor = CommandMonitor.of(settings(100), Recorder.of(new InMemorySink()));
        CommandListener listener = monitor.listener();

        int id = 0;
        for (String name : List.of("saslStart", "saslContinue", "authenticate", "createUser", "updateUser", "hello")) {
            id++;
            listener.commandStarted(
                    new CommandStartedEvent(null, id, id, connection(1), "admin", name, new BsonDocument()));
            listener.commandSucceeded(
                    new CommandSucceededEvent(null, id, id, connection(1), "admin", name, new BsonDocument(), 5));
        }

        assertThat(monitor.listenerFailures()).isZero();
        assertThat(monitor.inFlight()).isZero();
    }

    @Test
    void aRecorderThatThrowsNeverReachesTheDriver() {
        Clock broken = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                throw new IllegalStateException("clock is broken");
            }
        };
        RedTeamMongo mongo = open(new RedTeamMongo(
                s -> s.slowQueryThreshold(Duration.ofMillis(1)),
                sink -> Recorder.custom().sink(sink).clock(broken).build()));
        mongo.backend.latencyMillis.put("orders", 20L);
        MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);

        assertThatCode(() -> {
                    orders.insertOne(new Document("a", 1));
                    orders.find(Filters.eq("a", 1)).first();
                })
                .doesNotThrowAnyException();
        assertThat(mongo.client.monitor().totals().roundTrips()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aSlowQueryRecordShowsTheShapeButNeverTheValues() {
        RedTeamMongo mongo = open(new RedTeamMongo(s -> s.slowQueryThreshold(Duration.ofMillis(20))));
        mongo.backend.latencyMillis.put("users", 60L);
        MongoCollection<Document> users = mongo.client.collection("users", Document.class);

        users.find(Filters.and(
                        Filters.eq("email", "victim.private@example.com"),
                        Filters.in("pin", "4711-SECRET", "0815-SECRET"),
                        Filters.regex("name", "^Jane-SECRET")))
                .first();

        assertThat(mongo.client.monitor().totals().slowCommands()).isGreaterThanOrEqualTo(1);
        String text = mongo.allRecordsText();
        assertThat(text).contains("email").contains("pin");
        assertThat(text).doesNotContain("victim.private").doesNotContain("SECRET");
    }

    @Test
    void aSlowUpdateOrAggregateNeverShowsItsValuesEither() {
        RedTeamMongo mongo = open(new RedTeamMongo(s -> s.slowQueryThreshold(Duration.ofMillis(20))));
        mongo.backend.latencyMillis.put("users", 60L);
        MongoCollection<Document> users = mongo.client.collection("users", Document.class);

        users.insertOne(new Document("email", "insert-SECRET@example.com").append("password", "hunter2-SECRET"));
        users.updateOne(
                Filters.eq("email", "upd-SECRET@example.com"),
                new Document("$set", new Document("password", "new-SECRET")));
        users.aggregate(List.of(new Document("$match", new Document("email", "agg-SECRET@example.com"))))
                .into(new ArrayList<>());
        users.deleteMany(Filters.eq("email", "del-SECRET@example.com"));

        assertThat(mongo.client.monitor().totals().slowCommands()).isGreaterThanOrEqualTo(4);
        assertThat(mongo.allRecordsText()).doesNotContain("SECRET");
    }

    @Test
    void writeErrorsInsideASucceededReplyAreCountedAndRecordedWithoutTheDuplicateValue() {
        RedTeamMongo mongo = open(new RedTeamMongo());
        MongoCollection<Document> users = mongo.client.collection("users", Document.class);
        users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        users.insertOne(new Document("email", "dup.private@example.com"));

        assertThatThrownBy(() -> users.insertMany(
                        List.of(
                                new Document("email", "dup.private@example.com"),
                                new Document("email", "fresh@example.com")),
                        new InsertManyOptions().ordered(false)))
                .isInstanceOf(MongoBulkWriteException.class);

        assertThat(mongo.client.monitor().totals().writeErrors()).isGreaterThanOrEqualTo(1);
        assertThat(mongo.sink.records()).isNotEmpty();
        assertThat(mongo.allRecordsText()).doesNotContain("dup.private");
    }

    static Object attr(LogRecord record, String name) {
        return record.attributes().get(name);
    }

    static LogRecord completion(InMemorySink sink, String name) {
        List<LogRecord> records = sink.records(r -> r.name().equals(name) && !r.isStart());
        assertThat(records).as("completion of %s", name).hasSize(1);
        return records.get(0);
    }

    @Test
    void anAttributedOperationsRecordCarriesItsRoundTripsWhetherItSucceedsOrFails() {
        RedTeamMongo mongo = open(new RedTeamMongo());
        MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
        orders.insertMany(
                IntStream.range(0, 5).mapToObj(i -> new Document("i", i)).toList());
        CommandMonitor monitor = mongo.client.monitor();
        Recorder recorder = Recorder.of(mongo.sink);

        recorder.call("ok.op", monitor.attributed(op -> {
            for (int i = 0; i < 3; i++) {
                orders.find(Filters.eq("i", i)).first();
            }
            return null;
        }));
        assertThatThrownBy(() -> recorder.call("failing.op", monitor.attributed(op -> {
                    orders.find(Filters.eq("i", 1)).first();
                    orders.find(Filters.eq("i", 2)).first();
                    throw new IllegalStateException("boom");
                })))
                .hasMessage("boom");

        assertThat(String.valueOf(attr(completion(mongo.sink, "ok.op"), "db.roundTrips")))
                .isEqualTo("3");
        assertThat(String.valueOf(attr(completion(mongo.sink, "ok.op"), "db.documents")))
                .isEqualTo("3");
        assertThat(String.valueOf(attr(completion(mongo.sink, "failing.op"), "db.roundTrips")))
                .isEqualTo("2");
    }

    @Test
    void aCommandCountsOnceTowardTheInnermostAttributedOperation() {
        RedTeamMongo mongo = open(new RedTeamMongo());
        MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
        CommandMonitor monitor = mongo.client.monitor();
        Recorder recorder = Recorder.of(mongo.sink);

        recorder.run("outer", monitor.attributedAction(outer -> {
            orders.find().first();
            recorder.run("inner", monitor.attributedAction(inner -> {
                orders.find().first();
                orders.find().first();
            }));
            recorder.run("plain", op -> orders.find().first()); // not attributed: counts toward outer
        }));

        assertThat(String.valueOf(attr(completion(mongo.sink, "outer"), "db.roundTrips")))
                .isEqualTo("2");
        assertThat(String.valueOf(attr(completion(mongo.sink, "inner"), "db.roundTrips")))
                .isEqualTo("2");
    }

    @Test
    void workHandedToAnotherThreadThroughContextExecutorsIsAttributed() throws Exception {
        RedTeamMongo mongo = open(new RedTeamMongo());
        MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
        CommandMonitor monitor = mongo.client.monitor();
        Recorder recorder = Recorder.of(mongo.sink);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            recorder.run("fanout", monitor.attributedAction(op -> {
                List<Future<?>> tasks = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    tasks.add(pool.submit(ContextExecutors.wrap(() -> {
                        orders.find().first();
                    })));
                }
                for (Future<?> task : tasks) {
                    task.get(10, TimeUnit.SECONDS);
                }
            }));
        } finally {
            pool.shutdownNow();
        }

        assertThat(String.valueOf(attr(completion(mongo.sink, "fanout"), "db.roundTrips")))
                .isEqualTo("4");
    }

    @Test
    void concurrentOperationsOnManyThreadsEachCountOnlyTheirOwnCommands() throws Exception {
        RedTeamMongo mongo = open(new RedTeamMongo());
        MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
        CommandMonitor monitor = mongo.client.monitor();
        Recorder recorder = Recorder.of(mongo.sink);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 1; t <= 8; t++) {
                int count = t;
                tasks.add(pool.submit(() -> {
                    try (Scope ignored = CallContext.newRequest().activate()) {
                        recorder.run("op." + count, monitor.attributedAction(op -> {
                            for (int i = 0; i < count; i++) {
                                orders.find().first();
                            }
                        }));
                    }
                }));
            }
            for (Future<?> task : tasks) {
                task.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        for (int t = 1; t <= 8; t++) {
            assertThat(String.valueOf(attr(completion(mongo.sink, "op." + t), "db.roundTrips")))
                    .as("op.%d", t)
                    .isEqualTo(String.valueOf(t));
        }
    }

    @Test
    void currentIsZeroOutsideAnyAttributedOperationAndGrowsInside() {
        RedTeamMongo mongo = open(new RedTeamMongo());
        MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
        CommandMonitor monitor = mongo.client.monitor();

        orders.find().first();
        assertThat(monitor.current()).isEqualTo(QueryStats.ZERO);

        long inside = Recorder.of(mongo.sink).call("op", monitor.attributed(op -> {
            orders.find().first();
            orders.find().first();
            return monitor.current().roundTrips();
        }));
        assertThat(inside).isEqualTo(2);
    }

    @Test
    void configureCannotUnregisterTheMonitor() {
        RedTeamMongo base = open(new RedTeamMongo());
        try (var client = dev.corekit.query.QueryClient.custom()
                .settings(base.client.settings())
                .recorder(Recorder.of(base.sink))
                .configure(b -> b.commandListenerList(List.of()))
                .build()) {
            client.collection("orders", Document.class).find().first();

            assertThat(client.monitor().totals().roundTrips()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void theDefaultsAreMajorityWritesWithATimeoutAndUriOptionsWin() {
        RedTeamMongo mongo = open(new RedTeamMongo());
        assertThat(mongo.client.database().getWriteConcern().getWString()).isEqualTo("majority");
        assertThat(mongo.client.database().getWriteConcern().getWTimeout(TimeUnit.MILLISECONDS))
                .isEqualTo(mongo.client.settings().writeConcernTimeout().toMillis());

        try (var client = dev.corekit.query.QueryClient.custom()
                .settings(QuerySettings.custom(Config.defaultsOnly())
                        .mongodbUri(mongo.uri + "?w=1")
                        .build())
                .recorder(Recorder.of(mongo.sink))
                .build()) {
            assertThat(client.database().getWriteConcern().getW()).isEqualTo(1);
        }
    }

    @Test
    void totalsAreConsistentUnderConcurrentLoad() throws Exception {
        RedTeamMongo mongo = open(new RedTeamMongo());
        MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                tasks.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        orders.find().first();
                    }
                }));
            }
            for (Future<?> task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(mongo.client.monitor().totals().roundTrips())
                .isEqualTo(mongo.sent.stream()
                        .filter(e -> !Map.of("hello", 1, "isMaster", 1, "ismaster", 1)
                                .containsKey(e.name()))
                        .count());
        assertThat(mongo.client.monitor().inFlight()).isZero();
        assertThat(mongo.client.monitor().listenerFailures()).isZero();
    }
}
