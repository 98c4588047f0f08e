/**
 * MongoDB query discipline: the client every service uses ({@link dev.corekit.query.QueryClient}) with a command
 * monitor that attributes every command to the operation it ran in ({@link dev.corekit.query.CommandMonitor}).
 */
package dev.corekit.query;
