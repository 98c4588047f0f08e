/**
 * The Google Cloud Storage provider of core-storage: {@link dev.corekit.storage.gcs.GcsStorageProvider} and its
 * {@link dev.corekit.storage.gcs.GcsSettings}. Services use the provider-agnostic {@link dev.corekit.storage.Storage};
 * they add this module and set {@code corekit.storage.provider=gcs}.
 */
package dev.corekit.storage.gcs;
