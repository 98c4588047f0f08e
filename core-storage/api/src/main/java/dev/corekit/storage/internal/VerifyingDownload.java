package dev.corekit.storage.internal;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.Download;
import dev.corekit.storage.FileInfo;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.ReadVerdict;
import dev.corekit.storage.Verification;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/** A download that checksums every byte it hands out and judges them at the end of the stream. */
final class VerifyingDownload extends Download {
    private static final ReadVerdict NOT_READ = ReadVerdict.skipped("not read to the end");

    private final String key;
    private final FileInfo info;
    private final InputStream in;
    private final Verification verification;
    private final CRC32C crc = new CRC32C();
    private ReadVerdict verdict = NOT_READ;
    private boolean ended;

    VerifyingDownload(String key, FileInfo info, InputStream in, Verification verification) {
        this.key = key;
        this.info = info;
        this.in = in;
        this.verification = verification;
    }

    @Override
    public FileInfo info() {
        return info;
    }

    @Override
    public ReadVerdict verdict() {
        return verdict;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n = in.read(buffer, offset, length);
        if (n < 0) {
            end();
            return -1;
        }
        crc.update(buffer, offset, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes are read and checksummed, or the verdict could not cover them
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 64 * 1024)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void end() throws IOException {
        if (!ended) {
            ended = true;
            Crc32c actual = Crc32c.of((int) crc.getValue());
            if (verification == Verification.SKIP) {
                verdict = ReadVerdict.skipped("verification not requested");
            } else if (info.crc32c().isEmpty()) {
                verdict = ReadVerdict.skipped("the provider stores no CRC32C for this file");
            } else if (info.crc32c().get().equals(actual)) {
                verdict = ReadVerdict.validated(actual);
            } else {
                verdict = ReadVerdict.mismatch(info.crc32c().get(), actual);
            }
        }
        if (verdict.status() == ReadVerdict.Status.MISMATCH) {
            Crc32c expected = verdict.expected().orElseThrow();
            Crc32c actual = verdict.actual().orElseThrow();
            IntegrityException integrity =
                    new IntegrityException(key, expected, actual, "the bytes read are not the bytes stored", null);
            throw new IOException(integrity.getMessage(), integrity);
        }
    }
}
