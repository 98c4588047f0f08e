package dev.corekit.query.internal;

import java.util.Map;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Renders the shape of a filter, sort or pipeline with every value replaced by {@code ?}: field names, operators and
 * sort directions stay, so two calls that differ only in their values have the same shape, and no value (an email, a
 * token) ever reaches a log. Arrays of values keep their length ({@code [?×120]}) because a huge {@code $in} is itself
 * the finding. Output is bounded: deep or long shapes are cut with {@code …}.
 */
public final class ShapeWriter {
    /** The longest shape rendered, in characters. */
    public static final int MAX_LENGTH = 1_000;

    private static final int MAX_DEPTH = 12;
    /** Operator values that describe structure, not data: kept as they are. */
    private static final Set<String> STRUCTURAL_SCALARS = Set.of("$exists", "$type", "$meta");

    private final StringBuilder out = new StringBuilder(64);

    private ShapeWriter() {}

    /** The redacted shape of a query filter, e.g. {@code {status: ?, total: {$gt: ?}}}. */
    public static String filter(BsonDocument filter) {
        if (filter == null) {
            return "{}";
        }
        ShapeWriter writer = new ShapeWriter();
        writer.filterDocument(filter, 0);
        return writer.result();
    }

    /** A sort (or index key pattern) as written: fields and directions are not data. */
    public static String sort(BsonDocument sort) {
        if (sort == null || sort.isEmpty()) {
            return "";
        }
        ShapeWriter writer = new ShapeWriter();
        writer.out.append('{');
        boolean first = true;
        for (Map.Entry<String, BsonValue> entry : sort.entrySet()) {
            if (!first) {
                writer.out.append(", ");
            }
            first = false;
            writer.out.append(entry.getKey()).append(": ");
            BsonValue value = entry.getValue();
            if (value.isNumber()) {
                writer.out.append(value.asNumber().intValue());
            } else if (value.isString()) {
                writer.out.append('"').append(value.asString().getValue()).append('"');
            } else if (value.isDocument()) {
                writer.out.append(value.asDocument().toJson());
            } else {
                writer.out.append('?');
            }
            if (writer.full()) {
                break;
            }
        }
        writer.out.append('}');
        return writer.result();
    }

    /** An aggregation pipeline: stage names, with {@code $match} filters and {@code $sort} keys shaped. */
    public static String pipeline(BsonArray pipeline) {
        if (pipeline == null) {
            return "[]";
        }
        ShapeWriter writer = new ShapeWriter();
        writer.out.append('[');
        boolean first = true;
        for (BsonValue stage : pipeline) {
            if (!first) {
                writer.out.append(", ");
            }
            first = false;
            if (!stage.isDocument() || stage.asDocument().isEmpty()) {
                writer.out.append('?');
                continue;
            }
            String name = stage.asDocument().getFirstKey();
            BsonValue body = stage.asDocument().get(name);
            writer.out.append(name);
            if ("$match".equals(name) && body.isDocument()) {
                writer.out.append(' ');
                writer.filterDocument(body.asDocument(), 1);
            } else if ("$sort".equals(name) && body.isDocument()) {
                writer.out.append(' ').append(sort(body.asDocument()));
            } else if ("$lookup".equals(name) && body.isDocument()) {
                BsonValue from = body.asDocument().get("from");
                if (from != null && from.isString()) {
                    writer.out.append(" from ").append(from.asString().getValue());
                }
            }
            if (writer.full()) {
                break;
            }
        }
        writer.out.append(']');
        return writer.result();
    }

    private void filterDocument(BsonDocument document, int depth) {
        if (depth > MAX_DEPTH) {
            out.append("{…}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, BsonValue> entry : document.entrySet()) {
            if (full()) {
                break;
            }
            if (!first) {
                out.append(", ");
            }
            first = false;
            String key = entry.getKey();
            out.append(key).append(": ");
            BsonValue value = entry.getValue();
            if (key.equals("$and") || key.equals("$or") || key.equals("$nor")) {
                clauses(value, depth);
            } else if (key.equals("$expr")) {
                expression(value, depth + 1);
            } else if (key.startsWith("$")) {
                operatorValue(key, value, depth);
            } else if (value.isDocument() && isOperatorDocument(value.asDocument())) {
                operators(value.asDocument(), depth + 1);
            } else {
                out.append('?');
            }
        }
        out.append('}');
    }

    private void clauses(BsonValue value, int depth) {
        if (!value.isArray()) {
            out.append('?');
            return;
        }
        out.append('[');
        boolean first = true;
        for (BsonValue clause : value.asArray()) {
            if (full()) {
                break;
            }
            if (!first) {
                out.append(", ");
            }
            first = false;
            if (clause.isDocument()) {
                filterDocument(clause.asDocument(), depth + 1);
            } else {
                out.append('?');
            }
        }
        out.append(']');
    }

    private void operators(BsonDocument document, int depth) {
        if (depth > MAX_DEPTH) {
            out.append("{…}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, BsonValue> entry : document.entrySet()) {
            if (full()) {
                break;
            }
            if (!first) {
                out.append(", ");
            }
            first = false;
            out.append(entry.getKey()).append(": ");
            operatorValue(entry.getKey(), entry.getValue(), depth);
        }
        out.append('}');
    }

    private void operatorValue(String operator, BsonValue value, int depth) {
        if (STRUCTURAL_SCALARS.contains(operator) && (value.isBoolean() || value.isNumber() || value.isString())) {
            out.append(value.isString() ? '"' + value.asString().getValue() + '"' : scalar(value));
        } else if (operator.equals("$elemMatch") && value.isDocument()) {
            filterDocument(value.asDocument(), depth + 1);
        } else if (operator.equals("$not") && value.isDocument()) {
            operators(value.asDocument(), depth + 1);
        } else if (value.isArray()) {
            out.append("[?×").append(value.asArray().size()).append(']');
        } else {
            out.append('?');
        }
    }

    /** {@code $expr}: field paths ({@code "$total"}) and operators stay, literals become {@code ?}. */
    private void expression(BsonValue value, int depth) {
        if (depth > MAX_DEPTH || full()) {
            out.append('…');
            return;
        }
        if (value.isString() && value.asString().getValue().startsWith("$")) {
            out.append('"').append(value.asString().getValue()).append('"');
        } else if (value.isArray()) {
            out.append('[');
            boolean first = true;
            for (BsonValue item : value.asArray()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                expression(item, depth + 1);
            }
            out.append(']');
        } else if (value.isDocument()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, BsonValue> entry : value.asDocument().entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                out.append(entry.getKey()).append(": ");
                expression(entry.getValue(), depth + 1);
            }
            out.append('}');
        } else {
            out.append('?');
        }
    }

    private static String scalar(BsonValue value) {
        if (value.isBoolean()) {
            return Boolean.toString(value.asBoolean().getValue());
        }
        return Integer.toString(value.asNumber().intValue());
    }

    /** Whether every key of {@code document} is an operator ({@code {$gt: 1}}), not an embedded document. */
    public static boolean isOperatorDocument(BsonDocument document) {
        if (document.isEmpty()) {
            return false;
        }
        for (String key : document.keySet()) {
            if (!key.startsWith("$")) {
                return false;
            }
        }
        return true;
    }

    private boolean full() {
        return out.length() >= MAX_LENGTH;
    }

    private String result() {
        if (out.length() > MAX_LENGTH) {
            out.setLength(MAX_LENGTH);
            out.append('…');
        }
        return out.toString();
    }
}
