package dev.corekit.samples.orders;

import dev.corekit.messaging.EventType;
import java.util.List;

/**
 * The {@value #NAME} event: an order was placed. Published once per order with the id {@code order-created-<order id>},
 * so that publishing it again (a retry, an outbox replay) is recognised by consumers as the same event.
 *
 * @param orderId the order
 * @param customer who placed it
 * @param lines what it contains
 * @param totalCents its total
 */
public record OrderCreated(String orderId, String customer, List<OrderLine> lines, long totalCents) {
    /** The event type name, also its routing key. */
    public static final String NAME = "order.created";
    /** The contract: name, schema version 1, payload type. */
    public static final EventType<OrderCreated> TYPE = EventType.of(NAME, 1, OrderCreated.class);

    /** The event id of {@code order}'s {@value #NAME} event. */
    public static String eventId(Order order) {
        return "order-created-" + order.id();
    }

    static OrderCreated of(Order order) {
        return new OrderCreated(order.id(), order.customer(), order.lines(), order.totalCents());
    }
}
