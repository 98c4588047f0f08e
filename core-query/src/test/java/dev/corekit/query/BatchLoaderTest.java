package dev.corekit.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The batch loader through the real driver; round trips counted by the client's own monitor. */
class BatchLoaderTest {
    public record Product(String sku, String name, int stock) {}

    TestMongo mongo = new TestMongo();
    MongoCollection<Document> raw = mongo.client.collection("products", Document.class);
    MongoCollection<Product> products = mongo.client.collection("products", Product.class);

    @BeforeEach
    void fill() {
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            documents.add(
                    new Document("sku", sku(i)).append("name", "product " + i).append("stock", i % 7));
        }
        raw.insertMany(documents);
    }

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void anNPlusOneLoopOfAThousandLookupsTakesTheCeilingOfAThousandOverMaxBatchRoundTrips() {
        List<String> keys = shuffledSkus(1000, 1);
        long naive = roundTrips(() -> {
            for (String key : keys) {
                products.find(Filters.eq("sku", key)).first();
            }
        });

        BatchLoader<String, Product> loader = BatchLoader.custom(products, "sku", String.class)
                .maxBatchSize(100)
                .build();
        List<Optional<Product>> values = new ArrayList<>();
        long batched = roundTrips(() -> {
            try (var batch = loader.openScope()) {
                batch.prime(keys);
                for (String key : keys) {
                    values.add(batch.load(key));
                }
            }
        });

        assertThat(naive).isEqualTo(1000);
        assertThat(batched).isEqualTo(10); // ⌈1000 / 100⌉
        assertThat(values).extracting(value -> value.orElseThrow().sku()).containsExactlyElementsOf(keys);
    }

    @Test
    void theDefaultMaxBatchSizeLoadsAThousandKeysInTwoRoundTripsInTheCallersOrder() {
        List<String> keys = shuffledSkus(1000, 2);
        BatchLoader<String, Product> loader = BatchLoader.of(products, "sku", String.class);

        AtomicReference<BatchLoader.Loaded<String, Product>> loaded = new AtomicReference<>();
        long trips = roundTrips(() -> loaded.set(loader.loadAll(keys)));

        assertThat(trips).isEqualTo(2); // ⌈1000 / 500⌉: each reply carries its whole batch, no getMore
        assertThat(loaded.get().values()).extracting(v -> v.orElseThrow().sku()).containsExactlyElementsOf(keys);
        assertThat(loaded.get().missing()).isEmpty();
    }

    @Test
    void missingKeysAreExplicitAndDuplicatesKeepTheirPlaces() {
        BatchLoader<String, Product> loader = BatchLoader.of(products, "sku", String.class);

        BatchLoader.Loaded<String, Product> loaded =
                loader.loadAll(List.of(sku(5), "sku-nope", sku(3), sku(5), "sku-gone"));

        assertThat(loaded.keys()).containsExactly(sku(5), "sku-nope", sku(3), sku(5), "sku-gone");
        assertThat(loaded.values())
                .extracting(value -> value.map(Product::sku).orElse("(missing)"))
                .containsExactly(sku(5), "(missing)", sku(3), sku(5), "(missing)");
        assertThat(loaded.missing()).containsExactly("sku-nope", "sku-gone");
        assertThat(loaded.found()).containsOnlyKeys(sku(5), sku(3));
        assertThat(loaded.get("sku-nope")).isEmpty();
        assertThatThrownBy(() -> loaded.require("sku-nope"))
                .hasMessageContaining("no document in shop.products for that sku");
        assertThatThrownBy(() -> loaded.get("never-asked"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not part of this load");
    }

    @Test
    void aScopeCachesFoundAndMissingKeysAndItsCacheDiesWithIt() {
        BatchLoader<String, Product> loader = BatchLoader.of(products, "sku", String.class);
        List<String> keys = List.of(sku(1), sku(2), "sku-nope");
        var scope = loader.openScope();

        assertThat(roundTrips(() -> scope.loadAll(keys))).isEqualTo(1);
        assertThat(roundTrips(() -> scope.loadAll(keys)))
                .as("cached, missing key included")
                .isZero();
        assertThat(roundTrips(() -> scope.load(sku(2)))).isZero();
        assertThat(scope.cachedKeys()).isEqualTo(3);
        scope.close();

        assertThatThrownBy(() -> scope.load(sku(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed; open one per request");
        try (var next = loader.openScope()) {
            assertThat(roundTrips(() -> next.loadAll(keys)))
                    .as("a new scope starts empty")
                    .isEqualTo(1);
        }
    }

    @Test
    void chainedLoadsNeverWaitForAnotherDispatch() {
        MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
        orders.insertMany(IntStream.range(0, 30)
                .mapToObj(i -> new Document("number", "o-" + i).append("sku", sku(i * 3)))
                .toList());
        BatchLoader<String, Document> orderLoader = BatchLoader.of(orders, "number", String.class);
        BatchLoader<String, Product> productLoader = BatchLoader.of(products, "sku", String.class);
        List<String> numbers = IntStream.range(0, 30).mapToObj(i -> "o-" + i).toList();

        List<String> names = new ArrayList<>();
        long trips = roundTrips(() -> {
            try (var orderBatch = orderLoader.openScope();
                    var productBatch = productLoader.openScope()) {
                orderBatch.prime(numbers);
                for (String number : numbers) {
                    Document order = orderBatch.load(number).orElseThrow();
                    productBatch.prime(order.getString("sku")); // the second level is only known now
                }
                for (String number : numbers) {
                    String sku = orderBatch.load(number).orElseThrow().getString("sku");
                    names.add(productBatch.load(sku).orElseThrow().name());
                }
            }
        });

        assertThat(names).hasSize(30).first().isEqualTo("product 0");
        assertThat(trips).isEqualTo(2); // one per level
    }

    @Test
    void aKeyOfTheWrongTypeIsAClearError() {
        BatchLoader<String, Product> loader = BatchLoader.of(products, "sku", String.class);
        @SuppressWarnings({"unchecked", "rawtypes"})
        BatchLoader.LoadScope<Object, Product> raw = (BatchLoader.LoadScope) loader.openScope();

        assertThatThrownBy(() -> raw.load(42))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a batch key of type java.lang.Integer")
                .hasMessageContaining("shop.products by sku takes keys of type java.lang.String");
        assertThatThrownBy(() -> raw.load(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void keysOfAnotherTypeThanTheStoredOnesAreAClearErrorNotSilentlyMissing() {
        ObjectId id = raw.find(Filters.eq("sku", sku(1))).first().getObjectId("_id");
        BatchLoader<String, Product> byHexId = BatchLoader.of(products, "_id", String.class);

        assertThatThrownBy(() -> byHexId.loadAll(List.of(id.toHexString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shop.products._id holds OBJECT_ID values")
                .hasMessageContaining("keys are java.lang.String");

        BatchLoader<ObjectId, Product> byId = BatchLoader.of(products, "_id", ObjectId.class);
        assertThat(byId.loadAll(List.of(id)).require(id).sku()).isEqualTo(sku(1));
    }

    @Test
    void aKeyFieldThatIsNotUniqueIsAnError() {
        raw.insertOne(new Document("sku", sku(9)).append("name", "twin").append("stock", 0));
        BatchLoader<String, Product> loader = BatchLoader.of(products, "sku", String.class);

        assertThatThrownBy(() -> loader.loadAll(List.of(sku(9))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sku is not unique in shop.products");
    }

    @Test
    void aFilterAndAProjectionApplyAndTheKeyFieldIsAlwaysLoaded() {
        raw.updateOne(Filters.eq("sku", sku(4)), new Document("$set", new Document("deleted", true)));
        BatchLoader<String, Document> names = BatchLoader.custom(raw, "sku", String.class)
                .filter(Filters.ne("deleted", true))
                .projection(Projections.include("name"))
                .build();

        BatchLoader.Loaded<String, Document> loaded = names.loadAll(List.of(sku(3), sku(4)));

        assertThat(loaded.missing()).containsExactly(sku(4));
        assertThat(loaded.require(sku(3)).keySet()).containsExactlyInAnyOrder("_id", "sku", "name");
    }

    @Test
    void everyItemOfACartIsValidatedInConstantRoundTrips() {
        record CartItem(String sku, int quantity) {}
        BatchLoader<String, Product> loader = BatchLoader.custom(products, "sku", String.class)
                .maxBatchSize(100)
                .build();
        BatchValidator<CartItem, String, Product> stock = BatchValidator.of(
                        loader,
                        CartItem::sku,
                        (item, product) ->
                                product.stock() >= item.quantity() ? null : "only " + product.stock() + " left")
                .whenMissing(item -> "no such product");
        List<CartItem> small = List.of(new CartItem(sku(6), 6), new CartItem(sku(7), 1), new CartItem("sku-x", 1));
        List<CartItem> large = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            large.add(new CartItem(sku(i % 150), 1));
        }

        AtomicReference<List<BatchValidator.Violation<CartItem>>> smallResult = new AtomicReference<>();
        long smallTrips = roundTrips(() -> smallResult.set(stock.validate(small)));
        long largeTrips = roundTrips(() -> stock.validate(large));

        assertThat(smallTrips).isEqualTo(1);
        assertThat(largeTrips)
                .as("3000 items, 150 distinct products, 100 per query")
                .isEqualTo(2);
        assertThat(smallResult.get())
                .extracting(BatchValidator.Violation::index, BatchValidator.Violation::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "only 0 left"),
                        org.assertj.core.groups.Tuple.tuple(2, "no such product"));
        assertThatThrownBy(() -> stock.check(small))
                .isInstanceOf(BatchValidationException.class)
                .hasMessage("2 of 3 items are invalid: #1: only 0 left; #2: no such product")
                .satisfies(
                        e -> assertThat(((BatchValidationException) e).code()).isEqualTo("VALIDATION_FAILED"));
        stock.check(List.of(new CartItem(sku(6), 6)));
    }

    private long roundTrips(Runnable block) {
        long before = mongo.client.monitor().totals().roundTrips();
        block.run();
        return mongo.client.monitor().totals().roundTrips() - before;
    }

    private static String sku(int i) {
        return String.format("sku-%04d", i);
    }

    private static List<String> shuffledSkus(int count, long seed) {
        List<String> keys = new ArrayList<>(
                IntStream.range(0, count).mapToObj(BatchLoaderTest::sku).toList());
        Collections.shuffle(keys, new Random(seed));
        return keys;
    }
}
