package dev.corekit.logging.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.corekit.logging.Redactor;
import dev.corekit.logging.Sink;
import dev.corekit.logging.internal.ProcessSettings;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.runtime.LoggingRuntime;
import java.util.function.Supplier;

/**
 * Feeds ordinary log events at or above {@link #setLevel level} into corekit's persistent sink (MongoDB when
 * {@code COREKIT_LOGGING_MONGODB_URI} is set; otherwise events are not persisted and this appender does nothing). The
 * level comes from {@code corekit.logging.persist-level} / {@code COREKIT_LOGGING_PERSIST_LEVEL} (default INFO) unless
 * a Logback configuration sets {@code <level>}; a level that is not TRACE, DEBUG, INFO, WARN or ERROR is a
 * configuration error and the appender does not start.
 *
 * <p>It never feeds the sink its own output: events of the MongoDB driver ({@code org.mongodb.driver*}), of the sink's
 * own logger ({@code dev.corekit.logging.mongo.MongoSink}) and events logged on the sink's writer thread are skipped,
 * so an unreachable database cannot loop through its own logs. A bad corekit setting fails {@link #start()} with the
 * error that names it (Logback reports it at startup).
 */
public class CorekitAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final String DRIVER_LOGGERS = "org.mongodb.driver";
    // The sink reports on itself (outage, shutdown report) also from callers' and shutdown threads: never into itself.
    private static final String SINK_LOGGER = MongoSink.class.getName();

    private Level level;
    private String badLevel;
    private Redactor redactor;
    private Supplier<Sink> sink = () -> LoggingRuntime.mongoSink().orElse(null);

    /** The lowest level persisted: TRACE, DEBUG, INFO, WARN or ERROR (any case). */
    public void setLevel(String value) {
        Level parsed = value == null ? null : Level.toLevel(value.strip(), null);
        if (parsed == null || parsed.levelInt < Level.TRACE_INT || parsed.levelInt > Level.ERROR_INT) {
            badLevel = value;
            return;
        }
        badLevel = null;
        level = parsed;
    }

    void setSink(Sink target) {
        this.sink = () -> target;
    }

    @Override
    public void start() {
        if (badLevel != null) {
            addError("appender [" + getName() + "]: level '" + badLevel
                    + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR; events are not persisted");
            return;
        }
        if (level == null) {
            level = Level.toLevel(
                    LoggingRuntime.mongoSinkSettings().persistLevel().name());
        }
        redactor = ProcessSettings.redactor();
        super.start();
    }

    /** The lowest level this appender persists; null until it is set or the appender is started. */
    Level level() {
        return level;
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(level)
                || event.getLoggerName().startsWith(DRIVER_LOGGERS)
                || event.getLoggerName().equals(SINK_LOGGER)
                || MongoSink.isWriterThread()) {
            return;
        }
        Sink target = sink.get();
        if (target != null) {
            target.accept(EventRecords.toRecord(event, redactor));
        }
    }
}
