package dev.corekit.samples.walkthrough;

import dev.corekit.logging.LogRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Shows the records of one request as the tree they form: each operation once (its completion when it has one), under
 * the operation it ran in, with its status, duration, thread, attributes and stages; events under the operation they
 * happened in.
 *
 * <pre>
 * orders.create SUCCEEDED 14.2 ms on http-2 {http.method=POST, http.path=/orders, http.status=201}
 *   order.place SUCCEEDED 12.0 ms on http-2 {items=2, db.roundTrips=1} stages [priced, stored]
 *     order.price SUCCEEDED 0.4 ms on order-pricing-1 {lines=2}
 * </pre>
 */
public final class RecordTree {
    private RecordTree() {}

    /** One line per record, indented by depth, roots in start order. */
    public static List<String> lines(List<LogRecord> records) {
        Map<String, LogRecord> latest = new LinkedHashMap<>();
        for (LogRecord record : records) {
            if (record.kind() != LogRecord.Kind.OPERATION || !record.isStart() || !latest.containsKey(record.id())) {
                latest.put(record.id(), record);
            }
        }
        Map<String, List<LogRecord>> children = new LinkedHashMap<>();
        List<LogRecord> roots = new ArrayList<>();
        for (LogRecord record : latest.values()) {
            String parent = record.context().parentOperationId();
            if (parent != null && latest.containsKey(parent)) {
                children.computeIfAbsent(parent, id -> new ArrayList<>()).add(record);
            } else {
                roots.add(record);
            }
        }
        List<String> lines = new ArrayList<>();
        roots.stream().sorted(BY_START).forEach(root -> append(lines, root, children, 0));
        return lines;
    }

    private static final Comparator<LogRecord> BY_START = Comparator.comparing(LogRecord::startedAt);

    private static void append(List<String> lines, LogRecord record, Map<String, List<LogRecord>> children, int depth) {
        lines.add("  ".repeat(depth) + describe(record));
        children.getOrDefault(record.id(), List.of()).stream()
                .sorted(BY_START)
                .forEach(child -> append(lines, child, children, depth + 1));
    }

    /** One record on one line. */
    public static String describe(LogRecord record) {
        StringBuilder line = new StringBuilder(record.name());
        if (record.kind() == LogRecord.Kind.OPERATION) {
            line.append(' ').append(record.status());
            if (record.durationMicros() >= 0) {
                line.append(String.format(Locale.ROOT, " %.1f ms", record.durationMicros() / 1000.0));
            }
        } else {
            line.append(' ').append(record.level()).append(" event: ").append(record.message());
        }
        line.append(" on ").append(record.thread());
        if (!record.attributes().isEmpty()) {
            line.append(' ').append(record.attributes());
        }
        if (!record.stages().isEmpty()) {
            line.append(" stages ")
                    .append(record.stages().stream().map(LogRecord.Stage::name).collect(Collectors.toList()));
        }
        if (record.error() != null) {
            line.append(" error ").append(record.error().type());
            if (record.error().code() != null) {
                line.append(" (").append(record.error().code()).append(')');
            }
        }
        return line.toString();
    }
}
