package dev.corekit.logging;

import dev.corekit.logging.internal.ProcessSettings;
import dev.corekit.logging.internal.SinkDiscovery;
import java.util.Objects;

/**
 * Holds the process-wide {@link Recorder} that {@link Operations} uses. Built on first use from
 * {@link LoggingSettings#fromEnvironment()} and the sinks of every {@link SinkProvider} on the classpath (with none, an
 * SLF4J sink). Settings are loaded here and nowhere else; a bad value fails the first use with the
 * {@link dev.corekit.config.InvalidSettingException} naming it (fail fast: corekit never falls back to defaults
 * silently).
 *
 * <p>Tests install their own recorder and restore the previous one when done:
 *
 * <pre>{@code
 * InMemorySink sink = new InMemorySink();
 * try (GlobalRecorder.Installed installed = GlobalRecorder.install(Recorder.of(sink))) {
 *     service.handle(request);
 * }
 * assertThat(sink.records()).extracting(LogRecord::name).contains("orders.create");
 * }</pre>
 */
public final class GlobalRecorder {
    private static volatile Recorder recorder;

    private GlobalRecorder() {}

    /**
     * The process-wide recorder, built on first use.
     *
     * @throws dev.corekit.config.InvalidSettingException when a logging setting is invalid
     */
    public static Recorder get() {
        Recorder current = recorder;
        if (current == null) {
            synchronized (GlobalRecorder.class) {
                current = recorder;
                if (current == null) {
                    Recorder.Builder builder = Recorder.custom().redactor(ProcessSettings.redactor());
                    SinkDiscovery.sinks().forEach(builder::sink);
                    current = builder.build();
                    recorder = current;
                }
            }
        }
        return current;
    }

    /** Makes {@code replacement} the process-wide recorder until the returned handle is closed. */
    public static Installed install(Recorder replacement) {
        Objects.requireNonNull(replacement, "replacement");
        synchronized (GlobalRecorder.class) {
            Recorder previous = recorder;
            recorder = replacement;
            return () -> {
                synchronized (GlobalRecorder.class) {
                    recorder = previous;
                }
            };
        }
    }

    /** Restores the previous recorder when closed. */
    @FunctionalInterface
    public interface Installed extends AutoCloseable {
        @Override
        void close();
    }
}
