package dev.corekit.query.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoDatabase;
import dev.corekit.query.IndexVerdict;
import dev.corekit.query.PlanNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.BsonDocument;

/**
 * The index checker: the server's {@code explain} when it has one, else {@link PrefixAnalysis} on the collection's
 * indexes. A server that answers {@code explain} with "no such command" (error 59, as the in-process test server does)
 * is remembered, so the next checks go straight to prefix analysis.
 */
public final class Checker {
    private static final int COMMAND_NOT_FOUND = 59;
    private static final int COMMAND_NOT_SUPPORTED = 115;

    private final boolean explain;
    private final AtomicBoolean explainUnavailable = new AtomicBoolean();

    public Checker(boolean explain) {
        this.explain = explain;
    }

    /** The verdict on {@code spec} in {@code database}. */
    public IndexVerdict check(MongoDatabase database, QuerySpec spec) {
        String namespace = database.getName() + "." + spec.collection();
        if (explain && !explainUnavailable.get()) {
            try {
                BsonDocument reply = database.runCommand(spec.explainable(), BsonDocument.class);
                return fromPlan(namespace, spec, PlanNode.fromExplain(reply));
            } catch (MongoCommandException e) {
                if (!isMissingCommand(e)) {
                    throw e;
                }
                explainUnavailable.set(true);
            }
        }
        List<BsonDocument> indexes = database.getCollection(spec.collection(), BsonDocument.class)
                .listIndexes(BsonDocument.class)
                .into(new ArrayList<>());
        return PrefixAnalysis.verdict(namespace, spec, indexes);
    }

    /** Whether the last check found the server without {@code explain}. */
    public boolean explainUnavailable() {
        return explainUnavailable.get();
    }

    private static boolean isMissingCommand(MongoCommandException e) {
        return e.getErrorCode() == COMMAND_NOT_FOUND
                || e.getErrorCode() == COMMAND_NOT_SUPPORTED
                || String.valueOf(e.getErrorMessage())
                        .toLowerCase(java.util.Locale.ROOT)
                        .contains("no such command");
    }

    /** The verdict a normalized winning plan gives. */
    public static IndexVerdict fromPlan(String namespace, QuerySpec spec, PlanNode plan) {
        List<String> scans = new ArrayList<>();
        List<String> sorts = new ArrayList<>();
        Set<String> indexes = new LinkedHashSet<>();
        walk(plan, null, scans, sorts, indexes);
        String index = indexes.isEmpty() ? null : String.join("+", indexes);
        if (!scans.isEmpty()) {
            return new IndexVerdict(
                    IndexVerdict.Kind.COLLECTION_SCAN,
                    IndexVerdict.Method.EXPLAIN,
                    namespace,
                    spec.shape(),
                    index,
                    "the winning plan reads the whole collection: " + String.join(", ", scans),
                    plan);
        }
        if (!sorts.isEmpty()) {
            return new IndexVerdict(
                    IndexVerdict.Kind.IN_MEMORY_SORT,
                    IndexVerdict.Method.EXPLAIN,
                    namespace,
                    spec.shape(),
                    index,
                    "the winning plan sorts in memory: " + String.join(", ", sorts),
                    plan);
        }
        String reason = index != null
                ? "the winning plan reads index " + index
                : plan.find("EOF").isEmpty()
                        ? "the winning plan reads no collection: " + plan
                        : "the winning plan is EOF: nothing to read (no such collection?)";
        return new IndexVerdict(
                IndexVerdict.Kind.INDEXED, IndexVerdict.Method.EXPLAIN, namespace, spec.shape(), index, reason, plan);
    }

    private static void walk(PlanNode node, String shard, List<String> scans, List<String> sorts, Set<String> indexes) {
        String here = node.shard() != null ? node.shard() : shard;
        String where = here == null ? "" : " on " + here;
        if (PlanNode.SCAN_STAGES.contains(node.stage())) {
            scans.add(node.stage() + where);
        } else if (PlanNode.SORT_STAGES.contains(node.stage())) {
            sorts.add(node.stage() + where);
        }
        if (node.indexName() != null) {
            indexes.add(node.indexName());
        }
        for (PlanNode child : node.children()) {
            walk(child, here, scans, sorts, indexes);
        }
    }
}
