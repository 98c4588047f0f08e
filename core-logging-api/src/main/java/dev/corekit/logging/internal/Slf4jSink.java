package dev.corekit.logging.internal;

import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Sink;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The sink of a process without a logging binding: each record becomes one SLF4J event on the logger named after the
 * record ({@code orders.create}), with every field of the record as an SLF4J 2 key-value ({@code traceId},
 * {@code durationMicros}, {@code attributes.items}, {@code error.fingerprint}, ...), so whatever backend the service
 * runs (Log4j 2, JUL, Logback with its own configuration) sees them. STARTED records go out at DEBUG, completions and
 * events at their own level. Never throws: a record the backend refuses is counted in {@link #failed()}.
 */
public final class Slf4jSink implements Sink {
    private final AtomicLong failed = new AtomicLong();

    @Override
    public void accept(LogRecord record) {
        try {
            Logger logger = LoggerFactory.getLogger(record.name());
            Level level = record.isStart() ? Level.DEBUG : record.level();
            if (!logger.isEnabledForLevel(level)) {
                return;
            }
            LoggingEventBuilder event = logger.atLevel(level);
            RecordFields.write(record, new KeyValues(event));
            event.log(message(record));
        } catch (RuntimeException | LinkageError e) {
            failed.incrementAndGet();
        }
    }

    /** Records the backend refused. */
    public long failed() {
        return failed.get();
    }

    private static String message(LogRecord record) {
        if (record.kind() != LogRecord.Kind.OPERATION) {
            return record.message() == null ? record.name() : record.message();
        }
        StringBuilder text = new StringBuilder(record.name()).append(' ').append(record.status());
        if (record.endedAt() != null) {
            text.append(" in ").append(record.durationMicros()).append(" µs");
        }
        if (record.error() != null) {
            text.append(": ").append(record.error().type());
            if (record.error().message() != null) {
                text.append(": ").append(record.error().message());
            }
        }
        return text.toString();
    }

    /** Flattens the record into key-values: nested names joined with '.', array items numbered. */
    private static final class KeyValues implements RecordFields.Writer<RuntimeException> {
        private final LoggingEventBuilder event;
        private final Deque<String> path = new ArrayDeque<>();
        private final Deque<int[]> arrayIndex = new ArrayDeque<>();

        KeyValues(LoggingEventBuilder event) {
            this.event = event;
        }

        private String key(String name) {
            String own = name;
            if (own == null) {
                int[] index = arrayIndex.peek();
                own = index == null ? "?" : Integer.toString(index[0]++);
            }
            return path.isEmpty() ? own : path.peek() + "." + own;
        }

        @Override
        public void text(String name, String value) {
            event.addKeyValue(key(name), value);
        }

        @Override
        public void number(String name, long value) {
            event.addKeyValue(key(name), value);
        }

        @Override
        public void bool(String name, boolean value) {
            event.addKeyValue(key(name), value);
        }

        @Override
        public void time(String name, Instant value) {
            event.addKeyValue(key(name), value.toString());
        }

        @Override
        public void attributes(String name, Map<String, Object> attributes) {
            String prefix = key(name);
            attributes.forEach((attribute, value) -> event.addKeyValue(prefix + "." + attribute, flat(value)));
        }

        private static Object flat(Object value) {
            return value instanceof Map<?, ?> || value instanceof List<?> ? String.valueOf(value) : value;
        }

        @Override
        public void startObject(String name) {
            path.push(key(name));
        }

        @Override
        public void endObject() {
            path.pop();
        }

        @Override
        public void startArray(String name) {
            path.push(key(name));
            arrayIndex.push(new int[1]);
        }

        @Override
        public void endArray() {
            arrayIndex.pop();
            path.pop();
        }
    }
}
