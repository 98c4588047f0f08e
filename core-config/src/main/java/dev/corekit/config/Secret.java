package dev.corekit.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (password, token, a URI with credentials) that never shows itself: {@code toString()} masks it, so
 * a secret can sit in a settings record, a log line or an exception message without leaking.
 *
 * <p>A URI keeps its hosts and path so that an operator can still see which endpoint is meant, with its whole user
 * info and any query masked ({@code mongodb://****@db:27017/x?****}), even when it cannot be parsed; anything else
 * prints as {@code ****}. Call {@link #reveal()} only at the
 * point where the value is handed to the client that needs it.
 */
public final class Secret {
    /** What a masked value, or the masked part of a URI, prints as. */
    public static final String MASK = "****";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps a non-empty secret value. */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty secret");
        }
        return new Secret(value);
    }

    /** The secret itself: hand it to the client that needs it, and nowhere else. */
    public String reveal() {
        return value;
    }

    /** The masked form: a URI with its user info and query replaced by {@link #MASK}, otherwise {@link #MASK}. */
    public String masked() {
        return maskedUri(value);
    }

    static String maskedUri(String text) {
        // String-based on purpose: java.net.URI does not parse multi-host authorities (mongodb://a:1,b:2), and a
        // password may hold any of / ? # @ unescaped (drivers accept that), so no parser can be trusted to find its
        // end. Everything up to the LAST '@' is user info and is masked whole; a query or fragment after the hosts is
        // masked whole too. When in doubt this hides too much, never too little.
        int schemeEnd = text.indexOf("://");
        if (schemeEnd <= 0 || !text.substring(0, schemeEnd).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return MASK;
        }
        String prefix = text.substring(0, schemeEnd + 3);
        String rest = text.substring(schemeEnd + 3);
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            prefix = prefix + MASK + "@";
            rest = rest.substring(at + 1);
        }
        int query = -1;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '?' || c == '#') {
                query = i;
                break;
            }
        }
        return prefix + (query >= 0 ? rest.substring(0, query) + "?" + MASK : rest);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return masked();
    }
}
