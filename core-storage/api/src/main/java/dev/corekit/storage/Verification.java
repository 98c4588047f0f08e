package dev.corekit.storage;

/** Whether a read checks the bytes against the CRC32C the provider stored. */
public enum Verification {
    /**
     * Compute the CRC32C of the bytes as they are read and compare it with the stored one at the end of the stream: a
     * mismatch fails the last read with an {@link java.io.IOException} caused by an {@link IntegrityException}, and the
     * verdict says {@link ReadVerdict.Status#MISMATCH}.
     */
    VERIFY,
    /** Do not check; the verdict says {@link ReadVerdict.Status#SKIPPED}. */
    SKIP
}
