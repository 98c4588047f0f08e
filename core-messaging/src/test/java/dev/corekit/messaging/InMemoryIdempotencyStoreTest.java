package dev.corekit.messaging;

class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {
    @Override
    IdempotencyStore store() {
        return IdempotencyStore.inMemory(clock);
    }
}
