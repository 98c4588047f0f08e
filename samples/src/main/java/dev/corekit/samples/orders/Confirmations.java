package dev.corekit.samples.orders;

import dev.corekit.logging.Operations;
import dev.corekit.messaging.Envelope;
import dev.corekit.messaging.EventHandler;
import dev.corekit.messaging.NonRetryableException;
import dev.corekit.query.CommandMonitor;

/**
 * Consumes {@value OrderCreated#NAME}: confirms the order and notes the event that did it in the order's
 * {@code handledEvents}. That note is a deliberately visible side effect: without the consumer's idempotency store, a
 * redelivered event would add it twice; with it, a second delivery of the same event id is acknowledged without
 * running this handler, so the order shows the event once.
 *
 * <p>It runs with the producing request's context restored, inside core-messaging's {@code messaging.handle} record:
 * the records of the request that placed the order include its confirmation.
 */
public final class Confirmations implements EventHandler<OrderCreated> {
    private final OrderRepository orders;
    private final CommandMonitor monitor;

    public Confirmations(OrderRepository orders, CommandMonitor monitor) {
        this.orders = orders;
        this.monitor = monitor;
    }

    @Override
    public void handle(Envelope<OrderCreated> event) {
        Operations.run("order.confirm", monitor.attributedAction(op -> {
            op.attr("orderId", event.payload().orderId()).attr("attempt", event.attempt());
            if (!orders.confirm(event.payload().orderId(), event.id())) {
                // No such order: retrying cannot help, so the event goes to the dead-letter queue with this reason.
                throw new NonRetryableException(
                        "ORDER_UNKNOWN", "order " + event.payload().orderId() + " does not exist");
            }
        }));
    }
}
