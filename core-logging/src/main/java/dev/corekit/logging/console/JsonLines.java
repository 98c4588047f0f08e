package dev.corekit.logging.console;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.internal.RecordFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The one JSON shape of a {@link LogRecord}, shared by the console sink and the Logback encoder: one object per line,
 * absent fields left out, field names as in the Mongo schema ({@code id} for its {@code _id}). {@code ts} is when the line's event happened (a
 * completion's end, otherwise the start), so a log pipeline that orders by it puts completions where they occurred;
 * a completion also carries {@code startedAt}.
 */
public final class JsonLines {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonLines() {}

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

    /** Writes the record as one JSON object: {@code ts} first, then the fields of {@link RecordFields}. */
    private static void write(LogRecord record, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("ts", (record.endedAt() != null ? record.endedAt() : record.startedAt()).toString());
        RecordFields.write(record, new JsonWriter(json));
        json.writeEndObject();
    }

    /** Spells each field of {@link RecordFields} in JSON; times as ISO-8601 strings. */
    private static final class JsonWriter implements RecordFields.Writer<IOException> {
        private final JsonGenerator json;

        JsonWriter(JsonGenerator json) {
            this.json = json;
        }

        private void name(String name) throws IOException {
            if (name != null) {
                json.writeFieldName(name);
            }
        }

        @Override
        public void text(String name, String value) throws IOException {
            name(name);
            json.writeString(value);
        }

        @Override
        public void number(String name, long value) throws IOException {
            name(name);
            json.writeNumber(value);
        }

        @Override
        public void bool(String name, boolean value) throws IOException {
            name(name);
            json.writeBoolean(value);
        }

        @Override
        public void time(String name, Instant value) throws IOException {
            name(name);
            json.writeString(value.toString());
        }

        @Override
        public void attributes(String name, Map<String, Object> attributes) throws IOException {
            name(name);
            writeValue(json, attributes);
        }

        @Override
        public void startObject(String name) throws IOException {
            name(name);
            json.writeStartObject();
        }

        @Override
        public void endObject() throws IOException {
            json.writeEndObject();
        }

        @Override
        public void startArray(String name) throws IOException {
            name(name);
            json.writeStartArray();
        }

        @Override
        public void endArray() throws IOException {
            json.writeEndArray();
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
        } else if (value instanceof BigDecimal decimal) {
            json.writeNumber(decimal);
        } else if (value instanceof BigInteger integer) {
            json.writeNumber(integer);
        } else if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (Double.isFinite(number)) {
                json.writeNumber(number);
            } else {
                json.writeString(Double.toString(number)); // JSON has no NaN or Infinity
            }
        } else {
            json.writeString(String.valueOf(value));
        }
    }
}
