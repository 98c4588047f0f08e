package dev.corekit.logging.mongo.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Red team: the process-wide sink of {@code LoggingRuntime}, in child JVMs configured like a service would be. */
class RuntimeRedTeamTest {
    static final String PASSWORD = "Pa55w0rdNeverShown";

    @TempDir
    Path temp;

    static List<String> jvm(String uri, Path spill, String... more) {
        List<String> args = new java.util.ArrayList<>();
        if (uri != null) {
            args.add("-Dcorekit.logging.mongodb-uri=" + uri);
        }
        args.add("-Dcorekit.logging.spill-directory=" + spill);
        args.addAll(List.of(more));
        return args;
    }

    // Doc (MongoSink): "No re-entry: a Logback appender feeding this sink must skip the driver's own events (logger
    // names starting with org.mongodb.driver) and every event logged on the writer thread (isWriterThread()), so an
    // unreachable database cannot loop through its own logs. Corekit's CorekitAppender does both."
    // Doc (LoggingRuntime.mongoSink): "Operation records and (through the Logback appender) log events share it."
    @RepeatedTest(3)
    void theDriversAndTheWritersOwnLogsNeverReachTheCollectionThroughTheAppender() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            String uri = rig.uri() + "/?serverSelectionTimeoutMS=300&connectTimeoutMS=300";
            try (Child child = Child.start(
                    temp, jvm(uri, rig.spill, "-Dcorekit.logging.persist-level=TRACE"), RuntimeChild.class, "outage")) {
                child.awaitLine("RT:LOGGED");
                rig.startServer();
                child.send("go");
                assertThat(child.awaitExit()).as(child.output()).isZero();
                String output = child.output();
                assertThat(output).as("the driver did log about the outage").contains("org.mongodb.driver");
                Map<String, BsonDocument> stored = rig.stored();
                long app = stored.values().stream()
                        .filter(d -> d.getString("name").getValue().equals("rt.app"))
                        .count();
                assertThat(app).as(output).isEqualTo(40);
                assertThat(stored.values())
                        .as("documents of the driver, of the sink's logger or of its writer thread")
                        .noneMatch(d -> d.getString("name").getValue().startsWith("org.mongodb.driver")
                                || d.getString("name").getValue().startsWith("dev.corekit.logging.mongo")
                                || (d.containsKey("thread")
                                        && d.getString("thread").getValue().startsWith("corekit-mongo-sink")));
                assertThat(stored.values())
                        .anyMatch(d -> d.getString("name").getValue().equals("rt.child.op"));
            }
        }
    }

    // README: "Secrets (passwords, tokens, credentials in URIs) are Secret values: masked in toString(), logs and
    // errors". Doc (LoggingRuntime.mongoSink): "started on first use when COREKIT_LOGGING_MONGODB_URI is set".
    @Test
    void aServiceWithCredentialsInItsUriNeverPrintsThePassword() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            String uri = "mongodb://rt:" + PASSWORD + "@127.0.0.1:" + rig.port
                    + "/?serverSelectionTimeoutMS=300&connectTimeoutMS=300&appName=" + PASSWORD;
            try (Child child = Child.start(temp, jvm(uri, rig.spill), RuntimeChild.class, "probe")) {
                child.awaitLine("RT:DONE");
                child.awaitExit();
                String output = child.output();
                assertThat(output).contains("RT:PROBE present=true");
                assertThat(output).doesNotContain(PASSWORD);
            }
        }
    }

    // Doc (LoggingRuntime.mongoSink): "Throws InvalidSettingException - when a setting is invalid". README: "A bad
    // value fails fast and names the key [...]"; secrets masked "even in a URI that cannot be parsed".
    @Test
    void aBadUriInTheEnvironmentFailsNamingTheSettingAndNeverPrintsThePassword() throws Exception {
        try (Child child = Child.start(
                temp,
                jvm("mongodb://rt:" + PASSWORD + "@127.0.0.1:99999/?x=" + PASSWORD, temp),
                RuntimeChild.class,
                "probe")) {
            child.awaitLine("RT:DONE");
            child.awaitExit();
            String output = child.output();
            assertThat(output).contains("RT:FAILED").contains("corekit.logging.mongodb-uri");
            assertThat(output).doesNotContain(PASSWORD);
        }
    }

    // Doc (LoggingRuntime.mongoSink): "Throws InvalidSettingException - when a setting is invalid".
    @Test
    void aBadSizeFailsTheProcessWideSinkNamingTheSetting() throws Exception {
        try (Child child = Child.start(
                temp,
                jvm("mongodb://127.0.0.1:1", temp, "-Dcorekit.logging.queue-capacity=lots"),
                RuntimeChild.class,
                "probe")) {
            child.awaitLine("RT:DONE");
            child.awaitExit();
            assertThat(child.output())
                    .contains("RT:FAILED")
                    .contains("InvalidSettingException")
                    .contains("corekit.logging.queue-capacity");
        }
    }

    // Doc (LoggingRuntime.mongoSink): "empty otherwise".
    @Test
    void withoutAUriThereIsNoProcessWideSink() throws Exception {
        try (Child child = Child.start(temp, jvm(null, temp), RuntimeChild.class, "probe")) {
            child.awaitLine("RT:DONE");
            child.awaitExit();
            assertThat(child.output()).contains("RT:PROBE present=false").doesNotContain("RT:FAILED");
        }
    }
}
