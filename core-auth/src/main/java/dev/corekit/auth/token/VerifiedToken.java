package dev.corekit.auth.token;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A token whose signature, algorithm, type and claims were checked: everything here is verified. (Claims of a token
 * that was not verified are only reachable through {@link TokenVerifier#unverifiedClaims(String)}, which says so.)
 *
 * <p>Immutable; {@code toString()} shows the entity, subject and expiry, never the token.
 */
public final class VerifiedToken {
    /** The claim naming the entity type ({@code user}, {@code agent}, {@code service}, ...). */
    public static final String ENTITY_CLAIM = "ent";
    /** The claim naming the session the token belongs to. */
    public static final String SESSION_CLAIM = "sid";
    /** The claim naming the tenant the token acts for. */
    public static final String TENANT_CLAIM = "tid";

    private final String token;
    private final String keyId;
    private final Algorithm algorithm;
    private final Map<String, Object> claims;
    private final String subject;
    private final String issuer;
    private final List<String> audience;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final String tokenId;

    VerifiedToken(
            String token,
            String keyId,
            Algorithm algorithm,
            Map<String, Object> claims,
            String subject,
            String issuer,
            List<String> audience,
            Instant issuedAt,
            Instant expiresAt,
            String tokenId) {
        this.token = token;
        this.keyId = keyId;
        this.algorithm = algorithm;
        this.claims = claims;
        this.subject = subject;
        this.issuer = issuer;
        this.audience = audience;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
        this.tokenId = tokenId;
    }

    /** The {@code sub} claim. */
    public String subject() {
        return subject;
    }

    /** The {@value #ENTITY_CLAIM} claim, when the token names its entity type. */
    public Optional<String> entityType() {
        return stringClaim(ENTITY_CLAIM);
    }

    /** The {@value #SESSION_CLAIM} claim, when the token belongs to a session. */
    public Optional<String> sessionId() {
        return stringClaim(SESSION_CLAIM);
    }

    /** The {@value #TENANT_CLAIM} claim, when the token acts for a tenant. */
    public Optional<String> tenant() {
        return stringClaim(TENANT_CLAIM);
    }

    /** The {@code iss} claim, when present. */
    public Optional<String> issuer() {
        return Optional.ofNullable(issuer);
    }

    /** The {@code aud} claim; empty when absent. */
    public List<String> audience() {
        return audience;
    }

    /** The {@code iat} claim, when present. */
    public Optional<Instant> issuedAt() {
        return Optional.ofNullable(issuedAt);
    }

    /** The {@code exp} claim (always present: corekit requires it). */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The {@code jti} claim, when present. */
    public Optional<String> tokenId() {
        return Optional.ofNullable(tokenId);
    }

    /** The {@code kid} of the key that verified the token, when it named one. */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    /** The algorithm the token was verified with. */
    public Algorithm algorithm() {
        return algorithm;
    }

    /** One claim as parsed (strings, numbers, booleans, lists, maps), when present. */
    public Optional<Object> claim(String name) {
        return Optional.ofNullable(claims.get(Objects.requireNonNull(name, "name")));
    }

    /** Every claim, unmodifiable. */
    public Map<String, Object> claims() {
        return claims;
    }

    /** The compact token itself, for renewal bookkeeping. */
    String token() {
        return token;
    }

    private Optional<String> stringClaim(String name) {
        Object value = claims.get(name);
        return value instanceof String text && !text.isEmpty() ? Optional.of(text) : Optional.empty();
    }

    @Override
    public String toString() {
        return "VerifiedToken{" + entityType().orElse("?") + ":" + subject + ", expiresAt=" + expiresAt + "}";
    }
}
