package dev.corekit.query.testing;

import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.query.IndexVerdict;
import dev.corekit.query.QueryClient;
import dev.corekit.query.internal.Checker;
import dev.corekit.query.internal.Monitor;
import dev.corekit.query.internal.QuerySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Holds a block of code to a query budget in tests: at most {@code k} round trips to MongoDB, and no query that no
 * index serves. A block over budget fails with an {@link AssertionError} that lists every command it sent, each with
 * its redacted shape and the line that issued it, so an N+1 loop or a collection scan points at its own source.
 *
 * <pre>{@code
 * @Test
 * void pricingACartTakesTwoQueriesWhateverItsSize() {
 *     QueryBudget.of(mongo).maxRoundTrips(2).noCollectionScans().run(() -> cart.price(items));
 * }
 * }</pre>
 *
 * <p>What counts: every command started while the block runs in the block's trace: on the calling thread, and on
 * threads the block hands its context to through {@code ContextExecutors}. A block that runs outside any trace gets a
 * fresh one for its duration, so commands of other tests running in parallel never count. Index checks run after the
 * block, through {@link dev.corekit.query.IndexChecker}'s logic ({@code explain} where the server has it, else prefix
 * analysis); their own commands do not count. Immutable: each method returns a new budget.
 */
public final class QueryBudget {
    private final QueryClient client;
    private final Integer maxRoundTrips;
    private final boolean noScans;
    private final boolean noSorts;
    private final Set<String> allowedScans;

    private QueryBudget(
            QueryClient client, Integer maxRoundTrips, boolean noScans, boolean noSorts, Set<String> allowedScans) {
        this.client = client;
        this.maxRoundTrips = maxRoundTrips;
        this.noScans = noScans;
        this.noSorts = noSorts;
        this.allowedScans = allowedScans;
    }

    /** A budget with no limit yet, on the commands of {@code client}. */
    public static QueryBudget of(QueryClient client) {
        return new QueryBudget(Objects.requireNonNull(client, "client"), null, false, false, Set.of());
    }

