package dev.corekit.query.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.query.QueryClient;
import dev.corekit.query.QuerySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Overflowing and nonsensical settings, and secrets that must never show. */
class SettingsRedTeamTest {
    static final String PASSWORD = "hunter2-p4ssw0rd";
    static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    static QuerySettings.Builder builder() {
        return QuerySettings.custom(Config.defaultsOnly());
    }

    static String chain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append('\n');
            for (Throwable s : t.getSuppressed()) {
                text.append(s).append('\n');
            }
        }
        return text.toString();
    }

    /**
     * Either the settings refuse the value (InvalidSettingException), or a client built on them works: a query runs
     * and the monitor has no failure of its own.
     */
    void refusedOrWorking(UnaryOperator<QuerySettings.Builder> hostile) {
        RedTeamMongo base = new RedTeamMongo();
        opened.add(base);
        QuerySettings settings;
        try {
            settings = hostile.apply(builder().mongodbUri(base.uri)).build();
        } catch (InvalidSettingException refused) {
            return;
        }
        QueryClient client = QueryClient.custom()
                .settings(settings)
                .recorder(Recorder.of(new InMemorySink()))
                .build();
        opened.add(client);
        MongoCollection<Document> orders = client.collection("orders", Document.class);
        orders.insertOne(new Document("a", 1));
        assertThat(orders.find().first()).isNotNull();
        assertThat(client.monitor().listenerFailures()).isZero();
        assertThat(client.monitor().totals().slowCommands()).isZero();
    }

    @Test
    void aSlowQueryThresholdOfTheLargestDurationIsRefusedOrHarmless() {
        refusedOrWorking(b -> b.slowQueryThreshold(FOREVER));
    }

    @Test
    void aSlowQueryThresholdOfAHugeNumberOfDaysFromASystemPropertyIsRefusedOrHarmless() {
        RedTeamMongo base = new RedTeamMongo();
        opened.add(base);
        Config config = Config.of(
                Map.of(
                        QuerySettings.SLOW_QUERY_THRESHOLD.propertyName(),
                        "106751991167300d",
                        QuerySettings.MONGODB_URI.propertyName(),
                        base.uri),
                Map.of(),
                Map.of());
        QuerySettings settings;
        try {
            settings = QuerySettings.load(config);
        } catch (InvalidSettingException refused) {
            assertThat(refused.getMessage()).contains(QuerySettings.SLOW_QUERY_THRESHOLD.propertyName());
            return;
        }
        QueryClient client = QueryClient.custom()
                .settings(settings)
                .recorder(Recorder.of(new InMemorySink()))
                .build();
        opened.add(client);
        client.collection("orders", Document.class).find().first();
        assertThat(client.monitor().listenerFailures()).isZero();
    }

    @Test
    void aReadTimeoutOfTheLargestDurationIsRefusedOrHarmless() {
        refusedOrWorking(b -> b.readTimeout(FOREVER).inFlightExpiry(FOREVER));
    }

    @Test
    void aConnectTimeoutOfTheLargestDurationIsRefusedOrHarmless() {
        refusedOrWorking(b -> b.connectTimeout(FOREVER));
    }

    @Test
    void aServerSelectionAndPoolWaitOfTheLargestDurationAreRefusedOrHarmless() {
        refusedOrWorking(b -> b.serverSelectionTimeout(FOREVER).poolWaitTimeout(FOREVER));
    }

    @Test
    void aWriteConcernTimeoutOfTheLargestDurationIsRefusedOrHarmless() {
        refusedOrWorking(b -> b.writeConcernTimeout(FOREVER));
    }

    @Test
    void anInFlightExpiryOfTheLargestDurationIsRefusedOrHarmless() {
        refusedOrWorking(b -> b.inFlightExpiry(FOREVER));
    }

    @Test
    void aSubMillisecondReadTimeoutNeverBecomesAnInfiniteWait() {
        // the driver reads 0 ms as "no timeout": a 1 ns read timeout must be refused or rounded up, never truncated
        try {
            QuerySettings settings = builder().readTimeout(Duration.ofNanos(1)).build();
            assertThat(settings.readTimeout()).isPositive();
            assertThat(settings.readTimeout().toMillis()).isPositive();
        } catch (InvalidSettingException refused) {
            assertThat(refused.getMessage()).contains(QuerySettings.READ_TIMEOUT.propertyName());
        }
    }

    @Test
    void zeroOrNegativeTimeoutsAreRefusedBecauseWaitsMustBeBounded() {
        for (UnaryOperator<QuerySettings.Builder> bad : List.<UnaryOperator<QuerySettings.Builder>>of(
                b -> b.readTimeout(Duration.ZERO),
                b -> b.connectTimeout(Duration.ZERO),
                b -> b.serverSelectionTimeout(Duration.ZERO),
                b -> b.poolWaitTimeout(Duration.ofMillis(-1)),
                b -> b.slowQueryThreshold(Duration.ofMillis(-1)),
                b -> b.writeConcernTimeout(Duration.ofMillis(-1)))) {
            assertThatThrownBy(() -> bad.apply(builder()).build()).isInstanceOf(InvalidSettingException.class);
        }
    }

    @Test
    void anInFlightExpiryShorterThanTheReadTimeoutIsRefused() {
        assertThatThrownBy(() -> builder()
                        .readTimeout(Duration.ofSeconds(30))
                        .inFlightExpiry(Duration.ofSeconds(10))
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(QuerySettings.IN_FLIGHT_EXPIRY.propertyName());
    }

    @Test
    void batchAndTrackingSizesBelowOneAreRefused() {
        assertThatThrownBy(() -> builder().maxBatchSize(0).build()).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> builder().maxBatchSize(-1).build()).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> builder().maxTrackedCommands(0).build()).isInstanceOf(InvalidSettingException.class);
    }

    @Test
    void theLargestBatchSizeSettingIsAcceptedAndOneMoreIsRefused() {
        assertThat(builder().maxBatchSize(10_000).build().maxBatchSize()).isEqualTo(10_000);
        assertThatThrownBy(() -> builder().maxBatchSize(10_001).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(QuerySettings.MAX_BATCH_SIZE.propertyName());
    }

    @Test
    void everyBadValueIsNamedInOneException() {
        assertThatThrownBy(() -> builder()
                        .maxBatchSize(0)
                        .maxTrackedCommands(-3)
                        .slowQueryThreshold(Duration.ofSeconds(-1))
                        .build())
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(3));
    }

    @Test
    void aCursorKeyOneCharacterTooShortIsRefusedWithoutShowingIt() {
        String key = "k".repeat(QuerySettings.MIN_CURSOR_KEY_LENGTH - 1).replaceFirst("k", "Z");

        assertThatThrownBy(() -> builder().cursorKey(key).build())
                .isInstanceOf(InvalidSettingException.class)
                .satisfies(e -> assertThat(chain(e)).doesNotContain(key));
        assertThat(builder()
                        .cursorKey("k".repeat(QuerySettings.MIN_CURSOR_KEY_LENGTH))
                        .build()
                        .cursorKey())
                .isPresent();
    }

    @Test
    void toStringOfSettingsAndClientMasksThePasswordAndCursorKey() {
        RedTeamMongo base = new RedTeamMongo();
        opened.add(base);
        String uri = base.uri.replace("mongodb://", "mongodb://app:" + PASSWORD + "@");
        QuerySettings settings = builder()
                .mongodbUri(uri)
                .cursorKey("cursor-key-SECRET-0123456789abcdef")
                .build();
        QueryClient client = QueryClient.custom()
                .settings(settings)
                .recorder(Recorder.of(new InMemorySink()))
                .build();
        opened.add(client);

        assertThat(settings.toString()).doesNotContain(PASSWORD).doesNotContain("SECRET");
        assertThat(client.toString()).doesNotContain(PASSWORD).contains("127.0.0.1");
    }

    @Test
    void aMalformedUriWithAPasswordNeverShowsThePasswordInTheError() {
        String uri = "mongodb://app:" + PASSWORD + "@127.0.0.1:notaport/shop";

        Throwable error = null;
        try {
            QuerySettings settings = builder().mongodbUri(uri).build();
            QueryClient client = QueryClient.custom()
                    .settings(settings)
                    .recorder(Recorder.of(new InMemorySink()))
                    .build();
            opened.add(client);
        } catch (RuntimeException e) {
            error = e;
        }

        assertThat(error).as("a malformed URI is refused").isNotNull();
        assertThat(chain(error)).doesNotContain(PASSWORD);
    }

    @Test
    void aUriWithAnUnknownSchemeAndAPasswordNeverShowsThePassword() {
        String uri = "postgres://app:" + PASSWORD + "@db.example.com/shop";

        Throwable error = null;
        try {
            QueryClient client = QueryClient.custom()
                    .settings(builder().mongodbUri(uri).build())
                    .recorder(Recorder.of(new InMemorySink()))
                    .build();
            opened.add(client);
        } catch (RuntimeException e) {
            error = e;
        }

        assertThat(error).isNotNull();
        assertThat(chain(error)).doesNotContain(PASSWORD);
    }

    @Test
    void anUnreachableServerBehindAPasswordNeverShowsThePasswordInErrorsOrRecords() {
        InMemorySink sink = new InMemorySink();
        QueryClient client = QueryClient.custom()
                .settings(builder()
                        .mongodbUri("mongodb://app:" + PASSWORD + "@127.0.0.1:1/shop")
                        .serverSelectionTimeout(Duration.ofMillis(300))
                        .connectTimeout(Duration.ofMillis(200))
                        .build())
                .recorder(Recorder.of(sink))
                .build();
        opened.add(client);

        assertThatThrownBy(
                        () -> client.collection("orders", Document.class).find().first())
                .satisfies(e -> assertThat(chain(e)).doesNotContain(PASSWORD));
        assertThat(sink.records().toString()).doesNotContain(PASSWORD);
        assertThat(client.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void aClientWithoutUriIsAnIllegalState() {
        assertThatThrownBy(() -> QueryClient.of(QuerySettings.ofDefaults())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aUriWithoutDatabaseHasNoDefaultDatabase() {
        RedTeamMongo base = new RedTeamMongo();
        opened.add(base);
        QueryClient client = QueryClient.custom()
                .settings(builder().mongodbUri(base.uri.replace("/shop", "/")).build())
                .recorder(Recorder.of(new InMemorySink()))
                .build();
        opened.add(client);

        assertThatThrownBy(client::database).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client.collection("orders", Document.class)).isInstanceOf(IllegalStateException.class);
        assertThat(client.collection("shop", "orders", Document.class).countDocuments())
                .isZero();
    }

    @Test
    void ofDefaultsIgnoresTheEnvironmentAndHasNoSecrets() {
        QuerySettings defaults = QuerySettings.ofDefaults();

        assertThat(defaults.mongodbUri()).isEmpty();
        assertThat(defaults.cursorKey()).isEmpty();
        assertThat(defaults.maxBatchSize()).isEqualTo(QuerySettings.DEFAULT_MAX_BATCH_SIZE);
        assertThat(defaults.slowQueryThreshold()).isEqualTo(QuerySettings.DEFAULT_SLOW_QUERY_THRESHOLD);
    }
}
