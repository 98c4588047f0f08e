package dev.corekit.query;

import java.time.Duration;
import java.util.Objects;

/**
 * What MongoDB commands cost, summed: for the whole client ({@link CommandMonitor#totals()}) or for one operation
 * ({@link CommandMonitor#attributed}). Immutable.
 *
 * @param roundTrips commands sent, each one round trip to the server (a {@code getMore} is one more)
 * @param time the time the driver measured from sending each command to its reply, summed
 * @param documentsReturned documents the replies carried to the client (cursor batches, a {@code findAndModify}
 *     result)
 * @param failures commands that failed (an error reply or a network failure)
 * @param slowCommands commands at or over {@link QuerySettings#slowQueryThreshold()}
 * @param writeErrors {@code writeErrors} and {@code writeConcernError}s reported inside successful replies
 */
public record QueryStats(
        long roundTrips, Duration time, long documentsReturned, long failures, long slowCommands, long writeErrors) {

    /** Nothing sent. */
    public static final QueryStats ZERO = new QueryStats(0, Duration.ZERO, 0, 0, 0, 0);

    public QueryStats {
        Objects.requireNonNull(time, "time");
    }
}
