package dev.corekit.samples.orders;

import java.time.Instant;
import java.util.List;

/**
 * An order as {@code GET /orders} lists it: its lines carry the product names, loaded for the whole page at once.
 *
 * @param id the order id
 * @param status its status
 * @param totalCents its total
 * @param createdAt when it was placed
 * @param lines its lines, named
 */
public record ListedOrder(String id, String status, long totalCents, Instant createdAt, List<Line> lines) {
    /**
     * A named line.
     *
     * @param sku the catalog item
     * @param name the product's name now
     * @param quantity how many
     * @param unitPriceCents the price when the order was placed
     */
    public record Line(String sku, String name, int quantity, long unitPriceCents) {}
}
