package dev.corekit.messaging;

import dev.corekit.messaging.internal.InMemoryJobLedger;
import java.time.Clock;
import java.util.Optional;

/**
 * Where a {@link FanOut} job records its pages' outcomes and its own completion, shared by every worker instance.
 * Implementations: {@link #inMemory()} (tests, one process) and
 * {@code dev.corekit.messaging.mongo.MongoJobLedger} (one document per job). Thread-safe; a method that cannot reach
 * its storage throws, and the page is retried.
 */
public interface JobLedger {
    /** What became of one page. */
    enum Outcome {
        /** Its handler returned. */
        SUCCEEDED,
        /** It was dead-lettered: its last attempt failed, or it failed in a way no retry fixes. */
        FAILED
    }

    /**
     * Records that a job started with {@code pages} pages. Starting the same job again (a producer retrying after a
     * failed publish) keeps the existing record.
     *
     * @return the job's status after the call
     */
    JobStatus started(String jobId, String name, long total, int pages);

    /**
     * Records a page's outcome unless it has one already (a redelivered page does not count twice).
     *
     * @param error what failed, for {@link Outcome#FAILED}; null otherwise
     * @return true for exactly one call per job: the one that recorded its last missing page outcome
     * @throws IllegalStateException when the job was never started
     * @throws IllegalArgumentException when {@code page} is not one of the job's pages ({@code 0} to {@code pages - 1})
     */
    boolean pageFinished(String jobId, int page, Outcome outcome, String error);

    /** The job's status, or empty when unknown. */
    Optional<JobStatus> status(String jobId);

    /** A ledger in this process's memory. */
    static JobLedger inMemory() {
        return new InMemoryJobLedger(Clock.systemUTC());
    }
}
