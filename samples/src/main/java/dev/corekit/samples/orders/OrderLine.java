package dev.corekit.samples.orders;

/**
 * One priced line of an order.
 *
 * @param sku the catalog item
 * @param quantity how many
 * @param unitPriceCents the catalog price when the order was placed
 */
public record OrderLine(String sku, int quantity, long unitPriceCents) {}
