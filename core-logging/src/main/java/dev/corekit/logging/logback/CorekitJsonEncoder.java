package dev.corekit.logging.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.corekit.logging.Redactor;
import dev.corekit.logging.console.JsonLines;
import dev.corekit.logging.internal.ProcessSettings;

/**
 * Encodes Logback events as one JSON object per line, in the same shape as corekit's operation records (time, level,
 * logger as {@code name}, message, the call context from MDC, SLF4J key-values as redacted {@code attributes}, and a
 * normalized {@code error} with its fingerprint).
 *
 * <pre>{@code
 * <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
 *   <encoder class="dev.corekit.logging.logback.CorekitJsonEncoder"/>
 * </appender>
 * }</pre>
 */
public class CorekitJsonEncoder extends EncoderBase<ILoggingEvent> {
    private Redactor redactor;

    @Override
    public void start() {
        redactor = ProcessSettings.redactor();
        super.start();
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        Redactor active = redactor == null ? Redactor.ofDefaults() : redactor;
        return JsonLines.toLine(EventRecords.toRecord(event, active));
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
