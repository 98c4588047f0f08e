package dev.corekit.query.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import dev.corekit.config.Secret;
import dev.corekit.query.InvalidCursorException;
import dev.corekit.query.InvalidCursorException.Reason;
import dev.corekit.query.KeysetPager;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile tokens, odd sorts and concurrent writers against keyset pages. */
class KeysetPagerRedTeamTest {
    RedTeamMongo mongo = new RedTeamMongo();
    MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);

    @BeforeEach
    void fill() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            docs.add(new Document("_id", i)
                    .append("customer", i % 3 == 0 ? "alice" : "bob")
                    .append("createdAt", 1000 + (i / 4)) // ties: four documents per createdAt
                    .append("secret", "s3cr3t-value-" + i));
        }
        orders.insertMany(docs);
    }

    @AfterEach
    void close() {
        mongo.close();
    }

    KeysetPager<Document> pager(Bson filter, Bson sort, int pageSize) {
        KeysetPager.Builder<Document> builder =
                KeysetPager.on(orders).sort(sort).pageSize(pageSize);
        if (filter != null) {
            builder.filter(filter);
        }
        return builder.build();
    }

    static List<Object> walk(KeysetPager<Document> pager) {
        List<Object> ids = new ArrayList<>();
        KeysetPager.Page<Document> page = pager.first();
        int guard = 0;
        while (true) {
            page.items().forEach(d -> ids.add(d.get("_id")));
            if (!page.hasNext()) {
                return ids;
            }
            if (++guard > 10_000) {
                throw new AssertionError("endless paging");
            }
            page = pager.page(page.nextCursor());
        }
    }

    String secondPageToken() {
        return pager(null, Sorts.descending("createdAt"), 10).first().nextCursor();
    }

    static String encode(byte[] bytes, String like) {
        return like.endsWith("=")
                ? Base64.getUrlEncoder().encodeToString(bytes)
                : Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Test
    void walkingEveryPageYieldsEveryDocumentOnceInSortOrderWithTies() {
        List<Object> ids = walk(pager(null, Sorts.descending("createdAt"), 10));

        assertThat(ids).hasSize(105).doesNotHaveDuplicates();
        List<Object> expected = orders.find()
                .sort(Sorts.orderBy(Sorts.descending("createdAt"), Sorts.descending("_id")))
                .map(d -> d.get("_id"))
                .into(new ArrayList<>());
        assertThat(ids).isEqualTo(expected);
    }

    @Test
    void aPageSizeOfOneWalksEveryDocumentThroughTies() {
        assertThat(walk(pager(null, Sorts.ascending("createdAt"), 1)))
                .hasSize(105)
                .doesNotHaveDuplicates();
    }

    @Test
    void mixedDirectionsOnTwoSortFieldsWalkInTheExactOrder() {
        Bson sort = Sorts.orderBy(Sorts.ascending("customer"), Sorts.descending("createdAt"));

        List<Object> ids = walk(pager(null, sort, 7));

        List<Object> expected = orders.find()
                .sort(Sorts.orderBy(sort, Sorts.descending("_id")))
                .map(d -> d.get("_id"))
                .into(new ArrayList<>());
        assertThat(ids).isEqualTo(expected);
    }

    @Test
    void sortingOnIdAloneNeedsNoSecondTieBreaker() {
        KeysetPager<Document> pager = pager(null, Sorts.ascending("_id"), 10);

        assertThat(walk(pager)).hasSize(105).isSorted();
        assertThat(pager.sort().keySet()).containsExactly("_id");
    }

    @Test
    void theReportedSortEndsWithTheIdTieBreakerAndIsACopy() {
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 10);

        BsonDocument sort = pager.sort();
        assertThat(sort.keySet()).containsExactly("createdAt", "_id");
        sort.put("evil", new BsonInt32(1));
        assertThat(pager.sort().keySet()).containsExactly("createdAt", "_id");
    }

    @Test
    void aCollectionThatIsAnExactMultipleOfThePageSizeNeverPromisesAPageThatIsEmpty() {
        orders.deleteMany(Filters.gte("_id", 100)); // 100 documents, pages of 10
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 10);

        KeysetPager.Page<Document> page = pager.first();
        int pages = 1;
        while (page.hasNext()) {
            page = pager.page(page.nextCursor());
            assertThat(page.items()).as("a page promised by hasNext()").isNotEmpty();
            pages++;
        }
        assertThat(pages).isEqualTo(10);
    }

    @Test
    void anEmptyCollectionHasAnEmptyLastFirstPage() {
        orders.deleteMany(new Document());

        KeysetPager.Page<Document> page =
                pager(null, Sorts.descending("createdAt"), 10).first();

        assertThat(page.items()).isEmpty();
        assertThat(page.hasNext()).isFalse();
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void aNullOrEmptyCursorIsTheFirstPage() {
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 10);

        assertThat(pager.page(null).items()).isEqualTo(pager.first().items());
        assertThat(pager.page("").items()).isEqualTo(pager.first().items());
    }

    @Test
    void pageSizesAtTheBoundsAreAcceptedAndBeyondThemRefused() {
        assertThatCode(() -> pager(null, Sorts.descending("createdAt"), 1)).doesNotThrowAnyException();
        assertThatCode(() -> pager(null, Sorts.descending("createdAt"), KeysetPager.MAX_PAGE_SIZE))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> pager(null, Sorts.descending("createdAt"), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pager(null, Sorts.descending("createdAt"), KeysetPager.MAX_PAGE_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pager(null, Sorts.descending("createdAt"), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPagerWithoutASortOrWithANonNumericDirectionIsRefused() {
        assertThatThrownBy(() -> KeysetPager.on(orders).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeysetPager.on(orders)
                        .sort(Sorts.metaTextScore("score"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeysetPager.on(orders)
                        .sort(new BsonDocument("createdAt", new BsonInt32(2)))
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeysetPager.on(orders)
                        .sort(new BsonDocument("createdAt", new BsonString("desc")))
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeysetPager.on(orders).sort(new BsonDocument()).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everySingleBitFlipOfATokenIsRefusedAsTamperedOrMalformed() {
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 10);
        String token = pager.first().nextCursor();
        byte[] bytes = Base64.getUrlDecoder().decode(token);

        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = bytes.clone();
                flipped[i] ^= (byte) (1 << bit);
                String forged = encode(flipped, token);
                int at = i;
                assertThatThrownBy(() -> pager.page(forged))
                        .as("flip of bit %d in byte %d", bit, at)
                        .isInstanceOfSatisfying(
                                InvalidCursorException.class,
                                e -> assertThat(e.reason()).isIn(Reason.TAMPERED, Reason.MALFORMED));
            }
        }
    }

    @Test
    void everyTruncationOfATokenIsRefused() {
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 10);
        String token = pager.first().nextCursor();

        for (int length = 1; length < token.length(); length++) {
            String cut = token.substring(0, length);
            assertThatThrownBy(() -> pager.page(cut))
                    .as("token cut to %d characters", length)
                    .isInstanceOf(InvalidCursorException.class);
        }
    }

    @Test
    void nonBase64GarbageIsMalformed() {
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 10);

        for (String garbage : List.of("!!!!", "not a token", "%00%00", "\u0000\u0001", "é€𝄞", " ", "====", "a")) {
            assertThatThrownBy(() -> pager.page(garbage))
                    .isInstanceOfSatisfying(
                            InvalidCursorException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
        }
    }

    @Test
    void aHugeTokenIsRefusedQuicklyAsMalformedOrTampered() {
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 10);
        String huge = "A".repeat(8 * 1024 * 1024);

        long started = System.nanoTime();
        assertThatThrownBy(() -> pager.page(huge))
                .isInstanceOfSatisfying(
                        InvalidCursorException.class,
                        e -> assertThat(e.reason()).isIn(Reason.MALFORMED, Reason.TAMPERED));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2000);
    }

    @Test
    void aValidTokenWithExtraBytesAppendedIsRefused() {
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 10);
        String token = pager.first().nextCursor();
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 5);

        assertThatThrownBy(() -> pager.page(encode(longer, token))).isInstanceOf(InvalidCursorException.class);
    }

    @Test
    void aTokenOfAQueryWithAnotherFilterValueIsForeign() {
        String alices = pager(Filters.eq("customer", "alice"), Sorts.descending("createdAt"), 5)
                .first()
                .nextCursor();
        KeysetPager<Document> bobs = pager(Filters.eq("customer", "bob"), Sorts.descending("createdAt"), 5);

        assertThatThrownBy(() -> bobs.page(alices))
                .isInstanceOfSatisfying(
                        InvalidCursorException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.FOREIGN));
    }

    @Test
    void aTokenOfAnotherSortIsForeign() {
        String token = secondPageToken();
        KeysetPager<Document> ascending = pager(null, Sorts.ascending("createdAt"), 10);

        assertThatThrownBy(() -> ascending.page(token))
                .isInstanceOfSatisfying(
                        InvalidCursorException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.FOREIGN));
    }

    @Test
    void aTokenOfAnotherCollectionIsForeign() {
        MongoCollection<Document> archive = mongo.client.collection("archive", Document.class);
        archive.insertMany(orders.find().into(new ArrayList<>()));
        String token = KeysetPager.on(archive)
                .sort(Sorts.descending("createdAt"))
                .pageSize(10)
                .build()
                .first()
                .nextCursor();

        assertThatThrownBy(() -> pager(null, Sorts.descending("createdAt"), 10).page(token))
                .isInstanceOfSatisfying(
                        InvalidCursorException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.FOREIGN));
    }

    @Test
    void twoFiltersWithTheSameToStringButDifferentContentDoNotShareTokens() {
        Bson alice = new FixedToString(new BsonDocument("customer", new BsonString("alice")));
        Bson bob = new FixedToString(new BsonDocument("customer", new BsonString("bob")));
        String token = pager(alice, Sorts.descending("createdAt"), 5).first().nextCursor();

        assertThatThrownBy(() -> pager(bob, Sorts.descending("createdAt"), 5).page(token))
                .isInstanceOfSatisfying(
                        InvalidCursorException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.FOREIGN));
    }

    @Test
    void aFilterWhoseToStringThrowsStillPages() {
        Bson evil = new ThrowingToString(new BsonDocument("customer", new BsonString("alice")));
        KeysetPager<Document> pager = pager(evil, Sorts.descending("createdAt"), 5);

        assertThat(walk(pager)).hasSize(35).doesNotHaveDuplicates();
    }

    @Test
    void aTokenSignedWithAnotherKeyIsTampered() {
        String token = KeysetPager.on(orders)
                .sort(Sorts.descending("createdAt"))
                .cursorKey(Secret.of("another-key-another-key-another-key-0000"))
                .build()
                .first()
                .nextCursor();

        assertThatThrownBy(() -> pager(null, Sorts.descending("createdAt"), 50).page(token))
                .isInstanceOfSatisfying(
                        InvalidCursorException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TAMPERED));
    }

    @Test
    void aTokenFromAnotherInstanceWithTheSameKeyIsAccepted() {
        String token = KeysetPager.on(orders)
                .sort(Sorts.descending("createdAt"))
                .pageSize(10)
                .cursorKey(Secret.of(RedTeamMongo.CURSOR_KEY))
                .build()
                .first()
                .nextCursor();
        KeysetPager<Document> other = KeysetPager.on(orders)
                .sort(Sorts.descending("createdAt"))
                .pageSize(10)
                .settings(mongo.client.settings())
                .build();

        assertThat(other.page(token).items()).hasSize(10);
    }

    @Test
    void aTokenStaysValidForAnotherPageSizeOrProjectionOfTheSameQuery() {
        String token = secondPageToken();
        KeysetPager<Document> bigger = KeysetPager.on(orders)
                .sort(Sorts.descending("createdAt"))
                .pageSize(25)
                .projection(Projections.include("customer"))
                .build();

        KeysetPager.Page<Document> page = bigger.page(token);

        assertThat(page.items()).hasSize(25);
        assertThat(page.items().get(0)).doesNotContainKey("secret").containsKey("createdAt");
    }

    @Test
    void theMessageOfARefusedTokenNeverShowsTheTokenOrItsValues() {
        KeysetPager<Document> pager = pager(null, Sorts.descending("secret"), 10);
        String token = pager.first().nextCursor();
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");

        assertThatThrownBy(() -> pager.page(forged))
                .isInstanceOf(InvalidCursorException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain(forged)
                        .doesNotContain(token.substring(0, Math.min(12, token.length())))
                        .doesNotContain("s3cr3t"));
        assertThatThrownBy(() -> pager(null, Sorts.ascending("secret"), 10).page(token))
                .isInstanceOf(InvalidCursorException.class)
                .satisfies(
                        e -> assertThat(e.getMessage()).doesNotContain("s3cr3t").doesNotContain(token));
    }

    @Test
    void theTokenItselfDoesNotCarryTheSortValuesInPlainText() {
        String token = pager(null, Sorts.descending("secret"), 10).first().nextCursor();

        assertThat(token).doesNotContain("s3cr3t");
        assertThat(token).matches("[A-Za-z0-9_=-]+");
    }

    @Test
    void aDocumentWithoutTheSortFieldIsAnErrorNamingTheField() {
        orders.insertOne(new Document("_id", 999).append("customer", "alice"));
        KeysetPager<Document> pager = pager(null, Sorts.ascending("createdAt"), 1);

        // the document without createdAt sorts first ascending: it is the last of the first page
        assertThatThrownBy(pager::first)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("createdAt");
    }

    @Test
    void aDocumentWithANullSortValueIsAnErrorNamingTheField() {
        orders.insertOne(new Document("_id", 999).append("createdAt", null));
        KeysetPager<Document> pager = pager(null, Sorts.ascending("createdAt"), 1);

        assertThatThrownBy(pager::first)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("createdAt");
    }

    @Test
    void aNestedSortFieldPagesCorrectly() {
        MongoCollection<Document> events = mongo.client.collection("events", Document.class);
        events.insertMany(IntStream.range(0, 30)
                .mapToObj(i -> new Document("_id", i).append("meta", new Document("at", i % 5)))
                .toList());
        KeysetPager<Document> pager = KeysetPager.on(events)
                .sort(Sorts.descending("meta.at"))
                .pageSize(4)
                .build();

        assertThat(walk(pager)).hasSize(30).doesNotHaveDuplicates();
    }

    @Test
    void documentsInsertedAndDeletedWhileAClientPagesAreNeverSkippedOrRepeated() throws Exception {
        // survivors: documents present before the walk and never deleted; they must each appear exactly once
        Set<Integer> deletable = new HashSet<>();
        for (int i = 0; i < 105; i += 5) {
            deletable.add(i);
        }
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 6);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger nextId = new AtomicInteger(10_000);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writes = writer.submit(() -> {
            int round = 0;
            while (!done.get()) {
                int id = nextId.getAndIncrement();
                orders.insertOne(
                        new Document("_id", id).append("customer", "carol").append("createdAt", 1000 + (round % 30)));
                orders.deleteOne(Filters.eq("_id", (round * 5) % 105));
                round++;
            }
        });
        List<Object> seen = new ArrayList<>();
        try {
            KeysetPager.Page<Document> page = pager.first();
            while (true) {
                page.items().forEach(d -> seen.add(d.get("_id")));
                if (!page.hasNext()) {
                    break;
                }
                page = pager.page(page.nextCursor());
            }
        } finally {
            done.set(true);
            writes.get(30, TimeUnit.SECONDS);
            writer.shutdownNow();
        }

        assertThat(seen).doesNotHaveDuplicates();
        List<Integer> survivors = IntStream.range(0, 105)
                .filter(i -> !deletable.contains(i))
                .boxed()
                .toList();
        assertThat(seen).containsAll(survivors);
    }

    @Test
    void manyThreadsPagingOnePagerConcurrentlyEachSeeEveryDocumentOnce() throws Exception {
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 9);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Set<Integer> sizes = ConcurrentHashMap.newKeySet();
        try {
            List<Future<?>> walks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                walks.add(pool.submit(() -> {
                    List<Object> ids = walk(pager);
                    if (new HashSet<>(ids).size() == ids.size()) {
                        sizes.add(ids.size());
                    }
                }));
            }
            for (Future<?> walk : walks) {
                walk.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sizes).containsExactly(105);
    }

    @Test
    void theExceptionIsClassifiedNotRetryable() {
        KeysetPager<Document> pager = pager(null, Sorts.descending("createdAt"), 10);

        assertThatThrownBy(() -> pager.page("garbage!")).isInstanceOfSatisfying(InvalidCursorException.class, e -> {
            assertThat(e.retryable()).isFalse();
            assertThat(e.code()).isEqualTo(InvalidCursorException.CODE);
            assertThat(e).isInstanceOf(IllegalArgumentException.class);
        });
    }

    /** A filter whose toString is the same whatever it holds. */
    record FixedToString(BsonDocument document) implements Bson {
        @Override
        public <T> BsonDocument toBsonDocument(Class<T> documentClass, CodecRegistry codecRegistry) {
            return document.clone();
        }

        @Override
        public String toString() {
            return "Filter{...}";
        }
    }

    /** A filter whose toString throws. */
    record ThrowingToString(BsonDocument document) implements Bson {
        @Override
        public <T> BsonDocument toBsonDocument(Class<T> documentClass, CodecRegistry codecRegistry) {
            return document.clone();
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString must not be called");
        }
    }
}
