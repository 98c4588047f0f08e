package dev.corekit.query.internal;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Commands between their started and their succeeded/failed event, keyed by (connection id, request id) as the driver
 * monitoring specification pairs them, in bounded memory.
 *
 * <p>Two rules keep it bounded whatever the driver does: an entry older than the expiry is forgotten (its completion is
 * not coming: a connection died between the events, a listener was added mid-command), and when more than
 * {@code capacity} entries are held, the oldest quarter is forgotten at once. Both are counted. Sweeps run on the
 * inserting thread, at most one at a time, every {@value #SWEEP_EVERY} inserts or when the table is over capacity, so
 * the cost is amortized and no thread of its own is needed. A completion whose entry was forgotten simply finds
 * nothing.
 *
 * @param <V> what is remembered about a started command
 */
public final class InFlightTable<V> {
    static final int SWEEP_EVERY = 1024;

    private final ConcurrentHashMap<Key, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int capacity;
    private final long expiryNanos;
    private final ReentrantLock sweeping = new ReentrantLock();
    private final AtomicLong inserts = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();

    public InFlightTable(int capacity, long expiryNanos) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.expiryNanos = expiryNanos;
    }

    /** Remembers a started command; {@code nowNanos} is {@link System#nanoTime()} at its start. */
    public void put(long connectionId, int requestId, V value, long nowNanos) {
        entries.put(new Key(connectionId, requestId), new Entry<>(value, nowNanos));
        long count = inserts.incrementAndGet();
        if ((count & (SWEEP_EVERY - 1)) == 0 || entries.size() > capacity) {
            sweep(nowNanos);
        }
    }

    /** Removes and returns the started command, or null when it was never seen or was forgotten. */
    public V remove(long connectionId, int requestId) {
        Entry<V> entry = entries.remove(new Key(connectionId, requestId));
        return entry == null ? null : entry.value;
    }

    /** Entries held now. */
    public int size() {
        return entries.size();
    }

    /** Entries forgotten because they outlived the expiry. */
    public long expired() {
        return expired.get();
    }

    /** Entries forgotten because the table was over capacity. */
    public long evicted() {
        return evicted.get();
    }

    /** Forgets expired entries, then the oldest ones while over capacity. Skips when another thread sweeps. */
    void sweep(long nowNanos) {
        if (!sweeping.tryLock()) {
            return;
        }
        try {
            long oldestAllowed = nowNanos - expiryNanos;
            Iterator<Map.Entry<Key, Entry<V>>> iterator = entries.entrySet().iterator();
            while (iterator.hasNext()) {
                if (iterator.next().getValue().startNanos - oldestAllowed < 0) {
                    iterator.remove();
                    expired.incrementAndGet();
                }
            }
            int size = entries.size();
            if (size > capacity) {
                evictOldest(size - capacity * 3 / 4);
            }
        } finally {
            sweeping.unlock();
        }
    }

    private void evictOldest(int count) {
        long[] starts = new long[entries.size() + 16];
        int n = 0;
        for (Entry<V> entry : entries.values()) {
            if (n == starts.length) {
                break;
            }
            starts[n++] = entry.startNanos;
        }
        if (n == 0 || count <= 0) {
            return;
        }
        // Relative to the smallest start, so that nanoTime's possible sign wrap cannot reorder them.
        long base = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            base = Math.min(base, starts[i]);
        }
        for (int i = 0; i < n; i++) {
            starts[i] -= base;
        }
        Arrays.sort(starts, 0, n);
        long cutoff = starts[Math.min(count, n) - 1];
        int removed = 0;
        Iterator<Entry<V>> iterator = entries.values().iterator();
        while (iterator.hasNext() && removed < count) {
            if (iterator.next().startNanos - base <= cutoff) {
                iterator.remove();
                removed++;
            }
        }
        evicted.addAndGet(removed);
    }

    private record Key(long connectionId, int requestId) {}

    private static final class Entry<V> {
        final V value;
        final long startNanos;

        Entry(V value, long startNanos) {
            this.value = value;
            this.startNanos = startNanos;
        }
    }
}
