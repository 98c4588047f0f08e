/**
 * core-auth: one authenticated call through the whole interceptor pipeline (HS256 and ES256) against raw
 * nimbus-jose-jwt verifying the same token, and the slow-call watchdog's cost per call.
 */
package dev.corekit.benchmarks.auth;
