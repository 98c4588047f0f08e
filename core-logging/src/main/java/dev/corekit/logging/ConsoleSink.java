package dev.corekit.logging;

import dev.corekit.logging.internal.RecordJson;
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

    @Override
    public void accept(LogRecord record) {
        byte[] line = RecordJson.toLine(record);
        try {
            synchronized (this) {
                out.write(line);
            }
        } catch (IOException e) {
            failedWrites.incrementAndGet();
        }
    }

    @Override
    public void flush() {
        try {
            synchronized (this) {
                out.flush();
            }
        } catch (IOException e) {
            failedWrites.incrementAndGet();
        }
    }

    /** Records that could not be written. */
    public long failedWrites() {
        return failedWrites.get();
    }
}
