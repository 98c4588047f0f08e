package dev.corekit.storage.gcs.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.storage.FileInfo;
import dev.corekit.storage.PutOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys on GCS: the 1024-byte UTF-8 limit less the area prefix, special characters, paging of long listings. */
@Timeout(180)
class GcsKeysRedTeamTest extends AbstractGcsRedTeamTest {

    @BeforeEach
    void open() throws Exception {
        openGcs();
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private String keyOf(int bytes, String unit) {
        StringBuilder key = new StringBuilder(dir);
        int segment = 0;
        while (utf8(key.toString()) + utf8(unit) <= bytes) {
            if (segment >= 180 && utf8(key.toString()) + 1 + utf8(unit) <= bytes) {
                key.append('/');
                segment = 0;
            }
            key.append(unit);
            segment += utf8(unit);
        }
        while (utf8(key.toString()) < bytes) {
            key.append('x');
        }
        assertThat(utf8(key.toString())).isEqualTo(bytes);
        return key.toString();
    }

    private int limit() {
        return 1024 - utf8(storage.settings().privatePrefix());
    }

    // only ASCII: a 1024-byte key of multi-byte characters makes a URL so long that the GCS client sends its GETs as
    // POST + X-HTTP-Method-Override, which GcsTestServer does not implement (GCS does)
    @ParameterizedTest(name = "unit {0}")
    @ValueSource(strings = {"a"})
    void aKeyOfExactlyTheLimitRoundTrips(String unit) {
        String key = keyOf(limit(), unit);
        storage.privateFiles().put(key, new byte[] {42}, "application/octet-stream");
        assertThat(storage.privateFiles().readAllBytes(key)).containsExactly(42);
        assertThat(serverObjects()).containsKey(objectKey(key));
        assertThat(storage.privateFiles().delete(key)).isTrue();
    }

    @ParameterizedTest(name = "unit {0}")
    @ValueSource(strings = {"a", "é", "€"})
    void aKeyOneByteOverTheLimitIsRefusedBeforeAnythingIsSent(String unit) {
        String key = keyOf(limit() + 1, unit);
        faulty.clearRequests();
        assertThat(catchThrowable(() -> storage.privateFiles().put(key, new byte[] {1}, "text/plain")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(faulty.requests()).isEmpty();
    }

    @Test
    void keysWithCharactersUrlsTreatSpeciallyAreDistinctAndRoundTrip() {
        List<String> keys = List.of(
                dir + "a b",
                dir + "a+b",
                dir + "a%20b",
                dir + "q?x=1",
                dir + "h#frag",
                dir + "amp&eq=",
                dir + "tilde~",
                dir + "star*[x]",
                dir + "colon:at@",
                dir + "ümlaut/日本語/😀.txt",
                dir + "e\u0301",
                dir + "\u00e9");
        for (int i = 0; i < keys.size(); i++) {
            storage.privateFiles().put(keys.get(i), new byte[] {(byte) i}, "application/octet-stream");
        }
        for (int i = 0; i < keys.size(); i++) {
            assertThat(storage.privateFiles().readAllBytes(keys.get(i)))
                    .as("content of %s", keys.get(i))
                    .containsExactly(i);
        }
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir)) {
            assertThat(listed.map(FileInfo::key)).containsExactlyInAnyOrderElementsOf(keys);
        }
        // list(dir + "a+") is not checked: GcsTestServer compares the raw, still percent-encoded prefix
        assertThat(storage.privateFiles().delete(dir + "a+b")).isTrue();
        assertThat(storage.privateFiles().exists(dir + "a b")).isTrue();
    }

    @Test
    void listingPagesBeyondOneThousandObjectsInKeyOrderAndDeleteAllRemovesThemAll() throws Exception {
        int count = 1_050;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(dir + "many/" + String.format("%05d", i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (String key : keys) {
                puts.add(pool.submit(
                        () -> storage.privateFiles().put(key, new byte[] {1}, PutOptions.DEFAULT_CONTENT_TYPE)));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "many/")) {
            assertThat(listed.map(FileInfo::key).toList()).containsExactlyElementsOf(keys);
        }
        storage.privateFiles().deleteAll(keys);
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "many/")) {
            assertThat(listed).isEmpty();
        }
    }

    @Test
    void listingCarriesTheStoredChecksums() {
        storage.privateFiles().put(dir + "c/1", new byte[] {1, 2}, "text/plain");
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "c/")) {
            assertThat(listed.toList())
                    .singleElement()
                    .satisfies(f -> assertThat(f.crc32c()).isPresent())
                    .satisfies(f -> assertThat(f.contentType()).contains("text/plain"));
        }
    }
}
