package dev.corekit.auth.token;

import dev.corekit.auth.AuthSettings;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The keys tokens are verified with, found by the token's {@code kid}: a fixed set ({@link #of}), or the JWK set of an
 * identity provider ({@link #jwks}) fetched through nimbus's {@code JWKSourceBuilder} with caching, refresh-ahead,
 * single-flight refresh, rate limiting and outage tolerance.
 *
 * <pre>{@code
 * KeySet keys = KeySet.of(current.verificationKey(), previous.verificationKey());   // rotation by kid
 * KeySet idp = KeySet.jwks(URI.create("https://id.example.com/jwks.json"), AuthSettings.fromEnvironment());
 * }</pre>
 *
 * <p>JWKS behaviour, from {@link AuthSettings}: the set is cached for {@code jwks-cache-ttl} and refreshed in the
 * background {@code jwks-refresh-ahead} (plus {@code jwks-timeout}) before it expires: the refresh is scheduled after
 * every successful fetch and runs whether or not tokens arrive, so an idle service never waits for a fetch (when the
 * cache TTL is not longer than refresh-ahead plus timeout, or a scheduled refresh failed, the first call inside the
 * refresh-ahead window starts it instead); concurrent callers share one fetch; a token with an unknown
 * {@code kid} causes at most one fetch per {@code jwks-refresh-cooldown}, whatever the number of kids or callers, and
 * tokens with unknown kids in between are rejected without a fetch; when the endpoint is down, the last good set keeps
 * verifying for {@code jwks-outage-ttl}. Keys of the set get their algorithm allow-list from their {@code alg}, or
 * from their type; HMAC keys and encryption keys in a JWKS are ignored.
 *
 * <p>Thread-safe. A JWKS key set owns one daemon thread for its background refresh: {@link #close()} cancels the
 * scheduled refresh and stops that thread, after which the set fetches nothing more by itself. Close it with the
 * service (a set that is never closed keeps refreshing while the JVM runs).
 */
public final class KeySet implements AutoCloseable {
    private final KeyResolver resolver;

    private KeySet(KeyResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * A fixed set of keys. Tokens that name a {@code kid} are verified with that key only; a token without one with
     * the keys without a kid.
     *
     * @throws IllegalArgumentException when two keys share a kid, or no key is given
     */
    public static KeySet of(VerificationKey... keys) {
        Objects.requireNonNull(keys, "keys");
        if (keys.length == 0) {
            throw new IllegalArgumentException("a key set needs at least one key");
        }
        Set<String> seen = new HashSet<>();
        List<VerificationKey> list = new ArrayList<>();
        for (VerificationKey key : keys) {
            Objects.requireNonNull(key, "key");
            key.keyId().ifPresent(kid -> {
                if (!seen.add(kid)) {
                    throw new IllegalArgumentException("two keys share the kid '" + kid + "'");
                }
            });
            list.add(key);
        }
        return new KeySet(new StaticKeys(List.copyOf(list)));
    }

    /**
     * The JWK set at {@code uri}, fetched and cached as {@code settings} say (see the class description). Nothing is
     * fetched until the first token is verified.
     */
    public static KeySet jwks(URI uri, AuthSettings settings) {
        return jwks(uri, settings, Clock.systemUTC());
    }

    static KeySet jwks(URI uri, AuthSettings settings, Clock clock) {
        return new KeySet(new JwksKeys(
                Objects.requireNonNull(uri, "uri"),
                Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(clock, "clock")));
    }

    /**
     * The key set {@code settings} describe: the JWKS at {@code corekit.auth.jwks-uri} when set, else the HS256 secret
     * {@code corekit.auth.hmac-secret}. The configured secret is the one key of the service, so it verifies HS256
     * tokens whatever {@code kid} they carry (or none): what a service signs with that secret verifies, whichever key
     * id it gave its {@link SigningKey}.
     *
     * <pre>{@code
     * SigningKey signing = SigningKey.hmac("k1", Algorithm.HS256, settings.hmacSecret().orElseThrow());
     * TokenVerifier verifier = TokenVerifier.of(KeySet.fromSettings(settings), settings);   // verifies its tokens
     * }</pre>
     *
     * <p>Rotating a shared secret means two secrets with two kids: build those with {@link #of} instead.
     *
     * @throws IllegalStateException when neither is set
     */
    public static KeySet fromSettings(AuthSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (settings.jwksUri().isPresent()) {
            return jwks(settings.jwksUri().get(), settings);
        }
        if (settings.hmacSecret().isPresent()) {
            return new KeySet(new SharedSecret(
                    VerificationKey.hmac(null, settings.hmacSecret().get(), Algorithm.HS256)));
        }
        throw new IllegalStateException("no verification keys: set " + AuthSettings.JWKS_URI.propertyName() + " or "
                + AuthSettings.HMAC_SECRET.propertyName());
    }

    List<VerificationKey> candidates(String keyId, Algorithm algorithm) throws TokenException {
        return resolver.candidates(keyId, algorithm);
    }

    /** Stops a JWKS key set's background refresh (cancels the scheduled fetch, stops its thread); idempotent. */
    @Override
    public void close() {
        resolver.close();
    }

    @Override
    public String toString() {
        return "KeySet{" + resolver + "}";
    }

    interface KeyResolver extends AutoCloseable {
        List<VerificationKey> candidates(String keyId, Algorithm algorithm) throws TokenException;

        @Override
        default void close() {}
    }

    /** The one configured secret: the token's kid only selects, and a single secret has nothing to select among. */
    private record SharedSecret(VerificationKey key) implements KeyResolver {
        @Override
        public List<VerificationKey> candidates(String keyId, Algorithm algorithm) {
            return key.allows(algorithm) ? List.of(key) : List.of();
        }

        @Override
        public String toString() {
            return "[" + key + " (any kid)]";
        }
    }

    /** Keys by kid, and the keys without one; looked up without allocating on every verification. */
    private static final class StaticKeys implements KeyResolver {
        private final List<VerificationKey> keys;
        private final Map<String, List<VerificationKey>> byId = new HashMap<>();
        private final List<VerificationKey> withoutId = new ArrayList<>();

        StaticKeys(List<VerificationKey> keys) {
            this.keys = keys;
            for (VerificationKey key : keys) {
                if (key.keyId().isPresent()) {
                    byId.put(key.keyId().get(), List.of(key));
                } else {
                    withoutId.add(key);
                }
            }
        }

        @Override
        public List<VerificationKey> candidates(String keyId, Algorithm algorithm) {
            if (keyId != null) {
                List<VerificationKey> key = byId.get(keyId);
                return key != null && key.get(0).allows(algorithm) ? key : List.of();
            }
            if (withoutId.size() == 1) {
                VerificationKey key = withoutId.get(0);
                return key.allows(algorithm) ? List.of(key) : List.of();
            }
            List<VerificationKey> found = new ArrayList<>(withoutId.size());
            for (VerificationKey key : withoutId) {
                if (key.allows(algorithm)) {
                    found.add(key);
                }
            }
            return found;
        }

        @Override
        public String toString() {
            return keys.toString();
        }
    }
}
