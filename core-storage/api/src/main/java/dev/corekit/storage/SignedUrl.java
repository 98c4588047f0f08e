package dev.corekit.storage;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A short-lived URL that lets a client without credentials GET or PUT one private file, with everything the client
 * needs to use it: the method, the URL, the headers it must send exactly as given (a signed PUT fails with a signature
 * error otherwise), and when it stops working.
 *
 * <pre>{@code
 * SignedUrl upload = files.signPut("avatars/42.png", "image/png", crc32c, Duration.ofMinutes(5));
 * HttpRequest.Builder request = HttpRequest.newBuilder(upload.url())
 *         .method(upload.method(), BodyPublishers.ofFile(path));
 * upload.headers().forEach(request::header);
 * }</pre>
 *
 * <p>The expiry is the earliest of what the caller asked for, {@code corekit.storage.signed-url-max-ttl}, seven days
 * (SigV4's limit) and the expiry of the credentials that signed it; {@link #limitedBy()} says which one won. Providers
 * sign a lifetime in whole seconds from the signing instant, itself in whole seconds, so a URL may stop working up to
 * two seconds before the instant asked for (never after a cap): {@code expiresAt} is always the instant the URL itself
 * carries, and that rounding alone does not make it {@link #clamped()}.
 *
 * <p>{@link #toString()} hides the query, where the signature is: the object can be logged, the URL must not be.
 *
 * @param method {@code GET} or {@code PUT}
 * @param url the signed URL; a bearer credential until it expires, so never log it
 * @param headers the headers the client must send, exactly (names as the provider expects them); empty for most GETs
 * @param expiresAt when the URL stops working
 * @param limitedBy what set {@code expiresAt}
 */
public record SignedUrl(String method, URI url, Map<String, String> headers, Instant expiresAt, Limit limitedBy) {

    /** What limited a signed URL's lifetime. */
    public enum Limit {
        /** The lifetime the caller asked for. */
        REQUESTED,
        /** {@code corekit.storage.signed-url-max-ttl}. */
        MAX_TTL_SETTING,
        /** Seven days, the longest any provider honours. */
        SEVEN_DAYS,
        /** The expiry of the temporary credentials that signed the URL: it cannot outlive them. */
        CREDENTIAL_EXPIRY
    }

    public SignedUrl {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(limitedBy, "limitedBy");
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    /**
     * Whether a cap (not the caller's request) set the expiry: the lifetime is then shorter than asked for by more than
     * the whole-second rounding of signing.
     */
    public boolean clamped() {
        return limitedBy != Limit.REQUESTED;
    }

    /** The URL with its query (where the signature is) replaced by {@code ?****}: safe to log. */
    public String redactedUrl() {
        String text = url.toString();
        int query = text.indexOf('?');
        return query < 0 ? text : text.substring(0, query) + "?****";
    }

    @Override
    public String toString() {
        return "SignedUrl[" + method + " " + redactedUrl() + ", headers=" + new TreeMap<>(headers).keySet()
                + ", expiresAt=" + expiresAt + ", limitedBy=" + limitedBy + "]";
    }
}
