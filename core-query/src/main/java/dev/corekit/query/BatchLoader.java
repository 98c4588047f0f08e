package dev.corekit.query;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import dev.corekit.query.internal.BatchKeys;
import dev.corekit.query.internal.ProcessSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.conversions.Bson;

/**
 * Loads documents by key with one {@code $in} query per {@link QuerySettings#maxBatchSize()} keys instead of one query
 * per key: the cure for N+1.
 *
 * <pre>{@code
 * BatchLoader<String, Product> products = BatchLoader.of(mongo.collection("products", Product.class), "sku", String.class);
 *
 * try (BatchLoader.LoadScope<String, Product> batch = products.openScope()) {    // one per request
 *     batch.prime(cart.items().stream().map(Item::sku).toList());              // collect keys: no query yet
 *     for (Item item : cart.items()) {
 *         Product product = batch.load(item.sku()).orElseThrow();            // first load: one $in for all of them
 *     }
 * }
 * }</pre>
 *
 * <p><b>Contract.</b>
 *
 * <ul>
 *   <li>Results come back in the caller's key order, one per key, whatever order the server returns documents in;
 *       a key with no document is an explicit {@link Optional#empty()} (and listed by {@link Loaded#missing()}), never
 *       a shorter list.
 *   <li>Round trips: {@code ⌈k / maxBatchSize⌉} for {@code k} distinct keys not already in the scope's cache, however
 *       many times or in whatever order they are asked for. A key asked for twice is queried once. One exception: the
 *       stored-type check below costs one more round trip, after a load that found none of its keys, until the check
 *       has run once against a stored key (so at most once per loader, unless the collection holds no document with
 *       the key field yet, when each such load checks again).
 *   <li>A load dispatches every key queued so far with {@link LoadScope#prime} together with its own: a key is never
 *       left waiting for a dispatch that nobody triggers (the hang of java-dataloader#54 cannot happen).
 *   <li>The cache belongs to one {@link LoadScope} and dies with it: open a scope per request or unit of work. A
 *       closed scope refuses further loads.
 *   <li>The key field maps each key to at most one document (an {@code _id}, a unique field); a second document for
 *       the same key is an error, not a silent pick. For one-to-many, use a query.
 *   <li>Keys are checked against the key type: a key of another type (or {@code null}) fails at once, before any
 *       query, and when no key at all is found the loader checks once whether the stored key field has another type
 *       (a {@code String} key for {@code ObjectId} ids matches nothing, silently, in a plain {@code $in}): an
 *       {@link IllegalArgumentException} naming the field, its stored BSON type ({@code OBJECT_ID}) and the key
 *       type.
 * </ul>
 *
 * <p><b>Counter-example</b> (what this replaces):
 *
 * <pre>{@code
 * for (Item item : cart.items()) {                                    // 1,000 items: 1,000 round trips
 *     Product p = products.find(Filters.eq("sku", item.sku())).first();
 * }
 * static final Map<String, Product> CACHE = ...;                      // a cache shared across requests never expires
 * }</pre>
 *
 * <p>A loader is immutable and thread-safe; share one per collection. A scope is thread-safe too (loads are
 * serialized), so async steps of one request may share it.
 *
 * @param <K> the key type, as stored in the key field
 * @param <V> the document type
 */
public final class BatchLoader<K, V> {
    private final MongoCollection<V> collection;
    private final String keyField;
    private final Class<K> keyType;
    private final int maxBatchSize;
    private final Bson filter;
    private final Bson projection;
    private final Codec<K> keyCodec;
    private final Codec<V> documentCodec;
    private final MongoCollection<RawBsonDocument> raw;
    private final AtomicBoolean keyTypeVerified = new AtomicBoolean();

