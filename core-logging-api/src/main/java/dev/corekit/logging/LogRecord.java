package dev.corekit.logging;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.event.Level;

/**
 * One immutable record as every sink receives it: an operation's lifecycle ({@link Kind#OPERATION}), an ordinary log
 * event ({@link Kind#EVENT}) or a report of records a sink had to drop ({@link Kind#DROPS}).
 *
 * <p>An operation produces two records with the same {@link #id()}: one at entry with status {@link Status#STARTED}
 * and one at completion ({@link Status#SUCCEEDED} or {@link Status#FAILED}) that carries everything the first did.
 * Sinks that store documents keep one document per id, so the completion replaces the start.
 *
 * <p>Attributes are already redacted and made safe when a record is built (see {@link Recorder}): sinks write them as
 * they are, and a value that could not be shown is a marker such as {@value #NULL_MARKER} or
 * {@code (unprintable: IllegalStateException)}, never an exception.
 *
 * @param id unique per operation (shared by its start and completion) or per event
 * @param kind what the record is
 * @param level its severity; failed operations are {@link Level#ERROR}, drop reports {@link Level#WARN}
 * @param name the operation name ({@code orders.create}) or the logger name of an event
 * @param status the lifecycle status; null for events and drop reports
 * @param message the event's message; null for operations
 * @param startedAt when the operation started or the event happened
 * @param endedAt when the operation completed; null while started, for events and reports
 * @param context the call context when the record was made
 * @param attributes redacted key-values; values are strings, numbers, booleans, lists or maps of those
 * @param stages tagged stages of a multi-step operation, in order
 * @param error the normalized failure; null unless {@link Status#FAILED} or an event with a throwable
 * @param thread the thread that made the record
 */
public record LogRecord(
        String id,
        Kind kind,
        Level level,
        String name,
        Status status,
        String message,
        Instant startedAt,
        Instant endedAt,
        RecordContext context,
        Map<String, Object> attributes,
        List<Stage> stages,
        ErrorInfo error,
        String thread) {

    /** What a {@code null} attribute key, attribute value, stage name or message is recorded as. */
    public static final String NULL_MARKER = "(null)";

    /** What a record is. */
    public enum Kind {
        OPERATION,
        EVENT,
        DROPS
    }

    /** The lifecycle status of an operation record. */
    public enum Status {
        STARTED,
        SUCCEEDED,
        FAILED
    }

    /**
     * A tagged step of an operation, stamped when it was reached.
     *
     * @param name the tag, e.g. {@code priced}
     * @param at when the stage was reached
     * @param attributes redacted key-values of this stage
     */
    public record Stage(String name, Instant at, Map<String, Object> attributes) {
        public Stage {
            name = name == null ? NULL_MARKER : name;
            Objects.requireNonNull(at, "at");
            attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }
    }

    /**
     * The call context a record was made in; every field may be null. An operation is a span of the W3C trace: its
     * {@code spanId} is its own id and {@code parentSpanId} the span that was current when it started (the enclosing
     * operation, or the caller's span from an incoming {@code traceparent}), so records form the trace's tree. An event
     * carries the span it happened in and no parent.
     *
     * @param requestId the request id
     * @param traceId the W3C trace id (32 hex)
     * @param spanId the W3C span id (16 hex): an operation's own, or the span an event happened in
     * @param parentSpanId an operation's parent span: the enclosing operation or the remote caller's span
     * @param parentOperationId the enclosing operation's id (for an event, the operation it happened in)
     * @param caller who called, e.g. {@code user:42}
     * @param tenant the tenant
     */
    public record RecordContext(
            String requestId,
            String traceId,
            String spanId,
            String parentSpanId,
            String parentOperationId,
            String caller,
            String tenant) {
        /** A context with no field set. */
        public static final RecordContext EMPTY = new RecordContext(null, null, null, null, null, null, null);
    }

    public LogRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(startedAt, "startedAt");
        context = context == null ? RecordContext.EMPTY : context;
        attributes = attributes == null ? Map.of() : attributes;
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    /** Whether this is the entry record of an operation, to be replaced by its completion. */
    public boolean isStart() {
        return status == Status.STARTED;
    }

    /** How long the operation took, in microseconds; -1 when it has not completed. */
    public long durationMicros() {
        if (endedAt == null) {
            return -1;
        }
        return Duration.between(startedAt, endedAt).toNanos() / 1000;
    }
}
