package dev.corekit.logging;

/** Builds the process-wide sinks from settings, once. Package-private: {@link Operations} is the public face. */
final class LoggingRuntime {
    private LoggingRuntime() {}

    static Recorder defaultRecorder() {
        LoggingSettings settings = LoggingSettings.ofDefaults();
        return Recorder.custom()
                .redactor(Redactor.of(settings.redactKeys()))
                .sink(ConsoleSink.stdout())
                .build();
    }
}
