/**
 * RabbitMQ events that survive connection cuts, broker restarts and blocked brokers: typed event contracts
 * ({@link dev.corekit.messaging.EventType}) in one JSON {@link dev.corekit.messaging.Envelope} that carries the
 * {@link dev.corekit.context.CallContext}; supervised connections with honest {@link dev.corekit.messaging.Health};
 * publishes whose futures always complete ({@link dev.corekit.messaging.EventPublisher}); consumers with manual acks,
 * bounded concurrency, delay-queue retries, a dead-letter queue and idempotent handling
 * ({@link dev.corekit.messaging.EventConsumer}, {@link dev.corekit.messaging.IdempotencyStore}). Start at
 * {@link dev.corekit.messaging.Messaging}.
 */
package dev.corekit.messaging;
