/**
 * Provider-agnostic object storage with integrity first: {@link dev.corekit.storage.Storage} gives
 * {@link dev.corekit.storage.PublicFiles} (immutable, CDN URLs) and {@link dev.corekit.storage.PrivateFiles} (signed
 * URLs), over a local directory, S3 (and S3-compatible stores) or GCS, chosen by {@code corekit.storage.provider}.
 *
 * <p>Every write computes the CRC32C of the bytes it sends, once and in constant memory, sends it so the provider
 * rejects a mismatch, and compares the checksum the provider stored before returning a
 * {@link dev.corekit.storage.StoredFile}; on a mismatch nothing corrupt remains and an
 * {@link dev.corekit.storage.IntegrityException} names the key and both checksums. Reads verify on request and say so
 * in a {@link dev.corekit.storage.ReadVerdict}.
 */
package dev.corekit.storage;
