/**
 * The scripted walk-through that {@code ./mvnw -Prun-sample package} runs against the sample over real HTTP, and the
 * in-memory tap that lets it print every record of one request.
 */
package dev.corekit.samples.walkthrough;
