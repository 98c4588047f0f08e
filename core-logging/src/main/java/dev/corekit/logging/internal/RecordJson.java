package dev.corekit.logging.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.corekit.logging.ErrorInfo;
import dev.corekit.logging.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The one JSON shape of a {@link LogRecord}, shared by the console sink and the Logback encoder: one object per line,
 * null fields left out, field names as in the Mongo schema. {@code ts} is when the line's event happened (a
 * completion's end, otherwise the start), so a log pipeline that orders by it puts completions where they occurred;
 * a completion also carries {@code startedAt}.
 */
public final class RecordJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private RecordJson() {}

    /** The record as one line of UTF-8 JSON, newline included. */
    public static byte[] toLine(LogRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            write(record, json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a record as JSON", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** Writes the record as one JSON object. */
    public static void write(LogRecord record, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("ts", (record.endedAt() != null ? record.endedAt() : record.startedAt()).toString());
        json.writeStringField("level", record.level().name());
        json.writeStringField("kind", record.kind().name());
        json.writeStringField("name", record.name());
        json.writeStringField("id", record.id());
        if (record.status() != null) {
            json.writeStringField("status", record.status().name());
        }
        if (record.message() != null) {
            json.writeStringField("message", record.message());
        }
        if (record.endedAt() != null) {
            json.writeStringField("startedAt", record.startedAt().toString());
            json.writeStringField("endedAt", record.endedAt().toString());
            json.writeNumberField("durationMicros", record.durationMicros());
        }
        LogRecord.RecordContext context = record.context();
        optional(json, "requestId", context.requestId());
        optional(json, "traceId", context.traceId());
        optional(json, "spanId", context.spanId());
        optional(json, "parentOperationId", context.parentOperationId());
        optional(json, "caller", context.caller());
        optional(json, "tenant", context.tenant());
        optional(json, "thread", record.thread());
        if (!record.attributes().isEmpty()) {
            json.writeFieldName("attributes");
            writeValue(json, record.attributes());
        }
        if (!record.stages().isEmpty()) {
            json.writeArrayFieldStart("stages");
            for (LogRecord.Stage stage : record.stages()) {
                json.writeStartObject();
                json.writeStringField("name", stage.name());
                json.writeStringField("at", stage.at().toString());
                if (!stage.attributes().isEmpty()) {
                    json.writeFieldName("attributes");
                    writeValue(json, stage.attributes());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        if (record.error() != null) {
            writeError(json, record.error());
        }
        json.writeEndObject();
    }

    private static void writeError(JsonGenerator json, ErrorInfo error) throws IOException {
        json.writeObjectFieldStart("error");
        json.writeStringField("type", error.type());
        optional(json, "message", error.message());
        optional(json, "code", error.code());
        json.writeBooleanField("retryable", error.retryable());
        json.writeStringField("fingerprint", error.fingerprint());
        if (!error.causes().isEmpty()) {
            json.writeArrayFieldStart("causes");
            for (ErrorInfo.Cause cause : error.causes()) {
                json.writeStartObject();
                json.writeStringField("type", cause.type());
                optional(json, "message", cause.message());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeArrayFieldStart("stack");
        for (String frame : error.stack()) {
            json.writeString(frame);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void optional(JsonGenerator json, String field, String value) throws IOException {
        if (value != null) {
            json.writeStringField(field, value);
        }
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.writeFieldName(String.valueOf(entry.getKey()));
                writeValue(json, entry.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object item : list) {
                writeValue(json, item);
            }
            json.writeEndArray();
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number number) {
            json.writeNumber(number.doubleValue());
        } else {
            json.writeString(String.valueOf(value));
        }
    }
}
