package dev.corekit.samples.walkthrough;

import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Sink;
import dev.corekit.logging.SinkProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A sink that keeps the records of the most recent requests in memory, by request id, so the walk-through can show
 * every record one request produced. Bounded: {@link #DEFAULT_MAX_REQUESTS} requests (the oldest is forgotten first),
 * {@link #DEFAULT_MAX_RECORDS_PER_REQUEST} records each. The sample registers {@link #shared()} with the process-wide
 * recorder through {@link Provider} ({@code META-INF/services/dev.corekit.logging.SinkProvider}), next to corekit's own
 * JSON console and MongoDB sinks.
 */
public final class RecentRequests implements Sink {
    public static final int DEFAULT_MAX_REQUESTS = 200;
    public static final int DEFAULT_MAX_RECORDS_PER_REQUEST = 500;

    private static final RecentRequests SHARED =
            new RecentRequests(DEFAULT_MAX_REQUESTS, DEFAULT_MAX_RECORDS_PER_REQUEST);

    private final int maxRecordsPerRequest;
    private final Map<String, List<LogRecord>> byRequest;

    private RecentRequests(int maxRequests, int maxRecordsPerRequest) {
        if (maxRequests < 1 || maxRecordsPerRequest < 1) {
            throw new IllegalArgumentException("RecentRequests keeps at least one request and one record, got "
                    + maxRequests + " requests and " + maxRecordsPerRequest + " records");
        }
        this.maxRecordsPerRequest = maxRecordsPerRequest;
        this.byRequest = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<LogRecord>> eldest) {
                return size() > maxRequests;
            }
        };
    }

    /** The instance the process-wide recorder writes to. */
    public static RecentRequests shared() {
        return SHARED;
    }

    /** A new, unregistered instance (tests install it in their own recorder). */
    public static RecentRequests of(int maxRequests, int maxRecordsPerRequest) {
        return new RecentRequests(maxRequests, maxRecordsPerRequest);
    }

    @Override
    public synchronized void accept(LogRecord record) {
        String requestId = record.context().requestId();
        if (requestId == null) {
            return;
        }
        List<LogRecord> records = byRequest.computeIfAbsent(requestId, id -> new ArrayList<>());
        if (records.size() < maxRecordsPerRequest) {
            records.add(record);
            notifyAll();
        }
    }

    /** The records of {@code requestId} so far, in arrival order; empty when it is unknown or forgotten. */
    public synchronized List<LogRecord> records(String requestId) {
        return List.copyOf(byRequest.getOrDefault(requestId, List.of()));
    }

    /**
     * Waits until the records of {@code requestId} satisfy {@code done} and every operation that started has
     * completed, or until {@code timeout}; returns the records either way.
     */
    public synchronized List<LogRecord> awaitSettled(
            String requestId, Predicate<List<LogRecord>> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<LogRecord> records = records(requestId);
            if (done.test(records) && allCompleted(records)) {
                return records;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return records;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Whether every operation that started among {@code records} has its completion among them too. */
    public static boolean allCompleted(List<LogRecord> records) {
        Set<String> open = new HashSet<>();
        for (LogRecord record : records) {
            if (record.kind() != LogRecord.Kind.OPERATION) {
                continue;
            }
            if (record.isStart()) {
                open.add(record.id());
            } else {
                open.remove(record.id());
            }
        }
        return open.isEmpty();
    }

    /** Registers {@link #shared()} with the process-wide recorder. */
    public static final class Provider implements SinkProvider {
        @Override
        public List<Sink> sinks() {
            return List.of(SHARED);
        }
    }
}
