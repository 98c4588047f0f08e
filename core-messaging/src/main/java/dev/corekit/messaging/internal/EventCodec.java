package dev.corekit.messaging.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.corekit.messaging.Envelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The JSON envelope: one object with the metadata fields of {@link Envelope} in a fixed order and the payload last.
 * Payloads are read strictly (unknown properties, null primitives and trailing tokens are errors), because a payload
 * that does not match its schema version must fail loudly, not half-populate a record.
 */
public final class EventCodec {
    private final ObjectMapper mapper;
    private final JsonFactory factory;

    public EventCodec(ObjectMapper base) {
        this.mapper = base.copy()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.factory = mapper.getFactory();
    }

    /** A mapper configured like the envelope's, for JSON that is not an envelope (fan-out bookkeeping). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Encodes an envelope.
     *
     * @throws JsonProcessingException when the payload cannot be serialized
     */
    public byte[] encode(Envelope<?> envelope) throws JsonProcessingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = factory.createGenerator(out)) {
            json.setCodec(mapper);
            json.writeStartObject();
            json.writeStringField("id", envelope.id());
            json.writeStringField("type", envelope.type());
            json.writeNumberField("version", envelope.version());
            json.writeStringField("occurredAt", envelope.occurredAt().toString());
            json.writeStringField("producer", envelope.producer());
            writeOptional(json, "requestId", envelope.requestId());
            writeOptional(json, "correlationId", envelope.correlationId());
            writeOptional(json, "causationId", envelope.causationId());
            writeOptional(json, "tenant", envelope.tenant());
            writeOptional(json, "traceparent", envelope.traceparent());
            writeOptional(json, "tracestate", envelope.tracestate());
            json.writeNumberField("attempt", envelope.attempt());
            json.writeFieldName("payload");
            mapper.writeValue(json, envelope.payload());
            json.writeEndObject();
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static void writeOptional(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }

    /**
     * Decodes the metadata of an envelope; the payload stays a JSON tree until its type is known.
     *
     * @throws BadMessageException when the body is not a JSON envelope
     */
    public Envelope<JsonNode> decode(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            throw new BadMessageException(
                    BadMessageException.Reason.BAD_MESSAGE,
                    "the body is not JSON: "
                            + (e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage()),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new BadMessageException(
                    BadMessageException.Reason.BAD_MESSAGE, "the body is not a JSON object", null);
        }
        String id = requiredText(root, "id");
        String type = requiredText(root, "type");
        JsonNode version = root.get("version");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber()) {
            throw new BadMessageException(
                    BadMessageException.Reason.BAD_MESSAGE, "the envelope has no integer field 'version'", null);
        }
        Instant occurredAt;
        try {
            occurredAt = Instant.parse(requiredText(root, "occurredAt"));
        } catch (DateTimeParseException e) {
            throw new BadMessageException(
                    BadMessageException.Reason.BAD_MESSAGE,
                    "the envelope's occurredAt is not an ISO-8601 instant: " + e.getParsedString(),
                    e);
        }
        JsonNode attempt = root.get("attempt");
        JsonNode payload = root.get("payload");
        if (payload == null) {
            throw new BadMessageException(BadMessageException.Reason.BAD_MESSAGE, "the envelope has no payload", null);
        }
        return new Envelope<>(
                id,
                type,
                version.intValue(),
                occurredAt,
                requiredText(root, "producer"),
                optionalText(root, "requestId"),
                optionalText(root, "correlationId"),
                optionalText(root, "causationId"),
                optionalText(root, "tenant"),
                optionalText(root, "traceparent"),
                optionalText(root, "tracestate"),
                attempt != null && attempt.canConvertToInt() ? attempt.intValue() : 1,
                payload);
    }

    /**
     * Reads a payload tree as {@code type}.
     *
     * @throws BadMessageException naming the mismatch when it does not fit
     */
    public <T> T payload(Envelope<JsonNode> envelope, Class<T> type) {
        try {
            return mapper.treeToValue(envelope.payload(), type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String detail = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw new BadMessageException(
                    BadMessageException.Reason.BAD_PAYLOAD,
                    "the payload of " + envelope.type() + " v" + envelope.version() + " does not match "
                            + type.getName() + ": " + detail,
                    e);
        }
    }

    /** The body with its {@code attempt} field set to {@code attempt} (other fields unchanged), for a retry. */
    public byte[] withAttempt(byte[] body, int attempt) {
        try {
            JsonNode root = mapper.readTree(body);
            if (root instanceof ObjectNode object) {
                object.put("attempt", attempt);
                return mapper.writeValueAsBytes(object);
            }
        } catch (IOException e) {
            // not an envelope: leave it as it is, the header carries the attempt
        }
        return body;
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw new BadMessageException(
                    BadMessageException.Reason.BAD_MESSAGE, "the envelope has no text field '" + field + "'", null);
        }
        return node.asText();
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
