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
 * @param status {@code NEW} when placed
 * @param createdAt when it was placed
 */
public record Order(
        String id, String customer, List<OrderLine> lines, long totalCents, String status, Instant createdAt) {

    /** The status of an order just placed. */
    public static final String NEW = "NEW";

    public Order {
        lines = List.copyOf(lines);
    }
}
