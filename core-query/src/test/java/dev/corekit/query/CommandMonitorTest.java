package dev.corekit.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.connection.ClusterId;
import com.mongodb.connection.ConnectionDescription;
import com.mongodb.connection.ConnectionId;
import com.mongodb.connection.ServerId;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.LogRecord;
import dev.corekit.query.internal.Monitor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The command monitor on a real driver against the in-process server; latency and write concern errors scripted. */
class CommandMonitorTest {
    TestMongo mongo = new TestMongo(settings -> settings.slowQueryThreshold(Duration.ofMillis(25)));
    MongoCollection<Document> users = mongo.client.collection("users", Document.class);

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void everyCommandOfAnOperationIsCountedOnItsCompletionRecord() {
        users.insertMany(List.of(new Document("_id", 1), new Document("_id", 2), new Document("_id", 3)));

        int found = mongo.recorder.call("users.list", mongo.client.monitor().attributed(op -> {
            int n = 0;
            for (int i = 0; i < 3; i++) {
                n += users.find().into(new ArrayList<>()).size();
            }
            return n;
        }));

        assertThat(found).isEqualTo(9);
        LogRecord completion = completion("users.list");
        assertThat(completion.attributes())
                .containsEntry("db.roundTrips", 3L)
                .containsEntry("db.documents", 9L)
                .containsKey("db.timeMs")
                .doesNotContainKeys("db.failures", "db.slow", "db.writeErrors");
    }

