package dev.corekit.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * The explicit outcome of checking what was read against the checksum the provider stored: {@link Status#VALIDATED},
 * {@link Status#SKIPPED} with the reason, or {@link Status#MISMATCH} with both checksums.
 *
 * @param status the outcome
 * @param expected the checksum the provider stored, if it stores one
 * @param actual the checksum of the bytes read, if they were all read
 * @param reason why the check was skipped or failed, in words; empty when validated
 */
public record ReadVerdict(Status status, Optional<Crc32c> expected, Optional<Crc32c> actual, Optional<String> reason) {

    /** The outcome of a read check. */
    public enum Status {
        /** Every byte was read and its CRC32C equals the stored one. */
        VALIDATED,
        /** No check was made; {@link ReadVerdict#reason()} says why. */
        SKIPPED,
        /** Every byte was read and its CRC32C differs from the stored one. */
        MISMATCH
    }

    public ReadVerdict {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(reason, "reason");
    }

    /** Every byte read, checksum equal to the stored one. */
    public static ReadVerdict validated(Crc32c crc32c) {
        return new ReadVerdict(Status.VALIDATED, Optional.of(crc32c), Optional.of(crc32c), Optional.empty());
    }

    /** No check made, for {@code reason}. */
    public static ReadVerdict skipped(String reason) {
        return new ReadVerdict(Status.SKIPPED, Optional.empty(), Optional.empty(), Optional.of(reason));
    }

    /** The bytes read do not have the stored checksum. */
    public static ReadVerdict mismatch(Crc32c expected, Crc32c actual) {
        return new ReadVerdict(
                Status.MISMATCH,
                Optional.of(expected),
                Optional.of(actual),
                Optional.of("the bytes read have CRC32C " + actual + ", the provider stored " + expected));
    }

    /** Whether every byte read was checked and found as stored. */
    public boolean isValidated() {
        return status == Status.VALIDATED;
    }
}
