package dev.corekit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corekit.messaging.internal.BadMessageException;
import dev.corekit.messaging.internal.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    record OrderPlaced(String orderId, long cents, Instant at) {}

    private final EventCodec codec = new EventCodec(new ObjectMapper());

    private static Envelope<OrderPlaced> envelope() {
        return new Envelope<>(
                "e1",
                "orders.placed",
                1,
                Instant.parse("2026-11-23T10:15:30Z"),
                "orders",
                "r1",
                "c1",
                "cause1",
                "acme",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                null,
                1,
                new OrderPlaced("o-1", 1250, Instant.parse("2026-11-23T10:15:00Z")));
    }

    @Test
    void envelopeIsOneJsonDocumentWithMetadataFirstAndPayloadLast() throws Exception {
        String json = new String(codec.encode(envelope()), StandardCharsets.UTF_8);

        assertThat(json)
                .isEqualTo("{\"id\":\"e1\",\"type\":\"orders.placed\",\"version\":1,"
                        + "\"occurredAt\":\"2026-11-23T10:15:30Z\",\"producer\":\"orders\",\"requestId\":\"r1\","
                        + "\"correlationId\":\"c1\",\"causationId\":\"cause1\",\"tenant\":\"acme\","
                        + "\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\","
                        + "\"attempt\":1,\"payload\":{\"orderId\":\"o-1\",\"cents\":1250,"
                        + "\"at\":\"2026-11-23T10:15:00Z\"}}");
    }

    @Test
    void decodingGivesBackEveryFieldAndTheTypedPayload() throws Exception {
        Envelope<JsonNode> raw = codec.decode(codec.encode(envelope()));

        assertThat(raw.withAttempt(1).toString()).isEqualTo(envelope().toString());
        assertThat(codec.payload(raw, OrderPlaced.class)).isEqualTo(envelope().payload());
    }

    @Test
    void aBodyThatIsNotAnEnvelopeIsABadMessage() {
        assertThatThrownBy(() -> codec.decode("{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        BadMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(BadMessageException.Reason.BAD_MESSAGE))
                .hasMessageStartingWith("the body is not JSON");
        assertThatThrownBy(() -> codec.decode("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("the body is not a JSON object");
        assertThatThrownBy(() -> codec.decode("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("the envelope has no text field 'type'");
    }

    @Test
    void aPayloadThatDoesNotMatchItsTypeIsNamedAsSuch() throws Exception {
        byte[] body =
                ("{\"id\":\"e1\",\"type\":\"orders.placed\",\"version\":1,\"occurredAt\":\"2026-11-23T10:15:30Z\","
                                + "\"producer\":\"orders\",\"attempt\":1,\"payload\":{\"orderId\":\"o-1\",\"cents\":\"many\"}}")
                        .getBytes(StandardCharsets.UTF_8);
        Envelope<JsonNode> raw = codec.decode(body);

        assertThatThrownBy(() -> codec.payload(raw, OrderPlaced.class))
                .isInstanceOfSatisfying(
                        BadMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(BadMessageException.Reason.BAD_PAYLOAD))
                .hasMessageStartingWith(
                        "the payload of orders.placed v1 does not match " + OrderPlaced.class.getName());
    }

    @Test
    void unknownPayloadFieldsAreAMismatchNotSilentlyDropped() throws Exception {
        byte[] body =
                ("{\"id\":\"e1\",\"type\":\"orders.placed\",\"version\":1,\"occurredAt\":\"2026-11-23T10:15:30Z\","
                                + "\"producer\":\"orders\",\"payload\":{\"orderId\":\"o-1\",\"cents\":1,\"coupon\":\"X\"}}")
                        .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> codec.payload(codec.decode(body), OrderPlaced.class))
                .hasMessageContaining("coupon");
    }

    @Test
    void aRetryRewritesOnlyTheAttempt() throws Exception {
        byte[] body = codec.encode(envelope());

        Envelope<JsonNode> retried = codec.decode(codec.withAttempt(body, 3));

        assertThat(retried.attempt()).isEqualTo(3);
        assertThat(retried.withAttempt(1).toString()).isEqualTo(envelope().toString());
    }
}
