package dev.corekit.logging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Keeps every record in memory, in arrival order: the sink for tests. Unbounded on purpose; do not use in production.
 */
public final class InMemorySink implements Sink {
    private final List<LogRecord> records = new ArrayList<>();

    @Override
    public synchronized void accept(LogRecord record) {
        records.add(record);
        notifyAll();
    }

    /** A snapshot of every record so far. */
    public synchronized List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The records that match, in order. */
    public synchronized List<LogRecord> records(Predicate<? super LogRecord> filter) {
        return records.stream().filter(filter).toList();
    }

    /**
     * Waits until {@code count} records match, for records emitted on other threads.
     *
     * @throws AssertionError if they do not within {@code timeout}
     */
    public synchronized List<LogRecord> await(Predicate<? super LogRecord> filter, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<LogRecord> matching = records(filter);
        while (matching.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " matching records within " + timeout + ", got "
                        + matching.size() + ": " + matching);
            }
            wait(Math.max(1, left / 1_000_000));
            matching = records(filter);
        }
        return matching;
    }

    /** Forgets every record. */
    public synchronized void clear() {
        records.clear();
    }

    @Override
    public String toString() {
        return "InMemorySink" + new ArrayList<>(records());
    }
}
