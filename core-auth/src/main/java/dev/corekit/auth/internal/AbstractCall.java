package dev.corekit.auth.internal;

import dev.corekit.auth.Call;
import dev.corekit.auth.CallAttribute;
import dev.corekit.auth.Procedure;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/** What every adapter's call shares: the procedure and the attributes. */
public abstract class AbstractCall implements Call {
    private final Procedure procedure;
    private Map<CallAttribute<?>, Object> attributes;

    protected AbstractCall(Procedure procedure) {
        this.procedure = Objects.requireNonNull(procedure, "procedure");
    }

    @Override
    public final Procedure procedure() {
        return procedure;
    }

    @Override
    public final <T> T attribute(CallAttribute<T> key) {
        Objects.requireNonNull(key, "key");
        return attributes == null ? null : key.cast(attributes.get(key));
    }

    @Override
    public final <T> void attribute(CallAttribute<T> key, T value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            if (attributes != null && attributes.remove(key) != null) {
                published(key, null);
            }
            return;
        }
        if (attributes == null) {
            attributes = new IdentityHashMap<>(8);
        }
        attributes.put(key, key.cast(value));
        published(key, value);
    }

    /**
     * Hook for adapters that mirror some attributes (the principal) into their server's request attributes; {@code
     * value} is null when the attribute was removed.
     */
    protected void published(CallAttribute<?> key, Object value) {}

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + method() + " " + path() + " -> " + procedure.name() + "}";
    }
}
