package dev.corekit.logging;

/**
 * Where records go. The SPI every sink implements: MongoDB, JSON console, in-memory.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #accept} is called on the caller's thread, so it returns fast and never throws: a sink that cannot take
 *       a record counts it (and says so in a {@link LogRecord.Kind#DROPS} record) rather than failing the caller.
 *   <li>{@link #accept} is safe to call from many threads at once.
 *   <li>{@link #close} flushes what it can within the sink's drain limit and reports what it could not; records
 *       accepted after close are counted as dropped.
 * </ul>
 *
 * <p>Counter-example: a sink that writes to a database inside {@code accept} blocks every request thread whenever the
 * database is slow. Queue and write elsewhere, as the Mongo sink does.
 */
public interface Sink extends AutoCloseable {
    /** Takes one record; returns fast, never throws. */
    void accept(LogRecord record);

    /** Makes a best effort to hand every accepted record on before returning. */
    default void flush() {}

    /** Flushes within the sink's drain limit and releases its resources. */
    @Override
    default void close() {
        flush();
    }
}
