/** Red-team tests of core-messaging: hostile but fair inputs against every documented promise. */
package dev.corekit.messaging.redteam;
