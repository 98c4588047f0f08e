package dev.corekit.logging.internal.mongo;

import dev.corekit.logging.ErrorInfo;
import dev.corekit.logging.LogRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Maps records to the one document schema of the operation collection (documented on {@code MongoSink}) and documents
 * to and from the lines of a spill file. Internal to the MongoDB sink.
 */
public final class RecordDocuments {
    private static final JsonWriterSettings SPILL_JSON =
            JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    /**
     * Longest string stored for a message, an error or cause message, or an attribute value; longer ones are cut and
     * marked, so that one oversized value cannot push a document past MongoDB's 16 MiB limit and take its batch with
     * it.
     */
    public static final int MAX_STRING_CHARS = 16_384;

    /** Decimal128, the BSON decimal, holds at most 34 significant digits; longer decimals are stored as strings. */
    private static final int MAX_DECIMAL_DIGITS = 34;

    private RecordDocuments() {}

    /** The document stored for {@code record}; its {@code _id} is the record id. */
    public static Document toDocument(LogRecord record) {
        Document doc = new Document("_id", record.id())
                .append("kind", record.kind().name())
                .append("level", record.level().name())
                .append("name", record.name())
                .append("startedAt", Date.from(record.startedAt()));
        put(doc, "status", record.status() == null ? null : record.status().name());
        put(doc, "message", capped(record.message()));
        if (record.endedAt() != null) {
            doc.append("endedAt", Date.from(record.endedAt())).append("durationMicros", record.durationMicros());
        }
        LogRecord.RecordContext context = record.context();
        put(doc, "requestId", context.requestId());
        put(doc, "traceId", context.traceId());
        put(doc, "spanId", context.spanId());
        put(doc, "parentOperationId", context.parentOperationId());
        put(doc, "caller", context.caller());
        put(doc, "tenant", context.tenant());
        put(doc, "thread", record.thread());
        if (!record.attributes().isEmpty()) {
            doc.append("attributes", value(record.attributes()));
        }
        if (!record.stages().isEmpty()) {
            List<Document> stages = new ArrayList<>();
            for (LogRecord.Stage stage : record.stages()) {
                Document s = new Document("name", stage.name()).append("at", Date.from(stage.at()));
                if (!stage.attributes().isEmpty()) {
                    s.append("attributes", value(stage.attributes()));
                }
                stages.add(s);
            }
            doc.append("stages", stages);
        }
        ErrorInfo error = record.error();
        if (error != null) {
            List<Document> causes = new ArrayList<>();
            for (ErrorInfo.Cause cause : error.causes()) {
                causes.add(new Document("type", cause.type()).append("message", capped(cause.message())));
            }
            doc.append(
                    "error",
                    new Document("type", error.type())
                            .append("message", capped(error.message()))
                            .append("code", error.code())
                            .append("retryable", error.retryable())
                            .append("causes", causes)
                            .append("stack", error.stack())
                            .append("fingerprint", error.fingerprint()));
        }
        return doc;
    }

    /** One spill-file line: Extended JSON, which keeps every BSON type (dates, 64-bit integers, decimals). */
    public static String toJson(Document doc) {
        return doc.toJson(SPILL_JSON);
    }

    /** The document of one spill-file line. */
    public static Document fromJson(String line) {
        return Document.parse(line);
    }

    /** Whether the document is an operation's STARTED record, written only if no document of its id exists. */
    public static boolean isStart(Document doc) {
        return LogRecord.Status.STARTED.name().equals(doc.get("status"));
    }

    /** Whether the document is an operation's completion, which replaces whatever its id holds. */
    public static boolean isCompletion(Document doc) {
        Object status = doc.get("status");
        return LogRecord.Status.SUCCEEDED.name().equals(status)
                || LogRecord.Status.FAILED.name().equals(status);
    }

    /** Whether the record is spilled rather than dropped when the queue is full. */
    public static boolean isWarnOrWorse(LogRecord record) {
        return record.level().toInt() >= org.slf4j.event.Level.WARN.toInt();
    }

    private static void put(Document doc, String key, Object value) {
        if (value != null) {
            doc.append(key, value);
        }
    }

    private static Object value(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k).replace('.', '_').replace('$', '_'), value(v)));
            return new Document(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(value(item));
            }
            return copy;
        }
        if (value instanceof String text) {
            return capped(text);
        }
        if (value instanceof java.math.BigDecimal decimal) {
            return decimal.precision() <= MAX_DECIMAL_DIGITS ? decimal : decimal.toString();
        }
        if (value == null
                || value instanceof Boolean
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Double
                || value instanceof Float
                || value instanceof Short
                || value instanceof Byte) {
            return value;
        }
        if (value instanceof Instant instant) {
            return Date.from(instant);
        }
        return capped(String.valueOf(value));
    }

    /** {@code text}, cut to {@link #MAX_STRING_CHARS} with a marker saying how much was cut; null stays null. */
    static String capped(String text) {
        if (text == null || text.length() <= MAX_STRING_CHARS) {
            return text;
        }
        int cut = text.length() - MAX_STRING_CHARS;
        return text.substring(0, MAX_STRING_CHARS) + "...[" + cut + " more chars cut]";
    }
}
