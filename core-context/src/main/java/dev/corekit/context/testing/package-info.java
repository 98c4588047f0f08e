/**
 * Test support for context propagation: {@link dev.corekit.context.testing.StrictScopes} turns scope misuse (a scope
 * closed out of order, on another thread, or never) into a failure that names where each scope was opened. Meant for
 * tests; production code runs in the lenient default, where misuse is logged once and the thread is still restored.
 */
package dev.corekit.context.testing;
