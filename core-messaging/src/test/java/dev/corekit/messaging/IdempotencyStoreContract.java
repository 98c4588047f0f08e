package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.messaging.IdempotencyStore.Claim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The contract every {@link IdempotencyStore} passes; subclasses supply the store on a movable clock. */
abstract class IdempotencyStoreContract {
    static final Duration LEASE = Duration.ofMinutes(5);
    static final Duration RETENTION = Duration.ofDays(7);

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-23T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovableClock clock = new MovableClock();

    abstract IdempotencyStore store();

    @Test
    void theFirstClaimWinsAndADoneEventIsRecognised() {
        IdempotencyStore store = store();

        assertThat(store.claim("q/e1", "a", LEASE)).isEqualTo(Claim.ACQUIRED);
        assertThat(store.claim("q/e1", "b", LEASE)).isEqualTo(Claim.BUSY);
        assertThat(store.complete("q/e1", "a", RETENTION)).isTrue();
        assertThat(store.claim("q/e1", "b", LEASE)).isEqualTo(Claim.DONE);
        assertThat(store.claim("other-queue/e1", "b", LEASE)).isEqualTo(Claim.ACQUIRED);
    }

    @Test
    void aReleasedClaimCanBeTakenByTheRetry() {
        IdempotencyStore store = store();
        store.claim("q/e1", "a", LEASE);

        store.release("q/e1", "a");

        assertThat(store.claim("q/e1", "b", LEASE)).isEqualTo(Claim.ACQUIRED);
    }

    @Test
    void onlyTheOwnerCanReleaseOrComplete() {
        IdempotencyStore store = store();
        store.claim("q/e1", "a", LEASE);

        store.release("q/e1", "intruder");

        assertThat(store.complete("q/e1", "intruder", RETENTION)).isFalse();
        assertThat(store.claim("q/e1", "b", LEASE)).isEqualTo(Claim.BUSY);
    }

    @Test
    void aClaimWhoseHolderDiedIsTakenOverWhenItsLeaseEnds() {
        IdempotencyStore store = store();
        store.claim("q/e1", "dead", LEASE);

        clock.advance(LEASE.plusSeconds(1));

        assertThat(store.claim("q/e1", "b", LEASE)).isEqualTo(Claim.ACQUIRED);
        assertThat(store.complete("q/e1", "dead", RETENTION))
                .as("the first holder lost its claim")
                .isFalse();
        assertThat(store.complete("q/e1", "b", RETENTION)).isTrue();
    }

    @Test
    void aDoneEventIsForgottenAfterItsRetention() {
        IdempotencyStore store = store();
        store.claim("q/e1", "a", LEASE);
        store.complete("q/e1", "a", RETENTION);

        clock.advance(RETENTION.plusSeconds(1));

        assertThat(store.claim("q/e1", "b", LEASE)).isEqualTo(Claim.ACQUIRED);
    }

    @Test
    void concurrentClaimsOfOneEventHaveExactlyOneWinner() throws Exception {
        IdempotencyStore store = store();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Claim>> claims = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String owner = "owner-" + i;
                claims.add(() -> store.claim("q/race", owner, LEASE));
            }
            List<Claim> outcomes = new ArrayList<>();
            for (Future<Claim> outcome : pool.invokeAll(claims)) {
                outcomes.add(outcome.get());
            }
            assertThat(outcomes).filteredOn(c -> c == Claim.ACQUIRED).hasSize(1);
            assertThat(outcomes).filteredOn(c -> c == Claim.BUSY).hasSize(15);
        } finally {
            pool.shutdownNow();
        }
    }
}
