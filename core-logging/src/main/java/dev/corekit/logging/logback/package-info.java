/**
 * Logback glue for a service: a JSON encoder in corekit's record shape, an appender that persists log events into the
 * MongoDB sink, and a {@code Configurator} found by {@code ServiceLoader} that gives a service with no
 * {@code logback.xml} the platform's output (and steps aside when the service brings its own, which can include
 * {@code corekit-base.xml}).
 */
package dev.corekit.logging.logback;
