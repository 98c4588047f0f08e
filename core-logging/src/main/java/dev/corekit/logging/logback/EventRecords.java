package dev.corekit.logging.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import dev.corekit.context.CallContext;
import dev.corekit.context.TraceIds;
import dev.corekit.logging.ErrorInfo;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Redactor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

/** Turns Logback events into corekit records: the one conversion both the encoder and the appender use. */
final class EventRecords {
    private EventRecords() {}

    static LogRecord toRecord(ILoggingEvent event, Redactor redactor) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        LogRecord.RecordContext context = mdc == null || mdc.isEmpty()
                ? LogRecord.RecordContext.EMPTY
                : new LogRecord.RecordContext(
                        mdc.get(CallContext.MDC_REQUEST_ID),
                        mdc.get(CallContext.MDC_TRACE_ID),
                        mdc.get(CallContext.MDC_SPAN_ID),
                        null,
                        mdc.get(CallContext.MDC_OPERATION_ID),
                        mdc.get(CallContext.MDC_CALLER),
                        mdc.get(CallContext.MDC_TENANT));
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
                TraceIds.newSpanId(),
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