    private BatchLoader(Builder<K, V> builder) {
        this.collection = builder.collection;
        this.keyField = builder.keyField;
        this.keyType = builder.keyType;
        this.maxBatchSize = builder.maxBatchSize;
        this.filter = builder.filter;
        this.projection = builder.projection == null
                ? null
                : BatchKeys.withKeyField(
                        builder.projection.toBsonDocument(BsonDocument.class, collection.getCodecRegistry()), keyField);
        this.keyCodec = BatchKeys.codec(collection.getCodecRegistry(), keyType, "key type");
        this.documentCodec =
                BatchKeys.codec(collection.getCodecRegistry(), collection.getDocumentClass(), "document class");
        this.raw = collection.withDocumentClass(RawBsonDocument.class);
    }

    /**
     * A loader of {@code collection}'s documents by {@code keyField}, {@code corekit.query.max-batch-size} keys per query
     * (the process's setting, {@link QuerySettings#DEFAULT_MAX_BATCH_SIZE} unless the environment says otherwise).
     */
    public static <K, V> BatchLoader<K, V> of(MongoCollection<V> collection, String keyField, Class<K> keyType) {
        return custom(collection, keyField, keyType).build();
    }

    /** A builder for a loader of {@code collection}'s documents by {@code keyField}. */
    public static <K, V> Builder<K, V> custom(MongoCollection<V> collection, String keyField, Class<K> keyType) {
        return new Builder<>(collection, keyField, keyType);
    }

    /** A new scope with an empty cache; close it at the end of the request. */
    public LoadScope<K, V> openScope() {
        return new LoadScope<>(this);
    }

    /** Loads {@code keys} once, with no cache kept: a scope opened and closed around one {@link LoadScope#loadAll}. */
    public Loaded<K, V> loadAll(Collection<? extends K> keys) {
        try (LoadScope<K, V> scope = openScope()) {
            return scope.loadAll(keys);
        }
    }

    /** The most keys one query carries. */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** The collection's namespace, the key field and the key type. */
    @Override
    public String toString() {
        return "BatchLoader{" + collection.getNamespace() + " by " + keyField + " as " + keyType.getSimpleName()
                + ", maxBatchSize=" + maxBatchSize + "}";
    }

    K checkKey(Object key) {
        if (key == null) {
            throw new NullPointerException(
                    "batch keys cannot be null (loader of " + collection.getNamespace() + " by " + keyField + ")");
        }
        if (!keyType.isInstance(key)) {
            throw new IllegalArgumentException("a batch key of type "
                    + key.getClass().getName() + ", but the loader of " + collection.getNamespace() + " by " + keyField
                    + " takes keys of type " + keyType.getName());
        }
        return keyType.cast(key);
    }

