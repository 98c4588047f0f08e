/**
 * Revocable sessions behind token pairs: {@link dev.corekit.auth.session.SessionStore} with a MongoDB implementation
 * ({@link dev.corekit.auth.session.MongoSessionStore}, majority writes, TTL expiry) and an in-memory one for tests.
 */
package dev.corekit.auth.session;
