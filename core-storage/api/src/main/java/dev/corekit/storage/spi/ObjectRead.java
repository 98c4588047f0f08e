package dev.corekit.storage.spi;

import dev.corekit.storage.FileInfo;
import java.io.InputStream;
import java.util.Objects;

/**
 * An object opened for reading: what the provider says about it (its stored CRC32C above all) and its bytes, unchecked
 * (core corekit checks them).
 *
 * @param info the object's metadata, its full object key included
 * @param content its bytes; closed by the caller
 */
public record ObjectRead(FileInfo info, InputStream content) {
    public ObjectRead {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(content, "content");
    }
}
