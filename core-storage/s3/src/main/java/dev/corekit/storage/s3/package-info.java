/**
 * The S3 provider of core-storage: {@link dev.corekit.storage.s3.S3StorageProvider} and its
 * {@link dev.corekit.storage.s3.S3Settings}. Services use the provider-agnostic {@link dev.corekit.storage.Storage};
 * they add this module and set {@code corekit.storage.provider=s3}.
 */
package dev.corekit.storage.s3;
