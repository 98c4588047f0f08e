/**
 * MongoDB query discipline: the client every service uses ({@link dev.corekit.query.QueryClient}) with a command
 * monitor that attributes every command to the operation it ran in ({@link dev.corekit.query.CommandMonitor}), and a
 * {@code $in} batch loader against N+1 ({@link dev.corekit.query.BatchLoader}, {@link dev.corekit.query.BatchValidator}).
 */
package dev.corekit.query;
