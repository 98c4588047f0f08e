package dev.corekit.logging.internal;

import dev.corekit.logging.ErrorInfo;
import dev.corekit.logging.LogRecord;
import java.time.Instant;
import java.util.Map;

/**
 * The one field list of a {@link LogRecord}: every output (JSON lines, MongoDB documents, SLF4J key-values) walks a
 * record through {@link #write} and only decides how each field is spelled. Absent values are left out, never written
 * as null. Internal to corekit.
 *
 * <pre>{@code
 * RecordFields.write(record, jsonWriter);
 * }</pre>
 */
public final class RecordFields {
    public static final String ID = "id";
    public static final String KIND = "kind";
    public static final String LEVEL = "level";
    public static final String NAME = "name";
    public static final String STATUS = "status";
    public static final String MESSAGE = "message";
    public static final String STARTED_AT = "startedAt";
    public static final String ENDED_AT = "endedAt";
    public static final String DURATION_MICROS = "durationMicros";
    public static final String REQUEST_ID = "requestId";
    public static final String TRACE_ID = "traceId";
    public static final String SPAN_ID = "spanId";
    public static final String PARENT_SPAN_ID = "parentSpanId";
    public static final String PARENT_OPERATION_ID = "parentOperationId";
    public static final String CALLER = "caller";
    public static final String TENANT = "tenant";
    public static final String THREAD = "thread";
    public static final String ATTRIBUTES = "attributes";
    public static final String STAGES = "stages";
    public static final String STAGE_AT = "at";
    public static final String ERROR = "error";
    public static final String ERROR_TYPE = "type";
    public static final String ERROR_CODE = "code";
    public static final String ERROR_RETRYABLE = "retryable";
    public static final String ERROR_FINGERPRINT = "fingerprint";
    public static final String ERROR_CAUSES = "causes";
    public static final String ERROR_STACK = "stack";

    private RecordFields() {}

    /**
     * How one output spells fields. Names are null for the items of an array.
     *
     * @param <E> what the output may throw
     */
    public interface Writer<E extends Exception> {
        void text(String name, String value) throws E;

        void number(String name, long value) throws E;

        void bool(String name, boolean value) throws E;

        void time(String name, Instant value) throws E;

        /** An attribute map: already redacted and made safe by the recorder (see {@code Redactor}). */
        void attributes(String name, Map<String, Object> attributes) throws E;

        void startObject(String name) throws E;

        void endObject() throws E;

        void startArray(String name) throws E;

        void endArray() throws E;
    }

    /** Walks every present field of {@code record}, in the documented order. */
    public static <E extends Exception> void write(LogRecord record, Writer<E> out) throws E {
        out.text(ID, record.id());
        out.text(KIND, record.kind().name());
        out.text(LEVEL, record.level().name());
        out.text(NAME, record.name());
        if (record.status() != null) {
            out.text(STATUS, record.status().name());
        }
        optional(out, MESSAGE, record.message());
        out.time(STARTED_AT, record.startedAt());
        if (record.endedAt() != null) {
            out.time(ENDED_AT, record.endedAt());
            out.number(DURATION_MICROS, record.durationMicros());
        }
        LogRecord.RecordContext context = record.context();
        optional(out, REQUEST_ID, context.requestId());
        optional(out, TRACE_ID, context.traceId());
        optional(out, SPAN_ID, context.spanId());
        optional(out, PARENT_SPAN_ID, context.parentSpanId());
        optional(out, PARENT_OPERATION_ID, context.parentOperationId());
        optional(out, CALLER, context.caller());
        optional(out, TENANT, context.tenant());
        optional(out, THREAD, record.thread());
        if (!record.attributes().isEmpty()) {
            out.attributes(ATTRIBUTES, record.attributes());
        }
        if (!record.stages().isEmpty()) {
            out.startArray(STAGES);
            for (LogRecord.Stage stage : record.stages()) {
                out.startObject(null);
                out.text(NAME, stage.name());
                out.time(STAGE_AT, stage.at());
                if (!stage.attributes().isEmpty()) {
                    out.attributes(ATTRIBUTES, stage.attributes());
                }
                out.endObject();
            }
            out.endArray();
        }
        if (record.error() != null) {
            writeError(record.error(), out);
        }
    }

    private static <E extends Exception> void writeError(ErrorInfo error, Writer<E> out) throws E {
        out.startObject(ERROR);
        out.text(ERROR_TYPE, error.type());
        optional(out, MESSAGE, error.message());
        optional(out, ERROR_CODE, error.code());
        out.bool(ERROR_RETRYABLE, error.retryable());
        out.text(ERROR_FINGERPRINT, error.fingerprint());
        if (!error.causes().isEmpty()) {
            out.startArray(ERROR_CAUSES);
            for (ErrorInfo.Cause cause : error.causes()) {
                out.startObject(null);
                out.text(ERROR_TYPE, cause.type());
                optional(out, MESSAGE, cause.message());
                out.endObject();
            }
            out.endArray();
        }
        if (!error.stack().isEmpty()) {
            out.startArray(ERROR_STACK);
            for (String frame : error.stack()) {
                out.text(null, frame);
            }
            out.endArray();
        }
        out.endObject();
    }

    private static <E extends Exception> void optional(Writer<E> out, String name, String value) throws E {
        if (value != null) {
            out.text(name, value);
        }
    }
}
