package dev.corekit.samples.orders;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Sorts.ascending;

import com.mongodb.client.MongoCollection;
import dev.corekit.context.CallContext;
import dev.corekit.logging.Operations;
import dev.corekit.messaging.EventConsumer;
import dev.corekit.messaging.EventPublisher;
import dev.corekit.messaging.FanOut;
import dev.corekit.messaging.IdempotencyStore;
import dev.corekit.messaging.JobStatus;
import dev.corekit.messaging.Messaging;
import dev.corekit.messaging.PublishReceipt;
import dev.corekit.messaging.mongo.MongoJobLedger;
import dev.corekit.query.BatchLoader;
import dev.corekit.query.CommandMonitor;
import dev.corekit.query.IndexDeclaration;
import dev.corekit.query.QueryClient;
import dev.corekit.samples.http.HttpError;
import dev.corekit.samples.http.Request;
import dev.corekit.samples.http.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * A bulk import of orders, fanned out into page events with core-messaging's {@link FanOut}: {@code POST
 * /orders/imports} checks every sku with one catalog query, stages the rows in MongoDB, records the job in a ledger and
 * publishes one page event per {@value #PAGE_SIZE} rows, all in parallel, then answers 202 at once. Workers (every
 * instance of the service) place each page's orders: one catalog query for the whole page, one insert, one
 * {@code order.created} per order. A page retries on its own; {@code GET /orders/imports/{id}} shows each page's
 * outcome from the ledger.
 *
 * <p>A retried page changes nothing twice: each imported order's id is derived from the import and the row, so it is
 * stored once, and its {@code order.created} event keeps its id, so consumers recognise it.
 */
public final class Imports {
    /** Rows per page event. */
    public static final int PAGE_SIZE = 50;
    /** The most orders one import may carry. */
    public static final int MAX_ORDERS = 5_000;

    /** What the page handler's range query needs. */
    public static final List<IndexDeclaration> INDEXES = List.of(
            IndexDeclaration.on("import_rows").ascending("importId", "index").build());

    /**
     * A fan-out job's parameters: whose import it is.
     *
     * @param importId the import
     * @param customer who imports, as the call context named the caller
     */
    public record ImportJob(String importId, String customer) {}

    /**
     * The body of {@code POST /orders/imports}.
     *
     * @param orders the orders to place, each shaped like the body of {@code POST /orders}
     */
    public record NewImport(List<NewOrder> orders) {}

    private final MongoCollection<Document> rows;
    private final MongoJobLedger ledger;
    private final FanOut<ImportJob> fanOut;
    private final OrderRepository orders;
    private final Catalog catalog;
    private final CommandMonitor monitor;
    private final Messaging messaging;

    public Imports(QueryClient mongo, OrderRepository orders, Catalog catalog, Messaging messaging) {
        this.rows = mongo.collection("import_rows", Document.class);
        this.ledger = MongoJobLedger.of(mongo.collection("import_jobs", Document.class));
        this.fanOut = FanOut.of("orders-import", ImportJob.class, PAGE_SIZE, ledger);
        this.orders = orders;
        this.catalog = catalog;
        this.monitor = mongo.monitor();
        this.messaging = messaging;
    }

    /** Starts this instance's page worker on {@code queue}. */
    public EventConsumer startWorker(String queue, IdempotencyStore store) {
        EventPublisher events = messaging.publisher();
        return fanOut.worker(messaging, queue).idempotencyStore(store).start(page -> placePage(page, events));
    }

