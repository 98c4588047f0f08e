package dev.corekit.messaging.internal;

import dev.corekit.messaging.IdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link IdempotencyStore#inMemory()}: a concurrent map; expired entries are purged every 1,024 writes. */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
    private record Entry(boolean done, String owner, Instant leaseUntil, Instant expiresAt) {}

    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger writes = new AtomicInteger();

    public InMemoryIdempotencyStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Claim claim(String key, String owner, Duration lease) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
        Instant now = clock.instant();
        Claim[] outcome = new Claim[1];
        entries.compute(key, (k, existing) -> {
            if (existing == null || !existing.expiresAt().isAfter(now)) {
                outcome[0] = Claim.ACQUIRED;
                return new Entry(false, owner, plus(now, lease), plus(now, lease));
            }
            if (existing.done()) {
                outcome[0] = Claim.DONE;
                return existing;
            }
            if (existing.owner().equals(owner) || !existing.leaseUntil().isAfter(now)) {
                outcome[0] = Claim.ACQUIRED;
                return new Entry(false, owner, plus(now, lease), plus(now, lease));
            }
            outcome[0] = Claim.BUSY;
            return existing;
        });
        purgeNow(now);
        return outcome[0];
    }

    @Override
    public boolean complete(String key, String owner, Duration retention) {
        Instant now = clock.instant();
        boolean[] held = new boolean[1];
        entries.computeIfPresent(key, (k, existing) -> {
            if (!existing.done() && existing.owner().equals(owner)) {
                held[0] = true;
                return new Entry(true, owner, now, plus(now, retention));
            }
            return existing;
        });
        return held[0];
    }

    @Override
    public void release(String key, String owner) {
        entries.computeIfPresent(
                key, (k, existing) -> !existing.done() && existing.owner().equals(owner) ? null : existing);
    }

    /** {@code now + duration}, saturating at {@link Instant#MAX} (a lease or retention of "forever"). */
    static Instant plus(Instant now, Duration duration) {
        try {
            return now.plus(duration);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return duration.isNegative() ? Instant.MIN : Instant.MAX;
        }
    }

    private void purgeNow(Instant now) {
        if ((writes.incrementAndGet() & 1023) != 0) {
            return;
        }
        // removeIf on a ConcurrentHashMap view removes an entry only if it still has the value that was tested
        entries.values().removeIf(entry -> !entry.expiresAt().isAfter(now));
    }

    @Override
    public String toString() {
        return "InMemoryIdempotencyStore{" + entries.size() + " entries}";
    }
}
