package dev.corekit.samples.orders;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Sorts.descending;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Updates;
import dev.corekit.query.IndexDeclaration;
import dev.corekit.query.KeysetPager;
import dev.corekit.query.QueryClient;
import dev.corekit.query.QuerySettings;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * Orders in MongoDB, through the client core-query configured (its command monitor sees every command). Documents are
 * mapped by hand: what is stored is visible in one place. The indexes its queries need are declared here and ensured at
 * startup.
 */
public final class OrderRepository {
    /** What {@link #page} needs: the customer's orders in keyset order (newest first, id as the tie-breaker). */
    public static final List<IndexDeclaration> INDEXES = List.of(IndexDeclaration.on("orders")
            .ascending("customer")
            .descending("createdAt", "_id")
            .build());

    private final MongoCollection<Document> orders;
    private final QuerySettings settings;

    public OrderRepository(QueryClient mongo) {
        this.orders = mongo.collection("orders", Document.class);
        this.settings = mongo.settings();
    }

    /** Stores a new order. */
    public void insert(Order order) {
        orders.insertOne(toDocument(order));
    }

    /**
     * Stores new orders; an order whose id is already stored is left as it is (a retried import page stores each of
     * its orders once).
     */
    public void insertAllOnce(List<Order> placed) {
        if (placed.isEmpty()) {
            return;
        }
        try {
            orders.insertMany(
                    placed.stream().map(OrderRepository::toDocument).toList(), new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            boolean onlyDuplicates = e.getWriteErrors().stream()
                    .allMatch(error -> ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY);
            if (!onlyDuplicates || e.getWriteConcernError() != null) {
                throw e;
            }
        }
    }

    /**
     * Confirms the order and records {@code eventId} as handled, in one atomic update. Returns false when there is no
     * such order.
     */
    public boolean confirm(String id, String eventId) {
        return orders.updateOne(
                                eq("_id", id),
                                Updates.combine(
                                        Updates.set("status", Order.CONFIRMED), Updates.push("handledEvents", eventId)))
                        .getMatchedCount()
                > 0;
    }

    /** Records {@code attachment} on the order, replacing one of the same name. */
    public void attach(String orderId, Attachment attachment) {
        orders.updateOne(eq("_id", orderId), Updates.pull("attachments", new Document("name", attachment.name())));
        orders.updateOne(eq("_id", orderId), Updates.push("attachments", toDocument(attachment)));
    }

    /** The order with {@code id}, if any. */
    public Optional<Order> find(String id) {
        return Optional.ofNullable(orders.find(eq("_id", id)).first()).map(OrderRepository::toOrder);
    }

    /**
     * A page of {@code customer}'s orders, newest first: the first page for a null {@code cursor}, else the page after
     * it. Keyset pagination: page 500 costs what page 1 costs, and orders placed while a client pages never make it
     * skip or repeat one. Cursors are signed with {@code corekit.query.cursor-key}.
     *
     * @throws dev.corekit.query.InvalidCursorException when the cursor is not one this listing issued
     */
    public KeysetPager.Page<Order> page(String customer, int size, String cursor) {
        KeysetPager.Page<Document> page = KeysetPager.on(orders)
                .filter(eq("customer", customer))
                .sort(descending("createdAt"))
                .pageSize(size)
                .settings(settings)
                .build()
                .page(cursor);
        return new KeysetPager.Page<>(
                page.items().stream().map(OrderRepository::toOrder).toList(), page.nextCursor());
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
                .append("createdAt", Date.from(order.createdAt()))
                .append("handledEvents", order.handledEvents())
                .append(
                        "attachments",
                        order.attachments().stream()
                                .map(OrderRepository::toDocument)
                                .toList());
    }

    private static Document toDocument(Attachment attachment) {
        return new Document("name", attachment.name())
                .append("key", attachment.key())
                .append("size", attachment.size())
                .append("crc32c", attachment.crc32c())
                .append("contentType", attachment.contentType());
    }

    private static Attachment toAttachment(Document document) {
        return new Attachment(
                document.getString("name"),
                document.getString("key"),
                document.getLong("size"),
                document.getString("crc32c"),
                document.getString("contentType"));
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
                document.getDate("createdAt").toInstant(),
                document.getList("handledEvents", String.class, List.of()),
                document.getList("attachments", Document.class, List.of()).stream()
                        .map(OrderRepository::toAttachment)
                        .toList());
    }
}
