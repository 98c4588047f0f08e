/**
 * core-messaging against the raw amqp-client on the real RabbitMQ (127.0.0.1:5672): publish-with-confirms
 * throughput, end-to-end consume-and-ack throughput, and the time from a fault to consuming again.
 */
package dev.corekit.benchmarks.messaging;
