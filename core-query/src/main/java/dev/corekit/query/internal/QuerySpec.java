package dev.corekit.query.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The part of a query an index decides on: the collection, the filter and sort (or an aggregation pipeline), and a
 * hint or collation when given. Built from what a caller passes, or from a command a client sent.
 *
 * @param collection the collection
 * @param filter the filter, empty for none
 * @param sort the sort, or null
 * @param pipeline the aggregation pipeline, or null for a find-like query
 * @param hint the hint, or null
 * @param collation the collation, or null
 */
public record QuerySpec(
        String collection,
        BsonDocument filter,
        BsonDocument sort,
        BsonArray pipeline,
        BsonValue hint,
        BsonDocument collation) {

    public QuerySpec {
        filter = filter == null ? new BsonDocument() : filter;
    }

    /** A find-like query. */
    public static QuerySpec find(String collection, BsonDocument filter, BsonDocument sort) {
        return new QuerySpec(collection, filter, sort == null || sort.isEmpty() ? null : sort, null, null, null);
    }

    /** An aggregation. */
    public static QuerySpec aggregate(String collection, BsonArray pipeline) {
        return new QuerySpec(collection, null, null, pipeline, null, null);
    }

    /**
     * The queries a command runs, one per statement of an update or delete; empty for commands that read through no
     * filter (inserts, getMore, administrative commands) or act on no collection.
     */
    public static List<QuerySpec> fromCommand(String commandName, String collection, BsonDocument command) {
        List<QuerySpec> specs = new ArrayList<>();
        if (collection == null || command == null || command.isEmpty()) {
            return specs;
        }
        BsonDocument collation = Commands.document(command, "collation");
        switch (commandName.toLowerCase(Locale.ROOT)) {
            case "find":
                specs.add(new QuerySpec(
                        collection,
                        Commands.document(command, "filter"),
                        nonEmpty(Commands.document(command, "sort")),
                        null,
                        command.get("hint"),
                        collation));
                break;
            case "aggregate": {
                BsonValue pipeline = command.get("pipeline");
                if (pipeline != null && pipeline.isArray()) {
                    specs.add(
                            new QuerySpec(collection, null, null, pipeline.asArray(), command.get("hint"), collation));
                }
                break;
            }
            case "count":
            case "distinct":
                specs.add(new QuerySpec(
                        collection, Commands.document(command, "query"), null, null, command.get("hint"), collation));
                break;
            case "findandmodify":
                specs.add(new QuerySpec(
                        collection,
                        Commands.document(command, "query"),
                        nonEmpty(Commands.document(command, "sort")),
                        null,
                        command.get("hint"),
                        collation));
                break;
            case "update":
            case "delete": {
                BsonValue statements =
                        command.get(commandName.toLowerCase(Locale.ROOT).equals("update") ? "updates" : "deletes");
                if (statements != null && statements.isArray()) {
                    for (BsonValue statement : statements.asArray()) {
                        if (statement.isDocument()) {
                            BsonDocument s = statement.asDocument();
                            specs.add(new QuerySpec(
                                    collection,
                                    Commands.document(s, "q"),
                                    null,
                                    null,
                                    s.get("hint"),
                                    Commands.document(s, "collation")));
                        }
                    }
                }
                break;
            }
            default:
                break;
        }
        return specs;
    }

    /** The command {@code explain} wraps: a find, or an aggregate with a cursor. */
    public BsonDocument explainable() {
        BsonDocument inner;
        if (pipeline != null) {
            inner = new BsonDocument("aggregate", new BsonString(collection))
                    .append("pipeline", pipeline)
                    .append("cursor", new BsonDocument());
        } else {
            inner = new BsonDocument("find", new BsonString(collection)).append("filter", filter);
            if (sort != null) {
                inner.append("sort", sort);
            }
        }
        if (hint != null) {
            inner.append("hint", hint);
        }
        if (collation != null) {
            inner.append("collation", collation);
        }
        return new BsonDocument("explain", inner).append("verbosity", new BsonString("queryPlanner"));
    }

    /** The redacted shape. */
    public String shape() {
        if (pipeline != null) {
            return "pipeline " + ShapeWriter.pipeline(pipeline);
        }
        String shape = "filter " + ShapeWriter.filter(filter);
        return sort == null ? shape : shape + " sort " + ShapeWriter.sort(sort);
    }

    private static BsonDocument nonEmpty(BsonDocument document) {
        return document == null || document.isEmpty() ? null : document;
    }
}
