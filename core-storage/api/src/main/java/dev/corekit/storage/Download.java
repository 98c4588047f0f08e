package dev.corekit.storage;

import java.io.InputStream;

/**
 * The content of one stored file as a stream, with what the provider says about it and, once the stream has been read
 * to its end, the verdict of the CRC32C check.
 *
 * <pre>{@code
 * try (Download in = files.open("invoices/2026/1.pdf", Verification.VERIFY)) {
 *     in.transferTo(response.getOutputStream());
 *     log.info("served {} ({})", in.info().key(), in.verdict().status());
 * }
 * }</pre>
 *
 * <p>With {@link Verification#VERIFY}, the read that reaches the end of a corrupt stream throws an
 * {@link java.io.IOException} caused by an {@link IntegrityException}: code that only copies bytes cannot pass on a
 * corrupt file unknowingly. Not thread-safe, like any stream.
 */
public abstract class Download extends InputStream {
    /** For corekit's implementation. */
    protected Download() {}

    /** What the provider said about the file when the download started (its key is the caller's key). */
    public abstract FileInfo info();

    /**
     * The verdict so far: {@link ReadVerdict.Status#SKIPPED} ("not read to the end") until the last byte has been read,
     * then {@link ReadVerdict.Status#VALIDATED} or {@link ReadVerdict.Status#MISMATCH}, or SKIPPED with the reason no
     * check was possible.
     */
    public abstract ReadVerdict verdict();
}
