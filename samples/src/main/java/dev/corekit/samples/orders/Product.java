package dev.corekit.samples.orders;

/**
 * A catalog item.
 *
 * @param sku its id
 * @param name its display name
 * @param priceCents its price
 */
public record Product(String sku, String name, long priceCents) {}
