package dev.corekit.query;

import com.mongodb.client.MongoCollection;
import dev.corekit.config.Secret;
import dev.corekit.query.internal.BatchKeys;
import dev.corekit.query.internal.CursorTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.conversions.Bson;

/**
 * Keyset pagination: each page starts right after the last document of the previous one ({@code createdAt < last
 * createdAt, or equal and _id < last _id}), so page 500 costs what page 1 costs, and documents inserted or deleted
 * while a client pages never make it skip or repeat one (they do with {@code skip}/{@code limit}).
 *
 * <pre>{@code
 * KeysetPager<Order> pager = KeysetPager.on(orders)
 *         .filter(Filters.eq("customerId", customerId))
 *         .sort(Sorts.descending("createdAt"))          // _id is added as the tie-breaker: a stable order
 *         .pageSize(20)
 *         .build();
 *
 * KeysetPager.Page<Order> page = pager.page(request.query("cursor"));   // null or empty: the first page
 * respond(page.items(), page.nextCursor());                          // null on the last page
 * }</pre>
 *
 * <p>The cursor is an opaque token: the last document's sort values, signed with HMAC-SHA256 under
 * {@link QuerySettings#cursorKey()} and bound to this query (collection, filter and sort). A token that was altered,
 * forged, signed with another key or issued for another query is refused with an {@link InvalidCursorException} that
 * says which. Sort fields must hold a value in every document paged (a missing or null sort value is an error naming
 * the field), and one BSON type per field, as with any keyset. An index on the sort fields (after the filter's
 * equality fields) makes each page an index range read.
 *
 * <p>Immutable and thread-safe; build one per query (per request when the filter depends on it).
 *
 * @param <T> the document type
 */
public final class KeysetPager<T> {
    /** Documents per page unless set. */
    public static final int DEFAULT_PAGE_SIZE = 50;
    /** The largest page size accepted. */
    public static final int MAX_PAGE_SIZE = 10_000;

    private final MongoCollection<RawBsonDocument> raw;
    private final Codec<T> codec;
    private final String namespace;
    private final BsonDocument filter;
    private final BsonDocument sort;
    private final BsonDocument projection;
    private final int pageSize;
    private final CursorTokens tokens;
    private final byte[] fingerprint;

    private KeysetPager(Builder<T> builder) {
        MongoCollection<T> collection = builder.collection;
        this.raw = collection.withDocumentClass(RawBsonDocument.class);
        this.codec = BatchKeys.codec(collection.getCodecRegistry(), collection.getDocumentClass(), "document class");
        this.namespace = collection.getNamespace().getFullName();
        this.filter = builder.filter == null
                ? new BsonDocument()
                : builder.filter.toBsonDocument(BsonDocument.class, collection.getCodecRegistry());
        this.sort = stableSort(builder.sort.toBsonDocument(BsonDocument.class, collection.getCodecRegistry()));
        BsonDocument projected = builder.projection == null
                ? null
                : builder.projection.toBsonDocument(BsonDocument.class, collection.getCodecRegistry());
        if (projected != null) {
            for (String field : sort.keySet()) {
                projected = BatchKeys.withKeyField(projected, field);
            }
        }
        this.projection = projected;
        this.pageSize = builder.pageSize;
        this.tokens = builder.tokens != null ? builder.tokens : CursorTokens.fromEnvironment();
        this.fingerprint = CursorTokens.fingerprint(namespace, filter, sort);
    }

    /** Starts a pager over {@code collection}. */
    public static <T> Builder<T> on(MongoCollection<T> collection) {
        return new Builder<>(collection);
    }

    /** The first page. */
    public Page<T> first() {
        return page(null);
    }

