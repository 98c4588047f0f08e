package dev.corekit.logging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replaces the values of sensitive keys with {@value #REDACTED} before a record is built, so no sink ever sees them.
 * A key is sensitive when it contains one of the configured fragments, ignoring case and the separators {@code -},
 * {@code _} and {@code .}: with the fragment {@code api-key}, {@code X-Api-Key}, {@code apiKey} and {@code api_key} are
 * all redacted. Nested maps and lists are redacted too.
 *
 * <pre>{@code
 * Redactor redactor = Redactor.of(LoggingSettings.DEFAULT_REDACT_KEYS);
 * redactor.redact(Map.of("Authorization", "Bearer abc", "items", 3)); // {Authorization=[REDACTED], items=3}
 * }</pre>
 */
public final class Redactor {
    /** What a redacted value is replaced with. */
    public static final String REDACTED = "[REDACTED]";

    private final List<String> fragments;

    private Redactor(List<String> fragments) {
        this.fragments = fragments;
    }

    /** A redactor for these key fragments. */
    public static Redactor of(List<String> keyFragments) {
        List<String> normalized = new ArrayList<>();
        for (String fragment : keyFragments) {
            String n = normalize(fragment);
            if (n.isEmpty()) {
                throw new IllegalArgumentException("blank redaction key in " + keyFragments);
            }
            normalized.add(n);
        }
        return new Redactor(List.copyOf(normalized));
    }

    /** A redactor for {@link LoggingSettings#DEFAULT_REDACT_KEYS}. */
    public static Redactor ofDefaults() {
        return of(LoggingSettings.DEFAULT_REDACT_KEYS);
    }

    /** Whether values under this key are redacted. */
    public boolean isSensitive(String key) {
        String normalized = normalize(key);
        for (String fragment : fragments) {
            if (normalized.contains(fragment)) {
                return true;
            }
        }
        return false;
    }

    /** The value to store under {@code key}: {@value #REDACTED} for a sensitive key, else the value redacted inside. */
    public Object redact(String key, Object value) {
        if (value != null && isSensitive(key)) {
            return REDACTED;
        }
        return redactValue(value);
    }

    /** A copy of {@code attributes} with sensitive values replaced, in the same order. */
    public Map<String, Object> redact(Map<String, ?> attributes) {
        Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, attributes.size() * 2));
        attributes.forEach((key, value) -> copy.put(key, redact(key, value)));
        return copy;
    }

    private Object redactValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, nested) -> copy.put(String.valueOf(key), redact(String.valueOf(key), nested)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(redactValue(item));
            }
            return copy;
        }
        return value;
    }

    private static String normalize(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '-' && c != '_' && c != '.' && c != ' ') {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
