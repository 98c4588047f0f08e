package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The contract of every {@link JobLedger}. */
abstract class JobLedgerContract {
    abstract JobLedger ledger();

    @Test
    void startingAJobAgainKeepsItsRecord() {
        JobLedger ledger = ledger();
        JobStatus first = ledger.started("job-1", "exports", 250, 3);
        ledger.pageFinished("job-1", 0, JobLedger.Outcome.SUCCEEDED, null);

        JobStatus again = ledger.started("job-1", "exports", 250, 3);

        assertThat(again.startedAt()).isEqualTo(first.startedAt());
        assertThat(again.succeeded()).isEqualTo(1);
        assertThat(again.completed()).isFalse();
    }

    @Test
    void eachPageCountsOnceAndTheLastOneCompletesTheJob() {
        JobLedger ledger = ledger();
        ledger.started("job-1", "exports", 250, 3);

        assertThat(ledger.pageFinished("job-1", 0, JobLedger.Outcome.SUCCEEDED, null))
                .isFalse();
        assertThat(ledger.pageFinished("job-1", 0, JobLedger.Outcome.SUCCEEDED, null))
                .isFalse();
        assertThat(ledger.pageFinished("job-1", 2, JobLedger.Outcome.FAILED, "RETRIES_EXHAUSTED: boom"))
                .isFalse();
        assertThat(ledger.pageFinished("job-1", 1, JobLedger.Outcome.SUCCEEDED, null))
                .isTrue();
        assertThat(ledger.pageFinished("job-1", 1, JobLedger.Outcome.SUCCEEDED, null))
                .isFalse();

        JobStatus status = ledger.status("job-1").orElseThrow();
        assertThat(status.succeeded()).isEqualTo(2);
        assertThat(status.failed()).isEqualTo(1);
        assertThat(status.failures()).containsExactlyEntriesOf(java.util.Map.of(2, "RETRIES_EXHAUSTED: boom"));
        assertThat(status.completed()).isTrue();
        assertThat(status.total()).isEqualTo(250);
        assertThat(status.name()).isEqualTo("exports");
    }

    @Test
    void aJobWithoutPagesIsCompleteAtOnce() {
        assertThat(ledger().started("empty", "exports", 0, 0).completed()).isTrue();
    }

    @Test
    void aPageOfAnUnknownJobIsAnError() {
        assertThatThrownBy(() -> ledger().pageFinished("nope", 0, JobLedger.Outcome.SUCCEEDED, null))
                .hasMessage("fan-out job 'nope' was never started");
    }

    @Test
    void concurrentWorkersCompleteTheJobExactlyOnce() throws Exception {
        JobLedger ledger = ledger();
        int pages = 40;
        ledger.started("job-race", "exports", pages, pages);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (int page = 0; page < pages; page++) {
                    int p = page;
                    calls.add(() -> ledger.pageFinished("job-race", p, JobLedger.Outcome.SUCCEEDED, null));
                }
            }
            int completions = 0;
            for (Future<Boolean> result : pool.invokeAll(calls)) {
                completions += result.get() ? 1 : 0;
            }
            assertThat(completions).isEqualTo(1);
            assertThat(ledger.status("job-race").orElseThrow().succeeded()).isEqualTo(pages);
        } finally {
            pool.shutdownNow();
        }
    }
}
