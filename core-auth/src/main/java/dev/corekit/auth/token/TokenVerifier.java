package dev.corekit.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.corekit.auth.AuthSettings;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Verifies access tokens (compact JWS) with nimbus-jose-jwt. A token is accepted only when all of these hold:
 *
 * <ul>
 *   <li>it parses as a signed JWT ({@code alg=none} and unsecured tokens never do) of at most
 *       {@value #MAX_TOKEN_LENGTH} characters;
 *   <li>its {@code alg} is on the allow-list of the key its {@code kid} names in the {@link KeySet}: the header only
 *       selects among the key's algorithms, so RS256→HS256 confusion cannot happen; {@code jwk}, {@code jku},
 *       {@code x5u} and {@code x5c} headers are never used to find a key;
 *   <li>its {@code typ}, when present, is one of {@code corekit.auth.token-types} (case-insensitive, with or without
 *       {@code application/}; {@code at+jwt} by default) and never a refresh token's;
 *   <li>it has no {@code crit} header parameters (none are understood);
 *   <li>the signature verifies;
 *   <li>it has {@code exp} and {@code sub}; {@code exp}, {@code nbf} and {@code iat} hold within the one
 *       {@code corekit.auth.clock-skew}; {@code iss} and {@code aud} match the settings when they are set.
 * </ul>
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.of(KeySet.fromSettings(settings), settings);
 * VerifiedToken token = verifier.verify(bearer);   // or TokenException with a Reason
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class TokenVerifier {
    private static final int HEADER_CACHE_SIZE = 64;

    /** The longest token accepted, in characters. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;
    /** The {@code typ} of corekit's refresh tokens; never accepted as an access token. */
    public static final String REFRESH_TOKEN_TYPE = "refresh+jwt";

    private final KeySet keys;
    private final Clock clock;
    private final long skewMillis;
    private final String issuer;
    private final String audience;
    private final Set<String> accessTypes;
    /**
     * Parsed headers of verified tokens by their Base64URL text: an issuer's tokens share a handful of headers (alg,
     * kid, typ), so most tokens skip decoding and parsing theirs.
     */
    private final ConcurrentHashMap<String, JWSHeader> headers = new ConcurrentHashMap<>();

    private TokenVerifier(KeySet keys, AuthSettings settings, Clock clock) {
        this.keys = keys;
        this.clock = clock;
        this.skewMillis = settings.clockSkew().toMillis();
        this.issuer = settings.issuer().orElse(null);
        this.audience = settings.audience().orElse(null);
        this.accessTypes =
                settings.tokenTypes().stream().map(TokenVerifier::normalizeType).collect(Collectors.toSet());
    }

    /** A verifier of tokens signed by {@code keys}, checked as {@code settings} say. */
    public static TokenVerifier of(KeySet keys, AuthSettings settings) {
        return of(keys, settings, Clock.systemUTC());
    }

    /** Like {@link #of(KeySet, AuthSettings)} with a clock (for tests that move time). */
    public static TokenVerifier of(KeySet keys, AuthSettings settings, Clock clock) {
        return new TokenVerifier(
                Objects.requireNonNull(keys, "keys"),
                Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Verifies an access token.
     *
     * @throws TokenException saying why it is not accepted; for {@link TokenException.Reason#EXPIRED} the signature and
     *     every other check passed
     */
    public VerifiedToken verify(String token) throws TokenException {
        return verify(token, false);
    }

    /** Verifies one of corekit's refresh tokens (type {@value #REFRESH_TOKEN_TYPE} required). */
    VerifiedToken verifyRefresh(String token) throws TokenException {
        return verify(token, true);
    }

    /** The clock this verifier checks times against. */
    Clock clock() {
        return clock;
    }

    private VerifiedToken verify(String token, boolean refresh) throws TokenException {
        CompactJws jws = CompactJws.split(token);
        String headerPart = jws.headerPart();
        JWSHeader header = headers.get(headerPart);
        boolean cachedHeader = header != null;
        if (!cachedHeader) {
            header = jws.parseHeader();
        }
        Algorithm algorithm = Algorithm.fromJoseName(header.getAlgorithm().getName());
        if (algorithm == null) {
            throw invalid("algorithm not supported");
        }
        checkType(header.getType(), refresh);
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw invalid("critical header parameters are not understood");
        }
        List<VerificationKey> candidates = keys.candidates(header.getKeyID(), algorithm);
        if (candidates.isEmpty()) {
            throw invalid("no key for this kid and algorithm");
        }
        boolean verified = false;
        byte[] signingInput = jws.signingInput();
        for (VerificationKey key : candidates) {
            try {
                if (key.verifier().verify(header, signingInput, jws.signature())) {
                    verified = true;
                    break;
                }
            } catch (JOSEException | RuntimeException e) {
                // a key that cannot check this signature (e.g. malformed signature bytes) does not verify it
            }
        }
        if (!verified) {
            throw invalid("signature does not verify");
        }
        if (!cachedHeader && headers.size() < HEADER_CACHE_SIZE) {
            // only headers of verified tokens: a flood of forged headers never fills the cache
            headers.putIfAbsent(headerPart, header);
        }
        JWTClaimsSet claims;
        try {
            claims = JWTClaimsSet.parse(jws.payload());
        } catch (ParseException | RuntimeException e) {
            // nimbus parses "null" to no map and fails on it with a NullPointerException
            throw new TokenException(TokenException.Reason.MALFORMED, "claims are not a JSON object");
        }
        return checkClaims(token, header, algorithm, claims);
    }

    private void checkType(JOSEObjectType type, boolean refresh) throws TokenException {
        String normalized = type == null ? null : normalizeType(type.getType());
        if (refresh) {
            if (!REFRESH_TOKEN_TYPE.equals(normalized)) {
                throw invalid("not a refresh token");
            }
        } else if (normalized != null && !accessTypes.contains(normalized)) {
            throw invalid("token type not accepted");
        }
    }

    private static String normalizeType(String type) {
        String lower = type.toLowerCase(Locale.ROOT);
        return lower.startsWith("application/") ? lower.substring("application/".length()) : lower;
    }

    private VerifiedToken checkClaims(String token, JWSHeader header, Algorithm algorithm, JWTClaimsSet claims)
            throws TokenException {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw invalid("no exp claim");
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isEmpty()) {
            throw invalid("no sub claim");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.getTime() - skewMillis > now.toEpochMilli()) {
            throw invalid("not valid yet (nbf)");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.getTime() - skewMillis > now.toEpochMilli()) {
            throw invalid("issued in the future (iat)");
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw invalid("issuer not accepted");
        }
        List<String> aud = claims.getAudience() == null ? List.of() : List.copyOf(claims.getAudience());
        if (audience != null && !aud.contains(audience)) {
            throw invalid("audience not accepted");
        }
        // toJSONObject() builds a new map for this token (dates as epoch seconds): wrapped, not copied again
        Map<String, Object> all = Collections.unmodifiableMap(claims.toJSONObject());
        VerifiedToken verified = new VerifiedToken(
                token,
                header.getKeyID(),
                algorithm,
                all,
                subject,
                claims.getIssuer(),
                aud,
                iat == null ? null : iat.toInstant(),
                exp.toInstant(),
                claims.getJWTID());
        if (exp.getTime() + skewMillis <= now.toEpochMilli()) {
            throw new TokenException(TokenException.Reason.EXPIRED, "expired", verified, null);
        }
        return verified;
    }

    private static TokenException invalid(String why) {
        return new TokenException(TokenException.Reason.INVALID, why);
    }

    /**
     * The claims of a token WITHOUT verifying it: for routing or diagnostics only (which issuer, which tenant), never
     * for a decision about access. Empty when the token does not parse.
     */
    public static Map<String, Object> unverifiedClaims(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Map.of();
        }
        try {
            return Collections.unmodifiableMap(
                    new LinkedHashMap<>(SignedJWT.parse(token).getJWTClaimsSet().toJSONObject()));
        } catch (ParseException | IllegalArgumentException e) {
            return Map.of();
        }
    }

    /** The clock skew applied to {@code exp}, {@code nbf} and {@code iat}. */
    public Duration clockSkew() {
        return Duration.ofMillis(skewMillis);
    }
}
