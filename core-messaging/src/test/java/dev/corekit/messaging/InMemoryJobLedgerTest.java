package dev.corekit.messaging;

class InMemoryJobLedgerTest extends JobLedgerContract {
    @Override
    JobLedger ledger() {
        return JobLedger.inMemory();
    }
}
