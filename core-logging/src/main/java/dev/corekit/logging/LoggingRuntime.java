package dev.corekit.logging;

import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import java.util.Optional;

/**
 * Builds the process-wide sinks from settings, once: JSON to stdout always, MongoDB when a URI is configured, with a
 * shutdown hook that drains it. Package-private: {@link Operations} is the public face.
 */
final class LoggingRuntime {
    private static volatile Optional<MongoSink> mongo;

    private LoggingRuntime() {}

    static Recorder defaultRecorder() {
        LoggingSettings settings = LoggingSettings.ofDefaults();
        Recorder.Builder builder =
                Recorder.custom().redactor(Redactor.of(settings.redactKeys())).sink(ConsoleSink.stdout());
        mongoSink().ifPresent(builder::sink);
        return builder.build();
    }

    static Optional<MongoSink> mongoSink() {
        Optional<MongoSink> current = mongo;
        if (current == null) {
            synchronized (LoggingRuntime.class) {
                current = mongo;
                if (current == null) {
                    LoggingSettings settings = LoggingSettings.ofDefaults();
                    current = settings.mongodbUri().map(uri -> {
                        MongoSink sink = MongoSink.start(settings);
                        // Registered in the root context: the hook must not carry the request that happened to start
                        // the sink.
                        ContextExecutors.addShutdownHook(
                                "corekit-logging-drain", CallContext.root().wrapTask(sink::close));
                        return sink;
                    });
                    mongo = current;
                }
            }
        }
        return current;
    }
}
