package dev.corekit.samples.orders;

import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.Operations;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Prices order lines on a pool of its own: the sample's asynchronous hop. The pool is wrapped once, here, by
 * {@link ContextExecutors}, so every task runs in the context of the request that submitted it and its
 * {@code order.price} record is a child of the request's operation, with no code for it at the call site.
 */
public final class Pricing implements AutoCloseable {
    /** What the shop sells, in cents. */
    public static final Map<String, Long> CATALOG = Collections.unmodifiableSortedMap(
            new TreeMap<>(Map.of("TEA-GREEN", 450L, "TEA-BLACK", 390L, "MUG", 1_200L, "KETTLE", 3_900L)));

    private final ExecutorService pool = ContextExecutors.newFixedThreadPool("order-pricing", 2);

    /** Prices {@code items} (already validated against the catalog) on the pricing pool. */
    public CompletableFuture<List<OrderLine>> quote(List<NewOrder.Item> items) {
        return CompletableFuture.supplyAsync(
                () -> Operations.call("order.price", op -> {
                    op.attr("lines", items.size());
                    return items.stream()
                            .map(item -> new OrderLine(item.sku(), item.quantity(), CATALOG.get(item.sku())))
                            .toList();
                }),
                pool);
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
