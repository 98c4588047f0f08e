package dev.corekit.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * Who made a call, as the auth interceptor established it from a verified token: the entity type ({@code user},
 * {@code agent}, {@code service}, ...), the subject, the session the token belongs to (if any), and the principal
 * object the entity's loader returned (e.g. the service's own {@code User}).
 *
 * <pre>{@code
 * User user = call.principal().orElseThrow().as(User.class);
 * }</pre>
 *
 * <p>Immutable. {@code toString()} shows the entity type and subject only.
 */
public final class Principal {
    /** Where the auth interceptor puts the principal on the call; read it with {@link Call#principal()}. */
    public static final CallAttribute<Principal> ATTRIBUTE = CallAttribute.of("corekit.principal", Principal.class);

    private final String entityType;
    private final String subject;
    private final String sessionId;
    private final String tenant;
    private final Object value;

    private Principal(String entityType, String subject, String sessionId, String tenant, Object value) {
        this.entityType = entityType;
        this.subject = subject;
        this.sessionId = sessionId;
        this.tenant = tenant;
        this.value = value;
    }

    /**
     * A principal. {@code sessionId} and {@code tenant} may be null; {@code value} is what the entity's loader
     * returned.
     */
    public static Principal of(String entityType, String subject, String sessionId, String tenant, Object value) {
        return new Principal(
                Objects.requireNonNull(entityType, "entityType"),
                Objects.requireNonNull(subject, "subject"),
                sessionId,
                tenant,
                Objects.requireNonNull(value, "value"));
    }

    /** The entity type, e.g. {@code user}. */
    public String entityType() {
        return entityType;
    }

    /** The subject ({@code sub}) of the token. */
    public String subject() {
        return subject;
    }

    /** The session the token belongs to; empty for a token without one. */
    public Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    /** The tenant the token acts for; empty when it names none. */
    public Optional<String> tenant() {
        return Optional.ofNullable(tenant);
    }

    /** What the entity's loader returned. */
    public Object value() {
        return value;
    }

    /**
     * The loaded principal as {@code type}.
     *
     * @throws ClassCastException when it is not one
     */
    public <T> T as(Class<T> type) {
        return type.cast(value);
    }

    /** {@code entityType:subject}, as the call context's caller shows it. */
    public String caller() {
        return entityType + ":" + subject;
    }

    @Override
    public String toString() {
        return "Principal{" + caller() + "}";
    }
}
