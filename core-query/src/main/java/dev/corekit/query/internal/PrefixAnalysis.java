package dev.corekit.query.internal;

import dev.corekit.query.IndexVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Decides from a collection's indexes alone whether one can serve a query, for servers without {@code explain}.
 *
 * <p>The rule is the index-prefix rule of MongoDB's planner, kept strict: an index serves a filter when its first
 * field is bounded by an equality, {@code $in}, range, {@code $type} or anchored-regex condition (a hashed index: an
 * equality; a geo index: a geo condition on its field; a text index: {@code $text}; a wildcard index: a bounded field
 * under its path; a partial index: a filter that names every field of its partial filter expression; a hidden index
 * never). An {@code $or} is served when each branch is. A sort is given by an index when, after its leading fields that
 * the filter pins by equality, its fields are the sort's in order, all in the same or all in the opposite direction.
 * Conditions no index bounds ({@code $ne}, {@code $nin}, {@code $not}, {@code $exists}, an unanchored regex,
 * {@code $expr}, {@code $where}) never make a filter indexed.
 */
public final class PrefixAnalysis {
    private PrefixAnalysis() {}

    /** How tightly a condition bounds an index scan on its field. */
    enum Bound {
        EQUALITY,
        RANGE,
        NONE
    }

    /** The verdict for {@code spec} on a collection with {@code indexes} (as {@code listIndexes} returns them). */
    public static IndexVerdict verdict(String namespace, QuerySpec spec, List<BsonDocument> indexSpecs) {
        List<Index> indexes = new ArrayList<>();
        boolean hasId = false;
        for (BsonDocument spec0 : indexSpecs) {
            Index index = Index.of(spec0);
            if (index != null) {
                indexes.add(index);
                hasId |= index.keys.size() == 1 && index.keys.containsKey("_id");
            }
        }
        if (!hasId) {
            indexes.add(
                    0,
                    Index.of(new BsonDocument("key", new BsonDocument("_id", new org.bson.BsonInt32(1)))
                            .append("name", new org.bson.BsonString("_id_"))));
        }
        if (spec.hint() != null) {
            BsonValue hint = spec.hint();
            if (hint.isDocument() && hint.asDocument().containsKey("$natural")) {
                return verdict(
                        IndexVerdict.Kind.COLLECTION_SCAN, namespace, spec, null, "the query hints $natural: a scan");
            }
            Index hinted = null;
            for (Index index : indexes) {
                if ((hint.isString() && index.name.equals(hint.asString().getValue()))
                        || (hint.isDocument() && index.pattern.equals(ShapeWriter.sort(hint.asDocument())))) {
                    hinted = index;
                }
            }
            if (hinted == null) {
                return verdict(
                        IndexVerdict.Kind.COLLECTION_SCAN,
                        namespace,
                        spec,
                        null,
                        "the query hints an index that does not exist ("
                                + (hint.isString()
                                        ? "'" + hint.asString().getValue() + "'"
                                        : ShapeWriter.sort(hint.asDocument()))
                                + "); MongoDB refuses it");
            }
            indexes = new ArrayList<>(List.of(hinted)); // the server uses the hinted index and no other
        }
        BsonDocument filter = spec.filter();
        BsonDocument sort = spec.sort();
        if (spec.pipeline() != null) {
            Pipeline start = Pipeline.of(spec.pipeline());
            if (start.servedBy != null) {
                return verdict(IndexVerdict.Kind.INDEXED, namespace, spec, null, start.servedBy);
            }
            filter = start.match;
            sort = start.sort;
            if (filter.isEmpty() && sort == null) {
                return verdict(
                        IndexVerdict.Kind.COLLECTION_SCAN,
                        namespace,
                        spec,
                        null,
                        "the pipeline reads every document: it does not start with $match (or $sort)");
            }
        }
        Filter model = Filter.of(filter);
        if (!model.conditioned) {
            if (sort != null) {
                for (Index index : indexes) {
                    if (index.givesOrder(model, sort)) {
                        return verdict(
                                IndexVerdict.Kind.INDEXED,
                                namespace,
                                spec,
                                index.name,
                                "no filter; index " + index.name + " gives the order");
                    }
                }
                return verdict(
                        IndexVerdict.Kind.COLLECTION_SCAN,
                        namespace,
                        spec,
                        null,
                        "no filter: every document is read, and sorted in memory (no index gives the order)");
            }
            return verdict(
                    IndexVerdict.Kind.COLLECTION_SCAN, namespace, spec, null, "no filter: every document is read");
        }
        List<Index> serving = serving(model, indexes);
        if (serving == null) {
            return verdict(
                    IndexVerdict.Kind.COLLECTION_SCAN,
                    namespace,
                    spec,
                    null,
                    "no index starts with a field this filter bounds (" + model.describe() + "); indexes: "
                            + indexes.stream().map(index -> index.pattern).collect(Collectors.joining(", ")));
        }
        String names = serving.stream().map(index -> index.name).collect(Collectors.joining("+"));
        if (sort != null && !sort.isEmpty()) {
            boolean ordered = serving.size() == 1 && serving.get(0).givesOrder(model, sort);
            if (!ordered) {
                for (Index index : indexes) {
                    if (index.bounds(model) > 0 && index.givesOrder(model, sort)) {
                        return verdict(
                                IndexVerdict.Kind.INDEXED,
                                namespace,
                                spec,
                                index.name,
                                "index " + index.name + " bounds the filter and gives the order");
                    }
                }
                return verdict(
                        IndexVerdict.Kind.IN_MEMORY_SORT,
                        namespace,
                        spec,
                        names,
                        "index " + names + " bounds the filter, but no index gives the order " + ShapeWriter.sort(sort)
                                + " after the filter's equality fields: the server sorts in memory");
            }
        }
        return verdict(
                IndexVerdict.Kind.INDEXED,
                namespace,
                spec,
                names,
                serving.size() == 1
                        ? "index " + names + " " + serving.get(0).pattern + " bounds the filter"
                        : "each $or branch is bounded by an index (" + names + ")");
    }

