package dev.corekit.benchmarks;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.OutputStream;
import net.logstash.logback.encoder.LogstashEncoder;

/** The peer corekit's emission is measured against: logstash-logback-encoder on a private Logback context. */
final class LogstashPeer {
    private LogstashPeer() {}

    /** A logger whose events are JSON-encoded by LogstashEncoder on the caller's thread and discarded. */
    static Logger synchronous(LoggerContext context, String name) {
        return logger(context, name, discardingJson(context));
    }

    /** The same behind Logback's AsyncAppender (never blocking the caller), with the given queue. */
    static Logger asynchronous(LoggerContext context, String name, int queueSize, int discardingThreshold) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setNeverBlock(true);
        async.setQueueSize(queueSize);
        async.setDiscardingThreshold(discardingThreshold);
        async.addAppender(discardingJson(context));
        async.start();
        return logger(context, name, async);
    }

    private static OutputStreamAppender<ILoggingEvent> discardingJson(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> out = new OutputStreamAppender<>();
        out.setContext(context);
        out.setEncoder(encoder);
        out.setOutputStream(OutputStream.nullOutputStream());
        out.start();
        return out;
    }

    private static Logger logger(LoggerContext context, String name, Appender<ILoggingEvent> appender) {
        Logger logger = context.getLogger(name);
        logger.setAdditive(false);
        logger.addAppender(appender);
        return logger;
    }
}
