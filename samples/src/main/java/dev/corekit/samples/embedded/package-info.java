/**
 * The embedded defaults that let the sample run on a laptop with nothing installed. Each one starts only when its
 * setting is absent; production code paths are the same, only the endpoint differs. Never used by a real service.
 */
package dev.corekit.samples.embedded;
