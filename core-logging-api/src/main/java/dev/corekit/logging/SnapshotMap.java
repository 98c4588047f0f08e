package dev.corekit.logging;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The immutable, insertion-ordered attribute map a record holds: keys and values side by side in one array, so that a
 * record with a few attributes costs two small objects instead of a {@link LinkedHashMap} with an entry per attribute
 * (the record path allocates as little as it can: issue 14). Lookups scan, which is faster than hashing for the few
 * attributes a record carries; maps larger than {@link #MAX_SCANNED} are kept in a {@code LinkedHashMap} instead.
 */
final class SnapshotMap extends AbstractMap<String, Object> {
    /** Above this many entries a {@link LinkedHashMap} is used: scanning would cost more than hashing. */
    static final int MAX_SCANNED = 16;

    private final Object[] keysAndValues;
    private final int size;

    private SnapshotMap(Object[] keysAndValues, int size) {
        this.keysAndValues = keysAndValues;
        this.size = size;
    }

    /** Collects entries in order; a key put twice keeps its first position and its last value, like a map. */
    static final class Builder {
        private Object[] keysAndValues;
        private int size;
        private Map<String, Object> large;

        Builder(int expected) {
            if (expected > MAX_SCANNED) {
                large = new LinkedHashMap<>(Math.max(4, expected * 2));
            } else {
                keysAndValues = new Object[Math.max(1, expected) * 2];
            }
        }

        void put(String key, Object value) {
            if (large != null) {
                large.put(key, value);
                return;
            }
            for (int i = 0; i < size; i++) {
                if (keysAndValues[2 * i].equals(key)) {
                    keysAndValues[2 * i + 1] = value;
                    return;
                }
            }
            if (size == MAX_SCANNED) {
                large = new LinkedHashMap<>(MAX_SCANNED * 4);
                for (int i = 0; i < size; i++) {
                    large.put((String) keysAndValues[2 * i], keysAndValues[2 * i + 1]);
                }
                large.put(key, value);
                keysAndValues = null;
                return;
            }
            if (2 * size == keysAndValues.length) {
                keysAndValues = Arrays.copyOf(keysAndValues, Math.min(4 * size, 2 * MAX_SCANNED));
            }
            keysAndValues[2 * size] = key;
            keysAndValues[2 * size + 1] = value;
            size++;
        }

        Map<String, Object> build() {
            if (large != null) {
                return Collections.unmodifiableMap(large);
            }
            return size == 0 ? Map.of() : new SnapshotMap(keysAndValues, size);
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : keysAndValues[2 * i + 1];
    }

    private int indexOf(Object key) {
        for (int i = 0; i < size; i++) {
            if (keysAndValues[2 * i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        for (int i = 0; i < size; i++) {
            action.accept((String) keysAndValues[2 * i], keysAndValues[2 * i + 1]);
        }
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>((String) keysAndValues[2 * i], keysAndValues[2 * i + 1]);
                    }
                };
            }
        };
    }
}
