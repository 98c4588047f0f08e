package dev.corekit.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (password, token, a URI with credentials) that never shows itself: {@code toString()} masks it, so
 * a secret can sit in a settings record, a log line or an exception message without leaking.
 *
 * <p>A URI keeps its shape with only the password masked ({@code mongodb://app:****@db:27017/x}) so that an operator
 * can still see which endpoint is meant; anything else prints as {@code ****}. Call {@link #reveal()} only at the
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

    /** The masked form: a URI with its password replaced by {@link #MASK}, otherwise {@link #MASK}. */
    public String masked() {
        return maskedUri(value);
    }

    static String maskedUri(String text) {
        // String-based on purpose: java.net.URI does not parse multi-host authorities (mongodb://a:1,b:2), and would
        // then report no user info at all, leaking the password.
        int schemeEnd = text.indexOf("://");
        if (schemeEnd <= 0 || !text.substring(0, schemeEnd).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return MASK;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = text.length();
        for (int i = authorityStart; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                authorityEnd = i;
                break;
            }
        }
        String authority = text.substring(authorityStart, authorityEnd);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            int colon = authority.indexOf(':');
            String user = colon >= 0 && colon < at ? authority.substring(0, colon) : authority.substring(0, at);
            authority = user + ":" + MASK + authority.substring(at);
        }
        String rest = text.substring(authorityEnd);
        int query = rest.indexOf('?');
        // Query parameters may carry credentials too (authSource is harmless, but tokens are not): mask them whole.
        String path = query >= 0 ? rest.substring(0, query) + "?" + MASK : rest;
        return text.substring(0, authorityStart) + authority + path;
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
