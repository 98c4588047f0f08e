package dev.corekit.samples.orders;

import dev.corekit.context.CallContext;
import dev.corekit.logging.Operations;
import dev.corekit.messaging.EventPublisher;
import dev.corekit.query.BatchLoader;
import dev.corekit.query.CommandMonitor;
import dev.corekit.query.InvalidCursorException;
import dev.corekit.query.KeysetPager;
import dev.corekit.samples.http.HttpError;
import dev.corekit.samples.http.Request;
import dev.corekit.samples.http.Response;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.event.Level;

/**
 * The orders endpoints, for the authenticated user (the pipeline's auth interceptor put {@code user:<id>} in the
 * call context as the caller). The pipeline already records each call as one operation named after its procedure; the
 * business steps inside are operations of their own ({@code order.place}, {@code order.list}), with their MongoDB
 * round trips counted by core-query's {@link CommandMonitor}.
 */
public final class OrdersApi {
    /** The page size of {@code GET /orders} unless {@code limit} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = 20;
    /** The largest {@code limit} of {@code GET /orders}. */
    public static final int MAX_PAGE_SIZE = 100;

    private final OrderRepository repository;
    private final Catalog catalog;
    private final Pricing pricing;
    private final EventPublisher events;
    private final CommandMonitor monitor;

    public OrdersApi(
            OrderRepository repository,
            Catalog catalog,
            Pricing pricing,
            EventPublisher events,
            CommandMonitor monitor) {
        this.repository = repository;
        this.catalog = catalog;
        this.pricing = pricing;
        this.events = events;
        this.monitor = monitor;
    }

    /**
     * {@code POST /orders}: prices the items on the pricing pool, stores the order, publishes {@value
     * OrderCreated#NAME} and answers 201 with it.
     */
    public Response create(Request request) throws IOException {
        NewOrder command = request.body(NewOrder.class);
        command.validate();
        Order order = Operations.call("order.place", monitor.attributed(op -> {
            op.attr("items", command.items().size());
            // The async hop: priced on another thread, recorded in this request's context.
            Pricing.Quote quote = pricing.quote(command.items()).join();
            if (!quote.unknownSkus().isEmpty()) {
                throw NewOrder.invalid("The catalog has no " + String.join(", ", quote.unknownSkus()) + ".");
            }
            op.stage("priced");
            Order placed = Order.placed(new ObjectId().toHexString(), customer(), quote.lines());
            repository.insert(placed);
            op.stage("stored", Map.of("orderId", placed.id()));
            publish(placed);
            return placed;
        }));
        return Response.json(201, order).header("Location", "/orders/" + order.id());
    }

    /**
     * Publishes the order's {@value OrderCreated#NAME} event. The future always completes: confirmed by the broker, or
     * failed with the reason, which is recorded in this request's context. (A service that must never lose the event
     * keeps it in an outbox, in the order's own write, and publishes it again with the same id until it is confirmed.)
     */
    private void publish(Order order) {
        events.publish(OrderCreated.TYPE, OrderCreated.eventId(order), OrderCreated.of(order))
                .whenComplete((receipt, error) -> {
                    if (error != null) {
                        Operations.event(
                                Level.WARN,
                                "order.created.unpublished",
                                "the order.created event of an order was not confirmed by the broker",
                                Map.of("orderId", order.id()),
                                error);
                    }
                });
    }

    /** {@code GET /orders/{id}}: the caller's order; someone else's is as unknown as a missing one. */
    public Response get(Request request) {
        String id = request.pathParameter("id");
        return repository
                .find(id)
                .filter(order -> order.customer().equals(customer()))
                .map(Response::ok)
                .orElseThrow(() -> HttpError.notFound("There is no order with that id."));
    }

    /**
     * {@code GET /orders?limit=20&cursor=...}: the caller's orders, newest first, one keyset page at a time ({@code next}
     * is the cursor of the following page, absent on the last); every line named from the catalog with one batch query
     * for the whole page.
     */
    public Response list(Request request) {
        int limit = request.queryInt("limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        String cursor = request.query("cursor");
        String customer = customer();
        Map<String, Object> body = Operations.call("order.list", monitor.attributed(op -> {
            KeysetPager.Page<Order> page;
            try {
                page = repository.page(customer, limit, cursor);
            } catch (InvalidCursorException e) {
                throw HttpError.badRequest(e.code(), "The cursor does not belong to this listing; start without one.");
            }
            op.attr("orders", page.items().size());
            try (BatchLoader.LoadScope<String, Document> products = catalog.openScope()) {
                products.prime(page.items().stream()
                        .flatMap(order -> order.lines().stream())
                        .map(OrderLine::sku)
                        .toList());
                Map<String, Object> result = new LinkedHashMap<>();
                result.put(
                        "orders",
                        page.items().stream()
                                .map(order -> listed(order, products))
                                .toList());
                if (page.hasNext()) {
                    result.put("next", page.nextCursor());
                }
                return result;
            }
        }));
        return Response.ok(body);
    }

    private static ListedOrder listed(Order order, BatchLoader.LoadScope<String, Document> products) {
        List<ListedOrder.Line> lines = order.lines().stream()
                .map(line -> new ListedOrder.Line(
                        line.sku(),
                        products.load(line.sku()).map(p -> p.getString("name")).orElse(line.sku()),
                        line.quantity(),
                        line.unitPriceCents()))
                .toList();
        return new ListedOrder(order.id(), order.status(), order.totalCents(), order.createdAt(), lines);
    }

    private static String customer() {
        String caller = CallContext.current().caller();
        if (caller == null) {
            throw new IllegalStateException("orders are served to authenticated callers only: route them with auth");
        }
        return caller;
    }
}