    /** One query per chunk; results by key. */
    Map<K, V> query(List<K> keys) {
        Map<K, V> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += maxBatchSize) {
            List<K> chunk = keys.subList(from, Math.min(keys.size(), from + maxBatchSize));
            Bson in = Filters.in(keyField, chunk);
            var find = raw.find(filter == null ? in : Filters.and(filter, in)).batchSize(chunk.size());
            if (projection != null) {
                find = find.projection(projection);
            }
            for (RawBsonDocument document : find) {
                K key = BatchKeys.key(document, keyField, keyCodec, keyType, collection.getNamespace());
                if (found.put(key, document.decode(documentCodec)) != null) {
                    throw new IllegalStateException(keyField + " is not unique in " + collection.getNamespace()
                            + ": two documents have the same key; a batch loader maps each key to one document"
                            + " (query one-to-many relations with find)");
                }
            }
        }
        if (found.isEmpty() && !keys.isEmpty() && !keyTypeVerified.get()) {
            verifyStoredKeyType();
        }
        return found;
    }

    /** When nothing matched: does the key field hold values the key type cannot even represent? Once per loader. */
    private void verifyStoredKeyType() {
        RawBsonDocument sample = raw.find(Filters.exists(keyField))
                .projection(Projections.include(keyField))
                .limit(1)
                .first();
        if (sample == null) {
            return; // nothing stored yet: nothing to compare with, check again next time
        }
        BatchKeys.key(sample, keyField, keyCodec, keyType, collection.getNamespace());
        keyTypeVerified.set(true);
    }

    /**
     * A unit of work's view of a {@link BatchLoader}: queued keys and a cache of what was loaded (found or missing),
     * both dropped by {@link #close()}.
     *
     * @param <K> the key type
     * @param <V> the document type
     */
    public static final class LoadScope<K, V> implements AutoCloseable {
        private final BatchLoader<K, V> loader;
        private final Map<K, Optional<V>> cache = new HashMap<>();
        private final Set<K> queued = new LinkedHashSet<>();
        private boolean closed;

        private LoadScope(BatchLoader<K, V> loader) {
            this.loader = loader;
        }

        /** Queues a key for the next load; no query is sent now. Returns this scope. */
        public synchronized LoadScope<K, V> prime(K key) {
            ensureOpen();
            K checked = loader.checkKey(key);
            if (!cache.containsKey(checked)) {
                queued.add(checked);
            }
            return this;
        }

        /** Queues keys for the next load; no query is sent now. Returns this scope. */
        public synchronized LoadScope<K, V> prime(Collection<? extends K> keys) {
            Objects.requireNonNull(keys, "keys");
            for (K key : keys) {
                prime(key);
            }
            return this;
        }

        /**
         * The document for {@code key}, or empty when there is none. Sends every queued key and this one, unless all
         * are cached.
         */
        public synchronized Optional<V> load(K key) {
            ensureOpen();
            K checked = loader.checkKey(key);
            dispatch(List.of(checked));
            return cache.get(checked);
        }

        /**
         * The documents for {@code keys}, in their order, missing ones explicit. Sends every queued key and these, in
         * {@code ⌈uncached / maxBatchSize⌉} queries (plus the stored-type check of {@link BatchLoader} when none is
         * found).
         */
        public synchronized Loaded<K, V> loadAll(Collection<? extends K> keys) {
            ensureOpen();
            Objects.requireNonNull(keys, "keys");
            List<K> checked = new ArrayList<>(keys.size());
            for (K key : keys) {
                checked.add(loader.checkKey(key));
            }
            dispatch(checked);
            List<Optional<V>> values = new ArrayList<>(checked.size());
            for (K key : checked) {
                values.add(cache.get(key));
            }
            return new Loaded<>(
                    checked, values, loader.collection.getNamespace().getFullName(), loader.keyField);
        }

        private void dispatch(List<K> keys) {
            LinkedHashSet<K> wanted = new LinkedHashSet<>(queued);
            queued.clear();
            for (K key : keys) {
                if (!cache.containsKey(key)) {
                    wanted.add(key);
                }
            }
            if (wanted.isEmpty()) {
                return;
            }
            List<K> toQuery = new ArrayList<>(wanted);
            Map<K, V> found = loader.query(toQuery);
            for (K key : toQuery) {
                cache.put(key, Optional.ofNullable(found.get(key)));
            }
        }

        /** Keys cached now (found or missing). */
        public synchronized int cachedKeys() {
            return cache.size();
        }

        private void ensureOpen() {
            if (closed) {
                throw new IllegalStateException(
                        "this batch scope of " + loader + " is closed; open one per request with openScope()");
            }
        }

        /** Drops the cache and the queue; later loads fail. */
        @Override
        public synchronized void close() {
            closed = true;
            cache.clear();
            queued.clear();
        }
    }

    /**
     * The result of a batch load: one entry per requested key, in the caller's order (duplicates kept), missing keys
     * explicit.
     *
     * @param <K> the key type
     * @param <V> the document type
     */
    public static final class Loaded<K, V> {
        private final List<K> keys;
        private final List<Optional<V>> values;
        private final String namespace;
        private final String keyField;

        Loaded(List<K> keys, List<Optional<V>> values, String namespace, String keyField) {
            this.keys = Collections.unmodifiableList(keys);
            this.values = Collections.unmodifiableList(values);
            this.namespace = namespace;
            this.keyField = keyField;
        }

        /** The keys as requested. */
        public List<K> keys() {
            return keys;
        }

        /** One value per key of {@link #keys()}, at the same index; empty where no document has that key. */
        public List<Optional<V>> values() {
            return values;
        }

        /**
         * The document for {@code key}, or empty when there is none.
         *
         * @throws IllegalArgumentException when {@code key} was not requested
         */
        public Optional<V> get(K key) {
            int index = keys.indexOf(key);
            if (index < 0) {
                throw new IllegalArgumentException("that key was not part of this load of " + namespace + " by "
                        + keyField + " (" + keys.size() + " keys were)");
            }
            return values.get(index);
        }

        /**
         * The document for {@code key}.
         *
         * @throws NoSuchElementException when there is none
         */
        public V require(K key) {
            return get(key).orElseThrow(
                            () -> new NoSuchElementException("no document in " + namespace + " for that " + keyField));
        }

        /** Found documents by key, in the caller's key order. */
        public Map<K, V> found() {
            Map<K, V> found = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                K key = keys.get(i);
                values.get(i).ifPresent(value -> found.putIfAbsent(key, value));
            }
            return found;
        }

        /** Requested keys with no document, in the caller's order, each once. */
        public List<K> missing() {
            LinkedHashSet<K> missing = new LinkedHashSet<>();
            for (int i = 0; i < keys.size(); i++) {
                if (values.get(i).isEmpty()) {
                    missing.add(keys.get(i));
                }
            }
            return List.copyOf(missing);
        }

        /** How many keys were requested. */
        public int size() {
            return keys.size();
        }

        @Override
        public String toString() {
            return "Loaded{" + namespace + " by " + keyField + ": " + keys.size() + " keys, "
                    + missing().size() + " missing}";
        }
    }

    /**
     * Builds a {@link BatchLoader}.
     *
     * @param <K> the key type
     * @param <V> the document type
     */
    public static final class Builder<K, V> {
        private final MongoCollection<V> collection;
        private final String keyField;
        private final Class<K> keyType;
        private int maxBatchSize;
        private Bson filter;
        private Bson projection;

        private Builder(MongoCollection<V> collection, String keyField, Class<K> keyType) {
            this.collection = Objects.requireNonNull(collection, "collection");
            this.keyField = Objects.requireNonNull(keyField, "keyField");
            this.keyType = Objects.requireNonNull(keyType, "keyType");
            if (keyField.isEmpty() || keyField.startsWith("$")) {
                throw new IllegalArgumentException("key field '" + keyField + "' is not a field name");
            }
        }

        /**
         * The most keys per query, from 1 to 10,000; unset, {@code corekit.query.max-batch-size} as the process's
         * environment sets it ({@link QuerySettings#DEFAULT_MAX_BATCH_SIZE} by default).
         *
         * @throws IllegalArgumentException when {@code maxBatchSize} is outside 1 to 10,000
         */
        public Builder<K, V> maxBatchSize(int maxBatchSize) {
            if (maxBatchSize < 1 || maxBatchSize > 10_000) {
                throw new IllegalArgumentException("maxBatchSize must be from 1 to 10000, got " + maxBatchSize);
            }
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /** A condition every loaded document must also meet (a tenant, {@code deleted: false}). */
        public Builder<K, V> filter(Bson filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /**
         * Loads only these fields (the key field is added to an inclusion projection; a projection that excludes the
         * key field is refused by {@link #build()}).
         */
        public Builder<K, V> projection(Bson projection) {
            this.projection = Objects.requireNonNull(projection, "projection");
            return this;
        }

        /**
         * Builds the loader.
         *
         * @throws IllegalArgumentException when the collection's codec registry cannot encode the key type or decode
         *     the document class, or the projection excludes the key field
         * @throws dev.corekit.config.InvalidSettingException when the batch size comes from an invalid environment
         */
        public BatchLoader<K, V> build() {
            if (maxBatchSize == 0) {
                maxBatchSize = ProcessSettings.get().maxBatchSize();
            }
            return new BatchLoader<>(this);
        }
    }
}
