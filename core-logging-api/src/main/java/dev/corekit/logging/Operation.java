package dev.corekit.logging;

import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * One operation's lifecycle: a {@link LogRecord.Status#STARTED} record is written when it starts, and exactly one
 * completion ({@link LogRecord.Status#SUCCEEDED} or {@link LogRecord.Status#FAILED}) when it ends. While it runs, the
 * operation is the current one: its id is in the {@link CallContext} (and MDC), so nested operations link to it as
 * their parent, and log events carry it.
 *
 * <p>Prefer the functional form, which captures exceptions itself:
 *
 * <pre>{@code
 * Order order = Operations.call("orders.create", op -> {
 *     op.attr("items", cmd.items().size());
 *     return repository.save(cmd);
 * });
 * }</pre>
 *
 * <p>The try-with-resources form must report a failure itself; {@code close()} without {@link #fail} means success:
 *
 * <pre>{@code
 * try (Operation op = Operations.start("orders.import")) {
 *     op.stage("parsed");
 *     importer.run();
 * } // SUCCEEDED — unless op.fail(e) was called in a catch block
 * }</pre>
 *
 * <p>{@link #attr} and {@link #stage} may be called from any thread (async steps tag their progress) and never throw;
 * {@link #close} belongs to the thread that started the operation, because it restores that thread's context.
 * Completing twice is ignored: the first outcome wins. An operation is a span of the W3C trace: its id is its span id,
 * and its records name the span current when it started as parent (see {@link LogRecord.RecordContext}).
 */
public final class Operation implements AutoCloseable {
    private final Recorder recorder;
    private final String id;
    private final String name;
    private final Instant startedAt;
    private final LogRecord.RecordContext context;
    private Scope scope;
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private final List<LogRecord.Stage> stages = new ArrayList<>(2);
    private boolean completed;

    Operation(Recorder recorder, String id, String name, Instant startedAt, CallContext parent) {
        this.recorder = recorder;
        this.id = id;
        this.name = name;
        this.startedAt = startedAt;
        CallContext inside = parent.withOperation(id);
        this.context = Recorder.operationContext(parent, inside);
        this.scope = inside.activate();
    }

    /** This operation's id: the id of both of its records, and its W3C span id. */
    public String id() {
        return id;
    }

    /** The operation's name, e.g. {@code orders.create}. */
    public String name() {
        return name;
    }

    /**
     * Adds an attribute to the completion record: sensitive keys are redacted, the value is snapshotted now (see
     * {@link Redactor}); a {@code null} key or value is recorded as {@value LogRecord#NULL_MARKER}. Never throws.
     * Returns this operation.
     */
    public Operation attr(String key, Object value) {
        String safeKey = key == null ? LogRecord.NULL_MARKER : key;
        Object safeValue = recorder.redactor().redact(safeKey, value);
        synchronized (this) {
            attributes.put(safeKey, safeValue);
        }
        return this;
    }

    /** Tags a stage reached now. Returns this operation. Never throws. */
    public Operation stage(String stageName) {
        return stage(stageName, Map.of());
    }

    /**
     * Tags a stage reached now, with attributes of its own (redacted and snapshotted; may be null). Returns this
     * operation. Never throws.
     */
    public Operation stage(String stageName, Map<String, ?> stageAttributes) {
        LogRecord.Stage stage = new LogRecord.Stage(
                stageName, recorder.now(), recorder.redactor().redact(stageAttributes));
        synchronized (this) {
            stages.add(stage);
        }
        return this;
    }

    /** Completes the operation as {@link LogRecord.Status#SUCCEEDED}, restoring the previous context. */
    public void succeed() {
        complete(null);
    }

    /**
     * Completes the operation as {@link LogRecord.Status#FAILED} with {@code error} normalized (a {@code null} error is
     * recorded as a {@link NullPointerException} saying so).
     */
    public void fail(Throwable error) {
        complete(error == null ? new NullPointerException("Operation.fail(null): no error given") : error);
    }

    /** Completes as {@link LogRecord.Status#SUCCEEDED} unless already completed. */
    @Override
    public void close() {
        complete(null);
    }

    /**
     * Hands the scope this operation opened to the caller, who closes it on this thread, while the operation stays
     * open for another thread to complete. Used by {@link Recorder#callAsync}.
     */
    synchronized Scope detach() {
        Scope opened = scope;
        scope = null;
        return opened == null ? () -> {} : opened;
    }

    /** Closes the scope this operation opened without writing a completion: its STARTED record never went out. */
    void abandon() {
        Scope opened;
        synchronized (this) {
            completed = true;
            opened = scope;
            scope = null;
        }
        if (opened != null) {
            opened.close();
        }
    }

    LogRecord startRecord(String thread) {
        return new LogRecord(
                id,
                LogRecord.Kind.OPERATION,
                Level.INFO,
                name,
                LogRecord.Status.STARTED,
                null,
                startedAt,
                null,
                context,
                Map.of(),
                List.of(),
                null,
                thread);
    }

    private void complete(Throwable error) {
        Map<String, Object> finalAttributes;
        List<LogRecord.Stage> finalStages;
        Scope opened;
        synchronized (this) {
            if (completed) {
                return;
            }
            completed = true;
            SnapshotMap.Builder snapshot = new SnapshotMap.Builder(attributes.size());
            attributes.forEach(snapshot::put);
            finalAttributes = snapshot.build();
            finalStages = List.copyOf(stages);
            opened = scope;
            scope = null;
        }
        try {
            recorder.emit(new LogRecord(
                    id,
                    LogRecord.Kind.OPERATION,
                    error == null ? Level.INFO : Level.ERROR,
                    name,
                    error == null ? LogRecord.Status.SUCCEEDED : LogRecord.Status.FAILED,
                    null,
                    startedAt,
                    recorder.now(),
                    context,
                    finalAttributes,
                    finalStages,
                    error == null ? null : recorder.normalize(error),
                    Thread.currentThread().getName()));
        } finally {
            if (opened != null) {
                opened.close();
            }
        }
    }
}
