package dev.corekit.logging;

import java.util.List;

/**
 * How a logging binding gives the process-wide recorder ({@link GlobalRecorder}) its sinks. Found through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.corekit.logging.SinkProvider}); {@code core-logging}
 * registers one (JSON console, MongoDB). With no provider on the classpath, records go out through SLF4J as structured
 * events (SLF4J 2 key-values), so a service on Log4j 2, JUL or any other backend still sees them.
 *
 * <p>Contract: {@link #sinks()} is called once, when the process-wide recorder is first used; it must not emit records
 * itself (the recorder does not exist yet) and returns the sinks in the order records should reach them. Several
 * providers add up, in {@code ServiceLoader} order.
 *
 * <pre>{@code
 * public final class AuditSinkProvider implements SinkProvider {
 *     public List<Sink> sinks() { return List.of(new AuditSink()); }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface SinkProvider {
    /** The sinks to add to the process-wide recorder. */
    List<Sink> sinks();
}
