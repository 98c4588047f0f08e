package dev.corekit.samples.orders;

import java.time.Instant;
import java.util.List;

/**
 * An order as stored and as the API returns it.
 *
 * @param id time-ordered id (a MongoDB ObjectId in hex), so the newest orders sort last
 * @param customer who placed it, as the call context names the caller ({@code user:ada})
 * @param lines the priced lines
 * @param totalCents the sum of the lines
 * @param status {@value #NEW} when placed, {@value #CONFIRMED} once its {@code order.created} event was consumed
 * @param createdAt when it was placed
 * @param handledEvents the ids of the events whose handlers changed this order, each once
 */
public record Order(
        String id,
        String customer,
        List<OrderLine> lines,
        long totalCents,
        String status,
        Instant createdAt,
        List<String> handledEvents) {

    /** The status of an order just placed. */
    public static final String NEW = "NEW";
    /** The status of an order whose {@code order.created} event was handled. */
    public static final String CONFIRMED = "CONFIRMED";

    public Order {
        lines = List.copyOf(lines);
        handledEvents = List.copyOf(handledEvents);
    }
}
