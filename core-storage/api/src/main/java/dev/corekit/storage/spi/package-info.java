/**
 * The provider SPI: what a storage provider module implements ({@link dev.corekit.storage.spi.StorageProvider}, found
 * by {@link java.util.ServiceLoader}, opening an {@link dev.corekit.storage.spi.ObjectStore}). Services do not use it;
 * core corekit keeps the key rules, checksum comparison, retries and records in one place above it.
 */
package dev.corekit.storage.spi;
