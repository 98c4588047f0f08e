/** Internals of core-messaging: may change in any release; use {@link dev.corekit.messaging}. */
package dev.corekit.messaging.internal;
