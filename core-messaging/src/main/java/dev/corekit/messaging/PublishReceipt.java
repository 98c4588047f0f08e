package dev.corekit.messaging;

import java.time.Instant;
import java.util.Objects;

/**
 * The broker's confirmation of one publish: it has taken responsibility for the message (persisted it on every queue
 * it was routed to).
 *
 * @param eventId the published event's id
 * @param exchange the exchange it was published to ({@code ""} for the default exchange)
 * @param routingKey its routing key
 * @param sends how many times it was sent before the confirm arrived: more than 1 when a connection or channel was lost
 *     with the message unconfirmed, in which case consumers may receive it more than once (they deduplicate by id)
 * @param confirmedAt when the confirm arrived
 */
public record PublishReceipt(String eventId, String exchange, String routingKey, int sends, Instant confirmedAt) {
    public PublishReceipt {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(confirmedAt, "confirmedAt");
    }
}
