package dev.corekit.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.corekit.auth.AuthSettings;
import dev.corekit.context.TraceIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;

/**
 * Signs access tokens (type {@code at+jwt}, RFC 9068) and refresh tokens (type {@value TokenVerifier#REFRESH_TOKEN_TYPE})
 * with one {@link SigningKey}. Access tokens carry {@code iss}, {@code aud} (when configured), {@code sub},
 * {@code ent}, {@code sid}, {@code tid} (when set), {@code jti}, {@code iat} and {@code exp}.
 *
 * <p>Most services use {@link TokenService}, which issues through this and keeps the session. Thread-safe.
 */
public final class TokenIssuer {
    /** The {@code typ} of access tokens. */
    public static final String ACCESS_TOKEN_TYPE = "at+jwt";

    private final SigningKey key;
    private final Clock clock;
    private final String issuer;
    private final String audience;
    private final Duration accessTtl;
    private final Duration refreshTtl;

    private TokenIssuer(SigningKey key, AuthSettings settings, Clock clock) {
        this.key = key;
        this.clock = clock;
        this.issuer = settings.issuer().orElse(null);
        this.audience = settings.audience().orElse(null);
        this.accessTtl = settings.accessTokenTtl();
        this.refreshTtl = settings.refreshTokenTtl();
    }

    /** An issuer signing with {@code key}, with lifetimes, issuer and audience from {@code settings}. */
    public static TokenIssuer of(SigningKey key, AuthSettings settings) {
        return of(key, settings, Clock.systemUTC());
    }

    /** Like {@link #of(SigningKey, AuthSettings)} with a clock. */
    public static TokenIssuer of(SigningKey key, AuthSettings settings, Clock clock) {
        return new TokenIssuer(
                Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(clock, "clock"));
    }

    /** An access token for {@code request}, in session {@code sessionId} (may be null for a session-less token). */
    public String accessToken(TokenRequest request, String sessionId) {
        Instant now = clock.instant();
        return sign(ACCESS_TOKEN_TYPE, claims(request, sessionId, now, now.plus(accessTtl), TraceIds.newTraceId()));
    }

    /** A refresh token for {@code request} in {@code sessionId}; its {@code jti} is {@code refreshId}. */
    String refreshToken(TokenRequest request, String sessionId, String refreshId, Instant expiresAt) {
        return sign(
                TokenVerifier.REFRESH_TOKEN_TYPE,
                claims(request, sessionId, clock.instant(), expiresAt, Objects.requireNonNull(refreshId)));
    }

    Duration accessTtl() {
        return accessTtl;
    }

    Duration refreshTtl() {
        return refreshTtl;
    }

    Clock clock() {
        return clock;
    }

    private JWTClaimsSet claims(TokenRequest request, String sessionId, Instant now, Instant exp, String tokenId) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(request.subject())
                .claim(VerifiedToken.ENTITY_CLAIM, request.entityType())
                .jwtID(tokenId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(exp));
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        if (sessionId != null) {
            claims.claim(VerifiedToken.SESSION_CLAIM, sessionId);
        }
        if (request.tenant() != null) {
            claims.claim(VerifiedToken.TENANT_CLAIM, request.tenant());
        }
        for (Map.Entry<String, Object> claim : request.claims().entrySet()) {
            claims.claim(claim.getKey(), claim.getValue());
        }
        return claims.build();
    }

    private String sign(String type, JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(Jose.jws(key.algorithm()))
                .keyID(key.keyId())
                .type(new JOSEObjectType(type))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key '" + key.keyId() + "' failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    @Override
    public String toString() {
        return "TokenIssuer{key=" + key + ", accessTtl=" + accessTtl + "}";
    }
}
