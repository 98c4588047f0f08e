package dev.corekit.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Projections derived from the records callers read, through the driver's record codec. */
class ProjectionTest {
    public record Address(String street, String city, String zip) {}

    public record Line(String sku, int quantity, long priceCents) {}

    public record Order(
            @BsonId ObjectId id,
            long customerId,
            String status,
            long totalCents,
            Address shipping,
            List<Line> lines,
            String internalNotes) {}

    public record CityOnly(String city) {}

    public record OrderSummary(
            @BsonId ObjectId id,
            String status,
            @BsonProperty("totalCents") long total,
            CityOnly shipping) {}

    public record StatusOnly(String status) {}

    public record Typo(String status, long totl) {}

    public record DeepTypo(String status, ZipCodeView shipping) {}

    public record ZipCodeView(String zipcode) {}

    TestMongo mongo = new TestMongo();
    MongoCollection<Order> orders = mongo.client.collection("orders", Order.class);

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void theProjectionHoldsExactlyTheFieldsTheRecordReads() {
        Projection<OrderSummary> projection = Projection.of(OrderSummary.class, Order.class);

        assertThat(projection.fields()).containsExactly("_id", "status", "totalCents", "shipping.city");
        assertThat(projection.toBsonDocument(Document.class, null).toJson())
                .isEqualTo("{\"_id\": 1, \"status\": 1, \"totalCents\": 1, \"shipping.city\": 1}");
        assertThat(Projection.of(StatusOnly.class)
                        .toBsonDocument(Document.class, null)
                        .toJson())
                .as("no _id component: _id is left out")
                .isEqualTo("{\"status\": 1, \"_id\": 0}");
    }

    @Test
    void onlyTheProjectedFieldsCrossTheWire() {
        ObjectId id = new ObjectId();
        orders.insertOne(new Order(
                id,
                42,
                "open",
                1999,
                new Address("1 Main St", "Springfield", "12345"),
                List.of(new Line("sku-1", 2, 999)),
                "call before delivery"));

        List<OrderSummary> summaries = Projection.of(OrderSummary.class, Order.class)
                .find(orders, Filters.eq("status", "open"))
                .into(new ArrayList<>());
        Document shipped = mongo.client
                .collection("orders", Document.class)
                .find()
                .projection(Projection.of(OrderSummary.class))
                .first();

        assertThat(summaries).containsExactly(new OrderSummary(id, "open", 1999, new CityOnly("Springfield")));
        assertThat(shipped.keySet()).containsExactly("_id", "status", "totalCents", "shipping");
        assertThat(shipped.get("shipping", Document.class).keySet()).containsExactly("city");
    }

    @Test
    void aFieldTheStoredRecordDoesNotHaveIsAClearError() {
        assertThatThrownBy(() -> Projection.of(Typo.class, Order.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Typo reads field [totl] that Order does not have (its fields: [_id, customerId, status,"
                        + " totalCents, shipping, lines, internalNotes]); check the component names and their"
                        + " @BsonProperty");
        assertThatThrownBy(() -> Projection.of(DeepTypo.class, Order.class))
                .hasMessageContaining("DeepTypo reads field [shipping.zipcode]");
        assertThatThrownBy(() -> Projection.of(Typo.class).find(orders, Filters.eq("status", "open")))
                .as("find checks against the collection's record type")
                .hasMessageContaining("[totl]");
    }

    @Test
    void aCollectionOfRecordsIsProjectedElementWise() {
        assertThat(Projection.of(LineSkusView.class).fields()).containsExactly("lines.sku");
        assertThat(Projection.of(LineSkusView.class, Order.class).fields()).containsExactly("lines.sku");
    }

    public record SkuOnly(String sku) {}

    public record LineSkusView(List<SkuOnly> lines) {}
}
