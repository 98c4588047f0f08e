package dev.corekit.samples.orders;

import dev.corekit.samples.http.HttpError;
import java.util.List;

/**
 * The body of {@code POST /orders}: {@code {"items":[{"sku":"TEA-GREEN","quantity":2}]}}.
 *
 * @param items what to order, one to {@value #MAX_ITEMS} items
 */
public record NewOrder(List<Item> items) {
    /** The most items one order may have. */
    public static final int MAX_ITEMS = 50;
    /** The most of one item an order may ask for. */
    public static final int MAX_QUANTITY = 99;

    /**
     * One item to order.
     *
     * @param sku a catalog item
     * @param quantity 1 to {@value NewOrder#MAX_QUANTITY}
     */
    public record Item(String sku, int quantity) {}

    /**
     * Checks the shape of the order (the catalog checks the skus).
     *
     * @throws HttpError 400 INVALID_ORDER naming what is wrong
     */
    void validate() {
        if (items == null || items.isEmpty()) {
            throw invalid("An order needs at least one item.");
        }
        if (items.size() > MAX_ITEMS) {
            throw invalid("An order has at most " + MAX_ITEMS + " items.");
        }
        for (Item item : items) {
            if (item == null || item.sku() == null || item.sku().isBlank()) {
                throw invalid("Each item needs a sku.");
            }
            if (item.quantity() < 1 || item.quantity() > MAX_QUANTITY) {
                throw invalid("Each item's quantity is 1 to " + MAX_QUANTITY + ".");
            }
        }
    }

    static HttpError invalid(String message) {
        return HttpError.badRequest("INVALID_ORDER", message);
    }
}
