package dev.corekit.query;

import java.util.Objects;

/**
 * Whether an index serves a query, as {@link IndexChecker} found it.
 *
 * @param kind what the server does (or would do) to answer it
 * @param method how that was found out
 * @param namespace {@code database.collection}
 * @param shape the query's redacted shape (values replaced by {@code ?})
 * @param index the index that serves it (names joined with {@code +} for an {@code $or} served by several), or null
 * @param reason one sentence on why, naming the stage or the indexes considered
 * @param plan the normalized winning plan when {@code method} is {@link Method#EXPLAIN}, else null
 */
public record IndexVerdict(
        Kind kind, Method method, String namespace, String shape, String index, String reason, PlanNode plan) {

    /** What answering the query takes. */
    public enum Kind {
        /** An index bounds the scan, and gives the requested order if any. */
        INDEXED,
        /** An index bounds the scan, but the requested order needs a blocking sort in memory. */
        IN_MEMORY_SORT,
        /** No index can serve the filter: every document of the collection is read. */
        COLLECTION_SCAN
    }

    /** How a verdict was reached. */
    public enum Method {
        /** From the server's {@code explain} plan: what this server would really do. */
        EXPLAIN,
        /**
         * From the collection's indexes and the filter and sort alone, for servers without {@code explain}: an index
         * serves a filter when its first field is bounded by an equality, {@code $in} or range condition; it is
         * stricter than the server's planner (an unanchored regex or a negation never counts).
         */
        PREFIX_ANALYSIS
    }

    public IndexVerdict {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(reason, "reason");
    }

    /** Whether an index bounds the scan (the order may still need an in-memory sort). */
    public boolean servedByIndex() {
        return kind != Kind.COLLECTION_SCAN;
    }

    /** One line: kind, namespace, shape, index and reason. */
    @Override
    public String toString() {
        return kind + " " + namespace + " " + shape + (index == null ? "" : " via " + index) + ": " + reason + " ("
                + method.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
    }
}
