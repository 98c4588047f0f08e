package dev.corekit.messaging.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.rabbitmq.client.AMQP;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.ContextHeaders;
import dev.corekit.context.TraceIds;
import dev.corekit.messaging.Envelope;
import dev.corekit.messaging.EventHeaders;
import dev.corekit.messaging.EventPublisher;
import dev.corekit.messaging.EventType;
import dev.corekit.messaging.PublishException;
import dev.corekit.messaging.PublishReceipt;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The {@link EventPublisher}: builds the envelope on the caller's thread, hands it to the {@link PublisherEngine}. */
public final class DefaultEventPublisher implements EventPublisher {
    private final PublisherEngine engine;
    private final EventCodec codec;
    private final Clock clock;
    private final String producer;
    private final String exchange;
    private final int maxBytes;

    public DefaultEventPublisher(
            PublisherEngine engine, EventCodec codec, Clock clock, String producer, String exchange, int maxBytes) {
        this.engine = engine;
        this.codec = codec;
        this.clock = clock;
        this.producer = producer;
        this.exchange = exchange;
        this.maxBytes = maxBytes;
    }

    @Override
    public <T> CompletableFuture<PublishReceipt> publish(EventType<T> type, T payload) {
        return publish(type, TraceIds.newTraceId(), payload);
    }

    @Override
    public <T> CompletableFuture<PublishReceipt> publish(EventType<T> type, String eventId, T payload) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(payload, () -> "payload of " + type.name());
        if (!isEventId(eventId)) {
            throw new IllegalArgumentException("event id '" + eventId
                    + "' must be 1 to 128 visible ASCII characters (no spaces or control characters)");
        }
        Class<T> payloadType = type.payloadType();
        if (!payloadType.isPrimitive() && !payloadType.isInstance(payload)) {
            // only reachable through raw types or unchecked casts: never publish a body its consumers cannot read
            return failed(
                    eventId,
                    PublishException.Reason.INVALID,
                    "the payload of " + type.name() + " v" + type.version() + " must be a " + payloadType.getName()
                            + ", not a " + payload.getClass().getName(),
                    null);
        }
        CallContext context = CallContext.current();
        if (context.traceId() == null) {
            context = CallContext.newRequest();
        }
        Envelope<?> handled = Handling.current();
        String correlationId = handled != null
                ? (handled.correlationId() != null ? handled.correlationId() : handled.id())
                : context.requestId();
        Map<String, Object> headers = new HashMap<>(8);
        ContextHeaders.inject(context, headers::put);
        Object traceparent = headers.get(ContextHeaders.TRACEPARENT);
        Object tracestate = headers.get(ContextHeaders.TRACESTATE);
        Instant now = clock.instant();
        Envelope<T> envelope = new Envelope<>(
                eventId,
                type.name(),
                type.version(),
                now,
                producer,
                context.requestId(),
                correlationId,
                handled == null ? null : handled.id(),
                context.tenant(),
                traceparent == null ? null : traceparent.toString(),
                tracestate == null ? null : tracestate.toString(),
                1,
                payload);
        headers.put(EventHeaders.VERSION, type.version());
        headers.put(EventHeaders.ATTEMPT, 1);
        if (context.tenant() != null) {
            headers.put(EventHeaders.TENANT, context.tenant());
        }
        byte[] body;
        try {
            body = codec.encode(envelope);
        } catch (JsonProcessingException | RuntimeException e) {
            return failed(
                    eventId,
                    PublishException.Reason.INVALID,
                    "cannot encode the payload of " + type.name() + " v" + type.version() + " ("
                            + payload.getClass().getName() + ") as JSON: " + e.getMessage(),
                    e);
        }
        if (body.length > maxBytes) {
            return failed(
                    eventId,
                    PublishException.Reason.TOO_LARGE,
                    "event " + eventId + " of type " + type.name() + " is " + body.length
                            + " bytes encoded, over corekit.messaging.max-message-bytes = " + maxBytes,
                    null);
        }
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .contentEncoding("utf-8")
                .deliveryMode(2)
                .messageId(eventId)
                .type(type.name())
                .appId(producer)
                .correlationId(correlationId)
                .timestamp(Date.from(now))
                .headers(headers)
                .build();
        return ContextExecutors.propagating(
                engine.send(new PublisherEngine.Outgoing(eventId, exchange, type.name(), true, properties, body)));
    }

    private static CompletableFuture<PublishReceipt> failed(
            String eventId, PublishException.Reason reason, String text, Throwable cause) {
        return CompletableFuture.failedFuture(new PublishException(reason, eventId, text, cause));
    }

    /** Whether {@code id} is a valid event id: 1 to 128 visible ASCII characters. */
    public static boolean isEventId(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
