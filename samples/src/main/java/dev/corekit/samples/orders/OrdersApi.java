package dev.corekit.samples.orders;

import dev.corekit.context.CallContext;
import dev.corekit.logging.Operations;
import dev.corekit.query.CommandMonitor;
import dev.corekit.samples.http.HttpError;
import dev.corekit.samples.http.Request;
import dev.corekit.samples.http.Response;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;

/**
 * The orders endpoints. The pipeline already records each call as one operation named after its procedure; the
 * business steps inside are operations of their own ({@code order.place}), with their MongoDB round trips counted by
 * core-query's {@link CommandMonitor}.
 */
public final class OrdersApi {
    /** The page size of {@code GET /orders} unless {@code limit} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = 20;
    /** The largest {@code limit} of {@code GET /orders}. */
    public static final int MAX_PAGE_SIZE = 100;

    private final OrderRepository repository;
    private final Pricing pricing;
    private final CommandMonitor monitor;

    public OrdersApi(OrderRepository repository, Pricing pricing, CommandMonitor monitor) {
        this.repository = repository;
        this.pricing = pricing;
        this.monitor = monitor;
    }

    /** {@code POST /orders}: prices the items on the pricing pool, stores the order, answers 201 with it. */
    public Response create(Request request) throws IOException {
        NewOrder command = request.body(NewOrder.class);
        command.validate();
        Order order = Operations.call("order.place", monitor.attributed(op -> {
            op.attr("items", command.items().size());
            // The async hop: priced on another thread, recorded in this request's context.
            List<OrderLine> lines = pricing.quote(command.items()).join();
            op.stage("priced");
            long total = lines.stream()
                    .mapToLong(line -> line.unitPriceCents() * line.quantity())
                    .sum();
            // MongoDB keeps milliseconds: the order answered now is the order read back later.
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Order placed = new Order(new ObjectId().toHexString(), customer(), lines, total, Order.NEW, now);
            repository.insert(placed);
            op.stage("stored", Map.of("orderId", placed.id()));
            return placed;
        }));
        return Response.json(201, order).header("Location", "/orders/" + order.id());
    }

    /** {@code GET /orders/{id}}. */
    public Response get(Request request) {
        String id = request.pathParameter("id");
        return repository
                .find(id)
                .map(Response::ok)
                .orElseThrow(() -> HttpError.notFound("There is no order with that id."));
    }

    /** {@code GET /orders?limit=20}: the newest orders first. */
    public Response list(Request request) {
        int limit = request.queryInt("limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        List<Order> orders = Operations.call("order.list", monitor.attributed(op -> repository.newest(limit)));
        return Response.ok(Map.of("orders", orders));
    }

    private static String customer() {
        String caller = CallContext.current().caller();
        return caller == null ? "anonymous" : caller;
    }
}
