package dev.corekit.samples.orders;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * @param attachments the files attached to it, private (read them through signed URLs)
 */
public record Order(
        String id,
        String customer,
        List<OrderLine> lines,
        long totalCents,
        String status,
        Instant createdAt,
        List<String> handledEvents,
        List<Attachment> attachments) {

    /** The status of an order just placed. */
    public static final String NEW = "NEW";
    /** The status of an order whose {@code order.created} event was handled. */
    public static final String CONFIRMED = "CONFIRMED";

    public Order {
        lines = List.copyOf(lines);
        handledEvents = List.copyOf(handledEvents);
        attachments = List.copyOf(attachments);
    }

    /**
     * A new order of {@code lines}, placed now: status {@value #NEW}, its total summed from the lines, its time in
     * milliseconds (what MongoDB keeps, so that the order answered now is the order read back later).
     */
    public static Order placed(String id, String customer, List<OrderLine> lines) {
        long total = lines.stream()
                .mapToLong(line -> line.unitPriceCents() * line.quantity())
                .sum();
        return new Order(
                id, customer, lines, total, NEW, Instant.now().truncatedTo(ChronoUnit.MILLIS), List.of(), List.of());
    }
}
