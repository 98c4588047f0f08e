package dev.corekit.auth.token;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who a token is issued to: an entity type, a subject, optionally a tenant and extra claims. Immutable.
 *
 * <pre>{@code
 * TokenPair pair = tokens.login(TokenRequest.of("user", "42").withTenant("acme").withClaim("plan", "gold"));
 * }</pre>
 */
public final class TokenRequest {
    private static final Pattern ENTITY = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    private static final Set<String> RESERVED = Set.of(
            "iss",
            "sub",
            "aud",
            "exp",
            "nbf",
            "iat",
            "jti",
            VerifiedToken.ENTITY_CLAIM,
            VerifiedToken.SESSION_CLAIM,
            VerifiedToken.TENANT_CLAIM);

    private final String entityType;
    private final String subject;
    private final String tenant;
    private final Map<String, Object> claims;

    private TokenRequest(String entityType, String subject, String tenant, Map<String, Object> claims) {
        this.entityType = entityType;
        this.subject = subject;
        this.tenant = tenant;
        this.claims = claims;
    }

    /**
     * A request for {@code subject} of {@code entityType}.
     *
     * @throws IllegalArgumentException unless the entity type is lower-case letters, digits and {@code -}, and the
     *     subject is 1 to 256 characters
     */
    public static TokenRequest of(String entityType, String subject) {
        Objects.requireNonNull(entityType, "entityType");
        Objects.requireNonNull(subject, "subject");
        if (!ENTITY.matcher(entityType).matches()) {
            throw new IllegalArgumentException(
                    "an entity type is lower-case letters, digits and '-', like user; got '" + entityType + "'");
        }
        if (subject.isEmpty() || subject.length() > 256) {
            throw new IllegalArgumentException("a subject is 1 to 256 characters, got " + subject.length());
        }
        return new TokenRequest(entityType, subject, null, Map.of());
    }

    /** This request acting for {@code tenant}. */
    public TokenRequest withTenant(String tenant) {
        return new TokenRequest(entityType, subject, Objects.requireNonNull(tenant, "tenant"), claims);
    }

    /**
     * This request with one more claim (a string, number, boolean, or a list or map of those).
     *
     * @throws IllegalArgumentException for a registered or corekit claim name ({@code sub}, {@code exp}, {@code ent},
     *     {@code sid}, ...), which corekit sets itself
     */
    public TokenRequest withClaim(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException("claim '" + name + "' is set by corekit; choose another name");
        }
        Map<String, Object> next = new LinkedHashMap<>(claims);
        next.put(name, value);
        return new TokenRequest(entityType, subject, tenant, Map.copyOf(next));
    }

    static boolean isReserved(String claim) {
        return RESERVED.contains(claim);
    }

    public String entityType() {
        return entityType;
    }

    public String subject() {
        return subject;
    }

    /** The tenant, or null. */
    public String tenant() {
        return tenant;
    }

    /** The extra claims. */
    public Map<String, Object> claims() {
        return claims;
    }

    @Override
    public String toString() {
        return "TokenRequest{" + entityType + ":" + subject + (tenant == null ? "" : ", tenant=" + tenant) + ", claims="
                + claims.keySet() + "}";
    }
}
