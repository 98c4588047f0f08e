/**
 * Persistence of records to one MongoDB collection: {@link dev.corekit.logging.mongo.MongoSink} (bounded queue, batched
 * bulk writes on its own thread, WARN+ spill to disk while MongoDB is unreachable and replay on recovery, exact drop
 * counters, bounded drain at close) configured by {@link dev.corekit.logging.mongo.MongoSinkSettings}. The schema,
 * indexes and accounting rules are documented on {@code MongoSink}.
 */
package dev.corekit.logging.mongo;
