/**
 * JSON lines on stdout, the 12-factor output every service gets with no configuration:
 * {@link dev.corekit.logging.console.ConsoleSink} writes each record as one line shaped by
 * {@link dev.corekit.logging.console.JsonLines} (the Logback encoder writes log events in the same shape). A sink never
 * throws; a line that cannot be written is counted.
 */
package dev.corekit.logging.console;
