package dev.corekit.samples.orders;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.corekit.query.BatchLoader;
import dev.corekit.query.QueryClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bson.Document;

/**
 * The products the shop sells, in MongoDB ({@code {_id: sku, name, priceCents}}), read through core-query's
 * {@link BatchLoader}: however many skus an order or a page of orders names, they are loaded with one {@code $in}
 * query, never one query per line.
 */
public final class Catalog {
    /** What the sample seeds when the catalog is empty. */
    public static final List<Product> DEMO_PRODUCTS = List.of(
            new Product("TEA-GREEN", "Green tea, 100 g", 450),
            new Product("TEA-BLACK", "Black tea, 100 g", 390),
            new Product("MUG", "Stoneware mug", 1_200),
            new Product("KETTLE", "Kettle, 1.2 l", 3_900));

    private final MongoCollection<Document> products;
    private final BatchLoader<String, Document> loader;

    public Catalog(QueryClient mongo) {
        this.products = mongo.collection("products", Document.class);
        this.loader = BatchLoader.of(products, "_id", String.class);
    }

    /** Adds the demo products unless they exist. */
    public void seedDemoProducts() {
        for (Product product : DEMO_PRODUCTS) {
            products.updateOne(
                    eq("_id", product.sku()),
                    Updates.combine(
                            Updates.setOnInsert("name", product.name()),
                            Updates.setOnInsert("priceCents", product.priceCents())),
                    new UpdateOptions().upsert(true));
        }
    }

    /** Every product, by sku, with the key of its image when it has one. */
    public List<Document> all() {
        return products.find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
    }

    /** Records the key of the product's image; returns false when there is no such product. */
    public boolean setImage(String sku, String imageKey) {
        return products.updateOne(eq("_id", sku), Updates.set("imageKey", imageKey))
                        .getMatchedCount()
                > 0;
    }

    /** The products of {@code skus} in one round trip per batch; missing skus are explicit in the result. */
    public BatchLoader.Loaded<String, Document> load(Collection<String> skus) {
        return loader.loadAll(skus);
    }

    /** A per-request scope: prime every sku a page needs, then load them one by one from its cache. */
    public BatchLoader.LoadScope<String, Document> openScope() {
        return loader.openScope();
    }

    /** A product document as a {@link Product}. */
    public static Product toProduct(Document document) {
        return new Product(document.getString("_id"), document.getString("name"), document.getLong("priceCents"));
    }
}
