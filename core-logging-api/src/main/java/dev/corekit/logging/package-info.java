/**
 * The logging API every corekit library module emits through, with no logging backend: one lifecycle record per
 * {@link dev.corekit.logging.Operation} (STARTED at entry, then exactly one SUCCEEDED or FAILED with a normalized
 * {@link dev.corekit.logging.ErrorInfo}), and ordinary events, all as immutable {@link dev.corekit.logging.LogRecord}s
 * carrying the {@code CallContext} they were made in.
 *
 * <ul>
 *   <li>{@link dev.corekit.logging.Operations}: the static facade services and libraries call.
 *   <li>{@link dev.corekit.logging.GlobalRecorder}: holds the process-wide {@link dev.corekit.logging.Recorder}, built
 *       once from {@link dev.corekit.logging.LoggingSettings} and the sinks of every
 *       {@link dev.corekit.logging.SinkProvider}.
 *   <li>{@link dev.corekit.logging.Sink}: the SPI records go to; {@link dev.corekit.logging.InMemorySink} for tests.
 * </ul>
 *
 * <p>Contract: logging never breaks the business call (a recorder never throws from emitting, whatever a caller
 * attaches or a sink does) and never leaks a secret (values under sensitive keys are redacted before a record exists).
 * Without a sink provider (the {@code core-logging} binding), records go out through SLF4J as structured key-value
 * events, so a service on any backend sees them.
 */
package dev.corekit.logging;
