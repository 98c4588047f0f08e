package dev.corekit.messaging;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The contract of one kind of event: its name, the version of its payload schema and the payload's Java type. Events
 * are routed by name (the AMQP routing key); a consumer handles exactly the (name, version) pairs it registered, so a
 * new schema is a new version that producers and consumers adopt deliberately.
 *
 * <pre>{@code
 * public static final EventType<OrderPlaced> ORDER_PLACED = EventType.of("orders.placed", 1, OrderPlaced.class);
 * }</pre>
 *
 * <p>The payload type must be serializable by Jackson (a record is ideal). Instances are immutable; two event types are
 * equal when name, version and payload type are.
 *
 * @param <T> the payload type
 */
public final class EventType<T> {
    /** Lower-case words of letters, digits and '-', separated by dots: {@code orders.placed}. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

    /** The longest event type name: it is an AMQP routing key (at most 255 bytes) with room for corekit suffixes. */
    public static final int MAX_NAME_LENGTH = 200;

    private final String name;
    private final int version;
    private final Class<T> payloadType;

    private EventType(String name, int version, Class<T> payloadType) {
        this.name = name;
        this.version = version;
        this.payloadType = payloadType;
    }

    /**
     * An event type.
     *
     * @param name dot-separated lower-case words ({@code orders.placed}), at most {@value #MAX_NAME_LENGTH} characters
     * @param version the payload schema version, from 1
     * @param payloadType the payload's class
     * @throws IllegalArgumentException naming what is wrong with {@code name} or {@code version}
     */
    public static <T> EventType<T> of(String name, int version, Class<T> payloadType) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payloadType, "payloadType");
        if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("event type name '" + name
                    + "' must be dot-separated lower-case words of letters, digits and '-' (like orders.placed), at"
                    + " most " + MAX_NAME_LENGTH + " characters");
        }
        if (version < 1) {
            throw new IllegalArgumentException("event type '" + name + "': version must be 1 or more, got " + version);
        }
        return new EventType<>(name, version, payloadType);
    }

    /** The name, used as the routing key. */
    public String name() {
        return name;
    }

    /** The payload schema version. */
    public int version() {
        return version;
    }

    /** The payload's class. */
    public Class<T> payloadType() {
        return payloadType;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventType<?> that
                && name.equals(that.name)
                && version == that.version
                && payloadType.equals(that.payloadType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, payloadType);
    }

    @Override
    public String toString() {
        return name + " v" + version + " (" + payloadType.getSimpleName() + ")";
    }
}
