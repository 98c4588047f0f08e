package dev.corekit.logging.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.spi.ContextAware;
import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.logging.ErrorInfo;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.LoggingSettings;
import dev.corekit.logging.Redactor;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

/** Turns Logback events into corekit records: the one conversion both the encoder and the appender use. */
final class EventRecords {
    /** MDC keys that CallContext writes; read back so events carry the same context as operation records. */
    static final String MDC_REQUEST_ID = "requestId";

    static final String MDC_TRACE_ID = "traceId";
    static final String MDC_SPAN_ID = "spanId";
    static final String MDC_OPERATION_ID = "operationId";
    static final String MDC_CALLER = "caller";
    static final String MDC_TENANT = "tenant";

    private EventRecords() {}

    /**
     * The logging settings for a Logback component. Logging must come up even when a setting is wrong: then the
     * component reports the error as a Logback status (printed at startup) and goes on with the defaults.
     */
    static LoggingSettings settings(ContextAware component) {
        try {
            return LoggingSettings.ofDefaults();
        } catch (InvalidSettingException e) {
            component.addError(e.getMessage()
                    + "; logging goes on with corekit's default logging settings (JSON to stdout, nothing persisted to"
                    + " MongoDB)");
            return LoggingSettings.load(Config.defaultsOnly());
        }
    }

    static LogRecord toRecord(ILoggingEvent event, Redactor redactor) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        LogRecord.RecordContext context = mdc == null || mdc.isEmpty()
                ? LogRecord.RecordContext.EMPTY
                : new LogRecord.RecordContext(
                        mdc.get(MDC_REQUEST_ID),
                        mdc.get(MDC_TRACE_ID),
                        mdc.get(MDC_SPAN_ID),
                        mdc.get(MDC_OPERATION_ID),
                        mdc.get(MDC_CALLER),
                        mdc.get(MDC_TENANT));
        Map<String, Object> attributes = Map.of();
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        IThrowableProxy proxy = event.getThrowableProxy();
        ErrorInfo error = null;
        if (proxy instanceof ThrowableProxy throwableProxy) {
            error = ErrorInfo.of(throwableProxy.getThrowable());
        }
        if ((pairs != null && !pairs.isEmpty()) || (proxy != null && error == null)) {
            Map<String, Object> raw = new LinkedHashMap<>();
            if (pairs != null) {
                for (KeyValuePair pair : pairs) {
                    raw.put(pair.key, pair.value);
                }
            }
            if (proxy != null && error == null) {
                raw.put("exception", proxy.getClassName() + ": " + proxy.getMessage());
            }
            attributes = redactor.redact(raw);
        }
        return new LogRecord(
                HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()),
                LogRecord.Kind.EVENT,
                level(event.getLevel()),
                event.getLoggerName(),
                null,
                event.getFormattedMessage(),
                event.getInstant(),
                null,
                context,
                attributes,
                List.of(),
                error,
                event.getThreadName());
    }

    static Level level(ch.qos.logback.classic.Level level) {
        return switch (level.toInt()) {
            case ch.qos.logback.classic.Level.ERROR_INT -> Level.ERROR;
            case ch.qos.logback.classic.Level.WARN_INT -> Level.WARN;
            case ch.qos.logback.classic.Level.INFO_INT -> Level.INFO;
            case ch.qos.logback.classic.Level.DEBUG_INT -> Level.DEBUG;
            default -> Level.TRACE;
        };
    }
}
