/**
 * Serving the local provider's files over the JDK HTTP server: {@link dev.corekit.storage.local.LocalFilesHandler}
 * answers public GETs, signed GETs and signed, checksum-checked PUTs.
 */
package dev.corekit.storage.local;
