package dev.corekit.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import dev.corekit.config.Secret;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keyset pages through the real driver, with the collection written between pages. */
class KeysetPagerTest {
    static final Secret KEY = Secret.of("test-cursor-key-0123456789abcdef-0123456789");

    TestMongo mongo = new TestMongo();
    MongoCollection<Document> events = mongo.client.collection("events", Document.class);
    int nextId = 0;

    @BeforeEach
    void fill() {
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            documents.add(event(i % 97, "a"));
        }
        events.insertMany(documents);
    }

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void pagesWalkTheCollectionInAStableOrderOneRoundTripEach() {
        KeysetPager<Document> pager = pager(Filters.eq("kind", "a"), Sorts.ascending("at"), 37);

        List<Document> seen = new ArrayList<>();
        int pages = 0;
        long before = mongo.client.monitor().totals().roundTrips();
        KeysetPager.Page<Document> page = pager.first();
        while (true) {
            pages++;
            seen.addAll(page.items());
            if (!page.hasNext()) {
                break;
            }
            page = pager.page(page.nextCursor());
        }
        long trips = mongo.client.monitor().totals().roundTrips() - before;

        assertThat(pages).isEqualTo(28); // ⌈1000 / 37⌉
        assertThat(trips).isEqualTo(pages);
        List<Document> expected = events.find().into(new ArrayList<>()).stream()
                .sorted(Comparator.comparing((Document d) -> d.getInteger("at"))
                        .thenComparing(d -> d.getInteger("_id")))
                .toList();
        assertThat(seen).extracting(d -> d.getInteger("_id")).containsExactlyElementsOf(ids(expected));
        assertThat(pager.sort().toJson()).isEqualTo("{\"at\": 1, \"_id\": 1}");
    }

    @Test
    void keysetPagesNeitherSkipNorRepeatWhileTheCollectionIsWritten() {
        Set<Integer> original = events.find().into(new ArrayList<>()).stream()
                .map(d -> d.getInteger("_id"))
                .collect(Collectors.toSet());
        KeysetPager<Document> pager = pager(Filters.eq("kind", "a"), Sorts.descending("at"), 25);

        List<Integer> seen = new ArrayList<>();
        KeysetPager.Page<Document> page = pager.first();
        while (true) {
            seen.addAll(ids(page.items()));
            writeBetweenPages(page.items());
            if (!page.hasNext()) {
                break;
            }
            page = pager.page(page.nextCursor());
        }

        assertThat(seen).doesNotHaveDuplicates();
        Set<Integer> deletedUnseen = new HashSet<>(original);
        deletedUnseen.removeAll(seen);
        assertThat(deletedUnseen)
                .as("every document that existed throughout was seen")
                .isEmpty();
    }

    @Test
    void skipAndLimitUnderTheSameWritesRepeatsOrSkipsDocuments() {
        Set<Integer> original = events.find().into(new ArrayList<>()).stream()
                .map(d -> d.getInteger("_id"))
                .collect(Collectors.toSet());

        List<Integer> seen = new ArrayList<>();
        for (int skip = 0; ; skip += 25) {
            List<Document> page = events.find(Filters.eq("kind", "a"))
                    .sort(Sorts.orderBy(Sorts.descending("at"), Sorts.ascending("_id")))
                    .skip(skip)
                    .limit(25)
                    .into(new ArrayList<>());
            if (page.isEmpty()) {
                break;
            }
            seen.addAll(ids(page));
            writeBetweenPages(page);
        }

        Set<Integer> missed = new HashSet<>(original);
        missed.removeAll(seen);
        boolean repeated = seen.size() != new HashSet<>(seen).size();
        assertThat(repeated || !missed.isEmpty())
                .as("the pitfall keyset pages avoid: offsets shift under writes")
                .isTrue();
    }

    @Test
    void aTamperedForgedOrForeignCursorIsRefusedWithItsReason() {
        KeysetPager<Document> pager = pager(Filters.eq("kind", "a"), Sorts.ascending("at"), 10);
        String token = pager.first().nextCursor();
        char flipped = token.charAt(20) == 'A' ? 'B' : 'A';
        String tampered = token.substring(0, 20) + flipped + token.substring(21);
        KeysetPager<Document> otherQuery = pager(Filters.eq("kind", "b"), Sorts.ascending("at"), 10);
        KeysetPager<Document> otherKey = KeysetPager.on(events)
                .filter(Filters.eq("kind", "a"))
                .sort(Sorts.ascending("at"))
                .cursorKey(Secret.of("another-key-0123456789abcdef-0123456789"))
                .build();

        assertThat(pager.page(token).items()).hasSize(10);
        assertThatThrownBy(() -> pager.page(tampered))
                .isInstanceOf(InvalidCursorException.class)
                .hasMessageContaining("signature does not match")
                .satisfies(e -> assertThat(((InvalidCursorException) e).reason())
                        .isEqualTo(InvalidCursorException.Reason.TAMPERED));
        assertThatThrownBy(() -> otherKey.page(token))
                .isInstanceOf(InvalidCursorException.class)
                .hasMessageContaining("issued with another cursor key");
        assertThatThrownBy(() -> otherQuery.page(token))
                .isInstanceOf(InvalidCursorException.class)
                .hasMessageContaining("issued for another query")
                .satisfies(e -> assertThat(((InvalidCursorException) e).reason())
                        .isEqualTo(InvalidCursorException.Reason.FOREIGN));
        assertThatThrownBy(() -> pager.page("not a token!"))
                .isInstanceOf(InvalidCursorException.class)
                .satisfies(e -> assertThat(((InvalidCursorException) e).reason())
                        .isEqualTo(InvalidCursorException.Reason.MALFORMED));
        assertThatThrownBy(() -> pager.page(token.substring(0, 12)))
                .isInstanceOf(InvalidCursorException.class)
                .hasMessageContaining("too short");
        assertThat(((InvalidCursorException) catchThrown(() -> pager.page(tampered))).code())
                .isEqualTo("INVALID_CURSOR");
    }

    @Test
    void aDocumentWithoutASortValueIsAClearError() {
        events.deleteMany(new Document());
        events.insertMany(
                List.of(new Document("_id", 1).append("kind", "a"), new Document("_id", 2).append("kind", "a")));
        KeysetPager<Document> pager = pager(Filters.eq("kind", "a"), Sorts.ascending("at"), 1);

        assertThatThrownBy(pager::first)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a document of shop.events has no at");
    }

    @Test
    void aProjectionKeepsTheSortFields() {
        KeysetPager<Document> pager = KeysetPager.on(events)
                .sort(Sorts.descending("at"))
                .projection(Projections.include("kind"))
                .pageSize(5)
                .cursorKey(KEY)
                .build();

        KeysetPager.Page<Document> first = pager.first();
        KeysetPager.Page<Document> second = pager.page(first.nextCursor());

        assertThat(first.items().get(0).keySet()).containsExactlyInAnyOrder("_id", "kind", "at");
        assertThat(second.items()).hasSize(5);
        assertThat(second.items().get(0).getInteger("at"))
                .isLessThanOrEqualTo(first.items().get(4).getInteger("at"));
    }

    @Test
    void badSortsAreClearErrors() {
        assertThatThrownBy(() -> KeysetPager.on(events).build()).hasMessageContaining("needs a sort");
        assertThatThrownBy(() -> KeysetPager.on(events)
                        .sort(Sorts.metaTextScore("score"))
                        .build())
                .hasMessageContaining("keyset sort field score must be ascending (1) or descending (-1)");
        assertThatThrownBy(() -> KeysetPager.on(events).pageSize(0)).hasMessageContaining("pageSize must be from 1");
    }

    private KeysetPager<Document> pager(org.bson.conversions.Bson filter, org.bson.conversions.Bson sort, int size) {
        return KeysetPager.on(events)
                .filter(filter)
                .sort(sort)
                .pageSize(size)
                .cursorKey(KEY)
                .build();
    }

    /** New documents before and after the reader's position, and deletions of documents it has already read. */
    private void writeBetweenPages(List<Document> page) {
        if (page.isEmpty()) {
            return;
        }
        int at = page.get(page.size() - 1).getInteger("at");
        events.insertMany(List.of(
                event(Math.min(96, at + 3), "a"), event(Math.max(0, at - 3), "a"), event(at, "a"), event(at, "b")));
        events.deleteMany(Filters.in("_id", ids(page.subList(0, Math.min(5, page.size())))));
    }

    private Document event(int at, String kind) {
        return new Document("_id", nextId++).append("at", at).append("kind", kind);
    }

    private static List<Integer> ids(List<Document> documents) {
        return documents.stream().map(d -> d.getInteger("_id")).toList();
    }

    private static Throwable catchThrown(Runnable runnable) {
        try {
            runnable.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("nothing thrown");
    }
}
