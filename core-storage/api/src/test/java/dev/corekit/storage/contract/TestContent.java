package dev.corekit.storage.contract;

import dev.corekit.storage.Crc32c;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/** Deterministic pseudo-random content of any size, generated as it is read: no test holds 100 MiB in memory. */
public final class TestContent {
    public static final int MIB = 1024 * 1024;

    private TestContent() {}

    /** {@code size} bytes from {@code seed}; an unknown-length stream to the reader. */
    public static InputStream stream(long seed, long size) {
        return new Generator(seed, size);
    }

    /** {@code size} bytes from {@code seed}, in memory. */
    public static byte[] bytes(long seed, int size) {
        byte[] out = new byte[size];
        fill(seed, out);
        return out;
    }

    /** The CRC32C of {@link #stream(long, long)}, computed independently of the code under test. */
    public static Crc32c crc32c(long seed, long size) {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[MIB];
        try (InputStream in = stream(seed, size)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return Crc32c.of((int) crc.getValue());
    }

    /** Reads {@code actual} to its end and fails at the first byte that differs from the content of {@code seed}. */
    public static void assertSameContent(long seed, long size, InputStream actual) throws IOException {
        byte[] expected = new byte[MIB];
        byte[] got = new byte[MIB];
        long offset = 0;
        try (InputStream reference = stream(seed, size)) {
            while (true) {
                int n = reference.readNBytes(expected, 0, expected.length);
                int m = actual.readNBytes(got, 0, n == 0 ? 1 : n);
                if (n == 0) {
                    if (m != 0) {
                        throw new AssertionError("more than the expected " + size + " bytes");
                    }
                    return;
                }
                if (m != n) {
                    throw new AssertionError("content ended after " + (offset + m) + " of " + size + " bytes");
                }
                for (int i = 0; i < n; i++) {
                    if (expected[i] != got[i]) {
                        throw new AssertionError("content differs at byte " + (offset + i) + " of " + size);
                    }
                }
                offset += n;
            }
        }
    }

    private static void fill(long seed, byte[] out) {
        try (InputStream in = stream(seed, out.length)) {
            in.readNBytes(out, 0, out.length);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static final class Generator extends InputStream {
        private long state;
        private long word;
        private int bytesLeftInWord;
        private long left;

        Generator(long seed, long size) {
            this.state = seed * 0x9E3779B97F4A7C15L + 1;
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            for (int i = 0; i < n; i++) {
                if (bytesLeftInWord == 0) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    word = state;
                    bytesLeftInWord = 8;
                }
                buffer[offset + i] = (byte) word;
                word >>>= 8;
                bytesLeftInWord--;
            }
            left -= n;
            return n;
        }
    }
}
