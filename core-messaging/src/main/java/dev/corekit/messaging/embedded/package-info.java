/**
 * An embedded AMQP broker for samples and laptops without RabbitMQ: {@link
 * dev.corekit.messaging.embedded.EmbeddedBroker} (Apache Qpid Broker-J in memory). Requires the optional Qpid
 * dependencies of core-messaging; never used by production code paths.
 */
package dev.corekit.messaging.embedded;
