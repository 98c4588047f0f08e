package dev.corekit.logging.runtime;

import dev.corekit.logging.Sink;
import dev.corekit.logging.SinkProvider;
import java.util.List;

/**
 * Registers {@code core-logging}'s sinks (JSON console, MongoDB when configured) with the process-wide recorder,
 * through {@code META-INF/services/dev.corekit.logging.SinkProvider}. Not for direct use: adding the jar is enough.
 */
public final class CorekitSinkProvider implements SinkProvider {
    @Override
    public List<Sink> sinks() {
        return LoggingRuntime.sinks();
    }
}
