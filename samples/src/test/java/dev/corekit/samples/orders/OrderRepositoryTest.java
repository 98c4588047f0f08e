package dev.corekit.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.query.QueryClient;
import dev.corekit.query.QuerySettings;
import dev.corekit.samples.embedded.EmbeddedMongo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The repository through the real driver against the in-process MongoDB-wire server. */
class OrderRepositoryTest {
    @Test
    void aRetriedImportPageStoresEachOrderOnceAndKeepsWhatWasThere() {
        try (EmbeddedMongo server = EmbeddedMongo.start("orders-test");
                QueryClient mongo = QueryClient.custom()
                        .settings(
                                QuerySettings.custom().mongodbUri(server.uri()).build())
                        .build()) {
            OrderRepository orders = new OrderRepository(mongo);
            List<OrderLine> lines = List.of(new OrderLine("MUG", 1, 1_200));
            Order first = Order.placed(Imports.orderId("import-1", 0), "user:ada", lines);
            Order second = Order.placed(Imports.orderId("import-1", 1), "user:ada", lines);
            orders.insertAllOnce(List.of(first));
            orders.confirm(first.id(), "order-created-" + first.id());

            orders.insertAllOnce(List.of(first, second)); // the page again, after its first order was stored

            assertThat(orders.find(first.id()).orElseThrow().status()).isEqualTo(Order.CONFIRMED);
            assertThat(orders.find(second.id())).isPresent();
            assertThat(orders.page("user:ada", 10, null).items()).hasSize(2);
        }
    }

    @Test
    void importedOrderIdsAreStablePerRowAndDistinctAcrossRows() {
        assertThat(Imports.orderId("import-1", 7))
                .isEqualTo(Imports.orderId("import-1", 7))
                .matches("[0-9a-f]{24}");
        assertThat(Imports.orderId("import-1", 7)).isNotEqualTo(Imports.orderId("import-1", 8));
        assertThat(Imports.orderId("import-1", 7)).isNotEqualTo(Imports.orderId("import-2", 7));
    }
}
