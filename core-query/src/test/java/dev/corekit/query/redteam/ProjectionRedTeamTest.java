package dev.corekit.query.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.corekit.query.Projection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonIgnore;
import org.bson.codecs.pojo.annotations.BsonProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records the projection must read exactly, and records it must refuse. */
class ProjectionRedTeamTest {
    public record Address(String city, String zip) {}

    public record Line(String sku, int quantity) {}

    public record Order(
            @BsonId String id, String status, String customerEmail, Address address, List<Line> lines, double total) {}

    public record Summary(@BsonId String id, String status, double total) {}

    public record NoId(String status) {}

    public record Renamed(
            @BsonProperty("status") String state,
            @BsonIgnore String computed) {}

    public record CityOnly(Address address) {}

    public record Typos(String statsu, double totl) {}

    public record NestedTypo(AddressTypo address) {}

    public record AddressTypo(String cty) {}

    public record LinesOnly(List<LineSku> lines) {}

    public record LineSku(String sku) {}

    public record Empty() {}

    public record OnlyIgnored(@BsonIgnore String computed) {}

    public record Node(String value, Node next) {}

    public record WithMap(Map<String, String> tags) {}

    RedTeamMongo mongo = new RedTeamMongo();

    @AfterEach
    void close() {
        mongo.close();
    }

    static BsonDocument doc(Projection<?> projection) {
        return projection.toBsonDocument(BsonDocument.class, MongoClientSettings.getDefaultCodecRegistry());
    }

    @Test
    void aRecordProjectsExactlyItsComponentsInOrderWithIdWhenItHasOne() {
        Projection<Summary> projection = Projection.of(Summary.class, Order.class);

        assertThat(projection.fields()).containsExactly("_id", "status", "total");
        assertThat(doc(projection).keySet()).containsExactly("_id", "status", "total");
    }

    @Test
    void idIsExcludedWhenTheRecordHasNoComponentForIt() {
        BsonDocument projection = doc(Projection.of(NoId.class));

        assertThat(projection.getInt32("_id").getValue()).isZero();
        assertThat(projection.getInt32("status").getValue()).isEqualTo(1);
        assertThat(projection.keySet()).containsExactlyInAnyOrder("_id", "status");
    }

    @Test
    void bsonPropertyRenamesAndBsonIgnoreLeavesOut() {
        assertThat(Projection.of(Renamed.class).fields()).containsExactly("status");
    }

    @Test
    void aNestedRecordBecomesDottedPaths() {
        assertThat(Projection.of(CityOnly.class).fields()).containsExactly("address.city", "address.zip");
    }

    @Test
    void aListOfRecordsBecomesDottedPaths() {
        assertThat(Projection.of(LinesOnly.class, Order.class).fields()).containsExactly("lines.sku");
    }

    @Test
    void everyUnknownFieldIsNamedInOneError() {
        assertThatThrownBy(() -> Projection.of(Typos.class, Order.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("statsu")
                .hasMessageContaining("totl");
    }

    @Test
    void anUnknownFieldInsideANestedRecordIsAnError() {
        assertThatThrownBy(() -> Projection.of(NestedTypo.class, Order.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("address.cty");
    }

    @Test
    void aStoredClassThatIsNotARecordIsCheckedByItsFields() {
        assertThatThrownBy(() -> Projection.of(Typos.class, StoredPojo.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("statsu");
        assertThatCode(() -> Projection.of(NoId.class, StoredPojo.class)).doesNotThrowAnyException();
    }

    @Test
    void aRecordWithNoComponentsNeverShipsWholeDocuments() {
        MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
        orders.insertOne(new Document("status", "open").append("customerEmail", "a@example.com"));

        // {_id: 0} alone is an exclusion projection: it would ship every field but _id
        assertThatThrownBy(() -> Projection.of(Empty.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Empty");
        assertThatThrownBy(() -> Projection.of(OnlyIgnored.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSelfReferencingRecordIsAClearErrorOrAFiniteProjectionNeverAStackOverflow() {
        assertThatCode(() -> {
                    try {
                        Projection.of(Node.class);
                    } catch (IllegalArgumentException clearError) {
                        // fine
                    }
                })
                .doesNotThrowAnyException();
    }

    @Test
    void aMapComponentIsProjectedAsAWholeField() {
        assertThat(Projection.of(WithMap.class).fields()).containsExactly("tags");
    }

    @Test
    void nullTypeIsAClearError() {
        assertThatThrownBy(() -> Projection.of(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Projection.of(NoId.class, null))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    }

    @Test
    void findOnARecordCollectionChecksTheFieldsFirst() {
        MongoCollection<Order> orders = mongo.client.collection("orders", Order.class);

        assertThatThrownBy(() -> Projection.of(Typos.class).find(orders, Filters.eq("status", "open")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("statsu");
    }

    @Test
    void findReturnsRecordsWithOnlyTheProjectedFieldsShipped() {
        MongoCollection<Document> orders = mongo.client.collection("orders", Document.class);
        orders.insertOne(new Document("_id", "o1")
                .append("status", "open")
                .append("customerEmail", "a@example.com")
                .append("total", 12.5)
                .append("address", new Document("city", "Lyon").append("zip", "69000")));

        List<Summary> found = Projection.of(Summary.class)
                .find(orders, Filters.eq("status", "open"))
                .into(new ArrayList<>());

        assertThat(found).containsExactly(new Summary("o1", "open", 12.5));
        BsonDocument sent = mongo.sent("find").get(mongo.sent("find").size() - 1);
        assertThat(sent.getDocument("projection").keySet()).containsExactly("_id", "status", "total");
    }

    @Test
    void theProjectionIsAConstantTheCallerCannotAlter() {
        Projection<Summary> projection = Projection.of(Summary.class);
        BsonDocument first = doc(projection);
        first.put("customerEmail", new org.bson.BsonInt32(1));

        assertThat(doc(projection).keySet()).containsExactly("_id", "status", "total");
        assertThatThrownBy(() -> projection.fields().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringIsTheProjectionDocument() {
        assertThat(Projection.of(Summary.class).toString()).contains("status").contains("total");
    }

    /** A stored class that is not a record. */
    static final class StoredPojo {
        public String status;
        public double total;
    }
}
