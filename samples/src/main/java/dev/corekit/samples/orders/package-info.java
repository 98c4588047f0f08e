/**
 * The orders domain of the sample: orders stored in MongoDB through core-query's monitored client, priced on a pool
 * wrapped once with {@link dev.corekit.context.ContextExecutors}, served by {@link dev.corekit.samples.orders.OrdersApi}.
 */
package dev.corekit.samples.orders;
