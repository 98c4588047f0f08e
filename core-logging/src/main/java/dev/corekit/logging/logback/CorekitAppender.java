package dev.corekit.logging.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.corekit.logging.Redactor;
import dev.corekit.logging.Sink;
import java.util.function.Supplier;

/**
 * Feeds ordinary log events at or above {@link #setLevel level} (default INFO) into corekit's persistent sink (MongoDB
 * when {@code COREKIT_LOGGING_MONGODB_URI} is set; otherwise events are not persisted and this appender does nothing).
 *
 * <p>It never feeds the sink its own output: events of the MongoDB driver ({@code org.mongodb.driver*}) and events
 * logged on the sink's writer thread are skipped, so an unreachable database cannot loop through its own logs.
 */
public class CorekitAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final String DRIVER_LOGGERS = "org.mongodb.driver";

    private Level level = Level.INFO;
    private Redactor redactor;
    private Supplier<Sink> sink = PersistentSink::get;

    /** The lowest level persisted: TRACE, DEBUG, INFO, WARN or ERROR. */
    public void setLevel(String level) {
        this.level = Level.toLevel(level, Level.INFO);
    }

    void setSink(Sink target) {
        this.sink = () -> target;
    }

    @Override
    public void start() {
        redactor = EventRecords.settingsRedactor();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(level)
                || event.getLoggerName().startsWith(DRIVER_LOGGERS)
                || PersistentSink.isWriterThread()) {
            return;
        }
        Sink target = sink.get();
        if (target != null) {
            target.accept(EventRecords.toRecord(event, redactor));
        }
    }
}
