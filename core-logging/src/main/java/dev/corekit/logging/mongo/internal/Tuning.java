package dev.corekit.logging.mongo.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Pacing of the MongoDB sink that is deliberately not a setting: retry backoff, the writer's idle poll and how often
 * index creation is retried. Internal: production uses {@link #DEFAULT}; tests shorten it with {@link #override}.
 *
 * @param minBackoff the first wait after a failed write; doubles per failure
 * @param maxBackoff the longest wait between two attempts
 * @param idlePoll how long the writer waits for a record before doing idle work (drop reports, replay, indexes)
 * @param maintenanceRetry how long after a failed index creation or spill replay the writer tries again while idle
 */
public record Tuning(Duration minBackoff, Duration maxBackoff, Duration idlePoll, Duration maintenanceRetry) {
    /** 100 ms doubling to 5 s, 50 ms idle poll, maintenance retried every 5 s. */
    public static final Tuning DEFAULT =
            new Tuning(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofSeconds(5));

    private static volatile Tuning current = DEFAULT;

    public Tuning {
        Objects.requireNonNull(minBackoff, "minBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(idlePoll, "idlePoll");
        Objects.requireNonNull(maintenanceRetry, "maintenanceRetry");
    }

    /** The tuning sinks started from now on use. */
    public static Tuning current() {
        return current;
    }

    /** Makes sinks started from now on use {@code tuning}; null restores {@link #DEFAULT}. For tests. */
    public static void override(Tuning tuning) {
        current = tuning == null ? DEFAULT : tuning;
    }
}
