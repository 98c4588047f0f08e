package dev.corekit.logging.mongo.internal;

import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Redactor;
import dev.corekit.logging.internal.RecordFields;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.bson.types.Decimal128;

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
     * Never throws for a record the {@link LogRecord} constructor accepted: records normally hold values the recorder
     * already made safe, but one built by hand may hold anything, so a value whose {@code toString()} throws becomes
     * {@code (unprintable: <type>)}, a {@code null} attribute value {@value LogRecord#NULL_MARKER}, and a record whose
     * stages or error cannot even be read is stored with what can be, plus {@code unreadable: <what failed>}.
     */
    public static Document toDocument(LogRecord record) {
        try {
            DocumentWriter writer = new DocumentWriter();
            RecordFields.write(record, writer);
            return writer.root;
        } catch (RuntimeException | StackOverflowError e) {
            return essentials(record, e);
        }
    }

    /** The fields of a record that cannot fail (the constructor checked them), and what failed. */
    private static Document essentials(LogRecord record, Throwable failure) {
        Document doc = new Document("_id", record.id())
                .append(RecordFields.KIND, record.kind().name())
                .append(RecordFields.LEVEL, record.level().name())
                .append(RecordFields.NAME, capped(record.name()));
        if (record.status() != null) {
            doc.append(RecordFields.STATUS, record.status().name());
        }
        doc.append(RecordFields.STARTED_AT, Date.from(record.startedAt()));
        if (record.endedAt() != null) {
            doc.append(RecordFields.ENDED_AT, Date.from(record.endedAt()));
        }
        return doc.append(UNREADABLE, unprintable(failure));
    }

    /** The field a document carries when part of its record could not be read (see {@link #toDocument}). */
    public static final String UNREADABLE = "unreadable";

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

    /** A storable copy of an attribute value: never null, never throws. */
    private static Object value(Object value, int depth) {
        try {
            return storable(value, depth);
        } catch (RuntimeException | StackOverflowError e) {
            return unprintable(e);
        }
    }

    private static Object storable(Object value, int depth) {
        if (value == null) {
            return LogRecord.NULL_MARKER;
        }
        if ((value instanceof Map || value instanceof Collection) && depth >= Redactor.MAX_DEPTH) {
            return Redactor.TOO_DEEP;
        }
        if (value instanceof Map<?, ?> map) {
            Document copy = new Document();
            try {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    copy.put(key(entry.getKey()), value(entry.getValue(), depth + 1));
                }
            } catch (RuntimeException e) {
                copy.put(UNREADABLE, unprintable(e));
            }
            return copy;
        }
        if (value instanceof Collection<?> list) {
            List<Object> copy = new ArrayList<>(Math.min(list.size(), 1024));
            try {
                for (Object item : list) {
                    copy.add(value(item, depth + 1));
                }
            } catch (RuntimeException e) {
                copy.add(unprintable(e));
            }
            return copy;
        }
        if (value instanceof String text) {
            return capped(text);
        }
        if (value instanceof BigDecimal decimal) {
            return decimal(decimal);
        }
        if (value instanceof BigInteger integer) {
            return integer.bitLength() < 64 ? (Object) integer.longValue() : integer.toString();
        }
        if (value instanceof Boolean
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
        String text = value.toString();
        return text == null ? LogRecord.NULL_MARKER : capped(text);
    }

    /**
     * A decimal as the BSON decimal when one holds it exactly, otherwise as its exact decimal string: Decimal128 holds
     * at most 34 significant digits and exponents from -6176 to 6111, and refuses anything else only when the document
     * is encoded, which would take the whole record down.
     */
    private static Object decimal(BigDecimal decimal) {
        if (decimal.precision() > MAX_DECIMAL_DIGITS) {
            return decimal.toString();
        }
        try {
            return new Decimal128(decimal);
        } catch (NumberFormatException e) {
            return decimal.toString();
        }
    }

    /** A storable key: its text ({@value LogRecord#NULL_MARKER} for null), made storable by {@link #storableKey}. */
    private static String key(Object key) {
        if (key == null) {
            return LogRecord.NULL_MARKER;
        }
        String text;
        try {
            text = key.toString();
        } catch (RuntimeException | StackOverflowError e) {
            text = unprintable(e);
        }
        return storableKey(text == null ? LogRecord.NULL_MARKER : text);
    }

    private static String unprintable(Throwable error) {
        return "(unprintable: " + error.getClass().getSimpleName() + ")";
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
            if (value != null) { // absent: left out, never stored as null
                put(name, capped(value));
            }
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
            if (value != null) {
                put(name, Date.from(value));
            }
        }

        @Override
        public void attributes(String name, Map<String, Object> attributes) {
            put(name, value(attributes, 0));
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
