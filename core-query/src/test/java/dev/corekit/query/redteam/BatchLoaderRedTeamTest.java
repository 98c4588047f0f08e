package dev.corekit.query.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import dev.corekit.query.BatchLoader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile inputs against the batch loader's written contract. */
class BatchLoaderRedTeamTest {
    RedTeamMongo mongo = new RedTeamMongo();
    MongoCollection<Document> products = mongo.client.collection("products", Document.class);

    @BeforeEach
    void fill() {
        // inserted in reverse order so that the server's natural order is not the caller's order
        List<Document> docs = new ArrayList<>();
        for (int i = 99; i >= 0; i--) {
            docs.add(new Document("sku", "sku-" + i)
                    .append("name", "product " + i)
                    .append("tenant", i % 2 == 0 ? "even" : "odd")
                    .append("secretCost", i * 7));
        }
        products.insertMany(docs);
    }

    @AfterEach
    void close() {
        mongo.close();
    }

    BatchLoader<String, Document> loader(int maxBatch) {
        return BatchLoader.custom(products, "sku", String.class)
                .maxBatchSize(maxBatch)
                .build();
    }

    static List<String> skus(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "sku-" + i).toList();
    }

    /** Sum of the sizes of every {@code $in} the loader sent on {@code field}. */
    long keysSent(String field) {
        long total = 0;
        for (BsonDocument find : mongo.sent("find")) {
            total += inValues(find.getDocument("filter"), field).size();
        }
        return total;
    }

    static BsonArray inValues(BsonDocument filter, String field) {
        if (filter.containsKey(field) && filter.get(field).isDocument()) {
            BsonDocument condition = filter.getDocument(field);
            if (condition.containsKey("$in")) {
                return condition.getArray("$in");
            }
        }
        for (String key : List.of("$and", "$or")) {
            if (filter.containsKey(key)) {
                for (var part : filter.getArray(key)) {
                    BsonArray found = inValues(part.asDocument(), field);
                    if (!found.isEmpty()) {
                        return found;
                    }
                }
            }
        }
        return new BsonArray();
    }

    @Test
    void resultsComeBackInTheCallersKeyOrderWhateverOrderTheServerUses() {
        List<String> keys = List.of("sku-5", "sku-93", "sku-0", "sku-42", "sku-7");

        BatchLoader.Loaded<String, Document> loaded = loader(100).loadAll(keys);

        assertThat(loaded.keys()).containsExactlyElementsOf(keys);
        assertThat(loaded.values())
                .extracting(v -> v.orElseThrow().getString("sku"))
                .containsExactlyElementsOf(keys);
        assertThat(loaded.found().keySet()).containsExactlyElementsOf(keys);
    }

    @Test
    void duplicateKeysAreKeptInTheResultButQueriedOnce() {
        List<String> keys = List.of("sku-1", "sku-2", "sku-1", "nope", "sku-2", "nope");

        BatchLoader.Loaded<String, Document> loaded = loader(100).loadAll(keys);

        assertThat(loaded.size()).isEqualTo(6);
        assertThat(loaded.keys()).containsExactlyElementsOf(keys);
        assertThat(loaded.values()).hasSize(6);
        assertThat(loaded.values().get(2)).isPresent();
        assertThat(loaded.values().get(5)).isEmpty();
        assertThat(loaded.missing()).containsExactly("nope");
        assertThat(mongo.finds()).isEqualTo(1);
        assertThat(keysSent("sku")).isEqualTo(3);
    }

    @Test
    void missingKeysAreExplicitEmptiesNeverAShorterList() {
        List<String> keys = List.of("x-1", "sku-3", "x-2");

        BatchLoader.Loaded<String, Document> loaded = loader(100).loadAll(keys);

        assertThat(loaded.values()).hasSize(3);
        assertThat(loaded.values().get(0)).isEmpty();
        assertThat(loaded.values().get(1)).isPresent();
        assertThat(loaded.missing()).containsExactly("x-1", "x-2");
        assertThat(loaded.get("x-2")).isEmpty();
    }

    @Test
    void loadedGetOfAKeyThatWasNotRequestedIsAnIllegalArgument() {
        BatchLoader.Loaded<String, Document> loaded = loader(100).loadAll(List.of("sku-1"));

        assertThatThrownBy(() -> loaded.get("sku-2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadedRequireOfAMissingKeyIsNoSuchElement() {
        BatchLoader.Loaded<String, Document> loaded = loader(100).loadAll(List.of("ghost"));

        assertThatThrownBy(() -> loaded.require("ghost")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void anEmptyKeyCollectionSendsNoQuery() {
        BatchLoader.Loaded<String, Document> loaded = loader(100).loadAll(List.of());

        assertThat(loaded.size()).isZero();
        assertThat(loaded.values()).isEmpty();
        assertThat(loaded.missing()).isEmpty();
        assertThat(mongo.finds()).isZero();
    }

    @Test
    void anEmptyCollectionGivesEveryKeyMissing() {
        MongoCollection<Document> empty = mongo.client.collection("empty", Document.class);
        BatchLoader<String, Document> loader = BatchLoader.of(empty, "sku", String.class);

        BatchLoader.Loaded<String, Document> loaded = loader.loadAll(List.of("a", "b"));

        assertThat(loaded.missing()).containsExactly("a", "b");
        assertThat(loaded.values()).containsExactly(Optional.empty(), Optional.empty());
    }

    @Test
    void theStoredTypeCheckCostsOneRoundTripOncePerLoaderAfterALoadThatFindsNothing() {
        BatchLoader<String, Document> loader = loader(10);

        loader.loadAll(List.of("ghost-1", "ghost-2")); // nothing found: the $in, then the check
        assertThat(mongo.finds()).isEqualTo(2);

        loader.loadAll(List.of("ghost-3")); // checked already: the $in alone
        loader.loadAll(List.of("sku-1"));
        assertThat(mongo.finds()).isEqualTo(4);
    }

    @Test
    void batchSizeOfZeroIsRefused() {
        assertThatThrownBy(() -> loader(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negativeBatchSizeIsRefused() {
        assertThatThrownBy(() -> loader(-5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLargestBatchSizeIsAcceptedAndOneMoreIsRefused() {
        assertThat(loader(10_000).maxBatchSize()).isEqualTo(10_000);
        assertThatThrownBy(() -> loader(10_001)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aProjectionThatExcludesTheKeyFieldIsRefusedAtBuild() {
        assertThatThrownBy(() -> BatchLoader.custom(products, "sku", String.class)
                        .projection(Projections.exclude("sku"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sku");
        // excluding _id from a loader by _id keeps _id: the loader needs it
        assertThatCode(() -> BatchLoader.custom(products, "_id", ObjectId.class)
                        .projection(Projections.excludeId())
                        .build())
                .doesNotThrowAnyException();
    }

    @Test
    void batchSizeOfOneSendsOneQueryPerDistinctKey() {
        loader(1).loadAll(List.of("sku-1", "sku-2", "sku-1", "sku-3"));

        assertThat(mongo.finds()).isEqualTo(3);
    }

    @Test
    void exactlyMaxKeysTakeOneQueryAndMaxPlusOneTakeTwo() {
        loader(10).loadAll(skus(0, 10));
        assertThat(mongo.finds()).isEqualTo(1);

        loader(10).loadAll(skus(0, 11));
        assertThat(mongo.finds()).isEqualTo(3);
    }

    @Test
    void aThousandKeysTakeCeilingOfThousandOverMaxQueriesNoneOverMax() {
        List<String> keys = IntStream.range(0, 1000).mapToObj(i -> "sku-" + i).toList(); // sku-0..99 exist

        loader(7).loadAll(keys);

        assertThat(mongo.finds()).isEqualTo((1000 + 6) / 7);
        for (BsonDocument find : mongo.sent("find")) {
            assertThat(inValues(find.getDocument("filter"), "sku").size()).isBetween(1, 7);
        }
    }

    @Test
    void theBuiltInMaximumBatchSizeIsReportedAndHonoured() {
        BatchLoader<String, Document> loader = BatchLoader.of(products, "sku", String.class);
        int max = loader.maxBatchSize();
        assertThat(max).isPositive();

        List<String> keys = IntStream.range(0, max + 1)
                .mapToObj(i -> "sku-" + (i % 100) + "-" + i)
                .toList();
        keys = new java.util.ArrayList<>(keys);
        keys.set(0, "sku-1"); // one key found: no stored-type check
        loader.loadAll(keys);

        assertThat(mongo.finds()).isEqualTo(2);
        assertThat(mongo.sent("find"))
                .allSatisfy(find -> assertThat(
                                inValues(find.getDocument("filter"), "sku").size())
                        .isLessThanOrEqualTo(max));
    }

    @Test
    void aNullKeyCollectionIsAClearError() {
        assertThatThrownBy(() -> loader(10).loadAll(null))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    }

    @Test
    void aNullKeyInsideTheCollectionIsAClearErrorAndSendsNothing() {
        List<String> keys = new ArrayList<>(List.of("sku-1"));
        keys.add(null);

        assertThatThrownBy(() -> loader(10).loadAll(keys))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThat(mongo.finds()).isZero();
    }

    @Test
    void loadOfNullIsAClearError() {
        try (BatchLoader.LoadScope<String, Document> scope = loader(10).openScope()) {
            assertThatThrownBy(() -> scope.load(null))
                    .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        }
    }

    @Test
    void primingANullKeyFailsAtOnceAndDoesNotPoisonTheScope() {
        try (BatchLoader.LoadScope<String, Document> scope = loader(10).openScope()) {
            assertThatThrownBy(() -> scope.prime((String) null))
                    .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
            assertThat(scope.load("sku-1")).isPresent();
        }
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aKeyOfTheWrongTypeFailsAtOnceWithoutARoundTrip() {
        BatchLoader raw = loader(10);

        assertThatThrownBy(() -> raw.loadAll(List.of("sku-1", 42)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Integer");
        assertThat(mongo.finds()).isZero();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void primingAKeyOfTheWrongTypeFailsAtOnce() {
        BatchLoader raw = loader(10);
        try (BatchLoader.LoadScope scope = raw.openScope()) {
            assertThatThrownBy(() -> scope.prime((Object) 42L)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> scope.prime((Collection) List.of(new ObjectId())))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(mongo.finds()).isZero();
    }

    @Test
    void aStringKeyForObjectIdIdsIsAClearErrorNotASilentMiss() {
        MongoCollection<Document> users = mongo.client.collection("users", Document.class);
        ObjectId id = new ObjectId();
        users.insertOne(new Document("_id", id).append("name", "ann"));
        BatchLoader<String, Document> byId = BatchLoader.of(users, "_id", String.class);

        assertThatThrownBy(() -> byId.loadAll(List.of(id.toHexString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shop.users._id")
                .hasMessageContaining("OBJECT_ID")
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void aSecondDocumentForTheSameKeyIsAnErrorNotASilentPick() {
        products.insertOne(new Document("sku", "sku-1").append("name", "impostor"));

        assertThatThrownBy(() -> loader(10).loadAll(List.of("sku-1", "sku-2")))
                .isInstanceOf(RuntimeException.class)
                .hasMessageContaining("sku");
    }

    @Test
    void theBuilderFilterIsAppliedToEveryBatch() {
        BatchLoader<String, Document> evenOnly = BatchLoader.custom(products, "sku", String.class)
                .filter(Filters.eq("tenant", "even"))
                .maxBatchSize(2)
                .build();

        BatchLoader.Loaded<String, Document> loaded = evenOnly.loadAll(List.of("sku-1", "sku-2", "sku-3", "sku-4"));

        assertThat(loaded.missing()).containsExactly("sku-1", "sku-3");
        assertThat(loaded.found()).containsOnlyKeys("sku-2", "sku-4");
    }

    @Test
    void aFilterWhoseToStringThrowsStillLoads() {
        org.bson.conversions.Bson evil = new org.bson.conversions.Bson() {
            @Override
            public <T> BsonDocument toBsonDocument(
                    Class<T> documentClass, org.bson.codecs.configuration.CodecRegistry codecRegistry) {
                return new BsonDocument("tenant", new org.bson.BsonString("odd"));
            }

            @Override
            public String toString() {
                throw new IllegalStateException("toString must not be called");
            }
        };
        BatchLoader<String, Document> oddOnly =
                BatchLoader.custom(products, "sku", String.class).filter(evil).build();

        assertThat(oddOnly.loadAll(List.of("sku-1", "sku-2")).missing()).containsExactly("sku-2");
        assertThat(oddOnly.toString()).contains("sku");
    }

    @Test
    void anInclusionProjectionGetsTheKeyFieldAddedSoResultsStillMatchTheirKeys() {
        BatchLoader<String, Document> namesOnly = BatchLoader.custom(products, "sku", String.class)
                .projection(Projections.include("name"))
                .build();

        BatchLoader.Loaded<String, Document> loaded = namesOnly.loadAll(List.of("sku-9", "sku-8"));

        Document doc = loaded.require("sku-9");
        assertThat(doc.getString("name")).isEqualTo("product 9");
        assertThat(doc).doesNotContainKey("secretCost");
        assertThat(loaded.require("sku-8").getString("name")).isEqualTo("product 8");
    }

    @Test
    void aKeyAskedForAgainInTheSameScopeIsNotQueriedAgainFoundOrMissing() {
        try (BatchLoader.LoadScope<String, Document> scope = loader(10).openScope()) {
            scope.load("sku-1");
            scope.load("ghost");
            scope.load("sku-1");
            scope.load("ghost");
            scope.loadAll(List.of("ghost", "sku-1"));

            // sku-1, ghost, and the stored-type check after the load that found nothing
            assertThat(mongo.finds()).isEqualTo(3);
            assertThat(scope.cachedKeys()).isEqualTo(2);
        }
    }

    @Test
    void aLoadDispatchesEveryPrimedKeyInOneQuery() {
        try (BatchLoader.LoadScope<String, Document> scope = loader(100).openScope()) {
            scope.prime(List.of("sku-1", "sku-2", "sku-3")).prime("sku-4");
            assertThat(mongo.finds()).isZero();

            assertThat(scope.load("sku-50")).isPresent();
            assertThat(mongo.finds()).isEqualTo(1);
            assertThat(keysSent("sku")).isEqualTo(5);

            for (String sku : List.of("sku-1", "sku-2", "sku-3", "sku-4")) {
                assertThat(scope.load(sku)).isPresent();
            }
            assertThat(mongo.finds()).isEqualTo(1);
        }
    }

    @Test
    void primingAnAlreadyCachedKeyDoesNotQueryItAgain() {
        try (BatchLoader.LoadScope<String, Document> scope = loader(100).openScope()) {
            scope.load("sku-1");
            scope.prime("sku-1").prime("sku-2");
            scope.load("sku-2");

            assertThat(keysSent("sku")).isEqualTo(2);
        }
    }

    @Test
    void aClosedScopeRefusesLoadsAndDropsItsCache() {
        BatchLoader.LoadScope<String, Document> scope = loader(10).openScope();
        scope.load("sku-1");
        scope.close();

        assertThat(scope.cachedKeys()).isZero();
        assertThatThrownBy(() -> scope.load("sku-1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> scope.loadAll(List.of("sku-1"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingAScopeTwiceIsHarmless() {
        BatchLoader.LoadScope<String, Document> scope = loader(10).openScope();
        scope.close();

        assertThatCode(scope::close).doesNotThrowAnyException();
    }

    @Test
    void theCacheDiesWithItsScopeANewScopeQueriesAgain() {
        BatchLoader<String, Document> loader = loader(10);
        try (BatchLoader.LoadScope<String, Document> first = loader.openScope()) {
            first.load("sku-1");
        }
        try (BatchLoader.LoadScope<String, Document> second = loader.openScope()) {
            assertThat(second.cachedKeys()).isZero();
            second.load("sku-1");
        }
        assertThat(mongo.finds()).isEqualTo(2);
    }

    @Test
    void oneScopeSharedBySixteenThreadsQueriesEveryDistinctKeyExactlyOnce() throws Exception {
        BatchLoader<String, Document> loader = loader(10);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (BatchLoader.LoadScope<String, Document> scope = loader.openScope()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Optional<Document>>>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    go.await();
                    List<Optional<Document>> mine = new ArrayList<>();
                    for (int i = 0; i < 60; i++) {
                        String sku = "sku-" + ((i * 7 + offset) % 120); // 100..119 do not exist
                        mine.add(scope.load(sku));
                        if (!mine.get(mine.size() - 1)
                                .map(d -> d.getString("sku").equals(sku))
                                .orElse(true)) {
                            throw new AssertionError("wrong document for " + sku);
                        }
                    }
                    return mine;
                }));
            }
            go.countDown();
            for (Future<List<Optional<Document>>> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).hasSize(60);
            }
            assertThat(scope.cachedKeys()).isEqualTo(120);
        } finally {
            pool.shutdownNow();
        }
        assertThat(keysSent("sku")).isEqualTo(120);
    }

    @Test
    void loadsRacingACloseEitherSucceedOrFailWithIllegalStateNeverHangOrCorrupt() throws Exception {
        BatchLoader<String, Document> loader = loader(5);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Set<Class<?>> failures = ConcurrentHashMap.newKeySet();
        try {
            BatchLoader.LoadScope<String, Document> scope = loader.openScope();
            CountDownLatch started = new CountDownLatch(8);
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                tasks.add(pool.submit(() -> {
                    started.countDown();
                    for (int i = 0; i < 200; i++) {
                        try {
                            String sku = "sku-" + ((i + offset) % 100);
                            Optional<Document> doc = scope.load(sku);
                            if (doc.isEmpty() || !doc.get().getString("sku").equals(sku)) {
                                failures.add(AssertionError.class);
                            }
                        } catch (IllegalStateException closed) {
                            return;
                        } catch (RuntimeException other) {
                            failures.add(other.getClass());
                            return;
                        }
                    }
                }));
            }
            started.await();
            scope.close();
            for (Future<?> task : tasks) {
                task.get(30, TimeUnit.SECONDS);
            }
            assertThat(scope.cachedKeys()).isZero();
        } finally {
            pool.shutdownNow();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void nullArgumentsToTheFactoryAreClearErrors() {
        assertThatThrownBy(() -> BatchLoader.of(null, "sku", String.class)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> BatchLoader.of(products, null, String.class)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> BatchLoader.of(products, "sku", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aKeyTypeTheCodecRegistryCannotEncodeIsRefusedAtBuild() {
        assertThatThrownBy(
                        () -> BatchLoader.custom(products, "sku", Thread.class).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDocumentClassTheCodecRegistryCannotDecodeIsRefusedAtBuild() {
        MongoCollection<Thread> threads = mongo.client.collection("products", Thread.class);

        assertThatThrownBy(
                        () -> BatchLoader.custom(threads, "sku", String.class).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadedToStringNeverShowsTheDocuments() {
        BatchLoader.Loaded<String, Document> loaded = loader(10).loadAll(List.of("sku-3"));

        assertThat(loaded.toString()).doesNotContain("secretCost").doesNotContain("product 3");
    }

    @Test
    void numericKeysMatchWhateverOrderTheyAreAskedIn() {
        MongoCollection<Document> items = mongo.client.collection("items", Document.class);
        items.insertMany(IntStream.range(0, 20)
                .mapToObj(i -> new Document("_id", i).append("v", "v" + i))
                .toList());
        BatchLoader<Integer, Document> byId =
                BatchLoader.custom(items, "_id", Integer.class).maxBatchSize(3).build();

        BatchLoader.Loaded<Integer, Document> loaded = byId.loadAll(List.of(19, 3, 77, 0, 3, 12, 5));

        assertThat(loaded.values())
                .extracting(v -> v.map(d -> d.getString("v")).orElse("-"))
                .containsExactly("v19", "v3", "-", "v0", "v3", "v12", "v5");
        assertThat(mongo.finds()).isEqualTo(2);
    }
}
