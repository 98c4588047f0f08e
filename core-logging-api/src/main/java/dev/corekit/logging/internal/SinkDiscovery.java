package dev.corekit.logging.internal;

import dev.corekit.logging.Sink;
import dev.corekit.logging.SinkProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds the sinks of the process-wide recorder: those of every {@link SinkProvider} registered through
 * {@link ServiceLoader}, or an {@link Slf4jSink} when there is none. Internal: {@code GlobalRecorder} is the public
 * face.
 */
public final class SinkDiscovery {
    private SinkDiscovery() {}

    /** The sinks every provider contributes, in {@code ServiceLoader} order; an SLF4J sink when there are none. */
    public static List<Sink> sinks() {
        List<Sink> sinks = new ArrayList<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (SinkProvider provider : ServiceLoader.load(
                SinkProvider.class, loader == null ? SinkDiscovery.class.getClassLoader() : loader)) {
            sinks.addAll(provider.sinks());
        }
        if (sinks.isEmpty()) {
            sinks.add(new Slf4jSink());
        }
        return List.copyOf(sinks);
    }
}
