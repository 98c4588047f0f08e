package dev.corekit.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import java.util.List;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checker against the in-process server, which has no {@code explain} (error 59): verdicts come from prefix
 * analysis of the collection's real indexes, listed through the driver.
 */
class IndexCheckerTest {
    TestMongo mongo = new TestMongo();
    MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
    IndexChecker checker = IndexChecker.of(mongo.client);

    @BeforeEach
    void indexes() {
        orders.createIndex(Indexes.compoundIndex(Indexes.ascending("customerId"), Indexes.descending("createdAt")));
        orders.createIndex(Indexes.ascending("status"));
        orders.createIndex(Indexes.hashed("sessionKey"));
        orders.createIndex(
                Indexes.ascending("couponCode"),
                new IndexOptions().partialFilterExpression(Filters.eq("hasCoupon", true)));
        orders.insertOne(new Document("customerId", 1).append("status", "open"));
    }

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void theCheckerFlagsAScanAndPassesAnIndexedQuery() {
        IndexVerdict scan = checker.check(orders, Filters.eq("total", 100));
        IndexVerdict indexed = checker.check(orders, Filters.eq("customerId", 42));

        assertThat(scan.kind()).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(scan.method()).isEqualTo(IndexVerdict.Method.PREFIX_ANALYSIS);
        assertThat(scan.reason())
                .isEqualTo("no index starts with a field this filter bounds (total equality); indexes: {_id: 1},"
                        + " {customerId: 1, createdAt: -1}, {status: 1}, {sessionKey: \"hashed\"}, {couponCode: 1}");
        assertThat(scan.toString())
                .startsWith("COLLECTION_SCAN shop.orders filter {total: ?}")
                .doesNotContain("100");
        assertThat(indexed.kind()).isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(indexed.index()).isEqualTo("customerId_1_createdAt_-1");
    }

    @Test
    void onlyTheLeadingFieldOfACompoundIndexBoundsAScan() {
        assertThat(kind(Filters.gte("createdAt", 5))).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(kind(Filters.and(Filters.eq("customerId", 1), Filters.gte("createdAt", 5))))
                .isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(kind(Filters.in("customerId", 1, 2, 3))).isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(kind(Filters.gt("customerId", 1))).isEqualTo(IndexVerdict.Kind.INDEXED);
    }

    @Test
    void conditionsNoIndexBoundsNeverCount() {
        assertThat(kind(Filters.ne("status", "open"))).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(kind(Filters.nin("status", "open"))).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(kind(Filters.exists("status"))).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(kind(Filters.regex("status", "pen"))).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(kind(Filters.regex("status", "^op"))).isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(kind(Filters.regex("status", Pattern.compile("^op", Pattern.CASE_INSENSITIVE))))
                .isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(kind(Filters.expr(new Document("$gt", List.of("$total", 5)))))
                .isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
    }

    @Test
    void anOrIsServedOnlyWhenEveryBranchIs() {
        assertThat(kind(Filters.or(Filters.eq("status", "open"), Filters.eq("customerId", 7))))
                .isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(checker.check(orders, Filters.or(Filters.eq("status", "open"), Filters.eq("customerId", 7)))
                        .index())
                .isEqualTo("status_1+customerId_1_createdAt_-1");
        assertThat(kind(Filters.or(Filters.eq("status", "open"), Filters.eq("total", 7))))
                .isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(kind(Filters.and(Filters.eq("customerId", 7), Filters.or(Filters.eq("a", 1), Filters.eq("b", 2)))))
                .as("an indexed condition outside the $or is enough")
                .isEqualTo(IndexVerdict.Kind.INDEXED);
    }

    @Test
    void aSortIsGivenByAnIndexAfterTheFiltersEqualityFields() {
        assertThat(checker.check(orders, Filters.eq("customerId", 1), Sorts.descending("createdAt"))
                        .kind())
                .isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(checker.check(orders, Filters.eq("customerId", 1), Sorts.ascending("createdAt"))
                        .kind())
                .as("all directions reversed: the index is read backwards")
                .isEqualTo(IndexVerdict.Kind.INDEXED);
        IndexVerdict inMemory = checker.check(orders, Filters.eq("status", "open"), Sorts.ascending("createdAt"));
        assertThat(inMemory.kind()).isEqualTo(IndexVerdict.Kind.IN_MEMORY_SORT);
        assertThat(inMemory.servedByIndex()).isTrue();
        assertThat(inMemory.reason()).contains("no index gives the order {createdAt: 1}");
        assertThat(checker.check(orders, null, Sorts.ascending("customerId")).kind())
                .as("no filter, but an index gives the order")
                .isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(checker.check(orders, null, null).kind()).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
    }

    @Test
    void specialIndexesServeOnlyTheirOwnConditions() {
        assertThat(kind(Filters.eq("sessionKey", "k"))).isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(kind(Filters.gt("sessionKey", "k")))
                .as("hashed: equality only")
                .isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(kind(Filters.eq("couponCode", "X")))
                .as("partial: filter must imply it")
                .isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(kind(Filters.and(Filters.eq("couponCode", "X"), Filters.eq("hasCoupon", true))))
                .isEqualTo(IndexVerdict.Kind.INDEXED);
    }

    @Test
    void anAggregationIsJudgedByWhatItsFirstStagesRead() {
        IndexVerdict grouped =
                checker.checkAggregate(orders, List.of(Aggregates.group("$customerId", Accumulators.sum("n", 1))));
        IndexVerdict matched = checker.checkAggregate(
                orders,
                List.of(
                        Aggregates.match(Filters.eq("customerId", 1)),
                        Aggregates.sort(Sorts.descending("createdAt")),
                        Aggregates.limit(5)));

        assertThat(grouped.kind()).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(grouped.reason()).contains("does not start with $match");
        assertThat(matched.kind()).isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(matched.shape()).isEqualTo("pipeline [$match {customerId: ?}, $sort {createdAt: -1}, $limit]");
    }

    @Test
    void theIdIndexAlwaysServesIdLookups() {
        assertThat(kind(Filters.eq("_id", 1))).isEqualTo(IndexVerdict.Kind.INDEXED);
        MongoCollection<Document> fresh = mongo.client.collection("never-written", Document.class);
        assertThat(checker.check(fresh, Filters.eq("_id", 1)).kind()).isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(checker.check(fresh, Filters.eq("x", 1)).kind()).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
    }

    private IndexVerdict.Kind kind(Bson filter) {
        return checker.check(orders, filter).kind();
    }
}
