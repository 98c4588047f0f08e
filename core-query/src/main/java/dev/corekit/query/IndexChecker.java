package dev.corekit.query;

import com.mongodb.client.MongoCollection;
import dev.corekit.query.internal.Checker;
import dev.corekit.query.internal.QuerySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;

/**
 * Tells whether an index serves a query, so that a review (or a test, see {@code dev.corekit.query.testing}) can flag
 * the queries that read a whole collection. On a server with {@code explain}, the verdict is the server's own winning
 * plan, normalized across engines and topologies ({@link PlanNode}); on a server without it, prefix analysis of the
 * filter and sort against the collection's indexes ({@link IndexVerdict.Method#PREFIX_ANALYSIS}).
 *
 * <pre>{@code
 * IndexChecker checker = IndexChecker.of(mongo);
 * IndexVerdict verdict = checker.check(orders, Filters.eq("status", "open"), Sorts.descending("createdAt"));
 * if (!verdict.servedByIndex()) {
 *     throw new IllegalStateException(verdict.toString()); // COLLECTION_SCAN shop.orders filter {status: ?} ...
 * }
 * }</pre>
 *
 * <p>Each check costs one or two round trips ({@code explain}, or {@code listIndexes}); it is meant for startup checks,
 * tests and tooling, not for every request. Thread-safe.
 */
public final class IndexChecker {
    private final QueryClient client;
    private final Checker checker;

    private IndexChecker(QueryClient client, Checker checker) {
        this.client = client;
        this.checker = checker;
    }

    /** A checker that asks the server's {@code explain} and falls back to prefix analysis when the server has none. */
    public static IndexChecker of(QueryClient client) {
        return new IndexChecker(Objects.requireNonNull(client, "client"), new Checker(true));
    }

    /** A checker that never calls {@code explain}: prefix analysis only. */
    public static IndexChecker prefixAnalysisOnly(QueryClient client) {
        return new IndexChecker(Objects.requireNonNull(client, "client"), new Checker(false));
    }

    /** The verdict on a find with {@code filter} (null for none). */
    public IndexVerdict check(MongoCollection<?> collection, Bson filter) {
        return check(collection, filter, null);
    }

    /** The verdict on a find with {@code filter} and {@code sort} (each null for none). */
    public IndexVerdict check(MongoCollection<?> collection, Bson filter, Bson sort) {
        Objects.requireNonNull(collection, "collection");
        return checker.check(
                client.database(collection.getNamespace().getDatabaseName()),
                QuerySpec.find(
                        collection.getNamespace().getCollectionName(),
                        toDocument(collection, filter),
                        toDocument(collection, sort)));
    }

    /** The verdict on an aggregation: what its first stages read. */
    public IndexVerdict checkAggregate(MongoCollection<?> collection, List<? extends Bson> pipeline) {
        Objects.requireNonNull(collection, "collection");
        Objects.requireNonNull(pipeline, "pipeline");
        List<BsonDocument> stages = new ArrayList<>();
        for (Bson stage : pipeline) {
            stages.add(toDocument(collection, stage));
        }
        return checker.check(
                client.database(collection.getNamespace().getDatabaseName()),
                QuerySpec.aggregate(collection.getNamespace().getCollectionName(), new BsonArray(stages)));
    }

    private static BsonDocument toDocument(MongoCollection<?> collection, Bson bson) {
        return bson == null ? null : bson.toBsonDocument(BsonDocument.class, collection.getCodecRegistry());
    }
}
