package dev.corekit.auth.token;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.corekit.auth.AuthSettings;
import dev.corekit.context.ContextExecutors;
import dev.corekit.logging.GlobalRecorder;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JWKS key resolver over nimbus's {@link JWKSourceBuilder} chain (refresh-ahead cache, single-flight refresh, rate
 * limit, outage tolerance), with one extra gate: a token with an unknown kid triggers at most one refresh per cooldown,
 * shared by every caller, and is rejected without any fetch in between.
 */
final class JwksKeys implements KeySet.KeyResolver {
    private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
    private static final int SIZE_LIMIT = 256 * 1024;

    private final URI uri;
    private final Clock clock;
    private final long cooldownMillis;
    private final JWKSetSource<SecurityContext> source;
    private final ScheduledExecutorService refresher;
    private final AtomicLong nextUnknownKidRefresh = new AtomicLong(Long.MIN_VALUE);
    private volatile Snapshot snapshot = new Snapshot(null, Map.of(), List.of());

    JwksKeys(URI uri, AuthSettings settings, Clock clock) {
        this.uri = uri;
        this.clock = clock;
        this.cooldownMillis = settings.jwksRefreshCooldown().toMillis();
        URL url;
        try {
            url = uri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the JWKS URI is not a URL: " + uri, e);
        }
        int timeout = Math.toIntExact(settings.jwksTimeout().toMillis());
        // one daemon thread per key set runs both the refresh scheduled ahead of expiry (with or without traffic) and
        // the refresh a call inside the refresh-ahead window triggers; close() cancels the schedule and stops it
        this.refresher = ContextExecutors.newScheduledThreadPool("corekit-jwks-refresh", 1);
        JWKSource<SecurityContext> built = JWKSourceBuilder.<SecurityContext>create(
                        url, new DefaultResourceRetriever(timeout, timeout, SIZE_LIMIT))
                .cache(
                        settings.jwksCacheTtl().toMillis(),
                        settings.jwksTimeout().toMillis())
                .refreshAheadCache(settings.jwksRefreshAhead().toMillis(), null, refresher, true, refresher, true)
                .rateLimited(cooldownMillis)
                .outageTolerant(settings.jwksOutageTtl().toMillis(), event -> outage(uri))
                .build();
        this.source = ((JWKSetBasedJWKSource<SecurityContext>) built).getJWKSetSource();
    }

    private static void outage(URI uri) {
        GlobalRecorder.get()
                .event(
                        org.slf4j.event.Level.WARN,
                        "corekit.auth.jwks-outage",
                        "the JWKS endpoint failed; verifying with the last good key set",
                        Map.of("jwksUri", uri.toString()),
                        null);
    }

    @Override
    public List<VerificationKey> candidates(String keyId, Algorithm algorithm) throws TokenException {
        long now = clock.millis();
        JWKSet set = fetch(JWKSetCacheRefreshEvaluator.noRefresh(), now);
        List<VerificationKey> found = snapshotOf(set).lookup(keyId, algorithm);
        if (!found.isEmpty() || keyId == null) {
            return found;
        }
        long next = nextUnknownKidRefresh.get();
        if (now < next || !nextUnknownKidRefresh.compareAndSet(next, now + cooldownMillis)) {
            return found; // an unknown kid inside the cooldown: rejected without a fetch
        }
        try {
            set = fetch(JWKSetCacheRefreshEvaluator.referenceComparison(set), now);
        } catch (TokenException e) {
            return found;
        }
        return snapshotOf(set).lookup(keyId, algorithm);
    }

    private JWKSet fetch(JWKSetCacheRefreshEvaluator evaluator, long now) throws TokenException {
        try {
            return source.getJWKSet(evaluator, now, null);
        } catch (RateLimitReachedException e) {
            throw new TokenException(TokenException.Reason.INVALID, "unknown key (JWKS refresh rate-limited)");
        } catch (KeySourceException e) {
            throw new TokenException(
                    TokenException.Reason.UNAVAILABLE, "the JWK set at " + uri + " cannot be fetched", null, null);
        }
    }

    private Snapshot snapshotOf(JWKSet set) {
        Snapshot current = snapshot;
        if (current.set == set) {
            return current;
        }
        Map<String, VerificationKey> byId = new HashMap<>();
        List<VerificationKey> withoutId = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (jwk instanceof OctetSequenceKey
                    || (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse()))) {
                continue;
            }
            try {
                VerificationKey key = VerificationKey.ofJwk(jwk);
                if (jwk.getKeyID() == null) {
                    withoutId.add(key);
                } else {
                    byId.putIfAbsent(jwk.getKeyID(), key);
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                LOG.warn("JWKS {}: skipping a key: {}", uri, e.getMessage());
            }
        }
        Snapshot next = new Snapshot(set, Map.copyOf(byId), List.copyOf(withoutId));
        snapshot = next;
        return next;
    }

    private record Snapshot(JWKSet set, Map<String, VerificationKey> byId, List<VerificationKey> withoutId) {
        List<VerificationKey> lookup(String keyId, Algorithm algorithm) {
            if (keyId != null) {
                VerificationKey key = byId.get(keyId);
                return key != null && key.allows(algorithm) ? List.of(key) : List.of();
            }
            List<VerificationKey> found = new ArrayList<>(1);
            for (VerificationKey key : withoutId) {
                if (key.allows(algorithm)) {
                    found.add(key);
                }
            }
            return found;
        }
    }

    @Override
    public void close() {
        try {
            source.close();
        } catch (IOException e) {
            LOG.debug("closing the JWKS source of {} failed: {}", uri, e.getMessage());
        }
        refresher.shutdownNow();
    }

    @Override
    public String toString() {
        return "jwks " + Objects.toString(uri);
    }
}
