package dev.corekit.samples.orders;

/**
 * A file attached to an order, as the order records it: what the storage proved it stored.
 *
 * @param name the attachment's name within the order ({@code invoice.pdf})
 * @param key the private file's key
 * @param size its size in bytes
 * @param crc32c its CRC32C, base64, as the provider stored and corekit checked it
 * @param contentType its content type
 */
public record Attachment(String name, String key, long size, String crc32c, String contentType) {}
