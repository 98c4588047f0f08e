package dev.corekit.logging.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import dev.corekit.logging.ErrorInfo;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.logging.mongo.internal.RecordDocuments;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The stored documents, read back through the driver: absent values are left out (never {@code null}), and attribute
 * keys MongoDB would refuse or misread ({@code .}, {@code $}, NUL) are made storable instead of failing the record.
 */
class MongoSinkDocumentsTest extends MongoSinkFixture {

    BsonDocument stored(String id) {
        return client.getDatabase(MongoSinkSettings.DEFAULT_MONGODB_DATABASE)
                .getCollection(MongoSinkSettings.DEFAULT_MONGODB_COLLECTION, BsonDocument.class)
                .find(Filters.eq("_id", id))
                .first();
    }

    /** Every path in {@code value} that holds a BSON null. */
    static List<String> nullPaths(String path, BsonValue value) {
        List<String> found = new ArrayList<>();
        if (value.isNull()) {
            found.add(path);
        } else if (value.isDocument()) {
            for (Map.Entry<String, BsonValue> entry : value.asDocument().entrySet()) {
                found.addAll(nullPaths(path + "." + entry.getKey(), entry.getValue()));
            }
        } else if (value.isArray()) {
            BsonArray array = value.asArray();
            for (int i = 0; i < array.size(); i++) {
                found.addAll(nullPaths(path + "[" + i + "]", array.get(i)));
            }
        }
        return found;
    }

    @Test
    void anErrorWithoutMessageOrCodeStoresNeitherAndNoFieldAnywhereIsNull() throws Exception {
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(5)));
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("present", 1);
        attributes.put("absent", null);
        attributes.put(null, "null key");
        attributes.put("list", Arrays.asList("a", null));
        Map<String, Object> nested = new HashMap<>();
        nested.put("inner", null);
        attributes.put("nested", nested);
        ErrorInfo error = new ErrorInfo(
                "com.example.Failure",
                null,
                null,
                false,
                List.of(new ErrorInfo.Cause("java.io.IOException", null)),
                List.of(),
                "0123456789abcdef");
        LogRecord failed = new LogRecord(
                "failed-op",
                LogRecord.Kind.OPERATION,
                Level.ERROR,
                "job",
                LogRecord.Status.FAILED,
                null,
                Instant.now(),
                Instant.now(),
                new LogRecord.RecordContext(null, null, null, null, null, null, null),
                attributes,
                List.of(new LogRecord.Stage(null, Instant.now(), null)),
                error,
                null);
        sink.accept(failed);
        // The same through a Recorder: an exception with no message and no code.
        try {
            Recorder.of(sink).run("no-message", op -> {
                throw new IllegalStateException();
            });
        } catch (IllegalStateException expected) {
            // recorded as FAILED
        }
        sink.flush();

        BsonDocument doc = stored("failed-op");
        assertThat(nullPaths("", doc)).as("null fields in %s", doc.toJson()).isEmpty();
        BsonDocument storedError = doc.getDocument("error");
        assertThat(storedError.keySet())
                .as("message and code absent, not null")
                .doesNotContain("message", "code")
                .contains("type", "retryable", "fingerprint", "causes");
        assertThat(storedError.getArray("causes").get(0).asDocument().keySet()).containsExactly("type");
        assertThat(doc.keySet())
                .doesNotContain(
                        "message",
                        "requestId",
                        "traceId",
                        "spanId",
                        "parentSpanId",
                        "parentOperationId",
                        "caller",
                        "tenant",
                        "thread");
        BsonDocument storedAttributes = doc.getDocument("attributes");
        assertThat(storedAttributes.getString("absent").getValue()).isEqualTo(LogRecord.NULL_MARKER);
        assertThat(storedAttributes.getString(LogRecord.NULL_MARKER).getValue()).isEqualTo("null key");
        assertThat(storedAttributes.getArray("list").get(1).asString().getValue())
                .isEqualTo(LogRecord.NULL_MARKER);

        Document fromRecorder =
                collection().find(Filters.eq("name", "no-message")).first();
        assertThat(fromRecorder.get("error", Document.class)).doesNotContainKeys("message", "code");
        BsonDocument rawFromRecorder = stored(fromRecorder.getString("_id"));
        assertThat(nullPaths("", rawFromRecorder)).isEmpty();
    }

    @Test
    void eventsAndStartedRecordsLeaveOutWhatTheyDoNotHave() throws Exception {
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(5)));
        sink.accept(new LogRecord(
                "bare-event",
                LogRecord.Kind.EVENT,
                Level.INFO,
                "logger",
                null,
                null,
                Instant.now(),
                null,
                null,
                null,
                null,
                null,
                null));
        sink.accept(operation("started-only", LogRecord.Status.STARTED, Instant.now(), Map.of()));
        sink.flush();

        assertThat(stored("bare-event").keySet()).containsExactly("_id", "kind", "level", "name", "startedAt");
        assertThat(stored("started-only").keySet())
                .containsExactlyInAnyOrder("_id", "kind", "level", "name", "status", "startedAt", "thread");
    }

    @Test
    void nulDotAndDollarInAttributeKeysAreReplacedAndTheRecordIsStoredThroughTheDriver() throws Exception {
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(5)));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("in\0ner", "n");
        nested.put("$where", "w");
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("a\0b", 1);
        attributes.put("\0", 2);
        attributes.put("x.y", 3);
        attributes.put("nested", nested);
        attributes.put("list", List.of(Map.of("k\0", "v")));
        LogRecord record = new LogRecord(
                "nul-keys",
                LogRecord.Kind.OPERATION,
                Level.INFO,
                "job",
                LogRecord.Status.SUCCEEDED,
                null,
                Instant.now(),
                Instant.now(),
                null,
                attributes,
                List.of(new LogRecord.Stage("staged", Instant.now(), Map.of("s\0t", true))),
                null,
                "t");
        sink.accept(record);
        // Through the Recorder as well: Operation.attr with a NUL in the key.
        Recorder.of(sink).run("nul-attr", op -> op.attr("user\0id", 42));
        sink.flush();

        MongoSink.Stats stats = sink.stats();
        assertThat(stats.rejected()).as("the driver refused nothing").isZero();
        assertThat(stats.written()).isEqualTo(3); // nul-keys, and nul-attr's STARTED + completion
        Document stored = collection().find(Filters.eq("_id", "nul-keys")).first();
        Document storedAttributes = stored.get("attributes", Document.class);
        assertThat(storedAttributes.keySet()).containsExactly("a_b", "_", "x_y", "nested", "list");
        assertThat(storedAttributes.get("nested", Document.class).keySet()).containsExactly("in_ner", "_where");
        assertThat(storedAttributes.getList("list", Document.class).get(0).keySet())
                .containsExactly("k_");
        assertThat(stored.getList("stages", Document.class)
                        .get(0)
                        .get("attributes", Document.class)
                        .keySet())
                .containsExactly("s_t");
        assertThat(collection().find(Filters.eq("name", "nul-attr")).first().get("attributes", Document.class))
                .containsEntry("user_id", 42);

        // The spill path keeps them storable too: the line a full queue would write, parsed back for replay.
        Document replayed = RecordDocuments.fromJson(RecordDocuments.toJson(RecordDocuments.toDocument(record)));
        assertThat(replayed.get("attributes", Document.class).keySet())
                .containsExactly("a_b", "_", "x_y", "nested", "list");
    }
}