    private static IndexVerdict verdict(
            IndexVerdict.Kind kind, String namespace, QuerySpec spec, String index, String reason) {
        return new IndexVerdict(
                kind, IndexVerdict.Method.PREFIX_ANALYSIS, namespace, spec.shape(), index, reason, null);
    }

    /** The indexes that serve {@code model}: one, or one per {@code $or} branch; null when none does. */
    private static List<Index> serving(Filter model, List<Index> indexes) {
        Index best = null;
        int bestScore = 0;
        for (Index index : indexes) {
            int score = index.bounds(model);
            if (score > bestScore) {
                best = index;
                bestScore = score;
            }
        }
        if (best != null) {
            return List.of(best);
        }
        for (List<Filter> branches : model.ors) {
            List<Index> perBranch = new ArrayList<>();
            for (Filter branch : branches) {
                List<Index> served = serving(branch.and(model), indexes);
                if (served == null) {
                    perBranch = null;
                    break;
                }
                perBranch.addAll(served);
            }
            if (perBranch != null && !perBranch.isEmpty()) {
                return List.copyOf(new LinkedHashSet<>(perBranch));
            }
        }
        return null;
    }

    /** The leading {@code $match} and {@code $sort} of a pipeline, or what serves a pipeline that starts otherwise. */
    private static final class Pipeline {
        BsonDocument match = new BsonDocument();
        BsonDocument sort;
        String servedBy;

