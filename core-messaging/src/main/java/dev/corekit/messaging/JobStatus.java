package dev.corekit.messaging;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A fan-out job as its {@link JobLedger} records it.
 *
 * @param jobId the job's id
 * @param name the fan-out's name
 * @param total the total size the producer probed
 * @param pages how many pages it was split into
 * @param succeeded pages whose handler returned
 * @param failed pages that were dead-lettered
 * @param failures the error of each failed page, by page index
 * @param startedAt when the job was first started
 * @param completedAt when its last page outcome was recorded; null while pages are outstanding
 */
public record JobStatus(
        String jobId,
        String name,
        long total,
        int pages,
        int succeeded,
        int failed,
        Map<Integer, String> failures,
        Instant startedAt,
        Instant completedAt) {
    public JobStatus {
        Objects.requireNonNull(jobId, "jobId");
        failures = Map.copyOf(failures);
    }

    /** Whether every page has an outcome. */
    public boolean completed() {
        return completedAt != null;
    }
}
