package dev.corekit.messaging.internal;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retry delays: exponential backoff (doubling from the initial delay, capped) spread by jitter. A delay queue has one
 * fixed TTL (a per-message TTL would block the queue's head), so jitter is discrete: each level has three delays,
 * {@code base × (1 - j)}, {@code base} and {@code base × (1 + j)}, one delay queue each, and a retry picks one at random.
 */
public final class RetryPlan {
    private final IntervalFunction base;
    private final int jitterPercent;
    private final int maxAttempts;

    public RetryPlan(Duration initial, Duration max, int jitterPercent, int maxAttempts) {
        this.base = IntervalFunction.ofExponentialBackoff(initial.toMillis(), 2.0, max.toMillis());
        this.jitterPercent = jitterPercent;
        this.maxAttempts = maxAttempts;
    }

    /** The delays of the retry after attempt {@code failedAttempt} (from 1) failed, smallest first. */
    public List<Long> delaysAfter(int failedAttempt) {
        long delay = base.apply(failedAttempt);
        TreeSet<Long> delays = new TreeSet<>();
        delays.add(delay);
        if (jitterPercent > 0) {
            delays.add(Math.max(1, delay * (100 - jitterPercent) / 100));
            delays.add(delay * (100 + jitterPercent) / 100);
        }
        return List.copyOf(delays);
    }

    /** One of {@link #delaysAfter(int)} at random. */
    public long delayAfter(int failedAttempt) {
        List<Long> delays = delaysAfter(failedAttempt);
        return delays.get(ThreadLocalRandom.current().nextInt(delays.size()));
    }

    /** The shortest delay of all: for deliveries postponed without counting an attempt. */
    public long shortest() {
        return delaysAfter(1).get(0);
    }

    /** Every delay some retry may use: one delay queue each. */
    public List<Long> allDelays() {
        TreeSet<Long> all = new TreeSet<>();
        for (int attempt = 1; attempt < Math.max(2, maxAttempts); attempt++) {
            all.addAll(delaysAfter(attempt));
        }
        return List.copyOf(all);
    }
}
