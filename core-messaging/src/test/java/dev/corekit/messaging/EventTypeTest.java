package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventTypeTest {
    record OrderPlaced(String orderId, long cents) {}

    @Test
    void nameVersionAndPayloadTypeDefineTheContract() {
        EventType<OrderPlaced> type = EventType.of("orders.placed", 2, OrderPlaced.class);

        assertThat(type.name()).isEqualTo("orders.placed");
        assertThat(type.version()).isEqualTo(2);
        assertThat(type.payloadType()).isEqualTo(OrderPlaced.class);
        assertThat(type).isEqualTo(EventType.of("orders.placed", 2, OrderPlaced.class));
        assertThat(type).isNotEqualTo(EventType.of("orders.placed", 1, OrderPlaced.class));
        assertThat(type).hasToString("orders.placed v2 (OrderPlaced)");
    }

    @Test
    void badNamesAreRejectedWithTheRule() {
        for (String bad :
                new String[] {"", "Orders.placed", "orders..placed", "orders placed", "orders.#", "1orders"}) {
            assertThatThrownBy(() -> EventType.of(bad, 1, OrderPlaced.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("dot-separated lower-case words");
        }
        assertThatThrownBy(() -> EventType.of("a".repeat(201), 1, OrderPlaced.class))
                .hasMessageContaining("at most 200 characters");
    }

    @Test
    void versionStartsAtOne() {
        assertThatThrownBy(() -> EventType.of("orders.placed", 0, OrderPlaced.class))
                .hasMessage("event type 'orders.placed': version must be 1 or more, got 0");
    }
}