        static Pipeline of(BsonArray stages) {
            Pipeline pipeline = new Pipeline();
            List<BsonValue> matches = new ArrayList<>();
            for (BsonValue stage : stages) {
                if (!stage.isDocument() || stage.asDocument().isEmpty()) {
                    break;
                }
                String name = stage.asDocument().getFirstKey();
                BsonValue body = stage.asDocument().get(name);
                if (matches.isEmpty() && pipeline.sort == null) {
                    switch (name) {
                        case "$geoNear":
                            pipeline.servedBy = "$geoNear reads a geo index";
                            return pipeline;
                        case "$search":
                        case "$searchMeta":
                        case "$vectorSearch":
                            pipeline.servedBy = name + " is served by Atlas Search";
                            return pipeline;
                        case "$collStats":
                        case "$indexStats":
                        case "$documents":
                        case "$changeStream":
                        case "$currentOp":
                        case "$listSessions":
                            pipeline.servedBy = name + " reads no collection documents";
                            return pipeline;
                        default:
                            break;
                    }
                }
                if (name.equals("$match") && body.isDocument() && pipeline.sort == null) {
                    matches.add(body);
                } else if (name.equals("$sort") && body.isDocument() && pipeline.sort == null) {
                    pipeline.sort = body.asDocument();
                } else {
                    break;
                }
            }
            if (matches.size() == 1) {
                pipeline.match = matches.get(0).asDocument();
            } else if (matches.size() > 1) {
                pipeline.match = new BsonDocument("$and", new BsonArray(matches));
            }
            return pipeline;
        }
    }

    /** The conditions of a filter by field, and its {@code $or} groups. */
    static final class Filter {
        final Map<String, Bound> bounds = new LinkedHashMap<>();
        final Map<String, String> unbounding = new LinkedHashMap<>();
        final List<List<Filter>> ors = new ArrayList<>();
        final Set<String> geo = new LinkedHashSet<>();
        boolean text;
        boolean conditioned;

        static Filter of(BsonDocument filter) {
            Filter model = new Filter();
            model.add(filter == null ? new BsonDocument() : filter, 0);
            return model;
        }

        private void add(BsonDocument filter, int depth) {
            if (depth > 16) {
                return;
            }
            for (Map.Entry<String, BsonValue> entry : filter.entrySet()) {
                String key = entry.getKey();
                BsonValue value = entry.getValue();
                switch (key) {
                    case "$and":
                        conditioned = true;
                        if (value.isArray()) {
                            for (BsonValue clause : value.asArray()) {
                                if (clause.isDocument()) {
                                    add(clause.asDocument(), depth + 1);
                                }
                            }
                        }
                        break;
                    case "$or":
                        conditioned = true;
                        if (value.isArray()) {
                            List<Filter> branches = new ArrayList<>();
                            for (BsonValue clause : value.asArray()) {
                                Filter branch = new Filter();
                                if (clause.isDocument()) {
                                    branch.add(clause.asDocument(), depth + 1);
                                }
                                branches.add(branch);
                            }
                            ors.add(branches);
                        }
                        break;
                    case "$text":
                        conditioned = true;
                        text = true;
                        break;
                    case "$comment":
                        break;
                    default:
                        if (key.startsWith("$")) {
                            conditioned = true;
                            unbounding.put(key, key);
                        } else {
                            conditioned = true;
                            field(key, value);
                        }
                }
            }
        }

        private void field(String path, BsonValue value) {
            if (value.isDocument() && ShapeWriter.isOperatorDocument(value.asDocument())) {
                for (Map.Entry<String, BsonValue> operator : value.asDocument().entrySet()) {
                    if (operator.getKey().equals("$options")) {
                        continue;
                    }
                    Bound bound = bound(path, operator.getKey(), operator.getValue(), value.asDocument());
                    if (bound == Bound.NONE) {
                        unbounding.putIfAbsent(path, operator.getKey());
                    }
                    put(path, bound);
                }
            } else if (value.isRegularExpression()) {
                put(
                        path,
                        anchored(
                                        value.asRegularExpression().getPattern(),
                                        value.asRegularExpression().getOptions())
                                ? Bound.RANGE
                                : Bound.NONE);
            } else {
                put(path, Bound.EQUALITY);
            }
        }