    @Test
    void aFailedOperationStillGetsItsNumbers() {
        assertThatThrownBy(() -> mongo.recorder.run(
                        "users.broken", mongo.client.monitor().attributedAction(op -> {
                            users.find().first();
                            mongo.client.database().runCommand(new Document("noSuchCommand", 1));
                        })))
                .isInstanceOf(MongoCommandException.class);

        LogRecord completion = completion("users.broken");
        assertThat(completion.status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(completion.attributes()).containsEntry("db.roundTrips", 2L).containsEntry("db.failures", 1L);
    }

    @Test
    void aNestedAttributedOperationClaimsItsOwnCommandsAndTheRootTakesTheUnclaimedRest() {
        CommandMonitor monitor = mongo.client.monitor();

        mongo.recorder.run("request", monitor.attributedAction(root -> {
            users.find().first(); // the root's own
            mongo.recorder.run("nested.attributed", monitor.attributedAction(nested -> {
                users.find().first();
                users.find().first();
            }));
            mongo.recorder.run("nested.plain", plain -> users.find().first()); // unclaimed: goes to the root
        }));

        assertThat(completion("nested.attributed").attributes()).containsEntry("db.roundTrips", 2L);
        assertThat(completion("nested.plain").attributes()).doesNotContainKey("db.roundTrips");
        assertThat(completion("request").attributes()).containsEntry("db.roundTrips", 2L);
    }

    @Test
    void commandsSentFromAnotherThreadThroughContextExecutorsCountForTheOperation() throws Exception {
        ExecutorService pool = ContextExecutors.newFixedThreadPool("query-test", 2);
        try {
            mongo.recorder.run("fan-out", mongo.client.monitor().attributedAction(op -> {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    futures.add(pool.submit(() -> users.find().first()));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
                assertThat(mongo.client.monitor().current().roundTrips()).isEqualTo(4);
            }));
        } finally {
            pool.shutdown();
        }

        assertThat(completion("fan-out").attributes()).containsEntry("db.roundTrips", 4L);
    }

    @Test
    void aSlowQueryIsRecordedWithItsRedactedShapeInItsOperationsContext() {
        mongo.backend.latency("users", 40);
        users.insertOne(new Document("email", "ada@example.com").append("age", 40_000));
        mongo.sink.clear();

        String operationId = mongo.recorder.call("users.search", op -> {
            users.find(Filters.and(Filters.eq("email", "ada@example.com"), Filters.gt("age", 31_337)))
                    .sort(Sorts.descending("age"))
                    .first();
            return op.id();
        });

        List<LogRecord> slow = mongo.records(Monitor.SLOW_EVENT);
        assertThat(slow).hasSize(1);
        LogRecord record = slow.get(0);
        assertThat(record.context().parentOperationId()).isEqualTo(operationId);
        assertThat(record.attributes())
                .containsEntry("command", "find")
                .containsEntry("namespace", "shop.users")
                .containsEntry("shape", "filter {$and: [{email: ?}, {age: {$gt: ?}}]} sort {age: -1}")
                .containsEntry("outcome", "succeeded")
                .containsEntry("documents", 1);
        assertThat((Long) record.attributes().get("durationMs")).isGreaterThanOrEqualTo(25L);
        assertThat(record.toString()).doesNotContain("ada@example.com").doesNotContain("31337");
        assertThat(mongo.client.monitor().totals().slowCommands())
                .as("the insert before it was slow too")
                .isEqualTo(2);
    }

    @Test
    void aQueryUnderTheThresholdWritesNoRecord() {
        try (TestMongo patient = new TestMongo(settings -> settings.slowQueryThreshold(Duration.ofMinutes(10)))) {
            patient.client
                    .collection("users", Document.class)
                    .find(Filters.eq("email", "x"))
                    .first();

            assertThat(patient.records(Monitor.SLOW_EVENT)).isEmpty();
            assertThat(patient.client.monitor().totals().roundTrips()).isEqualTo(1);
            assertThat(patient.client.monitor().totals().slowCommands()).isZero();
        }
    }

    @Test
    void writeErrorsInsideASuccessfulReplyAreReportedWithoutTheDuplicateValue() {
        users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        users.insertOne(new Document("email", "ada@example.com"));

        assertThatThrownBy(() -> users.insertMany(
                        List.of(new Document("email", "ada@example.com"), new Document("email", "bob@example.com")),
                        new InsertManyOptions().ordered(false)))
                .isInstanceOf(MongoBulkWriteException.class);

        List<LogRecord> problems = mongo.records(Monitor.WRITE_PROBLEM_EVENT);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).attributes())
                .containsEntry("command", "insert")
                .containsEntry("namespace", "shop.users")
                .containsEntry("writeErrors", 1)
                .containsEntry("codes", List.of(11000));
        assertThat(problems.get(0).attributes().get("firstError").toString()).contains("E11000");
        assertThat(problems.get(0).toString()).doesNotContain("ada@example.com");
        assertThat(users.countDocuments()).as("the other document was written").isEqualTo(2);
        assertThat(mongo.client.monitor().totals().writeErrors()).isEqualTo(1);
    }

    @Test
    void aWriteConcernErrorInsideASuccessfulReplyIsReported() {
        mongo.backend.writeConcernError(64, "WriteConcernFailed", "waiting for replication timed out");

        String operationId =
                mongo.recorder.call("users.create", mongo.client.monitor().attributed(op -> {
                    assertThatThrownBy(() -> users.insertOne(new Document("email", "ada@example.com")))
                            .isInstanceOf(MongoWriteConcernException.class);
                    return op.id();
                }));

        List<LogRecord> problems = mongo.records(Monitor.WRITE_PROBLEM_EVENT);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).context().parentOperationId()).isEqualTo(operationId);
        assertThat(problems.get(0).attributes())
                .containsEntry("writeErrors", 0)
                .containsEntry("writeConcernErrorCode", 64)
                .containsEntry("writeConcernErrorName", "WriteConcernFailed");
        assertThat(completion("users.create").attributes()).containsEntry("db.writeErrors", 1L);
    }

    @Test
    void aSensitiveCommandArrivesEmptyAndIsShownAsSensitive() {
        mongo.backend.latency("createUser", 40);

        assertThatThrownBy(() -> mongo.client
                        .database()
                        .runCommand(new Document("createUser", "app")
                                .append("pwd", "hunter2-password")
                                .append("roles", List.of())))
                .isInstanceOf(MongoCommandException.class);

        List<LogRecord> slow = mongo.records(Monitor.SLOW_EVENT);
        assertThat(slow).hasSize(1);
        assertThat(slow.get(0).attributes())
                .containsEntry("command", "createUser")
                .containsEntry("shape", "(sensitive command: not shown)")
                .containsEntry("outcome", "failed");
        assertThat(slow.get(0).toString()).doesNotContain("hunter2");
        assertThat(mongo.client.monitor().listenerFailures()).isZero();
    }

    @Test
    void theListenerNeverThrowsIntoTheDriverWhateverItIsHanded() {
        CommandListener listener = mongo.client.monitor().listener();
        BsonDocument odd = new BsonDocument("find", new BsonInt32(7))
                .append("filter", new BsonString("not a document"))
                .append("sort", new BsonInt32(1));
        BsonDocument hostileReply = new BsonDocument() {
            private static final long serialVersionUID = 1L;

            @Override
            public boolean containsKey(Object key) {
                throw new IllegalStateException("a reply that cannot be read");
            }

            @Override
            public org.bson.BsonValue get(Object key) {
                throw new IllegalStateException("a reply that cannot be read");
            }

            @Override
            public org.bson.BsonReader asBsonReader() {
                throw new IllegalStateException("a reply that cannot be read");
            }
        };

        assertThatCode(() -> {
                    listener.commandStarted(started(1, odd));
                    listener.commandSucceeded(succeeded(1, new BsonDocument("cursor", new BsonInt32(3))));
                    listener.commandStarted(started(2, new BsonDocument()));
                    listener.commandSucceeded(succeeded(2, hostileReply));
                    listener.commandSucceeded(succeeded(99, new BsonDocument())); // never started
                })
                .doesNotThrowAnyException();

        assertThat(mongo.client.monitor().listenerFailures()).isEqualTo(1);
        assertThat(mongo.client.monitor().totals().roundTrips()).isEqualTo(2);
    }

    @Test
    void defaultsAreClusterReadyAndTheConnectionStringWinsOverThem() {
        var defaults = mongo.client.clientSettings();
        assertThat(defaults.getWriteConcern().getWString()).isEqualTo("majority");
        assertThat(defaults.getWriteConcern().getWTimeout(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(10);
        assertThat(defaults.getRetryWrites()).isTrue();
        assertThat(defaults.getRetryReads()).isTrue();
        assertThat(defaults.getSocketSettings().getConnectTimeout(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(5);
        assertThat(defaults.getSocketSettings().getReadTimeout(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(60);
        assertThat(defaults.getClusterSettings().getServerSelectionTimeout(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(10);
        assertThat(defaults.getCommandListeners())
                .contains(mongo.client.monitor().listener());

        try (QueryClient explicit = QueryClient.custom()
                .settings(QuerySettings.custom(dev.corekit.config.Config.defaultsOnly())
                        .mongodbUri(mongo.uri + "?w=1&retryWrites=false")
                        .build())
                .recorder(mongo.recorder)
                .configure(builder -> builder.commandListenerList(List.of()))
                .build()) {
            assertThat(explicit.clientSettings().getWriteConcern().getW()).isEqualTo(1);
            assertThat(explicit.clientSettings().getRetryWrites()).isFalse();
            assertThat(explicit.clientSettings().getCommandListeners())
                    .as("configure cannot unregister the monitor")
                    .containsExactly(explicit.monitor().listener());
        }
    }

    @Test
    void noUriIsAClearError() {
        assertThatThrownBy(() -> QueryClient.of(QuerySettings.ofDefaults()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("COREKIT_QUERY_MONGODB_URI");
    }

    @Test
    void theClientNeverShowsCredentials() {
        try (QueryClient withPassword = QueryClient.custom()
                .settings(QuerySettings.custom(dev.corekit.config.Config.defaultsOnly())
                        .mongodbUri("mongodb://app:s3cr3t-pass@" + mongo.uri.substring("mongodb://".length()))
                        .build())
                .recorder(mongo.recorder)
                .build()) {
            assertThat(withPassword.toString()).doesNotContain("s3cr3t").contains("/shop");
            assertThat(withPassword.settings().toString()).doesNotContain("s3cr3t");
        }
    }

    @Test
    void commandsOutsideAnyOperationCountOnlyInTheTotals() {
        users.find().first();

        assertThat(mongo.client.monitor().current()).isEqualTo(QueryStats.ZERO);
        assertThat(mongo.client.monitor().totals().roundTrips()).isEqualTo(1);
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    private LogRecord completion(String name) {
        return mongo.sink
                .records(record -> record.name().equals(name) && !record.isStart())
                .get(0);
    }

    static final ConnectionDescription CONNECTION = new ConnectionDescription(
            new ConnectionId(new ServerId(new ClusterId(), new ServerAddress("localhost", 1)), 42L, 7L),
            17,
            com.mongodb.connection.ServerType.STANDALONE,
            1000,
            16 * 1024 * 1024,
            48 * 1024 * 1024,
            List.of());

    static CommandStartedEvent started(int requestId, BsonDocument command) {
        String name = command.isEmpty() ? "saslStart" : command.getFirstKey();
        return new CommandStartedEvent(null, 1L, requestId, CONNECTION, "shop", name, command);
    }

    static CommandSucceededEvent succeeded(int requestId, BsonDocument reply) {
        return new CommandSucceededEvent(null, 1L, requestId, CONNECTION, "find", "shop", reply, 1_000L);
    }
}
