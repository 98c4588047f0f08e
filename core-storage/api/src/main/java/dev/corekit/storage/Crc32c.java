package dev.corekit.storage;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * A CRC32C (Castagnoli) checksum: the one integrity check every provider stores (S3 {@code x-amz-checksum-crc32c},
 * GCS {@code crc32c}) and the one corekit computes, with {@link java.util.zip.CRC32C}, over the very bytes it sends.
 *
 * <p>Its two spellings are the big-endian 4 bytes in Base64, as S3 and GCS write it ({@link #toBase64()},
 * {@code "yZRlqg=="}), and 8 lower-case hex digits ({@link #toHex()}, {@code "c99465aa"}), which is also its
 * {@code toString()}. Persist either; both parse back.
 *
 * <pre>{@code
 * Crc32c expected = Crc32c.of("hello".getBytes(UTF_8));
 * assert expected.equals(Crc32c.fromBase64(expected.toBase64()));
 * }</pre>
 *
 * <p>Instances are immutable values.
 */
public final class Crc32c implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** The checksum of no bytes at all. */
    public static final Crc32c EMPTY = new Crc32c(0);

    /** CRC32C's polynomial, bit-reflected (as {@link java.util.zip.CRC32C} computes it). */
    private static final int POLYNOMIAL = 0x82F63B78;
    /** {@code X2N[k]} is {@code x^(2^k)} modulo the polynomial, for combining checksums in O(log n). */
    private static final int[] X2N = new int[32];

    static {
        int p = 1 << 30; // x^1
        X2N[0] = p;
        for (int n = 1; n < 32; n++) {
            p = multiplyModP(p, p);
            X2N[n] = p;
        }
    }

    private final int value;

    private Crc32c(int value) {
        this.value = value;
    }

    /** The checksum whose value, read as an unsigned 32-bit number, is {@code value}. */
    public static Crc32c of(int value) {
        return value == 0 ? EMPTY : new Crc32c(value);
    }

    /** Computes the checksum of {@code bytes}. */
    public static Crc32c of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /** Computes the checksum of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static Crc32c of(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return of((int) crc.getValue());
    }

    /**
     * Parses the Base64 spelling of S3 and GCS: the four big-endian bytes of the checksum.
     *
     * @throws IllegalArgumentException when {@code base64} is not four bytes in Base64
     */
    public static Crc32c fromBase64(String base64) {
        Objects.requireNonNull(base64, "base64");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a Base64 CRC32C: \"" + base64 + "\"", e);
        }
        if (bytes.length != 4) {
            throw new IllegalArgumentException(
                    "not a Base64 CRC32C: \"" + base64 + "\" holds " + bytes.length + " bytes, a CRC32C has 4");
        }
        return of(((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff));
    }

    /**
     * Parses 8 hex digits, as {@link #toHex()} writes them (either case).
     *
     * @throws IllegalArgumentException when {@code hex} is not 8 hex digits
     */
    public static Crc32c fromHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        if (!hex.matches("[0-9a-fA-F]{8}")) {
            throw new IllegalArgumentException("not a hex CRC32C (8 hex digits): \"" + hex + "\"");
        }
        return of((int) Long.parseLong(hex, 16));
    }

    /**
     * The checksum of two byte sequences one after the other, from the checksum of each: lets parts be checksummed
     * once and the whole derived, as for multipart uploads.
     *
     * @param first the checksum of the first sequence
     * @param second the checksum of the second sequence
     * @param secondLength the length of the second sequence, in bytes
     */
    public static Crc32c combine(Crc32c first, Crc32c second, long secondLength) {
        if (secondLength < 0) {
            throw new IllegalArgumentException("negative length: " + secondLength);
        }
        if (secondLength == 0) {
            return first;
        }
        return of(multiplyModP(xToThe8nModP(secondLength), first.value) ^ second.value);
    }

    /** The value as Java stores it: the 32 bits, signed. */
    public int intValue() {
        return value;
    }

    /** The value as an unsigned number, as {@link java.util.zip.CRC32C#getValue()} returns it. */
    public long unsignedValue() {
        return Integer.toUnsignedLong(value);
    }

    /** The four big-endian bytes in Base64: the spelling of S3's {@code x-amz-checksum-crc32c} and GCS's crc32c. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes());
    }

    /** Eight lower-case hex digits. */
    public String toHex() {
        return HexFormat.of().toHexDigits(value);
    }

    /** The four big-endian bytes. */
    public byte[] bytes() {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Crc32c crc && crc.value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    /** The hex spelling. */
    @Override
    public String toString() {
        return toHex();
    }

    // Polynomial arithmetic modulo the CRC polynomial in its reflected form, as zlib's crc32_combine does it.
    private static int multiplyModP(int a, int b) {
        int m = 1 << 31;
        int p = 0;
        for (; ; ) {
            if ((a & m) != 0) {
                p ^= b;
                if ((a & (m - 1)) == 0) {
                    break;
                }
            }
            m >>>= 1;
            b = (b & 1) != 0 ? (b >>> 1) ^ POLYNOMIAL : b >>> 1;
        }
        return p;
    }

    /** {@code x^(8n)} modulo the polynomial: the shift by {@code n} bytes. */
    private static int xToThe8nModP(long n) {
        int p = 1 << 31; // x^0
        int k = 3;
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multiplyModP(X2N[k & 31], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }
}
