package dev.corekit.query.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import dev.corekit.query.IndexChecker;
import dev.corekit.query.IndexConflictException;
import dev.corekit.query.IndexDeclaration;
import dev.corekit.query.IndexVerdict;
import dev.corekit.query.IndexVerdict.Kind;
import dev.corekit.query.PlanNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Index declarations that conflict, and the checker on filters and sorts with and without a serving index. */
class IndexRedTeamTest {
    RedTeamMongo mongo = new RedTeamMongo();
    MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
    IndexChecker checker;

    @BeforeEach
    void setUp() {
        orders.insertOne(new Document("status", "open").append("customerId", 1).append("createdAt", 5));
        orders.createIndex(Indexes.compoundIndex(Indexes.ascending("status"), Indexes.descending("createdAt")));
        orders.createIndex(Indexes.ascending("email"));
        orders.createIndex(Indexes.ascending("sku"));
        checker = IndexChecker.of(mongo.client);
    }

    @AfterEach
    void close() {
        mongo.close();
    }

    // ---- declarations

    @Test
    void aDeclarationWithoutKeysIsRefused() {
        assertThatThrownBy(() -> IndexDeclaration.on("orders").build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTtlOnTwoKeysIsRefused() {
        assertThatThrownBy(() -> IndexDeclaration.on("orders")
                        .ascending("a", "b")
                        .expireAfter(Duration.ofDays(1))
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTtlBeyondWhatMongoDbStoresOrBelowZeroIsRefusedClearly() {
        for (Duration bad : List.of(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(-1))) {
            assertThatThrownBy(() -> IndexDeclaration.on("sessions")
                            .ascending("at")
                            .expireAfter(bad)
                            .build())
                    .as("TTL %s", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aTtlOfAFractionOfASecondIsRoundedUpNeverDownToExpireAtOnce() {
        IndexDeclaration declaration = IndexDeclaration.on("sessions")
                .ascending("at")
                .expireAfter(Duration.ofMillis(500))
                .build();

        assertThat(declaration.toString()).contains("expireAfterSeconds 1");
    }

    @Test
    void theSameFieldTwiceInOneKeyIsRefusedNotSilentlyOverwritten() {
        assertThatThrownBy(() -> IndexDeclaration.on("orders")
                        .ascending("a")
                        .descending("a")
                        .build())
                .isInstanceOfAny(IllegalArgumentException.class, IllegalStateException.class);
    }

    @Test
    void nullOrBlankFieldNamesAreRefused() {
        assertThatThrownBy(() -> IndexDeclaration.on("orders").ascending((String) null))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThatThrownBy(() -> IndexDeclaration.on("orders").ascending(" ").build())
                .isInstanceOfAny(IllegalArgumentException.class, IllegalStateException.class);
    }

    @Test
    void theDefaultNameFollowsMongoDbsConventionInCallOrder() {
        IndexDeclaration declaration = IndexDeclaration.on("orders")
                .ascending("customerId")
                .descending("createdAt")
                .build();

        assertThat(declaration.name()).isEqualTo("customerId_1_createdAt_-1");
        assertThat(declaration.keys().keySet()).containsExactly("customerId", "createdAt");
        assertThat(IndexDeclaration.on("x").hashed("h").build().name()).isEqualTo("h_hashed");
    }

    @Test
    void keysIsACopy() {
        IndexDeclaration declaration =
                IndexDeclaration.on("orders").ascending("a").build();
        declaration.keys().put("b", new BsonString("evil"));

        assertThat(declaration.keys().keySet()).containsExactly("a");
    }

    @Test
    void ensureIsIdempotent() {
        List<IndexDeclaration> declared = List.of(
                IndexDeclaration.on("users").ascending("email").unique().build(),
                IndexDeclaration.on("orders")
                        .ascending("customerId")
                        .descending("createdAt")
                        .build());

        IndexDeclaration.EnsureResult first = IndexDeclaration.ensure(mongo.client.database(), declared);
        IndexDeclaration.EnsureResult second = IndexDeclaration.ensure(mongo.client.database(), declared);

        assertThat(first.created())
                .containsExactlyInAnyOrder("shop.users.email_1", "shop.orders.customerId_1_createdAt_-1");
        assertThat(second.created()).isEmpty();
        assertThat(second.present())
                .containsExactlyInAnyOrder("shop.users.email_1", "shop.orders.customerId_1_createdAt_-1");
    }

    @Test
    void anExistingIndexWithTheSameKeysButNotUniqueIsAConflictAndNothingIsCreated() {
        List<IndexDeclaration> declared = List.of(
                IndexDeclaration.on("orders").ascending("email").unique().build(),
                IndexDeclaration.on("orders").ascending("brandNew").build());

        assertThatThrownBy(() -> IndexDeclaration.ensure(mongo.client.database(), declared))
                .isInstanceOfSatisfying(IndexConflictException.class, e -> {
                    assertThat(e.conflicts()).hasSize(1);
                    assertThat(e.getMessage()).contains("email_1").contains("orders");
                    assertThat(e.retryable()).isFalse();
                });
        List<String> names = orders.listIndexes().map(d -> d.getString("name")).into(new ArrayList<>());
        assertThat(names).doesNotContain("brandNew_1");
    }

    @Test
    void anExistingIndexWithTheSameNameAndOtherKeysIsAConflict() {
        orders.createIndex(Indexes.ascending("legacy"), new IndexOptions().name("by_customer"));

        assertThatThrownBy(() -> IndexDeclaration.ensure(
                        mongo.client.database(),
                        List.of(IndexDeclaration.on("orders")
                                .ascending("customerId")
                                .named("by_customer")
                                .build())))
                .isInstanceOfSatisfying(
                        IndexConflictException.class,
                        e -> assertThat(e.getMessage())
                                .contains("by_customer")
                                .contains("legacy")
                                .contains("customerId"));
    }

    @Test
    void everyConflictIsListedInOneException() {
        orders.createIndex(Indexes.ascending("legacy"), new IndexOptions().name("n1"));
        orders.createIndex(
                Indexes.ascending("other"), new IndexOptions().name("n2").sparse(true));

        assertThatThrownBy(() -> IndexDeclaration.ensure(
                        mongo.client.database(),
                        List.of(
                                IndexDeclaration.on("orders")
                                        .ascending("x")
                                        .named("n1")
                                        .build(),
                                IndexDeclaration.on("orders")
                                        .ascending("other")
                                        .named("n2")
                                        .build(),
                                IndexDeclaration.on("orders")
                                        .ascending("email")
                                        .unique()
                                        .build())))
                .isInstanceOfSatisfying(
                        IndexConflictException.class,
                        e -> assertThat(e.conflicts()).hasSize(3));
    }

    @Test
    void twoDeclarationsWithOneNameButDifferentKeysAreAnIllegalArgument() {
        assertThatThrownBy(() -> IndexDeclaration.ensure(
                        mongo.client.database(),
                        List.of(
                                IndexDeclaration.on("orders")
                                        .ascending("a")
                                        .named("same")
                                        .build(),
                                IndexDeclaration.on("orders")
                                        .ascending("b")
                                        .named("same")
                                        .build())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void twoIdenticalDeclarationsAreFineAndCreatedOnce() {
        IndexDeclaration one = IndexDeclaration.on("orders").ascending("dup").build();

        IndexDeclaration.EnsureResult result = IndexDeclaration.ensure(
                mongo.client.database(),
                List.of(one, IndexDeclaration.on("orders").ascending("dup").build()));

        assertThat(result.created()).containsExactly("shop.orders.dup_1");
    }

    @Test
    void nothingToEnsureSendsNothing() {
        long before = mongo.sent.size();

        IndexDeclaration.EnsureResult result = IndexDeclaration.ensure(mongo.client.database(), List.of());

        assertThat(result.created()).isEmpty();
        assertThat(result.present()).isEmpty();
        assertThat(mongo.sent.size()).isEqualTo(before);
    }

    @Test
    void anExistingIndexWithTheSameKeysUnderAnotherNameIsPresentNotAFailure() {
        orders.createIndex(Indexes.ascending("customerId"), new IndexOptions().name("custom_name"));

        assertThatCode(() -> IndexDeclaration.ensure(
                        mongo.client.database(),
                        List.of(IndexDeclaration.on("orders")
                                .ascending("customerId")
                                .build())))
                .doesNotThrowAnyException();
    }

    // ---- checker (this server has no explain: prefix analysis)

    IndexVerdict check(Bson filter, Bson sort) {
        return checker.check(orders, filter, sort);
    }

    @Test
    void anEqualityOnTheFirstIndexFieldIsIndexed() {
        IndexVerdict verdict = check(Filters.eq("email", "alice@example.com"), null);

        assertThat(verdict.kind()).isEqualTo(Kind.INDEXED);
        assertThat(verdict.method()).isEqualTo(IndexVerdict.Method.PREFIX_ANALYSIS);
        assertThat(verdict.index()).isEqualTo("email_1");
        assertThat(verdict.servedByIndex()).isTrue();
    }

    @Test
    void aFilterOnAnUnindexedFieldIsACollectionScan() {
        IndexVerdict verdict = check(Filters.eq("customerId", 1), null);

        assertThat(verdict.kind()).isEqualTo(Kind.COLLECTION_SCAN);
        assertThat(verdict.servedByIndex()).isFalse();
        assertThat(verdict.index()).isNull();
        assertThat(verdict.namespace()).isEqualTo("shop.orders");
    }

    @Test
    void noFilterAtAllIsACollectionScan() {
        assertThat(check(null, null).kind()).isEqualTo(Kind.COLLECTION_SCAN);
        assertThat(checker.check(orders, null).kind()).isEqualTo(Kind.COLLECTION_SCAN);
    }

    @Test
    void theSecondFieldOfACompoundIndexAloneIsACollectionScan() {
        assertThat(check(Filters.eq("createdAt", 5), null).kind()).isEqualTo(Kind.COLLECTION_SCAN);
    }

    @Test
    void anUnanchoredRegexOrANegationNeverCounts() {
        assertThat(check(Filters.regex("email", "alice"), null).kind()).isEqualTo(Kind.COLLECTION_SCAN);
        assertThat(check(Filters.regex("email", Pattern.compile(".*alice")), null)
                        .kind())
                .isEqualTo(Kind.COLLECTION_SCAN);
        assertThat(check(Filters.ne("email", "x"), null).kind()).isEqualTo(Kind.COLLECTION_SCAN);
        assertThat(check(Filters.nin("email", "x", "y"), null).kind()).isEqualTo(Kind.COLLECTION_SCAN);
        assertThat(check(Filters.not(Filters.eq("email", "x")), null).kind()).isEqualTo(Kind.COLLECTION_SCAN);
    }

    @Test
    void anAnchoredRegexAnInAndARangeCount() {
        assertThat(check(Filters.regex("email", "^alice"), null).kind()).isEqualTo(Kind.INDEXED);
        assertThat(check(Filters.in("email", "a", "b"), null).kind()).isEqualTo(Kind.INDEXED);
        assertThat(check(Filters.and(Filters.gt("email", "a"), Filters.lt("email", "m")), null)
                        .kind())
                .isEqualTo(Kind.INDEXED);
    }

    @Test
    void anOrIsServedOnlyWhenEveryBranchIs() {
        IndexVerdict both = check(Filters.or(Filters.eq("email", "a"), Filters.eq("sku", "b")), null);
        assertThat(both.kind()).isEqualTo(Kind.INDEXED);
        assertThat(both.index()).contains("email_1").contains("sku_1").contains("+");

        assertThat(check(Filters.or(Filters.eq("email", "a"), Filters.eq("customerId", 1)), null)
                        .kind())
                .isEqualTo(Kind.COLLECTION_SCAN);
    }

    @Test
    void anIndexThatGivesTheOrderInEitherDirectionAvoidsTheInMemorySort() {
        assertThat(check(Filters.eq("status", "open"), Sorts.descending("createdAt"))
                        .kind())
                .isEqualTo(Kind.INDEXED);
        assertThat(check(Filters.eq("status", "open"), Sorts.ascending("createdAt"))
                        .kind())
                .isEqualTo(Kind.INDEXED);
    }

    @Test
    void aSortNoIndexGivesIsAnInMemorySort() {
        IndexVerdict verdict = check(Filters.eq("email", "a"), Sorts.ascending("createdAt"));

        assertThat(verdict.kind()).isEqualTo(Kind.IN_MEMORY_SORT);
        assertThat(verdict.servedByIndex()).isTrue();
    }

    @Test
    void aRangeOnTheFirstFieldThenASortOnTheSecondNeedsAnInMemorySort() {
        assertThat(check(Filters.gt("status", "a"), Sorts.descending("createdAt"))
                        .kind())
                .isEqualTo(Kind.IN_MEMORY_SORT);
    }

    @Test
    void theVerdictsShapeAndTextNeverShowFilterValues() {
        IndexVerdict verdict = check(
                Filters.and(Filters.eq("customerId", "cust-SECRET-77"), Filters.in("status", "hidden-A", "hidden-B")),
                null);

        assertThat(verdict.shape())
                .contains("customerId")
                .doesNotContain("SECRET")
                .doesNotContain("hidden");
        assertThat(verdict.toString()).doesNotContain("SECRET").doesNotContain("hidden");
        assertThat(verdict.reason()).doesNotContain("SECRET");
    }

    @Test
    void aFilterWhoseToStringThrowsIsStillChecked() {
        Bson evil = new Bson() {
            @Override
            public <T> BsonDocument toBsonDocument(Class<T> documentClass, CodecRegistry codecRegistry) {
                return new BsonDocument("email", new BsonString("x"));
            }

            @Override
            public String toString() {
                throw new IllegalStateException("boom");
            }
        };

        assertThat(check(evil, null).kind()).isEqualTo(Kind.INDEXED);
    }

    @Test
    void checkingAnAggregationLooksAtItsFirstStages() {
        assertThat(checker.checkAggregate(
                                orders,
                                List.of(
                                        Aggregates.match(Filters.eq("email", "a")),
                                        Aggregates.group("$status", Accumulators.sum("n", 1))))
                        .kind())
                .isEqualTo(Kind.INDEXED);
        assertThat(checker.checkAggregate(orders, List.of(Aggregates.group("$status", Accumulators.sum("n", 1))))
                        .kind())
                .isEqualTo(Kind.COLLECTION_SCAN);
        assertThat(checker.checkAggregate(orders, List.of()).kind()).isEqualTo(Kind.COLLECTION_SCAN);
    }

    @Test
    void aCheckOnACollectionThatDoesNotExistIsACollectionScanNotAnError() {
        MongoCollection<Document> none = mongo.client.collection("nothing_here", Document.class);

        assertThat(checker.check(none, Filters.eq("a", 1)).kind()).isEqualTo(Kind.COLLECTION_SCAN);
    }

    // ---- plan normalization

    static BsonDocument json(String json) {
        return BsonDocument.parse(json);
    }

    static final String IXSCAN =
            "{stage: 'FETCH', inputStage: {stage: 'IXSCAN', indexName: 'email_1'," + " keyPattern: {email: 1}}}";

    @Test
    void theClassicShapeIsNormalized() {
        PlanNode plan = PlanNode.fromExplain(json("{queryPlanner: {winningPlan: " + IXSCAN + "}, ok: 1}"));

        assertThat(plan.stage()).isEqualTo("FETCH");
        assertThat(plan.find("IXSCAN"))
                .singleElement()
                .satisfies(n -> assertThat(n.indexName()).isEqualTo("email_1"));
    }

    @Test
    void theSlotBasedShapeIsNormalized() {
        PlanNode plan = PlanNode.fromExplain(json("{queryPlanner: {winningPlan: {queryPlan: " + IXSCAN
                + ", slotBasedPlan: {slots: 'x', stages: '[1] ixseek'}}}, ok: 1}"));

        assertThat(plan.find("IXSCAN")).hasSize(1);
        assertThat(plan.find("COLLSCAN")).isEmpty();
    }

    @Test
    void theAggregationShapeIsNormalized() {
        PlanNode plan = PlanNode.fromExplain(json("{stages: [{$cursor: {queryPlanner: {winningPlan: "
                + "{stage: 'COLLSCAN', direction: 'forward'}}}}, {$group: {_id: '$status'}}], ok: 1}"));

        assertThat(plan.find("COLLSCAN")).hasSize(1);
    }

    @Test
    void theShardedShapeKeepsEveryShardsPlan() {
        PlanNode plan = PlanNode.fromExplain(json("{queryPlanner: {winningPlan: {stage: 'SHARD_MERGE', shards: ["
                + "{shardName: 'shard01', winningPlan: " + IXSCAN + "},"
                + "{shardName: 'shard02', winningPlan: {stage: 'COLLSCAN'}}]}}, ok: 1}"));

        assertThat(plan.stage()).isEqualTo("SHARD_MERGE");
        assertThat(plan.find("COLLSCAN"))
                .singleElement()
                .satisfies(n -> assertThat(n.shard()).isEqualTo("shard02"));
        assertThat(plan.find("IXSCAN"))
                .singleElement()
                .satisfies(n -> assertThat(n.shard()).isEqualTo("shard01"));
    }

    @Test
    void anOrPlanWithSeveralInputStagesKeepsThemAll() {
        PlanNode plan = PlanNode.fromExplain(json("{queryPlanner: {winningPlan: {stage: 'SUBPLAN', inputStage:"
                + " {stage: 'OR', inputStages: [" + IXSCAN + ", {stage: 'COLLSCAN'}]}}}, ok: 1}"));

        assertThat(plan.find("IXSCAN")).hasSize(1);
        assertThat(plan.find("COLLSCAN")).hasSize(1);
        assertThat(plan.nodes()).hasSize(5);
    }

    @Test
    void aDocumentThatIsNoExplainReplyIsRefusedNamingItsTopLevelFields() {
        assertThatThrownBy(() -> PlanNode.fromExplain(json("{hello: 1, world: 2}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hello")
                .hasMessageContaining("world");
        assertThatThrownBy(() -> PlanNode.fromExplain(new BsonDocument())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWinningPlanThatIsNoDocumentIsRefusedAndAStageWithoutANameIsKeptAsUnknown() {
        assertThatThrownBy(() -> PlanNode.fromExplain(json("{queryPlanner: {winningPlan: 'COLLSCAN'}}")))
                .isInstanceOf(IllegalArgumentException.class);

        PlanNode unnamed = PlanNode.fromExplain(json("{queryPlanner: {winningPlan: {inputStage: 5}}}"));
        assertThat(unnamed.stage()).isEqualTo("(unknown)");
        assertThat(unnamed.find("IXSCAN")).isEmpty();
    }

    @Test
    void aShardedPlansOneLineFormNamesEachShardOnce() {
        PlanNode plan = PlanNode.fromExplain(json("{queryPlanner: {winningPlan: {stage: 'SHARD_MERGE', shards: ["
                + "{shardName: 'shard01', winningPlan: " + IXSCAN + "},"
                + "{shardName: 'shard02', winningPlan: {stage: 'COLLSCAN'}}]}}, ok: 1}"));

        assertThat(plan.toString()).isEqualTo("SHARD_MERGE(shard01: FETCH(IXSCAN email_1), shard02: COLLSCAN)");
    }

    @Test
    void nullExplainIsAClearError() {
        assertThatThrownBy(() -> PlanNode.fromExplain(null))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    }
}
