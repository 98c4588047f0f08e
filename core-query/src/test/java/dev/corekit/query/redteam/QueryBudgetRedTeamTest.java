package dev.corekit.query.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import dev.corekit.context.ContextExecutors;
import dev.corekit.query.BatchLoader;
import dev.corekit.query.testing.QueryBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Budgets exceeded, and what their failure says (and must not say). */
class QueryBudgetRedTeamTest {
    RedTeamMongo mongo = new RedTeamMongo();
    MongoCollection<Document> products = mongo.client.collection("products", Document.class);

    @BeforeEach
    void fill() {
        products.createIndex(Indexes.ascending("sku"));
        products.insertMany(IntStream.range(0, 30)
                .mapToObj(i -> new Document("sku", "sku-SECRET-" + i)
                        .append("status", "active")
                        .append("rank", i))
                .toList());
    }

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void anExceededBudgetShowsShapeAndCallSiteButNoValue() {
        QueryBudget budget = QueryBudget.of(mongo.client).maxRoundTrips(2);

        assertThatThrownBy(() -> budget.run(() -> {
                    for (int i = 0; i < 5; i++) {
                        products.find(Filters.eq("sku", "sku-SECRET-" + i)).first();
                    }
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("5 round trips")
                .hasMessageContaining("sku")
                .hasMessageContaining("shop.products")
                .hasMessageContaining("QueryBudgetRedTeamTest.java:")
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void inValuesOfABatchLoadAreRedactedInTheMessage() {
        BatchLoader<String, Document> loader = BatchLoader.of(products, "sku", String.class);

        assertThatThrownBy(() -> QueryBudget.of(mongo.client)
                        .maxRoundTrips(0)
                        .run(() -> loader.loadAll(List.of("sku-SECRET-1", "sku-SECRET-2"))))
                .isInstanceOf(AssertionError.class)
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void aBudgetOfZeroPassesAnEmptyBlockAndFailsOneQuery() {
        assertThatCode(() -> QueryBudget.of(mongo.client).maxRoundTrips(0).run(() -> {}))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> QueryBudget.of(mongo.client)
                        .maxRoundTrips(0)
                        .run(() -> products.find().first()))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aNegativeBudgetIsRefused() {
        assertThatThrownBy(() -> QueryBudget.of(mongo.client).maxRoundTrips(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exactlyAtTheBudgetPasses() {
        assertThatCode(() -> QueryBudget.of(mongo.client).maxRoundTrips(3).run(() -> {
                    for (int i = 0; i < 3; i++) {
                        products.find(Filters.eq("sku", "x")).first();
                    }
                }))
                .doesNotThrowAnyException();
    }

    @Test
    void getMoresCountAsRoundTrips() {
        assertThatThrownBy(() -> QueryBudget.of(mongo.client)
                        .maxRoundTrips(1)
                        .run(() -> products.find().batchSize(5).into(new ArrayList<>())))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("getMore");
    }

    @Test
    void aCollectionScanFailsWithShapeAndNoValueAndAllowScansOfLetsItPass() {
        assertThatThrownBy(() -> QueryBudget.of(mongo.client)
                        .noCollectionScans()
                        .run(() -> products.find(Filters.eq("status", "inactive-SECRET"))
                                .first()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("status")
                .hasMessageContaining("QueryBudgetRedTeamTest.java:")
                .hasMessageNotContaining("SECRET");

        assertThatCode(() -> QueryBudget.of(mongo.client)
                        .noCollectionScans()
                        .allowScansOf("products")
                        .run(() -> products.find(Filters.eq("status", "x")).first()))
                .doesNotThrowAnyException();
    }

    @Test
    void noInMemorySortsAlsoFailsACollectionScan() {
        assertThatThrownBy(() -> QueryBudget.of(mongo.client)
                        .noInMemorySorts()
                        .run(() -> products.find(Filters.eq("status", "x")).first()))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> QueryBudget.of(mongo.client)
                        .noInMemorySorts()
                        .run(() -> products.find(Filters.eq("sku", "x"))
                                .sort(Sorts.ascending("rank"))
                                .first()))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void anIndexedQueryPassesNoCollectionScans() {
        assertThatCode(() -> QueryBudget.of(mongo.client)
                        .noCollectionScans()
                        .run(() -> products.find(Filters.eq("sku", "x")).first()))
                .doesNotThrowAnyException();
    }

    @Test
    void aBudgetIsImmutableEachMethodReturnsANewOne() {
        QueryBudget unlimited = QueryBudget.of(mongo.client);
        QueryBudget strict = unlimited.maxRoundTrips(0).noCollectionScans();

        assertThat(strict).isNotSameAs(unlimited);
        assertThatCode(() -> unlimited.run(() -> {
                    for (int i = 0; i < 4; i++) {
                        products.find(Filters.eq("status", "x")).first();
                    }
                }))
                .doesNotThrowAnyException();
    }

    @Test
    void whenTheBlockThrowsItsExceptionWinsWithTheBudgetFailureSuppressed() {
        IllegalStateException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> QueryBudget.of(mongo.client).maxRoundTrips(0).call(() -> {
                    products.find().first();
                    throw boom;
                }))
                .isSameAs(boom)
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(AssertionError.class));
    }

    @Test
    void callReturnsTheBlocksResult() throws Exception {
        assertThat(QueryBudget.of(mongo.client).maxRoundTrips(1).call(() -> products.countDocuments()))
                .isEqualTo(30L);
    }

    @Test
    void commandsOfOtherThreadsOutsideTheBlocksTraceNeverCount() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService noise = Executors.newSingleThreadExecutor();
        Future<?> background = noise.submit(() -> {
            while (!stop.get()) {
                products.find(Filters.eq("sku", "noise")).first();
            }
        });
        try {
            while (mongo.finds() < 5) {
                Thread.onSpinWait();
            }
            assertThatCode(() -> QueryBudget.of(mongo.client).maxRoundTrips(1).run(() -> {
                        products.find(Filters.eq("sku", "mine")).first();
                        long seen = mongo.finds();
                        while (mongo.finds() < seen + 5) {
                            Thread.onSpinWait();
                        }
                    }))
                    .doesNotThrowAnyException();
        } finally {
            stop.set(true);
            background.get(10, TimeUnit.SECONDS);
            noise.shutdownNow();
        }
    }

    @Test
    void workTheBlockHandsToAnotherThreadCounts() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            assertThatThrownBy(() -> QueryBudget.of(mongo.client)
                            .maxRoundTrips(1)
                            .run(() -> {
                                List<Future<?>> tasks = new ArrayList<>();
                                for (int i = 0; i < 3; i++) {
                                    tasks.add(pool.submit(ContextExecutors.wrap(() -> {
                                        products.find(Filters.eq("sku", "x")).first();
                                    })));
                                }
                                for (Future<?> task : tasks) {
                                    try {
                                        task.get(10, TimeUnit.SECONDS);
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                }
                            }))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("3 round trips");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRecordingListsEachCommandWithShapeAndCallSite() {
        QueryBudget.Recording recording = QueryBudget.of(mongo.client).open();
        products.find(Filters.eq("sku", "sku-SECRET-3")).first();
        products.countDocuments(Filters.eq("status", "x"));

        assertThat(recording.roundTrips()).isEqualTo(2);
        assertThat(recording.commands()).hasSize(2);
        assertThat(recording.commands().get(0))
                .contains("find")
                .contains("shop.products")
                .contains("QueryBudgetRedTeamTest")
                .doesNotContain("SECRET");
        recording.close();
    }

    @Test
    void aRecordingOverBudgetFailsAtClose() {
        QueryBudget.Recording recording =
                QueryBudget.of(mongo.client).maxRoundTrips(0).open();
        products.find().first();

        assertThatThrownBy(recording::close).isInstanceOf(AssertionError.class);
    }

    @Test
    void aFilterWhoseToStringThrowsIsShownFromWhatWasSent() {
        org.bson.conversions.Bson evil = new org.bson.conversions.Bson() {
            @Override
            public <T> org.bson.BsonDocument toBsonDocument(
                    Class<T> documentClass, org.bson.codecs.configuration.CodecRegistry codecRegistry) {
                return new org.bson.BsonDocument("status", new org.bson.BsonString("SECRET-status"));
            }

            @Override
            public String toString() {
                throw new IllegalStateException("toString must not be called");
            }
        };

        assertThatThrownBy(() -> QueryBudget.of(mongo.client)
                        .maxRoundTrips(0)
                        .noCollectionScans()
                        .run(() -> products.find(evil).first()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("status")
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void nullBlocksAreClearErrors() {
        assertThatThrownBy(() -> QueryBudget.of(mongo.client).run(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> QueryBudget.of(null)).isInstanceOf(NullPointerException.class);
    }
}
