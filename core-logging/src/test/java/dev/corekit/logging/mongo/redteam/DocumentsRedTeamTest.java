package dev.corekit.logging.mongo.redteam;

import static dev.corekit.logging.mongo.redteam.MongoRig.event;
import static dev.corekit.logging.mongo.redteam.MongoRig.gap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.corekit.logging.ErrorInfo;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.mongo.MongoSink;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** Red team: the stored document's schema, sanitizing, and records no document can hold as they are. */
class DocumentsRedTeamTest {
    @TempDir
    Path temp;

    static void assertNoNullAnywhere(String path, BsonValue value) {
        assertThat(value.getBsonType()).as("%s is null", path).isNotEqualTo(BsonType.NULL);
        if (value.isDocument()) {
            for (Map.Entry<String, BsonValue> e : value.asDocument().entrySet()) {
                assertNoNullAnywhere(path + "." + e.getKey(), e.getValue());
            }
        } else if (value.isArray()) {
            BsonArray array = value.asArray();
            for (int i = 0; i < array.size(); i++) {
                assertNoNullAnywhere(path + "[" + i + "]", array.get(i));
            }
        }
    }

    static void assertNoBadKeys(String path, BsonValue value) {
        if (value.isDocument()) {
            for (Map.Entry<String, BsonValue> e : value.asDocument().entrySet()) {
                assertThat(e.getKey())
                        .as("key at %s", path)
                        .doesNotContain(".")
                        .doesNotContain("\u0000")
                        .doesNotStartWith("$");
                assertNoBadKeys(path + "." + e.getKey(), e.getValue());
            }
        } else if (value.isArray()) {
            for (BsonValue item : value.asArray()) {
                assertNoBadKeys(path + "[]", item);
            }
        }
    }

    // Doc (Schema): the field list and types; "Absent values are left out rather than stored as null."
    // "fingerprint: 16 hex", "retryable: Boolean", "durationMicros?: Int64", "startedAt: Date".
    @Test
    void aFailedOperationIsStoredWithTheDocumentedFieldsAndTypesAndNoNulls() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink = rig.start(rig.settings().build());
            Instant t0 = Instant.parse("2024-03-04T05:06:07.123456Z");
            Exception failure = new IllegalStateException("outer", new java.io.IOException("inner"));
            LogRecord record = new LogRecord(
                    "schema-op",
                    LogRecord.Kind.OPERATION,
                    Level.ERROR,
                    "orders.create",
                    LogRecord.Status.FAILED,
                    null,
                    t0,
                    t0.plusMillis(12),
                    new LogRecord.RecordContext(
                            "req-1", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", null, null, null, null),
                    Map.of("items", 3),
                    List.of(new LogRecord.Stage("priced", t0.plusMillis(5), Map.of())),
                    ErrorInfo.of(failure),
                    "worker-1");
            sink.accept(record);
            sink.flush();
            BsonDocument doc = rig.stored().get("schema-op");
            assertThat(doc).isNotNull();
            assertNoNullAnywhere("doc", doc);
            assertThat(doc.getString("kind").getValue()).isEqualTo("OPERATION");
            assertThat(doc.getString("level").getValue()).isEqualTo("ERROR");
            assertThat(doc.getString("name").getValue()).isEqualTo("orders.create");
            assertThat(doc.getString("status").getValue()).isEqualTo("FAILED");
            assertThat(doc.get("startedAt").getBsonType()).isEqualTo(BsonType.DATE_TIME);
            assertThat(doc.get("endedAt").getBsonType()).isEqualTo(BsonType.DATE_TIME);
            assertThat(doc.getInt64("durationMicros").getValue()).isEqualTo(12_000);
            assertThat(doc.getString("requestId").getValue()).isEqualTo("req-1");
            assertThat(doc.getString("traceId").getValue()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
            assertThat(doc.getString("spanId").getValue()).isEqualTo("b7ad6b7169203331");
            assertThat(doc.getString("thread").getValue()).isEqualTo("worker-1");
            assertThat(doc.keySet())
                    .doesNotContain("message", "parentSpanId", "parentOperationId", "caller", "tenant", "unreadable");
            BsonDocument stage = doc.getArray("stages").get(0).asDocument();
            assertThat(stage.getString("name").getValue()).isEqualTo("priced");
            assertThat(stage.get("at").getBsonType()).isEqualTo(BsonType.DATE_TIME);
            BsonDocument error = doc.getDocument("error");
            assertThat(error.getString("type").getValue()).isEqualTo("java.lang.IllegalStateException");
            assertThat(error.getString("message").getValue()).isEqualTo("outer");
            assertThat(error.get("retryable").getBsonType()).isEqualTo(BsonType.BOOLEAN);
            assertThat(error.getString("fingerprint").getValue()).matches("[0-9a-f]{16}");
            assertThat(error.getArray("causes")
                            .get(0)
                            .asDocument()
                            .getString("type")
                            .getValue())
                    .isEqualTo("java.io.IOException");
            assertThat(error.getArray("stack")).isNotEmpty().allMatch(BsonValue::isString);
        }
    }

