/**
 * Storage benchmarks (issue 15, item 6): CRC32C streaming inside a put against the raw {@code CRC32C.update}, a
 * 100 MiB put through corekit against the raw AWS SDK put on the same in-process S3Mock, and the heap held while a
 * 1 GiB stream of unknown length is uploaded.
 */
package dev.corekit.benchmarks.storage;
