package dev.corekit.logging;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns what a caller attaches to a record into what a record may hold: sensitive values replaced with
 * {@value #REDACTED}, everything else a safe snapshot. Runs before a record is built, so no sink ever sees a secret or
 * a value that could fail it.
 *
 * <p>A key is sensitive when it contains one of the configured fragments, ignoring case and the separators {@code -},
 * {@code _}, {@code .} and space: with the fragment {@code api-key}, {@code X-Api-Key}, {@code apiKey} and
 * {@code api_key} are all redacted. Nested maps and lists are redacted too.
 *
 * <p>Safe snapshot: strings, booleans, whole numbers, finite decimals, {@link BigDecimal}, {@link BigInteger} and
 * {@link Instant} are kept; maps become ordered maps with string keys, collections and arrays become lists (at most
 * {@value #MAX_DEPTH} levels deep, then {@value #TOO_DEEP}); enums their name; {@code NaN} and infinities their name as
 * text; anything else its {@code toString()} taken now. Nothing here throws (short of the JVM failing: an
 * {@link OutOfMemoryError} or another {@link VirtualMachineError} other than a stack overflow passes through): a
 * {@code null} key or value becomes {@value LogRecord#NULL_MARKER}, and a value whose {@code toString()}, size or
 * iteration throws becomes {@code (unprintable: <exception type>)} in its place.
 *
 * <pre>{@code
 * Redactor redactor = Redactor.of(LoggingSettings.DEFAULT_REDACT_KEYS);
 * redactor.redact(Map.of("Authorization", "Bearer abc", "items", 3)); // {Authorization=[REDACTED], items=3}
 * }</pre>
 */
public final class Redactor {
    /** What a redacted value is replaced with. */
    public static final String REDACTED = "[REDACTED]";
    /** Maps and lists nested deeper than this are cut (a map that contains itself ends here). */
    public static final int MAX_DEPTH = 16;
    /** What a value nested deeper than {@link #MAX_DEPTH} is recorded as. */
    public static final String TOO_DEEP = "(too deep)";
    /**
     * The only key of the attributes of a stage or event whose map itself cannot be read (its {@code isEmpty()},
     * {@code size()} or iteration throws); the value is the marker of what it threw.
     */
    public static final String UNREADABLE = "(unreadable)";

    private static final Redactor DEFAULT = of(LoggingSettings.DEFAULT_REDACT_KEYS);

    /**
     * Verdicts are cached per key: a service records a handful of constant keys on every call, and the scan against
     * every fragment was half the cost of an attribute. Bounded, so a flood of distinct keys (ids used as keys) cannot
     * grow it; past the bound, keys are scanned each time.
     */
    private static final int MAX_CACHED_VERDICTS = 4096;

    private final List<String> fragments;
    private final ConcurrentHashMap<String, Boolean> verdicts = new ConcurrentHashMap<>();

    private Redactor(List<String> fragments) {
        this.fragments = fragments;
    }

    /**
     * A redactor for these key fragments.
     *
     * @throws IllegalArgumentException naming the list when a fragment has no letter or digit (it would match nothing
     *     or everything)
     */
    public static Redactor of(List<String> keyFragments) {
        List<String> normalized = new ArrayList<>();
        for (String fragment : keyFragments) {
            String n = fragment == null ? "" : normalize(fragment);
            if (n.isEmpty()) {
                throw new IllegalArgumentException(
                        "redaction key '" + fragment + "' in " + keyFragments + " has no letter or digit");
            }
            normalized.add(n);
        }
        return new Redactor(List.copyOf(normalized));
    }

    /** A redactor for {@link LoggingSettings#DEFAULT_REDACT_KEYS}. */
    public static Redactor ofDefaults() {
        return DEFAULT;
    }

    /** Whether values under this key are redacted. */
    public boolean isSensitive(String key) {
        if (key == null) {
            return false;
        }
        Boolean cached = verdicts.get(key);
        if (cached != null) {
            return cached;
        }
        boolean sensitive = scan(key);
        if (verdicts.size() < MAX_CACHED_VERDICTS) {
            verdicts.put(key, sensitive);
        }
        return sensitive;
    }

    private boolean scan(String key) {
        for (String fragment : fragments) {
            if (containsNormalized(key, fragment)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code normalize(key)} contains {@code fragment} (already normalized), without building the normalized
     * key: the record path checks every attribute key, and allocates as little as it can.
     */
    private static boolean containsNormalized(String key, String fragment) {
        int length = key.length();
        for (int start = 0; start < length; start++) {
            if (isSeparator(key.charAt(start))) {
                continue;
            }
            int matched = 0;
            for (int i = start; i < length && matched < fragment.length(); i++) {
                char c = key.charAt(i);
                if (isSeparator(c)) {
                    continue;
                }
                if (Character.toLowerCase(c) != fragment.charAt(matched)) {
                    break;
                }
                matched++;
            }
            if (matched == fragment.length()) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSeparator(char c) {
        return c == '-' || c == '_' || c == '.' || c == ' ';
    }

    /** The value to record under {@code key}: {@value #REDACTED} for a sensitive key, else a safe, redacted copy. */
    public Object redact(String key, Object value) {
        if (value != null && isSensitive(key)) {
            return REDACTED;
        }
        return safe(value, 0);
    }

    /**
     * A safe, redacted copy of {@code attributes} in the same order ({@code null} keys and values become
     * {@value LogRecord#NULL_MARKER}); an empty map for {@code null}.
     */
    public Map<String, Object> redact(Map<String, ?> attributes) {
        if (attributes == null) {
            return Map.of();
        }
        try {
            if (attributes.isEmpty()) {
                return Map.of();
            }
        } catch (Throwable e) {
            return Map.of(UNREADABLE, unprintable(rethrowIfFatal(e)));
        }
        Object copy = safeMap(attributes, 0);
        return copy instanceof Map<?, ?> ? castMap(copy) : Map.of(UNREADABLE, copy);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object map) {
        return (Map<String, Object>) map;
    }

    /**
     * Rethrows what no code should swallow ({@link VirtualMachineError}: out of memory, internal errors); returns
     * anything else, which a record then holds as a marker.
     */
    static Throwable rethrowIfFatal(Throwable error) {
        if (error instanceof VirtualMachineError fatal && !(error instanceof StackOverflowError)) {
            throw fatal;
        }
        return error;
    }

    /** A safe key: its text, or {@value LogRecord#NULL_MARKER}. */
    static String key(Object key) {
        return key == null ? LogRecord.NULL_MARKER : text(key);
    }

    /** A safe copy of a map, or the marker of the exception its size or iteration threw. */
    private Object safeMap(Map<?, ?> map, int depth) {
        try {
            SnapshotMap.Builder copy = new SnapshotMap.Builder(map.size());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = key(entry.getKey());
                Object value = entry.getValue();
                copy.put(key, value != null && isSensitive(key) ? REDACTED : safe(value, depth + 1));
            }
            return copy.build();
        } catch (Throwable e) {
            return unprintable(rethrowIfFatal(e));
        }
    }

    private Object safe(Object value, int depth) {
        if (value == null) {
            return LogRecord.NULL_MARKER;
        }
        if (value instanceof String
                || value instanceof Boolean
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigDecimal
                || value instanceof BigInteger
                || value instanceof Instant) {
            return value;
        }
        if (value instanceof Double d) {
            return Double.isFinite(d) ? d : d.toString();
        }
        if (value instanceof Float f) {
            return Float.isFinite(f) ? f : f.toString();
        }
        if (value instanceof Enum<?> constant) {
            return constant.name();
        }
        if (depth >= MAX_DEPTH
                && (value instanceof Map
                        || value instanceof Collection
                        || value.getClass().isArray())) {
            return TOO_DEEP;
        }
        if (value instanceof Map<?, ?> map) {
            return safeMap(map, depth);
        }
        if (value instanceof Collection<?> collection) {
            try {
                List<Object> copy = new ArrayList<>(Math.min(Math.max(collection.size(), 0), 1024));
                for (Object item : collection) {
                    copy.add(safe(item, depth + 1));
                }
                return copy;
            } catch (Throwable e) {
                return unprintable(rethrowIfFatal(e));
            }
        }
        if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            List<Object> copy = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                copy.add(safe(Array.get(value, i), depth + 1));
            }
            return copy;
        }
        return text(value);
    }

    /** {@code value.toString()}, or a marker when it throws or returns null. Never throws. */
    static String text(Object value) {
        try {
            String text = value.toString();
            return text == null ? LogRecord.NULL_MARKER : text;
        } catch (Throwable e) {
            return unprintable(rethrowIfFatal(e));
        }
    }

    private static String unprintable(Throwable error) {
        return "(unprintable: " + error.getClass().getSimpleName() + ")";
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
