package dev.corekit.logging.runtime;

import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.Sink;
import dev.corekit.logging.console.ConsoleSink;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.mongo.MongoSinkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The process-wide sinks of a service that adds {@code core-logging}: JSON lines to stdout always, and MongoDB when
 * {@code COREKIT_LOGGING_MONGODB_URI} is set, drained by a JVM shutdown hook. The {@link GlobalRecorder} gets them
 * through the {@code SinkProvider} this module registers, and the Logback appender persists log events into the same
 * MongoDB sink.
 *
 * <p>The sink settings are loaded here (the logging API's own, for redaction, in the API), for the recorder, the encoder
 * and the appender alike, with one failure policy: a bad value throws the {@link dev.corekit.config.InvalidSettingException} that names it wherever it is first needed (for
 * Logback, at configuration, which Logback reports on the console at startup). Nothing falls back to defaults silently.
 *
 * <pre>{@code
 * LoggingRuntime.mongoSink().ifPresent(sink -> health.report("logs", sink.stats().state()));
 * }</pre>
 */
public final class LoggingRuntime {
    private static volatile Optional<MongoSink> mongo;

    private LoggingRuntime() {}

    /**
     * The MongoDB sink's settings in force now (the sink itself reads them once, when it starts).
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static MongoSinkSettings mongoSinkSettings() {
        return MongoSinkSettings.fromEnvironment();
    }

    /**
     * The process-wide MongoDB sink, started on first use when {@code COREKIT_LOGGING_MONGODB_URI} is set, and drained
     * at JVM shutdown; empty otherwise. Operation records and (through the Logback appender) log events share it.
     *
     * @throws dev.corekit.config.InvalidSettingException when a setting is invalid
     */
    public static Optional<MongoSink> mongoSink() {
        Optional<MongoSink> current = mongo;
        if (current == null) {
            synchronized (LoggingRuntime.class) {
                current = mongo;
                if (current == null) {
                    MongoSinkSettings settings = mongoSinkSettings();
                    current = settings.mongodbUri().map(uri -> {
                        MongoSink sink = MongoSink.start(settings);
                        // Registered in the root context: the hook must not carry the request that started the sink.
                        ContextExecutors.addShutdownHook(
                                "corekit-logging-drain", ContextExecutors.wrap(CallContext.root(), sink::close));
                        return sink;
                    });
                    mongo = current;
                }
            }
        }
        return current;
    }

    /** The sinks of the process-wide recorder: stdout, then MongoDB when configured. */
    static List<Sink> sinks() {
        List<Sink> sinks = new ArrayList<>(2);
        sinks.add(ConsoleSink.stdout());
        mongoSink().ifPresent(sinks::add);
        return sinks;
    }
}