    // Doc (Schema): "an event [...] Absent values are left out rather than stored as null."; "attributes?: { ... }
    // '.', '$' and NUL in keys replaced by '_'; a null value is "(null)"".
    @Test
    void attributeKeysAreSanitizedAtEveryDepthAndNullValuesBecomeTheMarker() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink = rig.start(rig.settings().build());
            Map<String, Object> nested = new HashMap<>();
            nested.put("in.ner", "x");
            nested.put("$set", "y");
            nested.put("nul\u0000key", null);
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("a.b", 1);
            attributes.put("$where", "sleep(1000)");
            attributes.put("x\u0000y", 2);
            attributes.put("nullValue", null);
            attributes.put("nested", nested);
            attributes.put("listOfMaps", List.of(Map.of("deep.key", Map.of("$gt", 1))));
            LogRecord record = new LogRecord(
                    "keys",
                    LogRecord.Kind.EVENT,
                    Level.INFO,
                    "rt.keys",
                    null,
                    null,
                    Instant.now(),
                    null,
                    null,
                    attributes,
                    List.of(new LogRecord.Stage("s", Instant.now(), Map.of("st.age", 1, "$s", 2))),
                    null,
                    null);
            sink.accept(record);
            sink.flush();
            BsonDocument doc = rig.stored().get("keys");
            assertThat(doc).as("stored").isNotNull();
            assertNoNullAnywhere("doc", doc);
            assertNoBadKeys("doc", doc);
            BsonDocument attrs = doc.getDocument("attributes");
            assertThat(attrs.getInt32("a_b").getValue()).isEqualTo(1);
            assertThat(attrs.getString("_where").getValue()).isEqualTo("sleep(1000)");
            assertThat(attrs.getInt32("x_y").getValue()).isEqualTo(2);
            assertThat(attrs.getString("nullValue").getValue()).isEqualTo(LogRecord.NULL_MARKER);
            assertThat(attrs.getDocument("nested").getString("in_ner").getValue())
                    .isEqualTo("x");
            assertThat(attrs.getDocument("nested").getString("_set").getValue()).isEqualTo("y");
            assertThat(attrs.getDocument("nested").getString("nul_key").getValue())
                    .isEqualTo(LogRecord.NULL_MARKER);
            assertThat(doc.keySet()).doesNotContain("message", "status", "endedAt", "durationMicros", "thread");
            BsonDocument stageAttrs = doc.getArray("stages").get(0).asDocument().getDocument("attributes");
            assertThat(stageAttrs.keySet()).containsExactlyInAnyOrder("st_age", "_s");
        }
    }

    static final class Hostile {
        @Override
        public String toString() {
            throw new IllegalStateException("no toString for you");
        }
    }

    /** A map whose iteration fails: a hand-built record nobody can read. */
    static final class Unreadable extends AbstractMap<String, Object> {
        @Override
        public Set<Entry<String, Object>> entrySet() {
            throw new java.util.ConcurrentModificationException("changed under the writer");
        }

        @Override
        public int size() {
            return 1;
        }
    }

    // Doc (MongoSink): "Any record can be stored: a value whose toString() throws is stored as (unprintable: <type>),
    // a null attribute value as (null), and a record whose stages or error cannot even be read keeps its identifying
    // fields plus unreadable. [...] records built by hand might."
    @Test
    void anyHandBuiltRecordCanBeStoredAndNeverStopsTheWriter() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink = rig.start(rig.settings().batchSize(16).build());
            Map<String, Object> hostile = new LinkedHashMap<>();
            hostile.put("bad", new Hostile());
            hostile.put("listWithBad", List.of(1, new Hostile()));
            List<Object> cycle = new ArrayList<>();
            cycle.add("start");
            cycle.add(cycle);
            Map<String, Object> nullKey = new HashMap<>();
            nullKey.put(null, "value of a null key");
            List<LogRecord> records = List.of(
                    event(Level.INFO, "h-unprintable", "m", hostile),
                    event(Level.INFO, "h-cycle", "m", Map.of("cycle", cycle)),
                    event(Level.INFO, "h-nullkey", "m", nullKey),
                    event(Level.INFO, "h-unreadable", "m", new Unreadable()),
                    event(Level.INFO, "h-nested-unreadable", "m", Map.of("inner", new Unreadable())),
                    event(Level.INFO, "h-object", "m", Map.of("when", Instant.EPOCH, "dur", Duration.ofSeconds(3))));
            for (LogRecord record : records) {
                sink.accept(record);
                sink.accept(event(Level.INFO, "mate-of-" + record.id()));
            }
            assertTimeoutPreemptively(Duration.ofSeconds(30), sink::flush);
            Map<String, BsonDocument> stored = rig.stored();
            for (LogRecord record : records) {
                assertThat(stored).as("mate of %s", record.id()).containsKey("mate-of-" + record.id());
                BsonDocument doc = stored.get(record.id());
                assertThat(doc).as("%s is stored", record.id()).isNotNull();
                assertThat(doc.getString("kind").getValue()).isEqualTo("EVENT");
                assertThat(doc.getString("name").getValue()).isEqualTo("rt.events");
                assertNoNullAnywhere(record.id(), doc);
                assertNoBadKeys(record.id(), doc);
            }
            assertThat(stored.get("h-unprintable")
                            .getDocument("attributes")
                            .getString("bad")
                            .getValue())
                    .startsWith("(unprintable: ");
            MongoSink.Stats s = sink.stats();
            assertThat(s.rejected()).isZero();
            assertThat(s.written()).isEqualTo(2L * records.size());
            assertThat(gap(s)).isZero();
            // the writer is alive
            sink.accept(event(Level.INFO, "after-hostile"));
            sink.flush();
            assertThat(rig.stored()).containsKey("after-hostile");
        }
    }

    // Doc (MongoSink): "Any record can be stored" — also numbers no BSON number can hold ("values are strings,
    // numbers, booleans, lists or maps of those", LogRecord).
    @Test
    void numbersBeyondInt64AndDecimal128AreStoredWithoutLosingTheirBatch() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink = rig.start(rig.settings().batchSize(16).build());
            Map<String, Object> numbers = new LinkedHashMap<>();
            numbers.put("bigInteger", new BigInteger("123456789012345678901234567890123456789012345"));
            numbers.put("hugeExponent", new BigDecimal("1E+10000"));
            numbers.put("tinyExponent", new BigDecimal("1E-10000"));
            numbers.put("tooPrecise", new BigDecimal("3.14159265358979323846264338327950288419716939937510"));
            numbers.put("fits", new BigDecimal("12.50"));
            numbers.put("nan", Double.NaN);
            numbers.put("infinity", Float.POSITIVE_INFINITY);
            numbers.put("atomic", new java.util.concurrent.atomic.AtomicLong(5));
            sink.accept(event(Level.INFO, "num-mate-1"));
            sink.accept(event(Level.INFO, "numbers", "m", numbers));
            sink.accept(event(Level.INFO, "num-mate-2"));
            assertTimeoutPreemptively(Duration.ofSeconds(30), sink::flush);
            Map<String, BsonDocument> stored = rig.stored();
            assertThat(stored).containsKeys("num-mate-1", "num-mate-2");
            BsonDocument doc = stored.get("numbers");
            assertThat(doc).as("a record with big numbers is stored").isNotNull();
            BsonDocument attrs = doc.getDocument("attributes");
            assertThat(attrs.keySet()).containsAll(numbers.keySet());
            for (String key : List.of("bigInteger", "hugeExponent", "tinyExponent", "tooPrecise")) {
                BsonValue value = attrs.get(key);
                // Stored without silent loss: exactly as a Decimal128, or as its exact decimal string.
                BigDecimal expected = new BigDecimal(numbers.get(key).toString());
                BigDecimal actual = value.isDecimal128()
                        ? value.asDecimal128().getValue().bigDecimalValue()
                        : new BigDecimal(value.asString().getValue());
                assertThat(actual.compareTo(expected))
                        .as("%s stored as %s", key, value)
                        .isZero();
            }
            assertThat(gap(sink.stats())).isZero();
        }
    }

    // Doc (MongoSink): "Any record can be stored"; Doc (Accounting): "rejected counts records the server refused one
    // by one"; Doc (flush): "acknowledged by MongoDB (or refused by it one by one)". A 16 MiB document is refused
    // alone: its batch-mates are written.
    @Test
    void aRecordTooBigForOneDocumentNeverTakesItsBatchDownAndIsStoredCutOrRefusedAlone() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink = rig.start(rig.settings().batchSize(32).build());
            String twentyMiB = "x".repeat(20 * 1024 * 1024);
            Map<String, Object> manyMiB = new LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                manyMiB.put("part" + i, "y".repeat(1024 * 1024));
            }
            for (int i = 0; i < 5; i++) {
                sink.accept(event(Level.INFO, "before-" + i));
            }
            sink.accept(event(Level.ERROR, "huge-message", twentyMiB, Map.of()));
            sink.accept(event(Level.ERROR, "huge-attributes", "m", manyMiB));
            for (int i = 0; i < 5; i++) {
                sink.accept(event(Level.INFO, "after-" + i));
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60), sink::flush);
            Map<String, BsonDocument> stored = rig.stored();
            for (int i = 0; i < 5; i++) {
                assertThat(stored).containsKeys("before-" + i, "after-" + i);
            }
            MongoSink.Stats s = sink.stats();
            assertThat(gap(s)).isZero();
            assertThat(s.state()).isEqualTo(MongoSink.State.UP);
            // One huge string is a record any sink must keep ("Any record can be stored"): cut, not refused.
            assertThat(stored).containsKey("huge-message");
            assertThat(stored.get("huge-message").getString("level").getValue()).isEqualTo("ERROR");
            long huge = stored.containsKey("huge-attributes") ? 0 : 1;
            assertThat(s.rejected()).isEqualTo(huge);
            assertThat(s.written()).isEqualTo(12 - huge);
        }
    }

    // Doc (MongoSink): "One daemon writer thread named corekit-mongo-sink drains it". Doc (isWriterThread): "Whether
    // the
    // current thread is a Mongo sink's writer thread."
    @Test
    void writesRunOnTheDaemonWriterThreadWhichIsWhatIsWriterThreadRecognizes() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink = rig.start(rig.settings().build());
            sink.accept(event(Level.INFO, "w"));
            sink.flush();
            assertThat(rig.writingThreadNames).isNotEmpty().allMatch(n -> n.startsWith("corekit-mongo-sink"));
            assertThat(rig.writerFlags).containsOnly(true);
            assertThat(MongoSink.isWriterThread()).isFalse();
            Thread writer = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("corekit-mongo-sink"))
                    .findFirst()
                    .orElseThrow();
            assertThat(writer.isDaemon()).isTrue();
        }
    }
}