        private Bound bound(String path, String operator, BsonValue value, BsonDocument operators) {
            switch (operator) {
                case "$eq":
                case "$all":
                    return Bound.EQUALITY;
                case "$in":
                    return value.isArray() && !value.asArray().isEmpty() ? Bound.EQUALITY : Bound.NONE;
                case "$gt":
                case "$gte":
                case "$lt":
                case "$lte":
                case "$type":
                case "$elemMatch":
                    return Bound.RANGE;
                case "$regex": {
                    BsonValue options = operators.get("$options");
                    String pattern = value.isString()
                            ? value.asString().getValue()
                            : value.isRegularExpression()
                                    ? value.asRegularExpression().getPattern()
                                    : "";
                    String flags = options != null && options.isString()
                            ? options.asString().getValue()
                            : "";
                    if (value.isRegularExpression()) {
                        flags += value.asRegularExpression().getOptions();
                    }
                    return anchored(pattern, flags) ? Bound.RANGE : Bound.NONE;
                }
                case "$near":
                case "$nearSphere":
                case "$geoWithin":
                case "$geoIntersects":
                case "$within":
                    geo.add(path);
                    return Bound.NONE;
                default:
                    return Bound.NONE;
            }
        }

        private static boolean anchored(String pattern, String flags) {
            return pattern.startsWith("^") && !pattern.startsWith("^.") && !flags.contains("i");
        }

        private void put(String path, Bound bound) {
            Bound current = bounds.get(path);
            if (current == null || bound.ordinal() < current.ordinal()) {
                bounds.put(path, bound);
            }
        }

        Bound bound(String path) {
            return bounds.getOrDefault(path, Bound.NONE);
        }

        /** This branch with the conditions of the enclosing filter added. */
        Filter and(Filter outer) {
            Filter merged = new Filter();
            merged.conditioned = true;
            merged.text = text || outer.text;
            merged.geo.addAll(geo);
            merged.geo.addAll(outer.geo);
            outer.bounds.forEach(merged::put);
            bounds.forEach(merged::put);
            merged.ors.addAll(ors);
            return merged;
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            bounds.forEach((path, bound) -> parts.add(path + " "
                    + (bound == Bound.EQUALITY
                            ? "equality"
                            : bound == Bound.RANGE ? "range" : "not bounded: " + unbounding.getOrDefault(path, "?"))));
            unbounding.forEach((key, operator) -> {
                if (key.startsWith("$")) {
                    parts.add(key + " not bounded");
                }
            });
            if (!ors.isEmpty()) {
                parts.add("$or with an unindexed branch");
            }
            if (text) {
                parts.add("$text without a text index");
            }
            return String.join(", ", parts);
        }
    }

    /** One index as {@code listIndexes} describes it. */
    static final class Index {
        final String name;
        final LinkedHashMap<String, BsonValue> keys = new LinkedHashMap<>();
        final String pattern;
        final Set<String> partialFields = new LinkedHashSet<>();

        private Index(String name, BsonDocument key) {
            this.name = name;
            key.forEach(keys::put);
            this.pattern = ShapeWriter.sort(key);
        }

        static Index of(BsonDocument spec) {
            BsonValue key = spec.get("key");
            if (key == null || !key.isDocument() || key.asDocument().isEmpty()) {
                return null;
            }
            BsonValue hidden = spec.get("hidden");
            if (hidden != null && hidden.isBoolean() && hidden.asBoolean().getValue()) {
                return null;
            }
            BsonValue name = spec.get("name");
            Index index =
                    new Index(name != null && name.isString() ? name.asString().getValue() : "?", key.asDocument());
            BsonValue partial = spec.get("partialFilterExpression");
            if (partial != null && partial.isDocument()) {
                collectFields(partial.asDocument(), index.partialFields);
            }
            return index;
        }

