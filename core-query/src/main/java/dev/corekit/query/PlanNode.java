package dev.corekit.query;

import dev.corekit.query.internal.ExplainNormalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bson.BsonDocument;

/**
 * One stage of a query plan, normalized from any shape of MongoDB's {@code explain} output: the classic engine's
 * {@code queryPlanner.winningPlan}, the slot-based engine's {@code winningPlan.queryPlan}, an aggregation's
 * {@code stages[0].$cursor}, and a sharded cluster's {@code SHARD_MERGE} with one plan per shard (or an aggregation's
 * {@code shards} map). The tree reads from the root (what the client receives) to the leaves (what reads a collection
 * or an index).
 *
 * <pre>{@code
 * PlanNode plan = PlanNode.fromExplain(explainReply);
 * plan.find("COLLSCAN");   // every collection scan, on any shard
 * }</pre>
 *
 * @param stage the stage, e.g. {@code FETCH}, {@code IXSCAN}, {@code COLLSCAN}, {@code SHARD_MERGE}, or an aggregation
 *     stage such as {@code $group}
 * @param indexName the index an index stage reads, or null
 * @param keyPattern that index's key pattern ({@code {customerId: 1, createdAt: -1}}), or null
 * @param shard the shard this stage ran on (set on every stage of a shard's subtree), or null outside a sharded plan
 * @param children the stages feeding this one
 */
public record PlanNode(String stage, String indexName, String keyPattern, String shard, List<PlanNode> children) {

    /** Stages that read documents without an index. */
    public static final List<String> SCAN_STAGES = List.of("COLLSCAN");

    /** Stages that sort in memory (blocking), because no index gives the order. */
    public static final List<String> SORT_STAGES = List.of("SORT");

    public PlanNode {
        Objects.requireNonNull(stage, "stage");
        children = List.copyOf(children);
    }

    /**
     * The normalized winning plan of an {@code explain} reply, whatever its shape. Inside a known shape, a stage that
     * names no stage (neither {@code stage} nor {@code nodeType}) is kept as {@code (unknown)} rather than refused,
     * so that a plan from a newer server still normalizes; a checker finds no index stage in it.
     *
     * @throws IllegalArgumentException when {@code explain} is no explain reply of a shape corekit knows, naming the
     *     top-level fields it has
     */
    public static PlanNode fromExplain(BsonDocument explain) {
        return ExplainNormalizer.normalize(Objects.requireNonNull(explain, "explain"));
    }

    /** Every node of this tree whose stage is {@code stageName}, in depth-first order. */
    public List<PlanNode> find(String stageName) {
        List<PlanNode> found = new ArrayList<>();
        collect(stageName, found);
        return List.copyOf(found);
    }

    /** Every node of this tree, depth first, this one first. */
    public List<PlanNode> nodes() {
        List<PlanNode> all = new ArrayList<>();
        collect(null, all);
        return List.copyOf(all);
    }

    private void collect(String stageName, List<PlanNode> into) {
        if (stageName == null || stage.equals(stageName)) {
            into.add(this);
        }
        for (PlanNode child : children) {
            child.collect(stageName, into);
        }
    }

    /** A compact one-line tree, e.g. {@code SHARD_MERGE(shard01: FETCH(IXSCAN email_1), shard02: COLLSCAN)}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        render(out, null);
        return out.toString();
    }

    private void render(StringBuilder out, String parentShard) {
        if (shard != null && !shard.equals(parentShard)) {
            out.append(shard).append(": ");
        }
        out.append(stage);
        if (indexName != null) {
            out.append(' ').append(indexName);
        }
        if (!children.isEmpty()) {
            out.append('(');
            for (int i = 0; i < children.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                children.get(i).render(out, shard);
            }
            out.append(')');
        }
    }
}
