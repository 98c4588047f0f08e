/**
 * The logging binding's process-wide wiring: {@link dev.corekit.logging.runtime.LoggingRuntime} owns the sinks a
 * service gets by adding {@code core-logging} (stdout always, MongoDB when configured, drained at JVM shutdown) and
 * hands them to the logging API's {@code GlobalRecorder} through a registered {@code SinkProvider}.
 */
package dev.corekit.logging.runtime;
