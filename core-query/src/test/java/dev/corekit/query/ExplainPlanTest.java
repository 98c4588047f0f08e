package dev.corekit.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.corekit.query.internal.Checker;
import dev.corekit.query.internal.QuerySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Every explain shape (classic, slot-based, aggregation {@code $cursor}, sharded {@code SHARD_MERGE} and the sharded
 * aggregation's {@code shards} map) normalizes to one plan tree and one verdict, from explain replies kept in
 * {@code src/test/resources/explain} (see the README there). The last test sends them over the wire: the in-process
 * server answers {@code explain} with a recorded reply, so the checker's explain path runs through the real driver.
 */
class ExplainPlanTest {
    static final QuerySpec ANY = QuerySpec.find("orders", new BsonDocument(), null);

    @Test
    void classicIndexScan() {
        PlanNode plan = PlanNode.fromExplain(recorded("classic-find-ixscan.json"));

        assertThat(plan).hasToString("FETCH(IXSCAN customerId_1_createdAt_-1)");
        assertThat(plan.find("IXSCAN").get(0).keyPattern()).isEqualTo("{customerId: 1, createdAt: -1}");
        IndexVerdict verdict = Checker.fromPlan("shop.orders", ANY, plan);
        assertThat(verdict.kind()).isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(verdict.index()).isEqualTo("customerId_1_createdAt_-1");
        assertThat(verdict.method()).isEqualTo(IndexVerdict.Method.EXPLAIN);
    }

    @Test
    void classicCollectionScan() {
        PlanNode plan = PlanNode.fromExplain(recorded("classic-find-collscan.json"));

        assertThat(plan).hasToString("COLLSCAN");
        IndexVerdict verdict = Checker.fromPlan("shop.orders", ANY, plan);
        assertThat(verdict.kind()).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(verdict.reason()).isEqualTo("the winning plan reads the whole collection: COLLSCAN");
    }

    @Test
    void classicBlockingSort() {
        PlanNode plan = PlanNode.fromExplain(recorded("classic-find-sort.json"));

        assertThat(plan).hasToString("SORT(FETCH(IXSCAN status_1))");
        IndexVerdict verdict = Checker.fromPlan("shop.orders", ANY, plan);
        assertThat(verdict.kind()).isEqualTo(IndexVerdict.Kind.IN_MEMORY_SORT);
        assertThat(verdict.index()).isEqualTo("status_1");
    }

    @Test
    void slotBasedEngineNestsThePlanUnderQueryPlan() {
        PlanNode indexed = PlanNode.fromExplain(recorded("sbe-find-ixscan.json"));
        PlanNode scan = PlanNode.fromExplain(recorded("sbe-find-collscan.json"));

        assertThat(indexed).hasToString("FETCH(IXSCAN email_1)");
        assertThat(scan).hasToString("COLLSCAN");
        assertThat(Checker.fromPlan("shop.users", ANY, indexed).kind()).isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(Checker.fromPlan("shop.users", ANY, scan).kind()).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
    }

    @Test
    void anAggregationPutsItsCursorPlanAtStageZero() {
        PlanNode plan = PlanNode.fromExplain(recorded("aggregate-cursor.json"));

        assertThat(plan).hasToString("$sort($group(PROJECTION_SIMPLE(COLLSCAN)))");
        assertThat(Checker.fromPlan("shop.orders", ANY, plan).kind()).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
    }

    @Test
    void aShardedFindIsFlaggedWhenAnyShardScans() {
        PlanNode plan = PlanNode.fromExplain(recorded("sharded-find.json"));

        assertThat(plan)
                .hasToString("SHARD_MERGE(shard-a: SHARDING_FILTER(FETCH(IXSCAN status_1)),"
                        + " shard-b: SHARDING_FILTER(COLLSCAN))");
        IndexVerdict verdict = Checker.fromPlan("shop.orders", ANY, plan);
        assertThat(verdict.kind()).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
        assertThat(verdict.reason()).endsWith("COLLSCAN on shard-b");
    }

    @Test
    void aShardedAggregationHasOnePlanPerShard() {
        PlanNode plan = PlanNode.fromExplain(recorded("sharded-aggregate.json"));

        assertThat(plan.stage()).isEqualTo("SHARDS_MERGE_ON_MONGOS");
        assertThat(plan.children()).extracting(PlanNode::shard).containsExactly("shard-a", "shard-b");
        assertThat(plan.find("IXSCAN")).hasSize(2);
        IndexVerdict verdict = Checker.fromPlan("shop.orders", ANY, plan);
        assertThat(verdict.kind()).isEqualTo(IndexVerdict.Kind.INDEXED);
        assertThat(verdict.index()).isEqualTo("customerId_1_createdAt_-1");
    }

    @Test
    void theExpressPathOfMongoDb8IsAnIndexRead() {
        PlanNode plan = PlanNode.fromExplain(recorded("express-ixscan.json"));

        assertThat(plan).hasToString("EXPRESS_IXSCAN _id_");
        assertThat(Checker.fromPlan("shop.orders", ANY, plan).kind()).isEqualTo(IndexVerdict.Kind.INDEXED);
    }

    @Test
    void somethingThatIsNoExplainReplyIsAClearError() {
        assertThatThrownBy(() -> PlanNode.fromExplain(BsonDocument.parse("{\"ok\": 1, \"cursor\": {}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an explain reply")
                .hasMessageContaining("[ok, cursor]");
    }

    @Test
    void theCheckerAsksTheServersExplainWhenItHasOne() {
        try (TestMongo mongo = new TestMongo()) {
            mongo.backend.explainWith(recorded("sharded-find.json"));
            MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);

            IndexVerdict verdict = IndexChecker.of(mongo.client)
                    .check(orders, Filters.eq("status", "open"), Sorts.ascending("createdAt"));

            assertThat(verdict.method()).isEqualTo(IndexVerdict.Method.EXPLAIN);
            assertThat(verdict.kind()).isEqualTo(IndexVerdict.Kind.COLLECTION_SCAN);
            assertThat(verdict.shape()).isEqualTo("filter {status: ?} sort {createdAt: 1}");
            assertThat(verdict.plan().find("COLLSCAN")).hasSize(1);
            java.util.Map<String, Object> sent = mongo.backend.explained().get(0);
            assertThat(sent.get("verbosity")).isEqualTo("queryPlanner");
            java.util.Map<?, ?> find = (java.util.Map<?, ?>) sent.get("explain");
            assertThat(find.get("find")).isEqualTo("orders");
            assertThat(((java.util.Map<?, ?>) find.get("filter")).get("status")).isEqualTo("open");
        }
    }

    static BsonDocument recorded(String name) {
        try (InputStream in = ExplainPlanTest.class.getResourceAsStream("/explain/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no recorded explain " + name);
            }
            return BsonDocument.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
