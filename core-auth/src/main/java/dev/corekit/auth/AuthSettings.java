package dev.corekit.auth;

import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.config.Setting;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of core-auth ({@code corekit.auth.*}, {@code COREKIT_AUTH_*}). Every setting has a default; a platform
 * sets the issuer, audience and key source once in the environment for all services.
 *
 * <pre>{@code
 * AuthSettings settings = AuthSettings.custom().issuer("https://id.example.com").audience("orders").build();
 * }</pre>
 *
 * @param clockSkew the one tolerance applied to a token's {@code exp}, {@code nbf} and {@code iat}
 * @param slowCallThreshold a call still running after this gets a slow-call record, while it runs
 * @param hungCallThreshold a call still running after this gets a hung-call record; longer than the slow threshold
 * @param issuer the {@code iss} tokens are issued with and must carry; when unset, {@code iss} is not checked
 * @param audience the {@code aud} tokens are issued for and must contain; when unset, {@code aud} is not checked
 * @param accessTokenTtl how long an access token is valid
 * @param refreshTokenTtl how long a refresh token, and the session it belongs to, lives
 * @param renewalWindow how long after its expiry an access token of a live session is still renewed in flight
 * @param defaultVariant the auth variant of procedures that name none
 * @param realm the {@code realm} of {@code WWW-Authenticate} challenges
 * @param tokenTypes the accepted {@code typ} header values of access tokens, compared case-insensitively, with or
 *     without {@code application/}; {@code at+jwt} only by default (add {@code jwt} for an identity provider that types
 *     its access tokens {@code JWT}); a token without {@code typ} is accepted, refresh tokens never are
 * @param hmacSecret an HMAC secret to sign and verify with, when the service uses a shared secret
 * @param jwksUri where to fetch the verification keys (a JWK set), when an identity provider signs the tokens
 * @param jwksCacheTtl how long a fetched JWK set is used before it is fetched again
 * @param jwksRefreshAhead how long before the cache expires a background refresh starts
 * @param jwksRefreshCooldown at most one fetch per this period for tokens with an unknown {@code kid}
 * @param jwksOutageTtl how long the last good JWK set keeps serving while the JWKS endpoint is down
 * @param jwksTimeout connect and read timeout of a JWKS fetch
 * @param corsAllowedOrigins the origins allowed to call cross-origin ({@code https://app.example.com}); empty allows
 *     none
 * @param corsAllowCredentials whether cross-origin calls may carry cookies or {@code Authorization}
 * @param corsMaxAge how long browsers may cache a preflight answer ({@code Access-Control-Max-Age})
 */
public record AuthSettings(
        Duration clockSkew,
        Duration slowCallThreshold,
        Duration hungCallThreshold,
        Optional<String> issuer,
        Optional<String> audience,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        Duration renewalWindow,
        String defaultVariant,
        String realm,
        List<String> tokenTypes,
        Optional<Secret> hmacSecret,
        Optional<URI> jwksUri,
        Duration jwksCacheTtl,
        Duration jwksRefreshAhead,
        Duration jwksRefreshCooldown,
        Duration jwksOutageTtl,
        Duration jwksTimeout,
        List<String> corsAllowedOrigins,
        boolean corsAllowCredentials,
        Duration corsMaxAge) {

    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SLOW_CALL_THRESHOLD = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HUNG_CALL_THRESHOLD = Duration.ofSeconds(30);
    public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofMinutes(15);
    public static final Duration DEFAULT_REFRESH_TOKEN_TTL = Duration.ofDays(30);
    public static final Duration DEFAULT_RENEWAL_WINDOW = Duration.ofHours(12);
    public static final String DEFAULT_VARIANT = Procedure.AUTHENTICATED;
    public static final String DEFAULT_REALM = "api";
    /**
     * Only {@code at+jwt} (RFC 9068): an ID token or any other plain {@code JWT} signed by the same key is not an access
     * token. A service whose identity provider issues access tokens typed {@code JWT} lists it explicitly
     * ({@code corekit.auth.token-types=at+jwt,jwt}).
     */
    public static final List<String> DEFAULT_TOKEN_TYPES = List.of("at+jwt");

    public static final Duration DEFAULT_JWKS_CACHE_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_JWKS_REFRESH_AHEAD = Duration.ofSeconds(30);
    public static final Duration DEFAULT_JWKS_REFRESH_COOLDOWN = Duration.ofSeconds(30);
    public static final Duration DEFAULT_JWKS_OUTAGE_TTL = Duration.ofHours(1);
    public static final Duration DEFAULT_JWKS_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CORS_MAX_AGE = Duration.ofHours(24);
    /** The shortest HMAC secret accepted, in bytes (HS256; HS384 and HS512 need 48 and 64). */
    public static final int MIN_HMAC_SECRET_BYTES = 32;

    private static final Pattern VARIANT = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    private static final Pattern TOKEN_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}");
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    public static final Setting<Duration> CLOCK_SKEW =
            Setting.duration("auth", "clock-skew", DEFAULT_CLOCK_SKEW).between(Duration.ZERO, Duration.ofMinutes(5));
    public static final Setting<Duration> SLOW_CALL_THRESHOLD = Setting.duration(
                    "auth", "slow-call-threshold", DEFAULT_SLOW_CALL_THRESHOLD)
            .between(Duration.ofMillis(1), Duration.ofHours(1));
    public static final Setting<Duration> HUNG_CALL_THRESHOLD = Setting.duration(
                    "auth", "hung-call-threshold", DEFAULT_HUNG_CALL_THRESHOLD)
            .between(Duration.ofMillis(2), Duration.ofHours(24));
    public static final Setting<String> ISSUER = Setting.string("auth", "issuer", null)
            .require(value -> !value.isBlank(), "a non-blank issuer, like https://id.example.com");
    public static final Setting<String> AUDIENCE = Setting.string("auth", "audience", null)
            .require(value -> !value.isBlank(), "a non-blank audience, like orders-api");
    public static final Setting<Duration> ACCESS_TOKEN_TTL = Setting.duration(
                    "auth", "access-token-ttl", DEFAULT_ACCESS_TOKEN_TTL)
            .between(Duration.ofSeconds(10), Duration.ofDays(1));
    public static final Setting<Duration> REFRESH_TOKEN_TTL = Setting.duration(
                    "auth", "refresh-token-ttl", DEFAULT_REFRESH_TOKEN_TTL)
            .between(Duration.ofMinutes(1), Duration.ofDays(365));
    public static final Setting<Duration> RENEWAL_WINDOW = Setting.duration(
                    "auth", "renewal-window", DEFAULT_RENEWAL_WINDOW)
            .between(Duration.ZERO, Duration.ofDays(365));
    public static final Setting<String> DEFAULT_VARIANT_SETTING = Setting.string(
                    "auth", "default-variant", DEFAULT_VARIANT)
            .require(value -> VARIANT.matcher(value).matches(), "an auth variant name like authenticated or user");
    public static final Setting<String> REALM = Setting.string("auth", "realm", DEFAULT_REALM)
            .require(
                    value -> value.matches("[A-Za-z0-9 ._:/-]{1,64}"),
                    "1 to 64 letters, digits, spaces or ._:/- (it is quoted in WWW-Authenticate)");
    public static final Setting<List<String>> TOKEN_TYPES = Setting.list("auth", "token-types", DEFAULT_TOKEN_TYPES)
            .require(
                    types -> !types.isEmpty()
                            && types.stream()
                                    .allMatch(t -> TOKEN_TYPE.matcher(t).matches())
                            && types.stream()
                                    .noneMatch(t -> t.toLowerCase(Locale.ROOT).contains("refresh")),
                    "a comma-separated list of JOSE typ values like at+jwt,jwt (never a refresh type)");
    public static final Setting<Secret> HMAC_SECRET = Setting.secret("auth", "hmac-secret")
            .require(
                    secret -> secret.reveal().getBytes(StandardCharsets.UTF_8).length >= MIN_HMAC_SECRET_BYTES,
                    "a random secret of at least " + MIN_HMAC_SECRET_BYTES + " bytes (HS384 needs 48, HS512 64)");
    public static final Setting<URI> JWKS_URI = Setting.uri("auth", "jwks-uri", null)
            .require(
                    uri -> "https".equals(uri.getScheme()) || "http".equals(uri.getScheme()),
                    "an http(s) URL of a JWK set, like https://id.example.com/.well-known/jwks.json");
    public static final Setting<Duration> JWKS_CACHE_TTL = Setting.duration(
                    "auth", "jwks-cache-ttl", DEFAULT_JWKS_CACHE_TTL)
            .between(Duration.ofSeconds(10), Duration.ofDays(1));
    public static final Setting<Duration> JWKS_REFRESH_AHEAD = Setting.duration(
                    "auth", "jwks-refresh-ahead", DEFAULT_JWKS_REFRESH_AHEAD)
            .between(Duration.ofSeconds(1), Duration.ofHours(1));
    public static final Setting<Duration> JWKS_REFRESH_COOLDOWN = Setting.duration(
                    "auth", "jwks-refresh-cooldown", DEFAULT_JWKS_REFRESH_COOLDOWN)
            .between(Duration.ofSeconds(1), Duration.ofHours(1));
    public static final Setting<Duration> JWKS_OUTAGE_TTL = Setting.duration(
                    "auth", "jwks-outage-ttl", DEFAULT_JWKS_OUTAGE_TTL)
            .between(Duration.ZERO, Duration.ofDays(7));
    public static final Setting<Duration> JWKS_TIMEOUT = Setting.duration("auth", "jwks-timeout", DEFAULT_JWKS_TIMEOUT)
            .between(Duration.ofMillis(100), Duration.ofMinutes(1));
    public static final Setting<List<String>> CORS_ALLOWED_ORIGINS = Setting.list(
                    "auth", "cors-allowed-origins", List.of())
            .require(
                    origins -> origins.stream()
                            .allMatch(o -> o.equals("*") || ORIGIN.matcher(o).matches()),
                    "a comma-separated list of origins like https://app.example.com,http://localhost:3000, or *");
    public static final Setting<Boolean> CORS_ALLOW_CREDENTIALS = Setting.bool("auth", "cors-allow-credentials", false);
    public static final Setting<Duration> CORS_MAX_AGE =
            Setting.duration("auth", "cors-max-age", DEFAULT_CORS_MAX_AGE).between(Duration.ZERO, Duration.ofDays(1));

    public AuthSettings {
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(slowCallThreshold, "slowCallThreshold");
        Objects.requireNonNull(hungCallThreshold, "hungCallThreshold");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(accessTokenTtl, "accessTokenTtl");
        Objects.requireNonNull(refreshTokenTtl, "refreshTokenTtl");
        Objects.requireNonNull(renewalWindow, "renewalWindow");
        Objects.requireNonNull(defaultVariant, "defaultVariant");
        Objects.requireNonNull(realm, "realm");
        tokenTypes = List.copyOf(tokenTypes);
        Objects.requireNonNull(hmacSecret, "hmacSecret");
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(jwksCacheTtl, "jwksCacheTtl");
        Objects.requireNonNull(jwksRefreshAhead, "jwksRefreshAhead");
        Objects.requireNonNull(jwksRefreshCooldown, "jwksRefreshCooldown");
        Objects.requireNonNull(jwksOutageTtl, "jwksOutageTtl");
        Objects.requireNonNull(jwksTimeout, "jwksTimeout");
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        Objects.requireNonNull(corsMaxAge, "corsMaxAge");
    }

    /** The defaults alone, whatever the environment says. */
    public static AuthSettings ofDefaults() {
        return load(Config.defaultsOnly());
    }

    /**
     * The settings in force for this process: system properties, environment, {@code corekit.properties}, defaults.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static AuthSettings fromEnvironment() {
        return load(Config.fromEnvironment());
    }

    /** A builder whose unset values come from {@link Config#fromEnvironment()}. */
    public static Builder custom() {
        return new Builder(Config.fromEnvironment());
    }

    /** A builder whose unset values come from {@code config} (e.g. {@link Config#defaultsOnly()} in tests). */
    public static Builder custom(Config config) {
        return new Builder(Objects.requireNonNull(config, "config"));
    }

    /**
     * Loads every setting from {@code config}.
     *
     * @throws dev.corekit.config.InvalidSettingException naming every bad value
     */
    public static AuthSettings load(Config config) {
        Config.Reader reader = config.reader();
        Duration skew = reader.get(CLOCK_SKEW);
        Duration slow = reader.get(SLOW_CALL_THRESHOLD);
        Duration hung = reader.get(HUNG_CALL_THRESHOLD);
        Optional<String> issuer = reader.find(ISSUER);
        Optional<String> audience = reader.find(AUDIENCE);
        Duration access = reader.get(ACCESS_TOKEN_TTL);
        Duration refresh = reader.get(REFRESH_TOKEN_TTL);
        Duration renewal = reader.get(RENEWAL_WINDOW);
        String variant = reader.get(DEFAULT_VARIANT_SETTING);
        String realm = reader.get(REALM);
        List<String> types = reader.get(TOKEN_TYPES);
        Optional<Secret> hmac = reader.find(HMAC_SECRET);
        Optional<URI> jwks = reader.find(JWKS_URI);
        Duration cacheTtl = reader.get(JWKS_CACHE_TTL);
        Duration ahead = reader.get(JWKS_REFRESH_AHEAD);
        Duration cooldown = reader.get(JWKS_REFRESH_COOLDOWN);
        Duration outage = reader.get(JWKS_OUTAGE_TTL);
        Duration timeout = reader.get(JWKS_TIMEOUT);
        List<String> origins = reader.get(CORS_ALLOWED_ORIGINS);
        Boolean credentials = reader.get(CORS_ALLOW_CREDENTIALS);
        Duration maxAge = reader.get(CORS_MAX_AGE);
        if (slow != null && hung != null && hung.compareTo(slow) <= 0) {
            reader.reject(
                    HUNG_CALL_THRESHOLD,
                    hung,
                    "longer than " + SLOW_CALL_THRESHOLD.propertyName() + " (" + SLOW_CALL_THRESHOLD.display(slow)
                            + ")");
        }
        if (access != null && refresh != null && refresh.compareTo(access) <= 0) {
            reader.reject(
                    REFRESH_TOKEN_TTL,
                    refresh,
                    "longer than " + ACCESS_TOKEN_TTL.propertyName() + " (" + ACCESS_TOKEN_TTL.display(access) + ")");
        }
        if (cacheTtl != null && cooldown != null && cacheTtl.compareTo(cooldown) <= 0) {
            reader.reject(
                    JWKS_CACHE_TTL,
                    cacheTtl,
                    "longer than " + JWKS_REFRESH_COOLDOWN.propertyName() + " ("
                            + JWKS_REFRESH_COOLDOWN.display(cooldown) + ")");
        }
        if (cacheTtl != null && ahead != null && cacheTtl.compareTo(ahead) <= 0) {
            reader.reject(
                    JWKS_REFRESH_AHEAD,
                    ahead,
                    "shorter than " + JWKS_CACHE_TTL.propertyName() + " (" + JWKS_CACHE_TTL.display(cacheTtl) + ")");
        }
        if (origins != null && credentials != null && credentials && origins.contains("*")) {
            reader.reject(
                    CORS_ALLOWED_ORIGINS,
                    origins,
                    "explicit origins when " + CORS_ALLOW_CREDENTIALS.propertyName()
                            + " is true (browsers refuse credentials with a wildcard origin)");
        }
        return reader.build(() -> new AuthSettings(
                skew,
                slow,
                hung,
                issuer,
                audience,
                access,
                refresh,
                renewal,
                variant,
                realm,
                types,
                hmac,
                jwks,
                cacheTtl,
                ahead,
                cooldown,
                outage,
                timeout,
                origins,
                credentials,
                maxAge));
    }

    /** Shows every value, the HMAC secret masked. */
    @Override
    public String toString() {
        return "AuthSettings{clockSkew=" + clockSkew + ", slowCallThreshold=" + slowCallThreshold
                + ", hungCallThreshold=" + hungCallThreshold + ", issuer=" + issuer.orElse("(unchecked)")
                + ", audience=" + audience.orElse("(unchecked)") + ", accessTokenTtl=" + accessTokenTtl
                + ", refreshTokenTtl=" + refreshTokenTtl + ", renewalWindow=" + renewalWindow + ", defaultVariant="
                + defaultVariant + ", realm=" + realm + ", tokenTypes=" + tokenTypes + ", hmacSecret="
                + (hmacSecret.isPresent() ? Secret.MASK : "(unset)") + ", jwksUri="
                + jwksUri.map(URI::toString).orElse("(unset)") + ", jwksCacheTtl=" + jwksCacheTtl
                + ", jwksRefreshAhead=" + jwksRefreshAhead + ", jwksRefreshCooldown=" + jwksRefreshCooldown
                + ", jwksOutageTtl=" + jwksOutageTtl + ", jwksTimeout=" + jwksTimeout + ", corsAllowedOrigins="
                + corsAllowedOrigins + ", corsAllowCredentials=" + corsAllowCredentials + ", corsMaxAge="
                + corsMaxAge + "}";
    }

    /** Sets values in code; {@link #build()} resolves the rest and validates everything. */
    public static final class Builder {
        private Config config;

        private Builder(Config config) {
            this.config = config;
        }

        private <T> Builder with(Setting<T> setting, T value) {
            config = config.with(setting, Objects.requireNonNull(value, setting.propertyName()));
            return this;
        }

        public Builder clockSkew(Duration value) {
            return with(CLOCK_SKEW, value);
        }

        public Builder slowCallThreshold(Duration value) {
            return with(SLOW_CALL_THRESHOLD, value);
        }

        public Builder hungCallThreshold(Duration value) {
            return with(HUNG_CALL_THRESHOLD, value);
        }

        public Builder issuer(String value) {
            return with(ISSUER, value);
        }

        public Builder audience(String value) {
            return with(AUDIENCE, value);
        }

        public Builder accessTokenTtl(Duration value) {
            return with(ACCESS_TOKEN_TTL, value);
        }

        public Builder refreshTokenTtl(Duration value) {
            return with(REFRESH_TOKEN_TTL, value);
        }

        public Builder renewalWindow(Duration value) {
            return with(RENEWAL_WINDOW, value);
        }

        public Builder defaultVariant(String value) {
            return with(DEFAULT_VARIANT_SETTING, value);
        }

        public Builder realm(String value) {
            return with(REALM, value);
        }

        public Builder tokenTypes(List<String> value) {
            return with(TOKEN_TYPES, List.copyOf(value));
        }

        /** The HMAC secret (kept as a {@link Secret}). */
        public Builder hmacSecret(Secret value) {
            return with(HMAC_SECRET, value);
        }

        public Builder jwksUri(URI value) {
            return with(JWKS_URI, value);
        }

        public Builder jwksCacheTtl(Duration value) {
            return with(JWKS_CACHE_TTL, value);
        }

        public Builder jwksRefreshAhead(Duration value) {
            return with(JWKS_REFRESH_AHEAD, value);
        }

        public Builder jwksRefreshCooldown(Duration value) {
            return with(JWKS_REFRESH_COOLDOWN, value);
        }

        public Builder jwksOutageTtl(Duration value) {
            return with(JWKS_OUTAGE_TTL, value);
        }

        public Builder jwksTimeout(Duration value) {
            return with(JWKS_TIMEOUT, value);
        }

        public Builder corsAllowedOrigins(List<String> value) {
            return with(CORS_ALLOWED_ORIGINS, List.copyOf(value));
        }

        public Builder corsAllowCredentials(boolean value) {
            return with(CORS_ALLOW_CREDENTIALS, value);
        }

        public Builder corsMaxAge(Duration value) {
            return with(CORS_MAX_AGE, value);
        }

        /**
         * The settings.
         *
         * @throws dev.corekit.config.InvalidSettingException naming every bad value
         */
        public AuthSettings build() {
            return load(config);
        }
    }
}
