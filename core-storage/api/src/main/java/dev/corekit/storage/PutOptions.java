package dev.corekit.storage;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How to store one file: its content type, its length when known, and the CRC32C the caller already knows.
 *
 * <pre>{@code
 * files.put("invoices/2026/1.pdf", in, PutOptions.of("application/pdf"));
 * files.put(key, in, PutOptions.custom().contentType("image/png").length(size).expectedCrc32c(crc).build());
 * }</pre>
 *
 * <ul>
 *   <li>{@code length}: optional. With it, a stream that ends early or runs long fails the put and stores nothing;
 *       without it, any length works (large streams go multipart or resumable, in constant memory).
 *   <li>{@code expectedCrc32c}: optional. With it, the put fails with an {@link IntegrityException} unless the bytes
 *       read from the stream have exactly this checksum — end-to-end integrity from wherever the caller computed it
 *       (a browser, another store). The provider is told the checksum up front where it supports that.
 * </ul>
 *
 * <p>Instances are immutable.
 */
public final class PutOptions {
    /** What a file without a declared type is stored as. */
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private static final PutOptions DEFAULTS = new PutOptions(DEFAULT_CONTENT_TYPE, -1, null);

    private final String contentType;
    private final long length;
    private final Crc32c expectedCrc32c;

    private PutOptions(String contentType, long length, Crc32c expectedCrc32c) {
        this.contentType = contentType;
        this.length = length;
        this.expectedCrc32c = expectedCrc32c;
    }

    /** {@value #DEFAULT_CONTENT_TYPE}, unknown length, no expected checksum. */
    public static PutOptions ofDefaults() {
        return DEFAULTS;
    }

    /** The given content type, unknown length, no expected checksum. */
    public static PutOptions of(String contentType) {
        return custom().contentType(contentType).build();
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    public String contentType() {
        return contentType;
    }

    /** The declared length, if any. */
    public OptionalLong length() {
        return length < 0 ? OptionalLong.empty() : OptionalLong.of(length);
    }

    /** The checksum the caller declared, if any. */
    public Optional<Crc32c> expectedCrc32c() {
        return Optional.ofNullable(expectedCrc32c);
    }

    /** These options with a declared length. */
    public PutOptions withLength(long declaredLength) {
        return new Builder(this).length(declaredLength).build();
    }

    @Override
    public String toString() {
        return "PutOptions[contentType=" + contentType + ", length=" + (length < 0 ? "unknown" : length)
                + ", expectedCrc32c=" + (expectedCrc32c == null ? "none" : expectedCrc32c) + "]";
    }

    /** Builds {@link PutOptions}. */
    public static final class Builder {
        private String contentType = DEFAULT_CONTENT_TYPE;
        private long length = -1;
        private Crc32c expectedCrc32c;

        private Builder() {}

        private Builder(PutOptions from) {
            contentType = from.contentType;
            length = from.length;
            expectedCrc32c = from.expectedCrc32c;
        }

        /**
         * The content type stored with the file.
         *
         * @throws IllegalArgumentException unless it looks like {@code type/subtype} in printable ASCII
         */
        public Builder contentType(String type) {
            Objects.requireNonNull(type, "contentType");
            if (!type.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\\s*;[ -~]*)?")) {
                throw new IllegalArgumentException(
                        "content type \"" + type + "\" is not a media type like application/pdf");
            }
            this.contentType = type;
            return this;
        }

        /**
         * The exact length of the content.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder length(long declaredLength) {
            if (declaredLength < 0) {
                throw new IllegalArgumentException("negative length: " + declaredLength);
            }
            this.length = declaredLength;
            return this;
        }

        /** The checksum the content must have. */
        public Builder expectedCrc32c(Crc32c crc32c) {
            this.expectedCrc32c = Objects.requireNonNull(crc32c, "expectedCrc32c");
            return this;
        }

        public PutOptions build() {
            return new PutOptions(contentType, length, expectedCrc32c);
        }
    }
}
