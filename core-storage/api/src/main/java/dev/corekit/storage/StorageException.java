package dev.corekit.storage;

import dev.corekit.logging.ClassifiedError;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A storage call that failed, with the {@link Reason} in one word and the file key it concerned. Messages name the
 * key, the provider and what happened; never a credential or a signed URL. Its {@link #code()} is
 * {@code STORAGE_<REASON>} and {@link #retryable()} says whether the same call may succeed later (corekit has already
 * retried it as often as {@code corekit.storage.retry-max-attempts} allows).
 *
 * <pre>{@code
 * try {
 *     files.put(key, in, PutOptions.of("application/pdf"));
 * } catch (IntegrityException e) {
 *     // nothing was stored: do not persist a record for this file
 * } catch (StorageException e) {
 *     if (e.reason() == StorageException.Reason.ALREADY_EXISTS) { ... }
 * }
 * }</pre>
 */
public class StorageException extends RuntimeException implements ClassifiedError {
    private static final long serialVersionUID = 1L;

    /** Why a storage call failed. */
    public enum Reason {
        /** No file has that key. */
        NOT_FOUND(false),
        /** A create-only write (public files) found the key taken. */
        ALREADY_EXISTS(false),
        /** The bytes stored or read are not the bytes sent: see {@link IntegrityException}. */
        INTEGRITY(false),
        /** The caller's stream failed or held a different length than declared; nothing was stored. */
        SOURCE_FAILED(false),
        /** The provider refused the call: access denied, a missing bucket, a request it does not accept. */
        REJECTED(false),
        /** The provider could not be reached or answered with a transient error; a later call may succeed. */
        UNAVAILABLE(true);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether a call that failed for this reason may succeed when made again. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;
    private final String key;

    /**
     * A failure concerning {@code key} (null when the call concerned no single file).
     *
     * @param reason why the call failed
     * @param key the file key, as the caller passed it; may be null
     * @param message what happened, naming no credential or signed URL
     * @param cause the underlying failure; may be null
     */
    public StorageException(Reason reason, String key, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.key = key;
    }

    /** Why the call failed. */
    public Reason reason() {
        return reason;
    }

    /** The key of the file concerned, if the call concerned one. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** {@code STORAGE_} and the reason, e.g. {@code STORAGE_INTEGRITY}. */
    @Override
    public String code() {
        return "STORAGE_" + reason.name().toUpperCase(Locale.ROOT);
    }

    @Override
    public boolean retryable() {
        return reason.retryable();
    }
}
