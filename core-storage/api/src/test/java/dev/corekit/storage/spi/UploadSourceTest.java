package dev.corekit.storage.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.contract.TestContent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class UploadSourceTest {
    @Test
    void chunksAreChecksummedOnceAndCombineIntoTheWholeChecksum() {
        byte[] content = TestContent.bytes(5, 10_000);
        UploadSource source = UploadSource.of("k", new ByteArrayInputStream(content), OptionalLong.empty());
        byte[] buffer = new byte[4096];

        int first = source.read(buffer, 0, buffer.length);
        Crc32c firstChunk = source.lastChunkChecksum();
        int second = source.read(buffer, 0, buffer.length);
        int third = source.read(buffer, 0, buffer.length);

        assertThat(first).isEqualTo(4096);
        assertThat(firstChunk).isEqualTo(Crc32c.of(content, 0, 4096));
        assertThat(second).isEqualTo(4096);
        assertThat(third).isEqualTo(10_000 - 8192);
        assertThat(source.lastChunkChecksum()).isEqualTo(Crc32c.of(content, 8192, third));
        assertThat(source.hasMore()).isFalse();
        assertThat(source.checksum()).isEqualTo(Crc32c.of(content));
        assertThat(source.size()).isEqualTo(10_000);
    }

    @Test
    void hasMoreLooksOneByteAheadWithoutLosingIt() {
        byte[] content = TestContent.bytes(6, 8193);
        UploadSource source = UploadSource.of("k", new ByteArrayInputStream(content), OptionalLong.of(8193));
        byte[] buffer = new byte[8192];

        assertThat(source.read(buffer, 0, buffer.length)).isEqualTo(8192);
        assertThat(source.hasMore()).isTrue();
        assertThat(source.hasMore()).isTrue();
        assertThat(source.read(buffer, 0, buffer.length)).isEqualTo(1);
        assertThat(buffer[0]).isEqualTo(content[8192]);
        assertThat(source.hasMore()).isFalse();
        assertThat(source.checksum()).isEqualTo(Crc32c.of(content));
    }

    @Test
    void aStreamThatRunsLongFailsWhenItsExtraByteIsSeen() {
        UploadSource source = UploadSource.of("k", new ByteArrayInputStream(new byte[5]), OptionalLong.of(4));
        byte[] buffer = new byte[4];
        source.read(buffer, 0, 4);

        assertThatThrownBy(source::hasMore)
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.SOURCE_FAILED))
                .hasMessageContaining("'k'")
                .hasMessageContaining("more than the declared 4 bytes");
    }

    @Test
    void aFailingStreamIsASourceFailureNamingTheKey() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws java.io.IOException {
                throw new java.io.IOException("reset by peer");
            }
        };
        UploadSource source = UploadSource.of("uploads/a.bin", failing, OptionalLong.empty());

        assertThatThrownBy(() -> source.read(new byte[10], 0, 10))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("upload of 'uploads/a.bin' aborted, nothing stored")
                .hasRootCauseMessage("reset by peer");
    }
}
