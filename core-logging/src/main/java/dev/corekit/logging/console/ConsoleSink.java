package dev.corekit.logging.console;

import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Sink;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes each record as one JSON line (12-factor logs: the platform collects stdout). Lines are written whole, one at a
 * time, so concurrent records never interleave. A write that fails is counted ({@link #failedWrites()}), never thrown.
 *
 * <p>{@link #stdout()} writes to the process's file descriptor 1 directly, so a library that replaces
 * {@code System.out} cannot swallow the platform's records.
 */
public final class ConsoleSink implements Sink {
    private final OutputStream out;
    private final AtomicLong failedWrites = new AtomicLong();

    private ConsoleSink(OutputStream out) {
        this.out = out;
    }

    /** A sink writing to standard output. */
    public static ConsoleSink stdout() {
        return new ConsoleSink(new FileOutputStream(FileDescriptor.out));
    }

    /** A sink writing to {@code out}, which it does not close. */
    public static ConsoleSink of(OutputStream out) {
        return new ConsoleSink(Objects.requireNonNull(out, "out"));
    }

    /** Writes the record as one line; never throws (a record that cannot be written is counted). */
    @Override
    public void accept(LogRecord record) {
        try {
            byte[] line = JsonLines.toLine(record);
            synchronized (this) {
                out.write(line);
            }
        } catch (IOException | RuntimeException e) {
            failedWrites.incrementAndGet();
        }
    }

    @Override
    public void flush() {
        try {
            synchronized (this) {
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            failedWrites.incrementAndGet();
        }
    }

    /** Records that could not be written. */
    public long failedWrites() {
        return failedWrites.get();
    }
}
