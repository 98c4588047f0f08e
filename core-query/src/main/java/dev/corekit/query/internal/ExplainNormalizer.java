package dev.corekit.query.internal;

import dev.corekit.query.PlanNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Turns any shape of {@code explain} output into one {@link PlanNode} tree. The shapes, as MongoDB's own test helpers
 * ({@code jstests/libs/query/analyze_plan.js}) walk them:
 *
 * <ul>
 *   <li>classic engine: {@code queryPlanner.winningPlan} is the root stage, children under {@code inputStage} /
 *       {@code inputStages} (and {@code thenStage}, {@code elseStage}, {@code outerStage}, {@code innerStage},
 *       {@code child}, {@code leftChild}, {@code rightChild});
 *   <li>slot-based engine: the same tree one level down, at {@code winningPlan.queryPlan} (next to
 *       {@code slotBasedPlan});
 *   <li>aggregation: {@code stages}, an array whose first element is {@code $cursor} holding a whole explain with its
 *       own {@code queryPlanner}; later elements are pipeline stages run on what the cursor returns;
 *   <li>sharded: {@code winningPlan} is {@code SHARD_MERGE} (or {@code SINGLE_SHARD}, {@code SHARD_MERGE_SORT}) with a
 *       {@code shards} array whose elements carry {@code shardName} and their own {@code winningPlan}; an aggregation
 *       on a sharded collection has a top-level {@code shards} map from shard name to that shard's explain.
 * </ul>
 */
public final class ExplainNormalizer {
    private static final List<String> CHILD_FIELDS = List.of(
            "inputStage", "thenStage", "elseStage", "outerStage", "innerStage", "child", "leftChild", "rightChild");
    private static final int MAX_DEPTH = 64;

    private ExplainNormalizer() {}

    /** The normalized plan of a whole explain reply. */
    public static PlanNode normalize(BsonDocument explain) {
        PlanNode node = explain(explain, null, 0);
        if (node == null) {
            throw new IllegalArgumentException("not an explain reply of a known shape: it has none of queryPlanner,"
                    + " stages, shards or winningPlan (top-level fields: " + explain.keySet() + ")");
        }
        return node;
    }

    /** An explain (or a shard's part of one); null when it has no plan. */
    private static PlanNode explain(BsonDocument explain, String shard, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        BsonDocument queryPlanner = document(explain, "queryPlanner");
        if (queryPlanner != null && document(queryPlanner, "winningPlan") != null) {
            PlanNode cursor = plan(document(queryPlanner, "winningPlan"), shard, depth + 1);
            BsonValue stages = explain.get("stages");
            return stages != null && stages.isArray() ? pipeline(stages.asArray(), cursor, shard, depth) : cursor;
        }
        if (document(explain, "winningPlan") != null) {
            return plan(document(explain, "winningPlan"), shard, depth + 1);
        }
        BsonValue stages = explain.get("stages");
        if (stages != null && stages.isArray()) {
            return pipeline(stages.asArray(), null, shard, depth);
        }
        BsonDocument shards = document(explain, "shards");
        if (shards != null) {
            List<PlanNode> perShard = new ArrayList<>();
            for (Map.Entry<String, BsonValue> entry : shards.entrySet()) {
                if (entry.getValue().isDocument()) {
                    PlanNode node = explain(entry.getValue().asDocument(), entry.getKey(), depth + 1);
                    if (node != null) {
                        perShard.add(node);
                    }
                }
            }
            String merge = string(explain, "mergeType");
            return new PlanNode(
                    merge == null ? "SHARDS" : "SHARDS_MERGE_ON_" + merge.toUpperCase(java.util.Locale.ROOT),
                    null,
                    null,
                    shard,
                    perShard);
        }
        return null;
    }

    /** An aggregation's stages: the cursor (or {@code $cursor} stage) at the bottom, each later stage on top. */
    private static PlanNode pipeline(Iterable<BsonValue> stages, PlanNode cursor, String shard, int depth) {
        PlanNode current = cursor;
        for (BsonValue stage : stages) {
            if (!stage.isDocument() || stage.asDocument().isEmpty()) {
                continue;
            }
            BsonDocument document = stage.asDocument();
            String name = firstStageKey(document);
            if (name == null) {
                continue;
            }
            if (name.equals("$cursor") && document.get(name).isDocument()) {
                PlanNode inner = explain(document.getDocument(name), shard, depth + 1);
                if (inner != null) {
                    current = current == null ? inner : new PlanNode("$cursor", null, null, shard, List.of(inner));
                }
                continue;
            }
            current = new PlanNode(name, null, null, shard, current == null ? List.of() : List.of(current));
        }
        if (current == null) {
            return null;
        }
        return shard == null ? current : withShard(current, shard);
    }

    private static String firstStageKey(BsonDocument stage) {
        for (String key : stage.keySet()) {
            if (key.startsWith("$")) {
                return key;
            }
        }
        return null;
    }

    /** One plan stage and everything under it. */
    private static PlanNode plan(BsonDocument stage, String shard, int depth) {
        if (depth > MAX_DEPTH) {
            return new PlanNode("(too deep)", null, null, shard, List.of());
        }
        BsonDocument queryPlan = document(stage, "queryPlan");
        if (queryPlan != null && !stage.containsKey("stage")) {
            return plan(queryPlan, shard, depth + 1); // slot-based engine
        }
        String name = string(stage, "stage");
        if (name == null) {
            name = string(stage, "nodeType");
        }
        if (name == null) {
            name = "(unknown)";
        }
        List<PlanNode> children = new ArrayList<>();
        for (String field : CHILD_FIELDS) {
            BsonDocument child = document(stage, field);
            if (child != null) {
                children.add(plan(child, shard, depth + 1));
            }
        }
        BsonValue inputStages = stage.get("inputStages");
        if (inputStages != null && inputStages.isArray()) {
            for (BsonValue child : inputStages.asArray()) {
                if (child.isDocument()) {
                    children.add(plan(child.asDocument(), shard, depth + 1));
                }
            }
        }
        if (queryPlan != null) {
            children.add(plan(queryPlan, shard, depth + 1));
        }
        BsonValue shards = stage.get("shards");
        if (shards != null && shards.isArray()) {
            for (BsonValue element : shards.asArray()) {
                if (!element.isDocument()) {
                    continue;
                }
                BsonDocument shardExplain = element.asDocument();
                String shardName = string(shardExplain, "shardName");
                PlanNode node = explain(shardExplain, shardName, depth + 1);
                if (node == null && document(shardExplain, "executionStages") != null) {
                    node = plan(document(shardExplain, "executionStages"), shardName, depth + 1);
                }
                if (node != null) {
                    children.add(node);
                }
            }
        }
        String keyPattern = null;
        BsonDocument key = document(stage, "keyPattern");
        if (key != null) {
            keyPattern = ShapeWriter.sort(key);
        }
        return new PlanNode(name, string(stage, "indexName"), keyPattern, shard, children);
    }

    private static PlanNode withShard(PlanNode node, String shard) {
        return new PlanNode(node.stage(), node.indexName(), node.keyPattern(), shard, node.children());
    }

    private static BsonDocument document(BsonDocument parent, String key) {
        BsonValue value = parent.get(key);
        return value != null && value.isDocument() ? value.asDocument() : null;
    }

    private static String string(BsonDocument parent, String key) {
        BsonValue value = parent.get(key);
        return value != null && value.isString() ? value.asString().getValue() : null;
    }
}