    /** At most {@code k} round trips (commands, {@code getMore}s included). */
    public QueryBudget maxRoundTrips(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("a round-trip budget cannot be negative, got " + k);
        }
        return new QueryBudget(client, k, noScans, noSorts, allowedScans);
    }

    /** No query that reads a whole collection. */
    public QueryBudget noCollectionScans() {
        return new QueryBudget(client, maxRoundTrips, true, noSorts, allowedScans);
    }

    /** No query whose order needs an in-memory sort (implies {@link #noCollectionScans()}). */
    public QueryBudget noInMemorySorts() {
        return new QueryBudget(client, maxRoundTrips, true, true, allowedScans);
    }

    /** Scans of these collections are fine (small reference data, say). */
    public QueryBudget allowScansOf(String... collections) {
        Set<String> allowed = new LinkedHashSet<>(allowedScans);
        Collections.addAll(allowed, collections);
        return new QueryBudget(client, maxRoundTrips, noScans, noSorts, Set.copyOf(allowed));
    }

    /**
     * Runs {@code block} and checks the budget.
     *
     * @throws AssertionError when the block went over budget, listing its commands
     */
    public void run(Runnable block) {
        Objects.requireNonNull(block, "block");
        try (Recording recording = open()) {
            block.run();
        }
    }

    /**
     * Runs {@code block}, checks the budget and returns the block's result.
     *
     * @throws AssertionError when the block went over budget, listing its commands
     * @throws Exception what the block throws (a budget failure is then attached to it as suppressed)
     */
    public <T> T call(Callable<T> block) throws Exception {
        Objects.requireNonNull(block, "block");
        try (Recording recording = open()) {
            return block.call();
        }
    }

    /** Starts recording; {@link Recording#close()} checks the budget. Close it on the thread that opened it. */
    public Recording open() {
        return new Recording(this);
    }

    /** A block being recorded: its commands so far, and the check at {@link #close()}. */
    public static final class Recording implements AutoCloseable {
        private final QueryBudget budget;
        private final Monitor monitor;
        private final String traceId;
        private final Scope scope;
        private final List<Monitor.Observed> commands = new CopyOnWriteArrayList<>();
        private final AutoCloseable tap;
        private boolean closed;

        private Recording(QueryBudget budget) {
            this.budget = budget;
            this.monitor = Monitor.of(budget.client.monitor());
            CallContext current = CallContext.current();
            CallContext traced = current.traceId() != null ? current : CallContext.newRequest();
            this.traceId = traced.traceId();
            this.scope = traced == current ? null : traced.activate();
            this.tap = monitor.addTap(new Monitor.Tap() {
                @Override
                public boolean observes(CallContext context) {
                    return traceId.equals(context.traceId());
                }

                @Override
                public void accept(Monitor.Observed command) {
                    commands.add(command);
                }
            });
        }

        /** Round trips so far. */
        public int roundTrips() {
            return commands.size();
        }

        /** Each command so far, one line: name, namespace, redacted shape and where it was issued. */
        public List<String> commands() {
            return commands.stream().map(Recording::describe).toList();
        }

        /**
         * Stops recording and checks the budget.
         *
         * @throws AssertionError when the block went over budget
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                tap.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not stop recording", e);
            } finally {
                if (scope != null) {
                    scope.close();
                }
            }
            List<Monitor.Observed> sent = List.copyOf(commands);
            StringBuilder failure = new StringBuilder();
            if (budget.maxRoundTrips != null && sent.size() > budget.maxRoundTrips) {
                failure.append("query budget exceeded: ")
                        .append(sent.size())
                        .append(" round trips, at most ")
                        .append(budget.maxRoundTrips)
                        .append(" allowed\n");
                for (int i = 0; i < sent.size(); i++) {
                    failure.append(String.format("  %2d. %s%n", i + 1, describe(sent.get(i))));
                }
                repeated(sent, failure);
            }
            if (budget.noScans) {
                List<String> unindexed = unindexed(sent);
                if (!unindexed.isEmpty()) {
                    failure.append("query budget: ")
                            .append(unindexed.size())
                            .append(unindexed.size() == 1 ? " query" : " queries")
                            .append(budget.noSorts ? " no index fully serves\n" : " no index serves\n");
                    unindexed.forEach(
                            line -> failure.append("  - ").append(line).append('\n'));
                }
            }
            if (failure.length() > 0) {
                throw new AssertionError(failure.toString().stripTrailing());
            }
        }

        private List<String> unindexed(List<Monitor.Observed> sent) {
            Checker checker = new Checker(true);
            Map<String, IndexVerdict> verdicts = new HashMap<>();
            List<String> lines = new ArrayList<>();
            Set<String> reported = new LinkedHashSet<>();
            for (Monitor.Observed command : sent) {
                if (command.command() == null || budget.allowedScans.contains(command.collection())) {
                    continue;
                }
                for (QuerySpec spec :
                        QuerySpec.fromCommand(command.commandName(), command.collection(), command.command())) {
                    String key = command.database() + "." + spec.collection() + " " + spec.shape();
                    IndexVerdict verdict = verdicts.computeIfAbsent(
                            key, k -> checker.check(budget.client.database(command.database()), spec));
                    boolean bad = verdict.kind() == IndexVerdict.Kind.COLLECTION_SCAN
                            || (budget.noSorts && verdict.kind() == IndexVerdict.Kind.IN_MEMORY_SORT);
                    if (bad && reported.add(key + " " + command.callSite())) {
                        lines.add(command.commandName() + " " + verdict.namespace() + " " + verdict.shape() + " — "
                                + verdict.kind() + ": " + verdict.reason() + " ("
                                + verdict.method()
                                        .name()
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .replace('_', ' ')
                                + ") — at " + (command.callSite() == null ? "(unknown)" : command.callSite()));
                    }
                }
            }
            return lines;
        }

        /** Points at the likely N+1: the same shape sent again and again from one line. */
        private static void repeated(List<Monitor.Observed> sent, StringBuilder failure) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (Monitor.Observed command : sent) {
                counts.merge(
                        command.commandName() + " " + command.shape() + " at " + command.callSite(), 1, Integer::sum);
            }
            counts.forEach((what, count) -> {
                if (count > 2) {
                    failure.append("  the same command ")
                            .append(count)
                            .append(" times: ")
                            .append(what)
                            .append(" — an N+1 loop? load the keys together with BatchLoader\n");
                }
            });
        }

        private static String describe(Monitor.Observed command) {
            return command.commandName() + " " + command.database()
                    + (command.collection() == null ? "" : "." + command.collection())
                    + (command.shape().isEmpty() ? "" : " " + command.shape()) + " — at "
                    + (command.callSite() == null ? "(unknown)" : command.callSite());
        }
    }
}