    /**
     * The page after {@code cursor}; the first page when it is null or empty.
     *
     * @throws InvalidCursorException when the token is malformed, altered, signed with another key or issued for
     *     another query
     * @throws IllegalStateException when the last document of the page has no value in a sort field
     */
    public Page<T> page(String cursor) {
        BsonDocument condition = filter;
        if (cursor != null && !cursor.isEmpty()) {
            BsonArray after;
            try {
                after = tokens.read(cursor, fingerprint);
            } catch (CursorTokens.Invalid e) {
                throw new InvalidCursorException(
                        InvalidCursorException.Reason.valueOf(e.reason().name()), e.getMessage());
            }
            if (after.size() != sort.size()) {
                throw new InvalidCursorException(
                        InvalidCursorException.Reason.MALFORMED, "the cursor token holds the wrong number of values");
            }
            condition = and(filter, after(after));
        }
        var find = raw.find(condition).sort(sort).limit(pageSize + 1).batchSize(pageSize + 1);
        if (projection != null) {
            find = find.projection(projection);
        }
        List<RawBsonDocument> documents = find.into(new ArrayList<>(pageSize + 1));
        boolean more = documents.size() > pageSize;
        List<RawBsonDocument> shown = more ? documents.subList(0, pageSize) : documents;
        List<T> items = new ArrayList<>(shown.size());
        for (RawBsonDocument document : shown) {
            items.add(document.decode(codec));
        }
        String next = more ? tokens.issue(fingerprint, sortValues(shown.get(shown.size() - 1))) : null;
        return new Page<>(List.copyOf(items), next);
    }

    /** The sort in force, with the {@code _id} tie-breaker (in the direction of the last sort field). */
    public BsonDocument sort() {
        return sort.clone();
    }

    private BsonArray sortValues(RawBsonDocument last) {
        BsonArray values = new BsonArray();
        for (String field : sort.keySet()) {
            BsonValue value = BatchKeys.valueAt(last, field);
            if (value == null || value.isNull()) {
                throw new IllegalStateException("keyset pages need a value in every sort field, but a document of "
                        + namespace + " has " + (value == null ? "no " : "a null ") + field
                        + "; filter such documents out ({" + field + ": {$ne: null}}) or sort on a field that is"
                        + " always set");
            }
            values.add(value);
        }
        return values;
    }

    /** Documents strictly after {@code values} in sort order. */
    private BsonDocument after(BsonArray values) {
        List<String> fields = new ArrayList<>(sort.keySet());
        BsonArray clauses = new BsonArray();
        for (int i = 0; i < fields.size(); i++) {
            BsonDocument clause = new BsonDocument();
            for (int j = 0; j < i; j++) {
                clause.append(fields.get(j), new BsonDocument("$eq", values.get(j)));
            }
            clause.append(fields.get(i), new BsonDocument(operator(fields.get(i), false), values.get(i)));
            clauses.add(clause);
        }
        // The leading bound repeated outside the $or lets the planner bound the index scan on the first sort field.
        BsonDocument leading =
                new BsonDocument(fields.get(0), new BsonDocument(operator(fields.get(0), true), values.get(0)));
        return new BsonDocument("$and", new BsonArray(List.of(leading, new BsonDocument("$or", clauses))));
    }

    private String operator(String field, boolean inclusive) {
        boolean ascending = sort.get(field).asNumber().intValue() > 0;
        return ascending ? (inclusive ? "$gte" : "$gt") : (inclusive ? "$lte" : "$lt");
    }

    private static BsonDocument and(BsonDocument filter, BsonDocument condition) {
        return filter.isEmpty() ? condition : new BsonDocument("$and", new BsonArray(List.of(filter, condition)));
    }

