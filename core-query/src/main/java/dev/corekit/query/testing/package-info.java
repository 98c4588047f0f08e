/**
 * Test helpers for query discipline: {@link dev.corekit.query.testing.QueryBudget} fails a block that sends more
 * round trips than allowed or runs a query no index serves, showing each offending command's redacted shape and the
 * line that issued it.
 */
package dev.corekit.query.testing;
