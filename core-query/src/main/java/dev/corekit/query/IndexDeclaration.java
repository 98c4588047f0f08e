package dev.corekit.query;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import dev.corekit.query.internal.ShapeWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * An index declared in code, next to the queries that need it, and ensured at startup with {@link #ensure}.
 *
 * <pre>{@code
 * static final List<IndexDeclaration> INDEXES = List.of(
 *         IndexDeclaration.on("orders").ascending("customerId").descending("createdAt").build(),
 *         IndexDeclaration.on("users").ascending("email").unique().build());
 *
 * IndexDeclaration.ensure(mongo.database(), INDEXES);   // at startup; idempotent
 * }</pre>
 *
 * <p>{@link #ensure} is idempotent: an index that already exists with the same keys and options is left alone, so every
 * instance of a service can run it at every start. An existing index that contradicts a declaration (same name and
 * other keys; same keys and another uniqueness, sparseness, partial filter or TTL) is a conflict: every conflict is
 * listed in one {@link IndexConflictException} and nothing is created, because MongoDB would refuse (or, worse, a test
 * server would silently accept) the declaration, and the code's assumption (say, uniqueness) would not hold.
 * Immutable.
 */
public final class IndexDeclaration {
    private final String collection;
    private final BsonDocument keys;
    private final String explicitName;
    private final boolean unique;
    private final boolean sparse;
    private final BsonDocument partialFilter;
    private final Long expireAfterSeconds;

    private IndexDeclaration(Builder builder) {
        this.collection = builder.collection;
        this.keys = builder.keys.clone();
        this.explicitName = builder.name;
        this.unique = builder.unique;
        this.sparse = builder.sparse;
        this.partialFilter = builder.partialFilter;
        this.expireAfterSeconds = builder.expireAfterSeconds;
    }

    /** Starts a declaration of an index on {@code collection}. */
    public static Builder on(String collection) {
        return new Builder(collection);
    }

    /** The collection. */
    public String collection() {
        return collection;
    }

    /** The index name: as declared, or MongoDB's default ({@code customerId_1_createdAt_-1}). */
    public String name() {
        if (explicitName != null) {
            return explicitName;
        }
        List<String> parts = new ArrayList<>();
        keys.forEach((field, value) -> parts.add(field + "_"
                + (value.isNumber()
                        ? Integer.toString(value.asNumber().intValue())
                        : value.asString().getValue())));
        return String.join("_", parts);
    }

    /** The key pattern, a copy. */
    public BsonDocument keys() {
        return keys.clone();
    }

    /** Whether the index is unique. */
    public boolean unique() {
        return unique;
    }

    /**
     * Creates every declared index that does not exist yet, on the collections of {@code database}, with one
     * {@code createIndexes} per collection.
     *
     * @return what was created and what was already there
     * @throws IndexConflictException listing every existing index that contradicts a declaration (nothing is created)
     * @throws IllegalArgumentException when two declarations have the same name on one collection but differ
     */
    public static EnsureResult ensure(MongoDatabase database, Collection<IndexDeclaration> declarations) {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(declarations, "declarations");
        Map<String, List<IndexDeclaration>> byCollection = new LinkedHashMap<>();
        for (IndexDeclaration declaration : declarations) {
            List<IndexDeclaration> same = byCollection.computeIfAbsent(declaration.collection, c -> new ArrayList<>());
            for (IndexDeclaration other : same) {
                if (other.name().equals(declaration.name()) && !other.sameSpec(declaration)) {
                    throw new IllegalArgumentException("two declarations of index '" + declaration.name() + "' on "
                            + declaration.collection + " differ: " + other + " and " + declaration);
                }
            }
            if (same.stream().noneMatch(other -> other.name().equals(declaration.name()))) {
                same.add(declaration);
            }
        }
        List<String> conflicts = new ArrayList<>();
        List<String> present = new ArrayList<>();
        Map<String, List<IndexDeclaration>> missing = new LinkedHashMap<>();
        for (Map.Entry<String, List<IndexDeclaration>> entry : byCollection.entrySet()) {
            String namespace = database.getName() + "." + entry.getKey();
            List<BsonDocument> existing = database.getCollection(entry.getKey(), BsonDocument.class)
                    .listIndexes(BsonDocument.class)
                    .into(new ArrayList<>());
            for (IndexDeclaration declaration : entry.getValue()) {
                String conflict = declaration.conflictWith(existing, namespace, present);
                if (conflict != null) {
                    conflicts.add(conflict);
                } else if (!present.contains(namespace + "." + declaration.name()) && !declaration.foundIn(existing)) {
                    missing.computeIfAbsent(entry.getKey(), c -> new ArrayList<>())
                            .add(declaration);
                }
            }
        }
        if (!conflicts.isEmpty()) {
            throw new IndexConflictException(conflicts);
        }
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, List<IndexDeclaration>> entry : missing.entrySet()) {
            List<IndexModel> models = new ArrayList<>();
            for (IndexDeclaration declaration : entry.getValue()) {
                models.add(declaration.model());
            }
            try {
                database.getCollection(entry.getKey(), BsonDocument.class).createIndexes(models);
            } catch (MongoCommandException e) {
                if (e.getErrorCode() == 85 || e.getErrorCode() == 86) {
                    throw new IndexConflictException(List.of(database.getName() + "." + entry.getKey()
                            + ": the server refused the declared indexes (" + e.getErrorCodeName() + "): "
                            + e.getErrorMessage()));
                }
                throw e;
            }
            for (IndexDeclaration declaration : entry.getValue()) {
                created.add(database.getName() + "." + entry.getKey() + "." + declaration.name());
            }
        }
        return new EnsureResult(List.copyOf(created), List.copyOf(present));
    }

    private boolean foundIn(List<BsonDocument> existing) {
        for (BsonDocument index : existing) {
            if (sameKeys(index) && optionDifference(index) == null) {
                return true;
            }
        }
        return false;
    }

    /** A conflict message, or null; adds to {@code present} when an identical index exists. */
    private String conflictWith(List<BsonDocument> existing, String namespace, List<String> present) {
        for (BsonDocument index : existing) {
            if (name().equals(string(index, "name"))) {
                if (!sameKeys(index)) {
                    return "index '" + name() + "' on " + namespace + " exists with keys "
                            + ShapeWriter.sort(index.getDocument("key", new BsonDocument())) + ", declared with keys "
                            + ShapeWriter.sort(keys) + ": drop it or rename the declaration";
                }
                String difference = optionDifference(index);
                if (difference != null) {
                    return "index '" + name() + "' on " + namespace + " exists " + difference
                            + ": drop and recreate it (or align the declaration); corekit never changes an existing"
                            + " index";
                }
                present.add(namespace + "." + name());
                return null;
            }
        }
        for (BsonDocument index : existing) {
            if (sameKeys(index) && samePartialFilter(index)) {
                String difference = optionDifference(index);
                String existingName = string(index, "name");
                if (difference == null && explicitName == null) {
                    present.add(namespace + "." + existingName);
                    return null;
                }
                return "keys " + ShapeWriter.sort(keys) + " on " + namespace + " are already indexed as '"
                        + existingName + "'" + (difference == null ? "" : ", which " + difference)
                        + "; declared as '" + name() + "': drop one or align the declaration";
            }
        }
        return null;
    }

    /** How an existing index's options differ from this declaration, or null. */
    private String optionDifference(BsonDocument index) {
        boolean existingUnique = bool(index, "unique");
        if (existingUnique != unique) {
            return existingUnique ? "unique but is declared not unique" : "not unique but is declared unique";
        }
        boolean existingSparse = bool(index, "sparse");
        if (existingSparse != sparse) {
            return existingSparse ? "sparse but is declared not sparse" : "not sparse but is declared sparse";
        }
        if (!samePartialFilter(index)) {
            return "with another partial filter expression";
        }
        BsonValue expire = index.get("expireAfterSeconds");
        Long existingExpire =
                expire != null && expire.isNumber() ? expire.asNumber().longValue() : null;
        if (!Objects.equals(existingExpire, expireAfterSeconds)) {
            return "with expireAfterSeconds " + (existingExpire == null ? "unset" : existingExpire)
                    + " but is declared with " + (expireAfterSeconds == null ? "none" : expireAfterSeconds);
        }
        return null;
    }

    private boolean sameKeys(BsonDocument index) {
        BsonValue key = index.get("key");
        if (key == null || !key.isDocument() || key.asDocument().size() != keys.size()) {
            return false;
        }
        List<String> declared = new ArrayList<>(keys.keySet());
        List<String> actual = new ArrayList<>(key.asDocument().keySet());
        if (!declared.equals(actual)) {
            return false;
        }
        for (String field : declared) {
            if (!sameKeyValue(keys.get(field), key.asDocument().get(field))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameKeyValue(BsonValue a, BsonValue b) {
        if (a.isNumber() && b.isNumber()) {
            return Double.compare(a.asNumber().doubleValue(), b.asNumber().doubleValue()) == 0;
        }
        return a.equals(b);
    }

    private boolean samePartialFilter(BsonDocument index) {
        BsonValue partial = index.get("partialFilterExpression");
        return Objects.equals(partialFilter, partial != null && partial.isDocument() ? partial.asDocument() : null);
    }

    private boolean sameSpec(IndexDeclaration other) {
        return keys.equals(other.keys)
                && unique == other.unique
                && sparse == other.sparse
                && Objects.equals(partialFilter, other.partialFilter)
                && Objects.equals(expireAfterSeconds, other.expireAfterSeconds);
    }

    private IndexModel model() {
        IndexOptions options = new IndexOptions().name(name()).unique(unique).sparse(sparse);
        if (partialFilter != null) {
            options.partialFilterExpression(partialFilter);
        }
        if (expireAfterSeconds != null) {
            options.expireAfter(expireAfterSeconds, TimeUnit.SECONDS);
        }
        return new IndexModel(keys, options);
    }

    private static boolean bool(BsonDocument document, String key) {
        BsonValue value = document.get(key);
        if (value == null) {
            return false;
        }
        if (value.isBoolean()) {
            return value.asBoolean().getValue();
        }
        return value.isNumber() && value.asNumber().intValue() != 0;
    }

    private static String string(BsonDocument document, String key) {
        BsonValue value = document.get(key);
        return value != null && value.isString() ? value.asString().getValue() : null;
    }

    /** The collection, name, keys and options. */
    @Override
    public String toString() {
        return collection + "." + name() + " " + ShapeWriter.sort(keys) + (unique ? " unique" : "")
                + (sparse ? " sparse" : "")
                + (partialFilter != null ? " partial " + ShapeWriter.filter(partialFilter) : "")
                + (expireAfterSeconds != null ? " expireAfterSeconds " + expireAfterSeconds : "");
    }

    /**
     * What {@link #ensure} did.
     *
     * @param created {@code database.collection.index} of each index created now
     * @param present {@code database.collection.index} of each declared index that already existed
     */
    public record EnsureResult(List<String> created, List<String> present) {}

    /** Builds an {@link IndexDeclaration}; keys are added in the order of the calls. */
    public static final class Builder {
        private final String collection;
        private final BsonDocument keys = new BsonDocument();
        private String name;
        private boolean unique;
        private boolean sparse;
        private BsonDocument partialFilter;
        private Long expireAfterSeconds;

        private Builder(String collection) {
            Objects.requireNonNull(collection, "collection");
            if (collection.isEmpty() || collection.contains("$") || collection.startsWith("system.")) {
                throw new IllegalArgumentException("'" + collection + "' is not a collection name");
            }
            this.collection = collection;
        }

        /** Ascending keys, in order. */
        public Builder ascending(String... fields) {
            for (String field : fields) {
                key(field, new BsonInt32(1));
            }
            return this;
        }

        /** Descending keys, in order. */
        public Builder descending(String... fields) {
            for (String field : fields) {
                key(field, new BsonInt32(-1));
            }
            return this;
        }

        /** A hashed key (equality only; the usual shard key for even distribution). */
        public Builder hashed(String field) {
            return key(field, new BsonString("hashed"));
        }

        private Builder key(String field, BsonValue type) {
            Objects.requireNonNull(field, "field");
            if (field.isBlank() || field.startsWith("$") && !field.equals("$**")) {
                throw new IllegalArgumentException("'" + field + "' is not a field to index");
            }
            if (keys.containsKey(field)) {
                throw new IllegalArgumentException("field '" + field + "' is already a key of this index");
            }
            keys.put(field, type);
            return this;
        }

        /** An explicit name instead of MongoDB's default. */
        public Builder named(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** A unique index: the server rejects a second document with the same key values. */
        public Builder unique() {
            this.unique = true;
            return this;
        }

        /** A sparse index: documents without the fields are left out. */
        public Builder sparse() {
            this.sparse = true;
            return this;
        }

        /** A partial index over the documents that match {@code filter}. */
        public Builder partial(Bson filter) {
            this.partialFilter = Objects.requireNonNull(filter, "filter")
                    .toBsonDocument(BsonDocument.class, com.mongodb.MongoClientSettings.getDefaultCodecRegistry());
            return this;
        }

        /**
         * A TTL index: documents expire this long after the date in the (single) key field. A fraction of a second is
         * rounded up to the next second.
         *
         * @throws IllegalArgumentException when {@code duration} is not positive or longer than 2,147,483,647
         *     seconds (what MongoDB can store)
         */
        public Builder expireAfter(Duration duration) {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("expireAfter must be positive, got " + duration);
            }
            // MongoDB stores expireAfterSeconds as a 32-bit integer; a fraction of a second is rounded up, never down
            // to 0 (which would expire every document at once).
            long seconds = duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
            if (seconds > Integer.MAX_VALUE || seconds < 0) {
                throw new IllegalArgumentException("expireAfter must be at most " + Integer.MAX_VALUE
                        + " seconds (MongoDB's limit), got " + duration);
            }
            this.expireAfterSeconds = seconds;
            return this;
        }

        /**
         * Builds the declaration.
         *
         * @throws IllegalStateException when no key was given, or a TTL is declared on more than one key
         */
        public IndexDeclaration build() {
            if (keys.isEmpty()) {
                throw new IllegalStateException("index on " + collection + " has no keys: call ascending(...) first");
            }
            if (expireAfterSeconds != null && keys.size() != 1) {
                throw new IllegalStateException(
                        "a TTL index has exactly one key (a date field); " + collection + " declares " + keys.keySet());
            }
            return new IndexDeclaration(this);
        }
    }
}
