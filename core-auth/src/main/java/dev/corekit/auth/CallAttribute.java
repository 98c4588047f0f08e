package dev.corekit.auth;

import java.util.Objects;

/**
 * A typed key for a value carried on a {@link Call} from one interceptor to the next (the shape of Armeria's
 * {@code AttributeKey}). Keys compare by identity: declare each once as a constant.
 *
 * <pre>{@code
 * static final CallAttribute<Tenant> TENANT = CallAttribute.of("tenant", Tenant.class);
 * call.attribute(TENANT, tenant);
 * Tenant tenant = call.attribute(TENANT);
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class CallAttribute<T> {
    private final String name;
    private final Class<T> type;

    private CallAttribute(String name, Class<T> type) {
        this.name = name;
        this.type = type;
    }

    /** A new key; {@code name} is for diagnostics only. */
    public static <T> CallAttribute<T> of(String name, Class<T> type) {
        return new CallAttribute<>(Objects.requireNonNull(name, "name"), Objects.requireNonNull(type, "type"));
    }

    /** The name given at creation. */
    public String name() {
        return name;
    }

    /** Casts a stored value to this key's type. */
    public T cast(Object value) {
        return type.cast(value);
    }

    @Override
    public String toString() {
        return "CallAttribute(" + name + ": " + type.getSimpleName() + ")";
    }
}
