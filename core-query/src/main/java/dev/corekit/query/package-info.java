/**
 * MongoDB query discipline: the client every service uses ({@link dev.corekit.query.QueryClient}) with a command
 * monitor that attributes every command to the operation it ran in ({@link dev.corekit.query.CommandMonitor}), a
 * {@code $in} batch loader against N+1 ({@link dev.corekit.query.BatchLoader}, {@link dev.corekit.query.BatchValidator}),
 * indexes declared in code and ensured at startup ({@link dev.corekit.query.IndexDeclaration}), a checker that flags
 * queries no index serves ({@link dev.corekit.query.IndexChecker}, {@link dev.corekit.query.PlanNode}), projections
 * derived from the records callers read ({@link dev.corekit.query.Projection}) and keyset pages with tamper-checked
 * cursor tokens ({@link dev.corekit.query.KeysetPager}). Test helpers that hold a block to a query budget are in
 * {@code dev.corekit.query.testing}.
 */
package dev.corekit.query;
