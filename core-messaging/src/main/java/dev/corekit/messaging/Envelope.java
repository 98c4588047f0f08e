package dev.corekit.messaging;

import java.time.Instant;
import java.util.Objects;

/**
 * One event as it travels: the metadata every event carries and its payload. Producers never build one by hand: the
 * {@link EventPublisher} fills it from the event type and the current {@link dev.corekit.context.CallContext}; a
 * handler receives it with the context restored.
 *
 * <p>On the wire it is one JSON document (field names as below, {@code occurredAt} in ISO-8601), published with
 * {@code content-type: application/json}; the AMQP properties repeat the id ({@code message-id}), type, producer
 * ({@code app-id}) and correlation id, and the headers carry the W3C trace context ({@code traceparent},
 * {@code tracestate}, {@code baggage}), {@code x-request-id} and the attempt ({@link EventHeaders#ATTEMPT}).
 *
 * @param id unique per published event: the idempotency key of every consumer
 * @param type the event type name
 * @param version the payload schema version
 * @param occurredAt when the producer published it
 * @param producer the producing service ({@link MessagingSettings#producer()})
 * @param requestId the request id of the producing call, or null
 * @param correlationId groups every event of one business flow: the correlation id of the event being handled when
 *     this one was published, else the producer's request id
 * @param causationId the id of the event whose handler published this one, or null
 * @param tenant the tenant of the producing call, or null
 * @param traceparent the W3C {@code traceparent} of the producing span, or null
 * @param tracestate the W3C {@code tracestate}, or null
 * @param attempt which delivery attempt this is, from 1 (counted by corekit in {@link EventHeaders#ATTEMPT}, never
 *     from broker counters)
 * @param payload the payload
 * @param <T> the payload type
 */
public record Envelope<T>(
        String id,
        String type,
        int version,
        Instant occurredAt,
        String producer,
        String requestId,
        String correlationId,
        String causationId,
        String tenant,
        String traceparent,
        String tracestate,
        int attempt,
        T payload) {

    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(producer, "producer");
    }

    /** This envelope with another attempt number. */
    public Envelope<T> withAttempt(int attemptNumber) {
        return new Envelope<>(
                id,
                type,
                version,
                occurredAt,
                producer,
                requestId,
                correlationId,
                causationId,
                tenant,
                traceparent,
                tracestate,
                attemptNumber,
                payload);
    }

    /** Metadata only: the payload is left out, so that logging an envelope never logs business data. */
    @Override
    public String toString() {
        return "Envelope{id=" + id + ", type=" + type + ", version=" + version + ", occurredAt=" + occurredAt
                + ", producer=" + producer + ", requestId=" + requestId + ", correlationId=" + correlationId
                + ", causationId=" + causationId + ", tenant=" + tenant + ", attempt=" + attempt + "}";
    }
}