        private static void collectFields(BsonDocument filter, Set<String> into) {
            for (Map.Entry<String, BsonValue> entry : filter.entrySet()) {
                if (entry.getKey().equals("$and") && entry.getValue().isArray()) {
                    for (BsonValue clause : entry.getValue().asArray()) {
                        if (clause.isDocument()) {
                            collectFields(clause.asDocument(), into);
                        }
                    }
                } else if (!entry.getKey().startsWith("$")) {
                    into.add(entry.getKey());
                }
            }
        }

        /** How well this index bounds {@code model}: 0 not at all, more for more leading bounded fields. */
        int bounds(Filter model) {
            for (String field : partialFields) {
                if (model.bound(field) == Bound.NONE) {
                    return 0;
                }
            }
            Map.Entry<String, BsonValue> first = keys.entrySet().iterator().next();
            String field = first.getKey();
            BsonValue type = first.getValue();
            if (type.isString()) {
                switch (type.asString().getValue()) {
                    case "text":
                        return model.text ? 100 : 0;
                    case "2d":
                    case "2dsphere":
                        return model.geo.contains(field) ? 100 : 0;
                    case "hashed":
                        return model.bound(field) == Bound.EQUALITY ? 1 : 0;
                    default:
                        return 0;
                }
            }
            if (field.equals("$**") || field.endsWith(".$**")) {
                String prefix = field.equals("$**") ? "" : field.substring(0, field.length() - 3);
                for (Map.Entry<String, Bound> bound : model.bounds.entrySet()) {
                    if (bound.getValue() != Bound.NONE && bound.getKey().startsWith(prefix)) {
                        return 1;
                    }
                }
                return 0;
            }
            int score = 0;
            for (String key : keys.keySet()) {
                Bound bound = model.bound(key);
                if (bound == Bound.EQUALITY) {
                    score += 2;
                } else {
                    if (bound == Bound.RANGE) {
                        score += 1;
                    }
                    break;
                }
            }
            return score;
        }

        /** Whether scanning this index returns documents in {@code sort} order for {@code model}. */
        boolean givesOrder(Filter model, BsonDocument sort) {
            List<Map.Entry<String, BsonValue>> wanted = new ArrayList<>();
            for (Map.Entry<String, BsonValue> entry : sort.entrySet()) {
                if (model.bound(entry.getKey()) != Bound.EQUALITY) {
                    wanted.add(entry);
                }
            }
            if (wanted.isEmpty()) {
                return true;
            }
            List<Map.Entry<String, BsonValue>> indexKeys = new ArrayList<>(keys.entrySet());
            int i = 0;
            while (i < indexKeys.size()
                    && model.bound(indexKeys.get(i).getKey()) == Bound.EQUALITY
                    && !sort.containsKey(indexKeys.get(i).getKey())) {
                i++;
            }
            Boolean reversed = null;
            for (Map.Entry<String, BsonValue> want : wanted) {
                while (i < indexKeys.size()
                        && model.bound(indexKeys.get(i).getKey()) == Bound.EQUALITY
                        && !indexKeys.get(i).getKey().equals(want.getKey())) {
                    i++;
                }
                if (i >= indexKeys.size() || !indexKeys.get(i).getKey().equals(want.getKey())) {
                    return false;
                }
                Integer indexDirection = direction(indexKeys.get(i).getValue());
                Integer sortDirection = direction(want.getValue());
                if (indexDirection == null || sortDirection == null) {
                    return false;
                }
                boolean flipped = !indexDirection.equals(sortDirection);
                if (reversed == null) {
                    reversed = flipped;
                } else if (reversed != flipped) {
                    return false;
                }
                i++;
            }
            return true;
        }

        private static Integer direction(BsonValue value) {
            if (!value.isNumber()) {
                return null;
            }
            double d = value.asNumber().doubleValue();
            return d > 0 ? 1 : d < 0 ? -1 : null;
        }
    }
}
