package dev.corekit.logging.mongo.internal;

import dev.corekit.logging.LogRecord;
import dev.corekit.logging.internal.RecordFields;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
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

    /**
     * The document stored for {@code record}: the fields of {@link RecordFields}, with {@code _id} for the id, dates as
     * BSON dates, absent values left out (never stored as null), long strings cut, and attribute keys made storable.
     */
    public static Document toDocument(LogRecord record) {
        DocumentWriter writer = new DocumentWriter();
        RecordFields.write(record, writer);
        return writer.root;
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

    /**
     * An attribute key MongoDB stores as given: {@code .} and {@code $} (field paths and operators) and NUL (which
     * ends a BSON key) become {@code _}; an empty key becomes {@code _}.
     */
    static String storableKey(String key) {
        if (key.isEmpty()) {
            return "_";
        }
        return key.replace('.', '_').replace('$', '_').replace('\0', '_');
    }

    private static Object value(Object value) {
        if (value instanceof Map<?, ?> map) {
            Document copy = new Document();
            map.forEach((k, v) -> copy.put(storableKey(String.valueOf(k)), value(v)));
            return copy;
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
        if (value instanceof BigDecimal decimal) {
            return decimal.precision() <= MAX_DECIMAL_DIGITS ? decimal : decimal.toString();
        }
        if (value instanceof BigInteger integer) {
            return integer.bitLength() < 64 ? (Object) integer.longValue() : integer.toString();
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

    /** Builds the nested document as {@link RecordFields} walks a record. */
    private static final class DocumentWriter implements RecordFields.Writer<RuntimeException> {
        final Document root = new Document();
        private final Deque<Object> open = new ArrayDeque<>();

        DocumentWriter() {
            open.push(root);
        }

        @SuppressWarnings("unchecked")
        private void put(String name, Object value) {
            Object container = open.peek();
            if (container instanceof Document document) {
                document.append(open.size() == 1 && RecordFields.ID.equals(name) ? "_id" : name, value);
            } else {
                ((List<Object>) container).add(value);
            }
        }

        @Override
        public void text(String name, String value) {
            put(name, capped(value));
        }

        @Override
        public void number(String name, long value) {
            put(name, value);
        }

        @Override
        public void bool(String name, boolean value) {
            put(name, value);
        }

        @Override
        public void time(String name, Instant value) {
            put(name, Date.from(value));
        }

        @Override
        public void attributes(String name, Map<String, Object> attributes) {
            put(name, value(attributes));
        }

        @Override
        public void startObject(String name) {
            Document document = new Document();
            put(name, document);
            open.push(document);
        }

        @Override
        public void endObject() {
            open.pop();
        }

        @Override
        public void startArray(String name) {
            List<Object> list = new ArrayList<>();
            put(name, list);
            open.push(list);
        }

        @Override
        public void endArray() {
            open.pop();
        }
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
