/**
 * MongoDB-backed parts of core-messaging: {@link dev.corekit.messaging.mongo.MongoIdempotencyStore}. Requires
 * {@code org.mongodb:mongodb-driver-sync}, an optional dependency of core-messaging.
 */
package dev.corekit.messaging.mongo;
