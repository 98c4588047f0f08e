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

/** Maps records to the one document schema of the operation collection (see {@code MongoSink}). */
public final class RecordDocuments {
    private RecordDocuments() {}

    public static Document toDocument(LogRecord record) {
        Document doc = new Document("_id", record.id())
                .append("kind", record.kind().name())
                .append("level", record.level().name())
                .append("name", record.name())
                .append("startedAt", Date.from(record.startedAt()));
        put(doc, "status", record.status() == null ? null : record.status().name());
        put(doc, "message", record.message());
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
                causes.add(new Document("type", cause.type()).append("message", cause.message()));
            }
            doc.append(
                    "error",
                    new Document("type", error.type())
                            .append("message", error.message())
                            .append("code", error.code())
                            .append("retryable", error.retryable())
                            .append("causes", causes)
                            .append("stack", error.stack())
                            .append("fingerprint", error.fingerprint()));
        }
        return doc;
    }

    public static boolean isStart(Document doc) {
        return LogRecord.Status.STARTED.name().equals(doc.getString("status"));
    }

    public static boolean isWarnOrWorse(LogRecord record) {
        return record.level().toInt() >= org.slf4j.event.Level.WARN.toInt();
    }

    public static Instant startedAt(Document doc) {
        return doc.getDate("startedAt").toInstant();
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
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        return String.valueOf(value);
    }
}
