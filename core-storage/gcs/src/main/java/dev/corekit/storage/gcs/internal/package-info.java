/** Implementation of the GCS provider; not API. */
package dev.corekit.storage.gcs.internal;
