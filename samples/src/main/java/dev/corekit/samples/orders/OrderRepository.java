package dev.corekit.samples.orders;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Sorts.descending;

import com.mongodb.client.MongoCollection;
import dev.corekit.query.QueryClient;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * Orders in MongoDB, through the client core-query configured (its command monitor sees every command). Documents are
 * mapped by hand: what is stored is visible in one place.
 */
public final class OrderRepository {
    private final MongoCollection<Document> orders;

    public OrderRepository(QueryClient mongo) {
        this.orders = mongo.collection("orders", Document.class);
    }

    /** Stores a new order. */
    public void insert(Order order) {
        orders.insertOne(toDocument(order));
    }

    /** The order with {@code id}, if any. */
    public Optional<Order> find(String id) {
        return Optional.ofNullable(orders.find(eq("_id", id)).first()).map(OrderRepository::toOrder);
    }

    /** The newest orders of {@code customer} first, at most {@code limit}. */
    public List<Order> newestOf(String customer, int limit) {
        return orders.find(eq("customer", customer))
                .sort(descending("_id"))
                .limit(limit)
                .map(OrderRepository::toOrder)
                .into(new ArrayList<>());
    }

    private static Document toDocument(Order order) {
        List<Document> lines = order.lines().stream()
                .map(line -> new Document("sku", line.sku())
                        .append("quantity", line.quantity())
                        .append("unitPriceCents", line.unitPriceCents()))
                .toList();
        return new Document("_id", order.id())
                .append("customer", order.customer())
                .append("lines", lines)
                .append("totalCents", order.totalCents())
                .append("status", order.status())
                .append("createdAt", Date.from(order.createdAt()));
    }

    private static Order toOrder(Document document) {
        List<OrderLine> lines = document.getList("lines", Document.class).stream()
                .map(line -> new OrderLine(
                        line.getString("sku"), line.getInteger("quantity"), line.getLong("unitPriceCents")))
                .toList();
        return new Order(
                document.getString("_id"),
                document.getString("customer"),
                lines,
                document.getLong("totalCents"),
                document.getString("status"),
                document.getDate("createdAt").toInstant());
    }
}
