package dev.corekit.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.Scope;
import dev.corekit.query.testing.QueryBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Query budgets over real commands: the helper must fail the tests that go over, and pass the ones that do not. */
class QueryBudgetTest {
    TestMongo mongo = new TestMongo();
    MongoCollection<Document> products = mongo.client.collection("products", Document.class);
    List<String> skus = IntStream.range(0, 20).mapToObj(i -> "sku-" + i).toList();

    @BeforeEach
    void fill() {
        products.createIndex(Indexes.ascending("sku"));
        products.insertMany(skus.stream()
                .map(sku -> new Document("sku", sku).append("status", "active").append("rank", sku.length()))
                .toList());
    }

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void aBlockOverItsRoundTripBudgetFailsShowingEachCommandAndWhereItWasIssued() {
        QueryBudget budget = QueryBudget.of(mongo.client).maxRoundTrips(3);

        assertThatThrownBy(() -> budget.run(() -> {
                    for (String sku : skus) {
                        products.find(Filters.eq("sku", sku)).first();
                    }
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("query budget exceeded: 20 round trips, at most 3 allowed\n"
                        + "   1. find shop.products filter {sku: ?} — at dev.corekit.query.QueryBudgetTest")
                .hasMessageContaining("(QueryBudgetTest.java:")
                .hasMessageContaining("the same command 20 times: find filter {sku: ?} at")
                .hasMessageContaining("an N+1 loop? load the keys together with BatchLoader")
                .hasMessageNotContaining("sku-1");
    }

    @Test
    void theBatchedVersionOfTheSameBlockStaysWithinOneRoundTrip() {
        BatchLoader<String, Document> loader = BatchLoader.of(products, "sku", String.class);

        assertThatCode(() -> QueryBudget.of(mongo.client)
                        .maxRoundTrips(1)
                        .noCollectionScans()
                        .run(() -> loader.loadAll(skus)))
                .doesNotThrowAnyException();
    }

    @Test
    void aQueryNoIndexServesFailsTheBudgetWithItsShapeReasonAndCallSite() {
        QueryBudget budget = QueryBudget.of(mongo.client).noCollectionScans();

        assertThatThrownBy(() -> budget.run(
                        () -> products.find(Filters.eq("status", "active")).into(new ArrayList<>())))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("query budget: 1 query no index serves\n"
                        + "  - find shop.products filter {status: ?} — COLLECTION_SCAN: no index starts with a field"
                        + " this filter bounds (status equality); indexes: {_id: 1}, {sku: 1} (prefix analysis) — at"
                        + " dev.corekit.query.QueryBudgetTest")
                .hasMessageContaining("(QueryBudgetTest.java:");
        assertThatCode(() -> budget.allowScansOf("products")
                        .run(() -> products.find(Filters.eq("status", "active")).first()))
                .doesNotThrowAnyException();
        assertThatCode(() -> budget.run(
                        () -> products.find(Filters.eq("sku", "sku-3")).first()))
                .doesNotThrowAnyException();
    }

    @Test
    void updatesAndDeletesAreCheckedStatementByStatement() {
        assertThatThrownBy(() -> QueryBudget.of(mongo.client)
                        .noCollectionScans()
                        .run(() -> products.updateMany(Filters.eq("status", "active"), Updates.set("rank", 0))))
                .hasMessageContaining("- update shop.products filter {status: ?} — COLLECTION_SCAN");
        assertThatCode(() -> QueryBudget.of(mongo.client)
                        .noCollectionScans()
                        .run(() -> products.deleteOne(Filters.eq("sku", "sku-1"))))
                .doesNotThrowAnyException();
    }

    @Test
    void anInMemorySortFailsOnlyWhenThatIsAsked() {
        Runnable sorted = () -> products.find(Filters.eq("sku", "sku-1"))
                .sort(Sorts.descending("rank"))
                .first();

        assertThatCode(() -> QueryBudget.of(mongo.client).noCollectionScans().run(sorted))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> QueryBudget.of(mongo.client).noInMemorySorts().run(sorted))
                .hasMessageContaining("query budget: 1 query no index fully serves")
                .hasMessageContaining("IN_MEMORY_SORT: index sku_1 bounds the filter, but no index gives the order");
    }

    @Test
    void commandsSentThroughContextExecutorsCountAndOtherRequestsDoNot() throws Exception {
        ExecutorService pool = ContextExecutors.newFixedThreadPool("budget-test", 2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Future<?> unrelated = pool.submit(
                    () -> { // submitted outside the budget: another request's work
                        go.await();
                        for (int i = 0; i < 5; i++) {
                            products.find(Filters.eq("sku", "sku-1")).first();
                        }
                        return null;
                    });

            QueryBudget.Recording recording = QueryBudget.of(mongo.client).open();
            pool.submit(() -> products.find(Filters.eq("sku", "sku-2")).first()).get();
            products.find(Filters.eq("sku", "sku-3")).first();
            go.countDown();
            unrelated.get();
            int counted = recording.roundTrips();
            recording.close();

            assertThat(counted).isEqualTo(2);
            assertThat(recording.commands()).allSatisfy(line -> assertThat(line).startsWith("find shop.products"));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aBlockInsideARequestIsRecordedInThatRequestsTrace() throws Exception {
        CallContext request = CallContext.newRequest().withCaller("user:42");
        try (Scope scope = request.activate()) {
            long found = QueryBudget.of(mongo.client)
                    .maxRoundTrips(1)
                    .call(() -> products.countDocuments(Filters.eq("sku", "sku-1")));

            assertThat(found).isEqualTo(1);
            assertThat(CallContext.current()).isEqualTo(request);
        }
        assertThat(CallContext.current()).isEqualTo(CallContext.root());
    }

    @Test
    void aHintDecidesWhichIndexCountsEvenThoughTheTestServerIgnoresHints() {
        QueryBudget budget = QueryBudget.of(mongo.client).noCollectionScans();

        assertThatCode(() -> budget.run(() -> products.find(Filters.eq("sku", "sku-1"))
                        .hint(Indexes.ascending("sku"))
                        .first()))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> budget.run(() -> products.find(Filters.eq("sku", "sku-1"))
                        .hintString("status_1")
                        .first()))
                .hasMessageContaining("the query hints an index that does not exist ('status_1'); MongoDB refuses it");
        assertThatThrownBy(() -> budget.run(() -> products.find(Filters.eq("sku", "sku-1"))
                        .hint(new Document("$natural", 1))
                        .first()))
                .hasMessageContaining("the query hints $natural: a scan");
    }

    @Test
    void onAServerWithExplainTheBudgetUsesThePlan() {
        mongo.backend.explainWith(ExplainPlanTest.recorded("classic-find-collscan.json"));

        assertThatThrownBy(() -> QueryBudget.of(mongo.client)
                        .noCollectionScans()
                        .run(() -> products.find(Filters.eq("sku", "sku-1")).first()))
                .hasMessageContaining(
                        "COLLECTION_SCAN: the winning plan reads the whole collection: COLLSCAN (explain)");
    }
}