    /**
     * {@code POST /orders/imports}: 202 with the import id once every page event is confirmed by the broker; 503 when
     * the broker did not confirm them in time (the client may send the import again).
     */
    public Response start(Request request) throws Exception {
        NewImport command = request.body(NewImport.class);
        if (command.orders() == null
                || command.orders().isEmpty()
                || command.orders().size() > MAX_ORDERS) {
            throw NewOrder.invalid("An import carries 1 to " + MAX_ORDERS + " orders.");
        }
        command.orders().forEach(order -> {
            if (order == null) {
                throw NewOrder.invalid("An import's orders are objects like the body of POST /orders.");
            }
            order.validate();
        });
        String customer = CallContext.current().caller();
        String importId = new ObjectId().toHexString();
        JobStatus status = Operations.call("orders.import.start", monitor.attributed(op -> {
            op.attr("importId", importId).attr("orders", command.orders().size());
            requireKnownSkus(command.orders());
            stage(importId, customer, command.orders());
            try {
                return fanOut.start(
                                messaging,
                                importId,
                                new ImportJob(importId, customer),
                                () -> command.orders().size())
                        .get(messaging.settings().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw HttpError.of(503, "IMPORT_NOT_STARTED", "The import could not be handed over; send it again.");
            }
        }));
        return Response.json(202, view(status)).header("Location", "/orders/imports/" + importId);
    }

    /** {@code GET /orders/imports/{id}}: the job as the ledger has it. */
    public Response status(Request request) {
        String id = request.pathParameter("id");
        return ledger.status(id)
                .filter(status -> owns(id))
                .map(status -> Response.ok(view(status)))
                .orElseThrow(() -> HttpError.notFound("There is no import with that id."));
    }

    private boolean owns(String importId) {
        Document first = rows.find(eq("importId", importId)).first();
        return first != null
                && first.getString("customer").equals(CallContext.current().caller());
    }

    private void requireKnownSkus(List<NewOrder> imported) {
        Set<String> skus = new LinkedHashSet<>();
        imported.forEach(order -> order.items().forEach(item -> skus.add(item.sku())));
        List<String> missing = catalog.load(skus).missing();
        if (!missing.isEmpty()) {
            throw NewOrder.invalid("The catalog has no " + String.join(", ", missing) + ".");
        }
    }

    private void stage(String importId, String customer, List<NewOrder> imported) {
        List<Document> documents = new ArrayList<>(imported.size());
        for (int index = 0; index < imported.size(); index++) {
            List<Document> items = imported.get(index).items().stream()
                    .map(item -> new Document("sku", item.sku()).append("quantity", item.quantity()))
                    .toList();
            documents.add(new Document("_id", importId + "/" + index)
                    .append("importId", importId)
                    .append("index", index)
                    .append("customer", customer)
                    .append("items", items));
        }
        rows.insertMany(documents);
    }

    /** Places the orders of one page, then publishes their events and waits for the broker's confirms. */
    private void placePage(FanOut.Page<ImportJob> page, EventPublisher events) throws Exception {
        List<Order> placed = Operations.call("orders.import.page", monitor.attributed(op -> {
            op.attr("importId", page.jobId()).attr("page", page.index()).attr("rows", page.limit());
            List<Document> pageRows = rows.find(and(
                            eq("importId", page.jobId()),
                            gte("index", page.offset()),
                            lt("index", page.offset() + page.limit())))
                    .sort(ascending("index"))
                    .into(new ArrayList<>());
            List<Order> result = new ArrayList<>(pageRows.size());
            try (BatchLoader.LoadScope<String, Document> products = catalog.openScope()) {
                pageRows.forEach(row -> products.prime(
                        items(row).stream().map(NewOrder.Item::sku).toList()));
                for (Document row : pageRows) {
                    Pricing.Quote quote = Pricing.price(items(row), products);
                    if (!quote.unknownSkus().isEmpty()) {
                        throw new IllegalStateException("the catalog lost " + quote.unknownSkus() + " since import");
                    }
                    result.add(Order.placed(
                            orderId(page.jobId(), row.getInteger("index")),
                            page.job().customer(),
                            quote.lines()));
                }
            }
            orders.insertAllOnce(result);
            op.stage("stored");
            return result;
        }));
        List<CompletableFuture<PublishReceipt>> published = placed.stream()
                .map(order -> events.publish(OrderCreated.TYPE, OrderCreated.eventId(order), OrderCreated.of(order)))
                .toList();
        // Throws when one was not confirmed: the page is retried, its orders are already there, its events go again.
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get();
    }

    private static List<NewOrder.Item> items(Document row) {
        return row.getList("items", Document.class).stream()
                .map(item -> new NewOrder.Item(item.getString("sku"), item.getInteger("quantity")))
                .toList();
    }

    /** The id of the order of row {@code index} of an import: the same for every attempt of its page. */
    public static String orderId(String importId, int index) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((importId + "/" + index).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static Map<String, Object> view(JobStatus status) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("importId", status.jobId());
        view.put("orders", status.total());
        view.put("pages", status.pages());
        view.put("succeeded", status.succeeded());
        view.put("failed", status.failed());
        view.put("completed", status.completed());
        if (!status.failures().isEmpty()) {
            view.put("failures", status.failures());
        }
        return view;
    }
}
