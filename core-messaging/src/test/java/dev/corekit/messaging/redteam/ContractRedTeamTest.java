package dev.corekit.messaging.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.config.Config;
import dev.corekit.messaging.Envelope;
import dev.corekit.messaging.EventType;
import dev.corekit.messaging.FanOut;
import dev.corekit.messaging.Health;
import dev.corekit.messaging.IdempotencyStore;
import dev.corekit.messaging.JobLedger;
import dev.corekit.messaging.JobStatus;
import dev.corekit.messaging.Messaging;
import dev.corekit.messaging.MessagingSettings;
import dev.corekit.messaging.NonRetryableException;
import dev.corekit.messaging.PublishException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Red team: the promises that need no broker (event contracts, settings validation, stores, ledgers). */
class ContractRedTeamTest {
    record Ping(int n) {}

    private static final String SECRET = "s3cr3tPassw0rdXyz";

    // ---- EventType ------------------------------------------------------------------------------------------

    @Test
    void eventTypeRejectsBadNamesWithAnIllegalArgumentException() {
        for (String bad : new String[] {
            "",
            " ",
            "Orders.Placed",
            "orders..placed",
            ".orders",
            "orders.",
            "orders placed",
            "orders.*",
            "orders.#",
            "ordérs.placed",
            "orders/placed",
            "a".repeat(201)
        }) {
            assertThatThrownBy(() -> EventType.of(bad, 1, Ping.class))
                    .as("name '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void eventTypeAcceptsTheLongestAllowedName() {
        String name = "a".repeat(EventType.MAX_NAME_LENGTH);
        assertThat(EventType.of(name, 1, Ping.class).name()).isEqualTo(name);
    }

    @Test
    void eventTypeRejectsVersionsBelowOne() {
        for (int version : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> EventType.of("orders.placed", version, Ping.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(version));
        }
    }

    @Test
    void eventTypeRejectsNullsWithoutANullPointerFromDeepInside() {
        Throwable nullName = catchThrowable(() -> EventType.of(null, 1, Ping.class));
        Throwable nullType = catchThrowable(() -> EventType.of("orders.placed", 1, null));
        assertThat(nullName).isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
        assertThat(nullType).isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
        assertThat(nullName.getMessage()).as("names the argument").isNotBlank();
        assertThat(nullType.getMessage()).as("names the argument").isNotBlank();
    }

    @Test
    void eventTypesAreEqualOnNameVersionAndPayloadType() {
        EventType<Ping> a = EventType.of("orders.placed", 1, Ping.class);
        assertThat(a).isEqualTo(EventType.of("orders.placed", 1, Ping.class));
        assertThat(a.hashCode())
                .isEqualTo(EventType.of("orders.placed", 1, Ping.class).hashCode());
        assertThat(a).isNotEqualTo(EventType.of("orders.placed", 2, Ping.class));
        assertThat(a).isNotEqualTo(EventType.of("orders.placed", 1, String.class));
        assertThat(a).isNotEqualTo(null);
    }

    // ---- Envelope ---------------------------------------------------------------------------------------------

    @Test
    void envelopeToStringNeverShowsThePayload() {
        Envelope<String> envelope = new Envelope<>(
                "id-1",
                "orders.placed",
                1,
                Instant.EPOCH,
                "p",
                "r",
                "c",
                null,
                "t",
                null,
                null,
                1,
                "CARD-4111111111111111");
        assertThat(envelope.toString()).doesNotContain("4111111111111111").contains("id-1");
        Envelope<String> nullPayload = new Envelope<>(
                "id-2", "orders.placed", 1, Instant.EPOCH, "p", null, null, null, null, null, null, 1, null);
        assertThatCode(nullPayload::toString).doesNotThrowAnyException();
        assertThat(envelope.withAttempt(3).attempt()).isEqualTo(3);
        assertThat(envelope.withAttempt(3).payload()).isEqualTo(envelope.payload());
    }

    // ---- MessagingSettings ------------------------------------------------------------------------------------

    private static MessagingSettings.Builder base() {
        return MessagingSettings.custom(Config.defaultsOnly());
    }

    private static void rejected(String what, UnaryOperator<MessagingSettings.Builder> change) {
        Throwable thrown = catchThrowable(() -> change.apply(base()).build());
        assertThat(thrown).as(what).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsRejectZeroAndNegativeDurations() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-1)}) {
            rejected("publishTimeout " + bad, b -> b.publishTimeout(bad));
            rejected("connectTimeout " + bad, b -> b.connectTimeout(bad));
            rejected("recoveryInitialDelay " + bad, b -> b.recoveryInitialDelay(bad));
            rejected("recoveryMaxDelay " + bad, b -> b.recoveryMaxDelay(bad));
            rejected("retryInitialDelay " + bad, b -> b.retryInitialDelay(bad));
            rejected("retryMaxDelay " + bad, b -> b.retryMaxDelay(bad));
            rejected("idempotencyLease " + bad, b -> b.idempotencyLease(bad));
            rejected("idempotencyRetention " + bad, b -> b.idempotencyRetention(bad));
            rejected("heartbeat negative", b -> b.heartbeat(Duration.ofSeconds(-1)));
            rejected("shutdownTimeout negative", b -> b.shutdownTimeout(Duration.ofSeconds(-1)));
        }
    }

    @Test
    void settingsRejectDurationsThatOverflowWhatTheyFeed() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        // AMQP heartbeats and connection timeouts are bounded (unsigned short seconds, int millis): a value that cannot
        // be honoured must be refused, never silently wrapped.
        rejected("heartbeat huge", b -> b.heartbeat(huge));
        rejected("connectTimeout huge", b -> b.connectTimeout(huge));
        rejected(
                "retryMaxDelay huge (a per-queue TTL is an int of millis at most)",
                b -> b.retryMaxDelay(huge).retryInitialDelay(huge));
    }

    @Test
    void settingsRejectBadCountsAndBounds() {
        rejected("bufferCapacity 0", b -> b.bufferCapacity(0));
        rejected("bufferCapacity -1", b -> b.bufferCapacity(-1));
        rejected("maxMessageBytes 0", b -> b.maxMessageBytes(0));
        rejected("prefetch 0 (unlimited in AMQP)", b -> b.prefetch(0));
        rejected("prefetch above the AMQP limit 65535", b -> b.prefetch(70_000).concurrency(1));
        rejected("concurrency 0", b -> b.concurrency(0));
        rejected("concurrency above prefetch", b -> b.prefetch(4).concurrency(5));
        rejected("maxAttempts 0", b -> b.maxAttempts(0));
        rejected("retryJitterPercent 101", b -> b.retryJitterPercent(101));
        rejected("retryJitterPercent -1", b -> b.retryJitterPercent(-1));
        rejected("deliveryLimit -1", b -> b.deliveryLimit(-1));
        rejected("exchange empty", b -> b.exchange(""));
        rejected("exchange amq.", b -> b.exchange("amq.topic"));
        rejected("producer empty", b -> b.producer(""));
        rejected(
                "retryInitialDelay above retryMaxDelay",
                b -> b.retryInitialDelay(Duration.ofSeconds(10)).retryMaxDelay(Duration.ofSeconds(1)));
        rejected(
                "recoveryInitialDelay above recoveryMaxDelay",
                b -> b.recoveryInitialDelay(Duration.ofSeconds(10)).recoveryMaxDelay(Duration.ofSeconds(1)));
    }

    @Test
    void settingsRejectionNamesEveryBadValue() {
        Throwable thrown = catchThrowable(
                () -> base().prefetch(0).maxAttempts(0).bufferCapacity(0).build());
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage())
                .contains("prefetch")
                .containsIgnoringCase("attempts")
                .containsIgnoringCase("buffer");
    }

    @Test
    void badUrisAreRejectedWithoutShowingThePassword() {
        for (String uri : new String[] {
            "amqp://user:" + SECRET + "@[::1",
            "http://user:" + SECRET + "@127.0.0.1:5672",
            "amqp://user:" + SECRET + "@127.0.0.1:99999",
            "amqp://user:" + SECRET + "@127.0.0.1:5672/a/b/c",
            "not a uri user:" + SECRET,
        }) {
            Throwable thrown = catchThrowable(() -> {
                try (Messaging messaging = Messaging.connect(base().uri(uri).build())) {
                    throw new AssertionError("accepted " + uri.replace(SECRET, "****"));
                }
            });
            assertThat(thrown).as(uri.replace(SECRET, "****")).isInstanceOf(IllegalArgumentException.class);
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage()))
                        .as("message of %s", t.getClass())
                        .doesNotContain(SECRET);
                assertThat(t.toString()).doesNotContain(SECRET);
                for (Throwable s : t.getSuppressed()) {
                    assertThat(s.toString()).doesNotContain(SECRET);
                }
            }
        }
    }

    @Test
    void settingsToStringMasksThePassword() {
        MessagingSettings settings =
                base().uri("amqp://user:" + SECRET + "@127.0.0.1:5672/vh").build();
        assertThat(settings.toString()).doesNotContain(SECRET);
        assertThat(settings.effectiveUri().toString()).doesNotContain(SECRET);
        assertThat(settings.uri().toString()).doesNotContain(SECRET);
    }

    @Test
    void connectRejectsNullSettings() {
        Throwable thrown = catchThrowable(() -> Messaging.connect(null).close());
        assertThat(thrown).isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    }

    // ---- IdempotencyStore -------------------------------------------------------------------------------------

    @Test
    void inMemoryStoreClaimsCompletesAndReleases() {
        IdempotencyStore store = IdempotencyStore.inMemory();
        Duration lease = Duration.ofMinutes(1);
        assertThat(store.claim("q/e1", "a", lease)).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
        assertThat(store.claim("q/e1", "b", lease)).isEqualTo(IdempotencyStore.Claim.BUSY);
        store.release("q/e1", "b"); // not the holder: no effect
        assertThat(store.claim("q/e1", "b", lease)).isEqualTo(IdempotencyStore.Claim.BUSY);
        store.release("q/e1", "a");
        assertThat(store.claim("q/e1", "b", lease)).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
        assertThat(store.complete("q/e1", "a", Duration.ofHours(1)))
                .as("a no longer holds it")
                .isFalse();
        assertThat(store.complete("q/e1", "b", Duration.ofHours(1))).isTrue();
        assertThat(store.claim("q/e1", "c", lease)).isEqualTo(IdempotencyStore.Claim.DONE);
        assertThatCode(() -> store.release("never", "x")).doesNotThrowAnyException();
    }

    @Test
    void inMemoryStoreTakesOverAnExpiredLeaseAndForgetsAfterRetention() {
        MutableClock clock = new MutableClock();
        IdempotencyStore store = IdempotencyStore.inMemory(clock);
        assertThat(store.claim("k", "a", Duration.ofSeconds(10))).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
        clock.advance(Duration.ofSeconds(11));
        assertThat(store.claim("k", "b", Duration.ofSeconds(10))).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
        assertThat(store.complete("k", "a", Duration.ofMinutes(1))).isFalse();
        assertThat(store.complete("k", "b", Duration.ofMinutes(1))).isTrue();
        clock.advance(Duration.ofMinutes(2));
        assertThat(store.claim("k", "c", Duration.ofSeconds(10))).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
    }

    @Test
    void inMemoryStoreSurvivesAnOverflowingLeaseAndRetention() {
        IdempotencyStore store = IdempotencyStore.inMemory();
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        assertThat(store.claim("k", "a", huge)).isEqualTo(IdempotencyStore.Claim.ACQUIRED);
        assertThat(store.claim("k", "b", huge)).isEqualTo(IdempotencyStore.Claim.BUSY);
        assertThat(store.complete("k", "a", huge)).isTrue();
        assertThat(store.claim("k", "b", huge)).isEqualTo(IdempotencyStore.Claim.DONE);
    }

    @Test
    void inMemoryStoreRejectsNullArguments() {
        IdempotencyStore store = IdempotencyStore.inMemory();
        assertThat(catchThrowable(() -> store.claim(null, "o", Duration.ofSeconds(1))))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThat(catchThrowable(() -> store.claim("k", null, Duration.ofSeconds(1))))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThat(catchThrowable(() -> store.claim("k", "o", null)))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThat(catchThrowable(() -> IdempotencyStore.inMemory(null)))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    }

    // ---- JobLedger --------------------------------------------------------------------------------------------

    @Test
    void ledgerCountsARedeliveredPageOnceAndReportsCompletionExactlyOnce() {
        JobLedger ledger = JobLedger.inMemory();
        JobStatus started = ledger.started("job-1", "exports", 25, 3);
        assertThat(started.completed()).isFalse();
        assertThat(ledger.started("job-1", "exports", 999, 7).pages())
                .as("a restart keeps the record")
                .isEqualTo(3);
        assertThat(ledger.pageFinished("job-1", 0, JobLedger.Outcome.SUCCEEDED, null))
                .isFalse();
        assertThat(ledger.pageFinished("job-1", 0, JobLedger.Outcome.FAILED, "late"))
                .isFalse();
        assertThat(ledger.pageFinished("job-1", 1, JobLedger.Outcome.FAILED, "boom"))
                .isFalse();
        assertThat(ledger.pageFinished("job-1", 2, JobLedger.Outcome.SUCCEEDED, null))
                .isTrue();
        assertThat(ledger.pageFinished("job-1", 2, JobLedger.Outcome.SUCCEEDED, null))
                .isFalse();
        JobStatus status = ledger.status("job-1").orElseThrow();
        assertThat(status.succeeded()).isEqualTo(2);
        assertThat(status.failed()).isEqualTo(1);
        assertThat(status.failures()).containsEntry(1, "boom").hasSize(1);
        assertThat(status.completed()).isTrue();
        assertThat(status.completedAt()).isNotNull();
    }

    @Test
    void ledgerRejectsPagesOfUnknownJobsAndOutOfRangePages() {
        JobLedger ledger = JobLedger.inMemory();
        assertThatThrownBy(() -> ledger.pageFinished("nope", 0, JobLedger.Outcome.SUCCEEDED, null))
                .isInstanceOf(IllegalStateException.class);
        ledger.started("job-2", "exports", 10, 2);
        Throwable outOfRange = catchThrowable(() -> ledger.pageFinished("job-2", 5, JobLedger.Outcome.SUCCEEDED, null));
        Throwable negative = catchThrowable(() -> ledger.pageFinished("job-2", -1, JobLedger.Outcome.SUCCEEDED, null));
        assertThat(outOfRange)
                .as("page 5 of 2 must not count towards completion")
                .isNotNull();
        assertThat(negative).as("page -1 must not count towards completion").isNotNull();
        assertThat(ledger.status("job-2").orElseThrow().succeeded()).isZero();
        assertThat(ledger.status("unknown")).isEmpty();
    }

    // ---- FanOut -----------------------------------------------------------------------------------------------

    @Test
    void fanOutRejectsBadNamesAndPageSizes() {
        JobLedger ledger = JobLedger.inMemory();
        assertThatThrownBy(() -> FanOut.of("Bad Name", Ping.class, 10, ledger))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FanOut.of("exports", Ping.class, 0, ledger))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FanOut.of("exports", Ping.class, -5, ledger))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(catchThrowable(() -> FanOut.of("exports", Ping.class, 10, null)))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThat(FanOut.of("exports.rows", Ping.class, 10, ledger).pageType().name())
                .isEqualTo("fanout.exports.rows.page");
        assertThat(FanOut.of("exports.rows", Ping.class, 10, ledger).pageType().version())
                .isEqualTo(1);
    }

    // ---- errors and health ------------------------------------------------------------------------------------

    @Test
    void errorsClassifyThemselves() {
        NonRetryableException nonRetryable = new NonRetryableException("ORDER_UNKNOWN", "no order");
        assertThat(nonRetryable.retryable()).isFalse();
        assertThat(nonRetryable.code()).isEqualTo("ORDER_UNKNOWN");
        for (PublishException.Reason reason : PublishException.Reason.values()) {
            PublishException e = new PublishException(reason, "e1", "m", null);
            assertThat(e.code()).isEqualTo("MESSAGING_PUBLISH_" + reason.name());
            assertThat(e.eventId()).isEqualTo("e1");
        }
        assertThat(new PublishException(PublishException.Reason.TOO_LARGE, "e", "m", null).retryable())
                .isFalse();
        assertThat(new PublishException(PublishException.Reason.INVALID, "e", "m", null).retryable())
                .isFalse();
        assertThat(new PublishException(PublishException.Reason.TIMED_OUT, "e", "m", null).retryable())
                .isTrue();
    }

    @Test
    void healthWorseIsATotalOrder() {
        assertThat(Health.UP.worse(Health.BLOCKED)).isEqualTo(Health.BLOCKED);
        assertThat(Health.BLOCKED.worse(Health.RECOVERING)).isEqualTo(Health.RECOVERING);
        assertThat(Health.DOWN.worse(Health.UP)).isEqualTo(Health.DOWN);
        assertThat(Health.RECOVERING.worse(Health.RECOVERING)).isEqualTo(Health.RECOVERING);
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
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
}