    private static BsonDocument stableSort(BsonDocument sort) {
        if (sort.isEmpty()) {
            throw new IllegalArgumentException("a keyset pager needs a sort, e.g. Sorts.descending(\"createdAt\")");
        }
        BsonDocument stable = new BsonDocument();
        int lastDirection = 1;
        for (Map.Entry<String, BsonValue> entry : sort.entrySet()) {
            BsonValue direction = entry.getValue();
            if (!direction.isNumber() || Math.abs(direction.asNumber().doubleValue()) != 1.0) {
                throw new IllegalArgumentException("keyset sort field " + entry.getKey()
                        + " must be ascending (1) or descending (-1), got " + direction);
            }
            lastDirection = direction.asNumber().intValue();
            stable.append(entry.getKey(), new BsonInt32(lastDirection));
        }
        if (!stable.containsKey("_id")) {
            // in the direction of the last sort field: descending createdAt pages on (createdAt < c) or (= c, _id < i)
            stable.append("_id", new BsonInt32(lastDirection));
        }
        return stable;
    }

    @Override
    public String toString() {
        return "KeysetPager{" + namespace + " sort " + sort.toJson() + ", pageSize=" + pageSize + "}";
    }

    /**
     * One page.
     *
     * @param items the documents, in sort order
     * @param nextCursor the token of the next page, or null when this is the last one
     * @param <T> the document type
     */
    public record Page<T>(List<T> items, String nextCursor) {
        public Page {
            items = List.copyOf(items);
        }

        /** Whether another page follows. */
        public boolean hasNext() {
            return nextCursor != null;
        }
    }

    /**
     * Builds a {@link KeysetPager}.
     *
     * @param <T> the document type
     */
    public static final class Builder<T> {
        private final MongoCollection<T> collection;
        private Bson filter;
        private Bson sort;
        private Bson projection;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private CursorTokens tokens;

        private Builder(MongoCollection<T> collection) {
            this.collection = Objects.requireNonNull(collection, "collection");
        }

        /** The documents to page through; all when unset. */
        public Builder<T> filter(Bson filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /**
         * The order, ascending or descending per field; {@code _id} is added as the last tie-breaker, in the direction
         * of the last field. Required.
         */
        public Builder<T> sort(Bson sort) {
            this.sort = Objects.requireNonNull(sort, "sort");
            return this;
        }

        /** Fields to load (a {@link Projection}, for instance); the sort fields are added to an inclusion. */
        public Builder<T> projection(Bson projection) {
            this.projection = Objects.requireNonNull(projection, "projection");
            return this;
        }

        /** Documents per page, 1 to {@value #MAX_PAGE_SIZE}; {@value #DEFAULT_PAGE_SIZE} unless set. */
        public Builder<T> pageSize(int pageSize) {
            if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
                throw new IllegalArgumentException("pageSize must be from 1 to " + MAX_PAGE_SIZE + ", got " + pageSize);
            }
            this.pageSize = pageSize;
            return this;
        }

        /**
         * The HMAC key of the cursor tokens; unset, {@code corekit.query.cursor-key} from the environment, or a random
         * key per process when that is unset too.
         */
        public Builder<T> cursorKey(Secret key) {
            Objects.requireNonNull(key, "key");
            if (key.reveal().length() < QuerySettings.MIN_CURSOR_KEY_LENGTH) {
                throw new IllegalArgumentException(
                        "a cursor key has at least " + QuerySettings.MIN_CURSOR_KEY_LENGTH + " characters");
            }
            this.tokens = CursorTokens.of(key.reveal());
            return this;
        }

        /** The cursor key of {@code settings}, or a random key per process when it has none. */
        public Builder<T> settings(QuerySettings settings) {
            Objects.requireNonNull(settings, "settings");
            this.tokens = settings.cursorKey()
                    .map(key -> CursorTokens.of(key.reveal()))
                    .orElseGet(CursorTokens::perProcess);
            return this;
        }

        /**
         * Builds the pager.
         *
         * @throws IllegalArgumentException without a sort, or with a sort that is not 1/-1 per field
         */
        public KeysetPager<T> build() {
            if (sort == null) {
                throw new IllegalArgumentException("a keyset pager needs a sort, e.g. Sorts.descending(\"createdAt\")");
            }
            return new KeysetPager<>(this);
        }
    }
}
