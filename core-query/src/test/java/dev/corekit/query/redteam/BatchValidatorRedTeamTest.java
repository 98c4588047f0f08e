package dev.corekit.query.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import dev.corekit.query.BatchLoader;
import dev.corekit.query.BatchValidationException;
import dev.corekit.query.BatchValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile inputs against the batched validation helper. */
class BatchValidatorRedTeamTest {
    record Line(String sku, int quantity, String customerEmail) {}

    RedTeamMongo mongo = new RedTeamMongo();
    MongoCollection<Document> products = mongo.client.collection("products", Document.class);
    BatchLoader<String, Document> loader;
    BatchValidator<Line, String, Document> stock;

    @BeforeEach
    void fill() {
        products.insertMany(IntStream.range(0, 10)
                .mapToObj(i -> new Document("sku", "sku-" + i).append("stock", i))
                .toList());
        loader = BatchLoader.custom(products, "sku", String.class)
                .maxBatchSize(4)
                .build();
        stock = BatchValidator.of(
                loader,
                Line::sku,
                (line, product) -> product.getInteger("stock") >= line.quantity() ? null : "not enough stock");
    }

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void aThousandItemsOverTenDistinctKeysTakeCeilingOfTenOverMaxQueries() {
        List<Line> lines = IntStream.range(0, 1000)
                .mapToObj(i -> new Line("sku-" + (i % 10), 0, "c" + i + "@example.com"))
                .toList();

        assertThat(stock.validate(lines)).isEmpty();
        assertThat(mongo.finds()).isEqualTo(3);
    }

    @Test
    void anEmptyListIsValidWithoutARoundTrip() {
        assertThat(stock.validate(List.of())).isEmpty();
        assertThat(mongo.finds()).isZero();
    }

    @Test
    void everyViolationIsListedInItemOrderIncludingMissingDocuments() {
        List<Line> lines = List.of(
                new Line("sku-9", 100, "a@x"),
                new Line("sku-5", 1, "b@x"),
                new Line("ghost", 1, "c@x"),
                new Line("sku-0", 1, "d@x"));

        List<BatchValidator.Violation<Line>> violations = stock.validate(lines);

        assertThat(violations).extracting(BatchValidator.Violation::index).containsExactly(0, 2, 3);
        assertThat(violations.get(1).message()).isNotBlank();
        assertThat(violations.get(0).item()).isSameAs(lines.get(0));
    }

    @Test
    void whenMissingReplacesTheMissingMessageOnly() {
        BatchValidator<Line, String, Document> custom = stock.whenMissing(line -> "unknown product");

        List<BatchValidator.Violation<Line>> violations =
                custom.validate(List.of(new Line("ghost", 1, "a@x"), new Line("sku-1", 5, "b@x")));

        assertThat(violations)
                .extracting(BatchValidator.Violation::message)
                .containsExactly("unknown product", "not enough stock");
    }

    @Test
    void theExceptionAndViolationsNeverShowTheItemsThemselves() {
        List<Line> lines = List.of(new Line("sku-1", 50, "alice.private@example.com"));

        assertThatThrownBy(() -> stock.check(lines)).isInstanceOfSatisfying(BatchValidationException.class, e -> {
            assertThat(e.getMessage()).doesNotContain("alice.private").contains("not enough stock");
            assertThat(e.violations()).hasSize(1);
            assertThat(e.violations().get(0).toString()).doesNotContain("alice.private");
            assertThat(e.retryable()).isFalse();
            assertThat(e.code()).isEqualTo(BatchValidationException.CODE);
        });
    }

    @Test
    void checkOfValidItemsDoesNotThrow() {
        stock.check(List.of(new Line("sku-3", 3, "x")));
    }

    @Test
    void validatingThroughAClosedScopeFails() {
        BatchLoader.LoadScope<String, Document> scope = loader.openScope();
        scope.close();

        assertThatThrownBy(() -> stock.validate(scope, List.of(new Line("sku-1", 1, "x"))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void validatingThroughAnOpenScopeReusesItsCache() {
        try (BatchLoader.LoadScope<String, Document> scope = loader.openScope()) {
            scope.loadAll(List.of("sku-1", "sku-2"));
            stock.validate(scope, List.of(new Line("sku-1", 1, "x"), new Line("sku-2", 1, "y")));
        }
        assertThat(mongo.finds()).isEqualTo(1);
    }

    @Test
    void anItemWhoseKeyIsNullIsAClearError() {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(null, 1, "x"));

        assertThatThrownBy(() -> stock.validate(lines))
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    }
}
