package dev.corekit.messaging.internal;

import dev.corekit.messaging.JobLedger;
import dev.corekit.messaging.JobStatus;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link JobLedger#inMemory()}. */
public final class InMemoryJobLedger implements JobLedger {
    private final Clock clock;
    private final Map<String, JobStatus> jobs = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, Outcome>> outcomes = new ConcurrentHashMap<>();

    public InMemoryJobLedger(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized JobStatus started(String jobId, String name, long total, int pages) {
        return jobs.computeIfAbsent(jobId, id -> {
            outcomes.put(id, new HashMap<>());
            var now = clock.instant();
            return new JobStatus(id, name, total, pages, 0, 0, Map.of(), now, pages == 0 ? now : null);
        });
    }

    @Override
    public synchronized boolean pageFinished(String jobId, int page, Outcome outcome, String error) {
        JobStatus job = jobs.get(jobId);
        if (job == null) {
            throw new IllegalStateException("fan-out job '" + jobId + "' was never started");
        }
        if (page < 0 || page >= job.pages()) {
            throw new IllegalArgumentException(
                    "fan-out job '" + jobId + "' has pages 0 to " + (job.pages() - 1) + ", not page " + page);
        }
        Map<Integer, Outcome> pages = outcomes.get(jobId);
        if (pages.putIfAbsent(page, outcome) != null) {
            return false;
        }
        Map<Integer, String> failures = new HashMap<>(job.failures());
        if (outcome == Outcome.FAILED) {
            failures.put(page, error == null ? "failed" : error);
        }
        int succeeded = job.succeeded() + (outcome == Outcome.SUCCEEDED ? 1 : 0);
        int failed = job.failed() + (outcome == Outcome.FAILED ? 1 : 0);
        boolean completes = succeeded + failed == job.pages() && job.completedAt() == null;
        jobs.put(
                jobId,
                new JobStatus(
                        jobId,
                        job.name(),
                        job.total(),
                        job.pages(),
                        succeeded,
                        failed,
                        failures,
                        job.startedAt(),
                        completes ? clock.instant() : job.completedAt()));
        return completes;
    }

    @Override
    public Optional<JobStatus> status(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }
}
