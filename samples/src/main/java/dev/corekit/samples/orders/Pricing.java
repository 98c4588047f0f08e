package dev.corekit.samples.orders;

import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.Operations;
import dev.corekit.query.BatchLoader;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.bson.Document;

/**
 * Prices order lines on a pool of its own: the sample's asynchronous hop. The pool is wrapped once, here, by
 * {@link ContextExecutors}, so every task runs in the context of the request that submitted it: its
 * {@code order.price} record is a child of the request's operation, and core-query counts its catalog query for that
 * operation, with no code for it at the call site.
 */
public final class Pricing implements AutoCloseable {
    private final Catalog catalog;
    private final ExecutorService pool = ContextExecutors.newFixedThreadPool("order-pricing", 2);

    public Pricing(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * A quote for {@code items}: the priced lines, or the skus the catalog does not have.
     *
     * @param lines one line per item, in order; empty when a sku is unknown
     * @param unknownSkus skus with no product
     */
    public record Quote(List<OrderLine> lines, List<String> unknownSkus) {}

    /** Prices {@code items} on the pricing pool, with one catalog query for all of them. */
    public CompletableFuture<Quote> quote(List<NewOrder.Item> items) {
        return CompletableFuture.supplyAsync(
                () -> Operations.call("order.price", op -> {
                    op.attr("lines", items.size());
                    try (BatchLoader.LoadScope<String, Document> products = catalog.openScope()) {
                        return price(items, products);
                    }
                }),
                pool);
    }

    /**
     * Prices {@code items} from {@code products}, a scope that may hold the products of many orders (a page of an
     * import): the first load sends one query for every sku primed in it.
     */
    public static Quote price(List<NewOrder.Item> items, BatchLoader.LoadScope<String, Document> products) {
        BatchLoader.Loaded<String, Document> loaded =
                products.loadAll(items.stream().map(NewOrder.Item::sku).toList());
        if (!loaded.missing().isEmpty()) {
            return new Quote(List.of(), List.copyOf(loaded.missing()));
        }
        List<OrderLine> lines = items.stream()
                .map(item -> new OrderLine(
                        item.sku(), item.quantity(), loaded.require(item.sku()).getLong("priceCents")))
                .toList();
        return new Quote(lines, List.of());
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
