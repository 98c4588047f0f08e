package dev.corekit.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Declared indexes ensured against the in-process server, whose own conflict checks are weaker than MongoDB's. */
class IndexDeclarationTest {
    TestMongo mongo = new TestMongo();
    MongoCollection<Document> users = mongo.client.collection("users", Document.class);

    static final List<IndexDeclaration> DECLARED = List.of(
            IndexDeclaration.on("orders")
                    .ascending("customerId")
                    .descending("createdAt")
                    .build(),
            IndexDeclaration.on("users").ascending("email").unique().build(),
            IndexDeclaration.on("sessions")
                    .ascending("lastSeen")
                    .expireAfter(Duration.ofDays(7))
                    .build());

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void declaredIndexesAreCreatedOnceAndEnsuringAgainChangesNothing() {
        IndexDeclaration.EnsureResult first = IndexDeclaration.ensure(mongo.client.database(), DECLARED);
        long before = mongo.client.monitor().totals().roundTrips();
        IndexDeclaration.EnsureResult second = IndexDeclaration.ensure(mongo.client.database(), DECLARED);
        long trips = mongo.client.monitor().totals().roundTrips() - before;

        assertThat(first.created())
                .containsExactly(
                        "shop.orders.customerId_1_createdAt_-1", "shop.users.email_1", "shop.sessions.lastSeen_1");
        assertThat(first.present()).isEmpty();
        assertThat(second.created()).isEmpty();
        assertThat(second.present()).hasSize(3);
        assertThat(trips).as("one listIndexes per collection, nothing created").isEqualTo(3);
        assertThat(indexNames(users)).containsExactlyInAnyOrder("_id_", "email_1");
        Document ttl =
                mongo.client.collection("sessions", Document.class).listIndexes().into(new ArrayList<>()).stream()
                        .filter(index -> index.getString("name").equals("lastSeen_1"))
                        .findFirst()
                        .orElseThrow();
        assertThat(((Number) ttl.get("expireAfterSeconds")).longValue()).isEqualTo(TimeUnit.DAYS.toSeconds(7));
    }

    @Test
    void anExistingIndexThatContradictsADeclarationIsReportedAndNothingIsCreated() {
        users.createIndex(Indexes.ascending("email")); // not unique, as someone made it by hand

        assertThatThrownBy(() -> IndexDeclaration.ensure(mongo.client.database(), DECLARED))
                .isInstanceOf(IndexConflictException.class)
                .hasMessage("declared index conflicts with an existing one: index 'email_1' on shop.users exists not"
                        + " unique but is declared unique: drop and recreate it (or align the declaration); corekit"
                        + " never changes an existing index")
                .satisfies(e -> assertThat(((IndexConflictException) e).code()).isEqualTo("INDEX_CONFLICT"));

        assertThat(indexNames(mongo.client.collection("orders", Document.class)))
                .as("no declared index was created")
                .doesNotContain("customerId_1_createdAt_-1");
    }

    @Test
    void everyConflictIsListedAtOnce() {
        users.createIndex(Indexes.ascending("phone"), new IndexOptions().name("email_1"));
        mongo.client
                .collection("sessions", Document.class)
                .createIndex(Indexes.ascending("lastSeen"), new IndexOptions().expireAfter(60L, TimeUnit.SECONDS));

        assertThatThrownBy(() -> IndexDeclaration.ensure(mongo.client.database(), DECLARED))
                .isInstanceOf(IndexConflictException.class)
                .satisfies(e -> assertThat(((IndexConflictException) e).conflicts())
                        .containsExactly(
                                "index 'email_1' on shop.users exists with keys {phone: 1}, declared with keys"
                                        + " {email: 1}: drop it or rename the declaration",
                                "index 'lastSeen_1' on shop.sessions exists with expireAfterSeconds 60 but is declared"
                                        + " with 604800: drop and recreate it (or align the declaration); corekit never"
                                        + " changes an existing index"));
    }

    @Test
    void theSameKeysUnderAnotherNameCountAsPresentUnlessANameIsDeclared() {
        users.createIndex(
                Indexes.ascending("email"), new IndexOptions().unique(true).name("by_email"));

        assertThat(IndexDeclaration.ensure(mongo.client.database(), List.of(DECLARED.get(1)))
                        .present())
                .containsExactly("shop.users.by_email");
        assertThatThrownBy(() -> IndexDeclaration.ensure(
                        mongo.client.database(),
                        List.of(IndexDeclaration.on("users")
                                .ascending("email")
                                .unique()
                                .named("users_email")
                                .build())))
                .isInstanceOf(IndexConflictException.class)
                .hasMessageContaining("keys {email: 1} on shop.users are already indexed as 'by_email'; declared as"
                        + " 'users_email'");
    }

    @Test
    void aPartialIndexIsMatchedWithItsFilter() {
        IndexDeclaration partial = IndexDeclaration.on("users")
                .ascending("referrer")
                .partial(Filters.eq("referred", true))
                .build();

        IndexDeclaration.ensure(mongo.client.database(), List.of(partial));

        assertThat(IndexDeclaration.ensure(mongo.client.database(), List.of(partial))
                        .present())
                .containsExactly("shop.users.referrer_1");
        assertThat(partial).hasToString("users.referrer_1 {referrer: 1} partial {referred: ?}");
    }

    @Test
    void badDeclarationsAreClearErrors() {
        assertThatThrownBy(() -> IndexDeclaration.on("users").build())
                .hasMessageContaining("index on users has no keys");
        assertThatThrownBy(() -> IndexDeclaration.on("users")
                        .ascending("a", "b")
                        .expireAfter(Duration.ofHours(1))
                        .build())
                .hasMessageContaining("a TTL index has exactly one key");
        assertThatThrownBy(() -> IndexDeclaration.on("users").ascending("a").descending("a"))
                .hasMessageContaining("field 'a' is already a key");
        assertThatThrownBy(() -> IndexDeclaration.ensure(
                        mongo.client.database(),
                        List.of(
                                IndexDeclaration.on("users")
                                        .ascending("a")
                                        .named("x")
                                        .build(),
                                IndexDeclaration.on("users")
                                        .ascending("b")
                                        .named("x")
                                        .build())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two declarations of index 'x' on users differ");
    }

    private static List<String> indexNames(MongoCollection<Document> collection) {
        return collection.listIndexes().into(new ArrayList<>()).stream()
                .map(index -> index.getString("name"))
                .toList();
    }
}
