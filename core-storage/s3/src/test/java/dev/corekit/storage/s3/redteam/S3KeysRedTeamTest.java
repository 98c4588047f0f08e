package dev.corekit.storage.s3.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.storage.FileInfo;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.s3.S3Settings;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys on S3: the 1024-byte UTF-8 limit less the area prefix, characters S3 and URLs treat specially, paging. */
@Timeout(180)
class S3KeysRedTeamTest extends AbstractS3RedTeamTest {

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** A key of exactly {@code bytes} UTF-8 bytes made of {@code unit}, padded with ASCII, in segments under 200 bytes. */
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

    @ParameterizedTest(name = "unit {0}")
    @ValueSource(strings = {"a", "é", "€", "😀"})
    void aKeyOfExactlyTheLimitRoundTrips(String unit) throws Exception {
        openMock();
        String key = keyOf(limit(), unit);
        storage.privateFiles().put(key, new byte[] {42}, "application/octet-stream");
        assertThat(storage.privateFiles().readAllBytes(key)).containsExactly(42);
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir)) {
            assertThat(listed.map(FileInfo::key)).contains(key);
        }
        assertThat(storage.privateFiles().delete(key)).isTrue();
        assertThat(storage.privateFiles().exists(key)).isFalse();
    }

    @ParameterizedTest(name = "unit {0}")
    @ValueSource(strings = {"a", "é", "€"})
    void aKeyOneByteOverTheLimitIsRefusedBeforeAnythingIsSent(String unit) throws Exception {
        openMock();
        String key = keyOf(limit() + 1, unit);
        faulty.clearRequests();
        Throwable e = catchThrowable(() -> storage.privateFiles().put(key, new byte[] {1}, "text/plain"));
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
        assertThat(faulty.requests()).as("requests sent for a bad key").isEmpty();
    }

    @Test
    void aFourByteCharacterThatCrossesTheLimitIsRefused() throws Exception {
        openMock();
        String key = keyOf(limit() - 3, "a") + "😀"; // limit + 1 bytes, the last character straddling the limit
        assertThat(utf8(key)).isEqualTo(limit() + 1);
        assertThat(catchThrowable(() -> storage.privateFiles().put(key, new byte[] {1}, "text/plain")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLongSegmentIsFineOnS3WhichHasNoSegmentLimit() throws Exception {
        openMock();
        String key = dir + "s".repeat(600) + ".bin";
        storage.privateFiles().put(key, new byte[] {7}, "application/octet-stream");
        assertThat(storage.privateFiles().readAllBytes(key)).containsExactly(7);
    }

    @Test
    void keysWithCharactersUrlsAndS3TreatSpeciallyAreDistinctAndRoundTrip() throws Exception {
        openMock();
        List<String> keys = List.of(
                dir + "a b",
                dir + "a+b",
                dir + "a%20b",
                dir + "a%2Bb",
                dir + "q?x=1",
                dir + "h#frag",
                dir + "amp&eq=",
                dir + "tilde~",
                dir + "star*(x)",
                dir + "semi;colon",
                dir + "colon:at@",
                dir + "dollar$,comma",
                dir + "quote'\"",
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
            assertThat(storage.privateFiles().stat(keys.get(i))).isPresent();
        }
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir)) {
            assertThat(listed.map(FileInfo::key)).containsExactlyInAnyOrderElementsOf(keys);
        }
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "a+")) {
            assertThat(listed.map(FileInfo::key)).containsExactly(dir + "a+b");
        }
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "a%")) {
            assertThat(listed.map(FileInfo::key)).containsExactlyInAnyOrder(dir + "a%20b", dir + "a%2Bb");
        }
        assertThat(storage.privateFiles().delete(dir + "a+b")).isTrue();
        assertThat(storage.privateFiles().exists(dir + "a b"))
                .as("deleting a+b left a b")
                .isTrue();
    }

    @Test
    void signedGetsOfSpeciallySpelledKeysWorkOnAStoreThatChecksSignatures() throws Exception {
        openProxy(s3 -> s3, s -> s);
        HttpClient http = HttpClient.newHttpClient();
        List<String> keys = List.of(
                dir + "a b", dir + "a+b", dir + "ümlaut/日本語/😀.txt", dir + "q?x=1&y", dir + "tilde~*", dir + "x%41");
        for (int i = 0; i < keys.size(); i++) {
            storage.privateFiles().put(keys.get(i), new byte[] {(byte) i, 9}, "application/octet-stream");
        }
        for (int i = 0; i < keys.size(); i++) {
            SignedUrl url = storage.privateFiles().signGet(keys.get(i), Duration.ofMinutes(5));
            HttpRequest.Builder request = HttpRequest.newBuilder(url.url()).GET();
            url.headers().forEach(request::header);
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode())
                    .as("signed GET of %s", keys.get(i))
                    .isEqualTo(200);
            assertThat(response.body()).containsExactly(i, 9);
        }
    }

    @Test
    void listingPagesBeyondOneThousandObjectsInKeyOrderAndDeleteAllRemovesThemAll() throws Exception {
        openMock();
        int count = 1_050;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(dir + "many/" + String.format("%05d", i));
        }
        putAll(keys);
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "many/")) {
            assertThat(listed.map(FileInfo::key).toList()).containsExactlyElementsOf(keys);
        }
        storage.privateFiles().deleteAll(keys);
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "many/")) {
            assertThat(listed).as("left after deleteAll of %s keys", count).isEmpty();
        }
    }

    @Test
    void deleteAllOfMoreThanOneThousandKeysWorksOnACompatibleStore() throws Exception {
        openProxy(s3 -> s3.profile(S3Settings.Profile.COMPATIBLE), s -> s);
        int count = 1_003;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(dir + "bulk/" + String.format("%05d", i));
        }
        putAll(keys);
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "bulk/")) {
            assertThat(listed.count()).isEqualTo(count);
        }
        storage.privateFiles().deleteAll(keys);
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "bulk/")) {
            assertThat(listed).isEmpty();
        }
    }

    @Test
    void aListingStreamClosedEarlyDoesNotFail() throws Exception {
        openMock();
        putAll(List.of(dir + "p/1", dir + "p/2", dir + "p/3"));
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "p/")) {
            assertThat(listed.findFirst()).isPresent();
        }
        assertThat(catchThrowable(
                        () -> storage.privateFiles().list(dir + "nothing-here/").close()))
                .isNull();
    }

    @Test
    void listingDoesNotReportTheOtherAreaOrPrefixSiblings() throws Exception {
        openMock();
        putAll(List.of(dir + "ab", dir + "a/b", dir + "a"));
        try (Stream<FileInfo> listed = storage.privateFiles().list(dir + "a/")) {
            assertThat(listed.map(FileInfo::key)).containsExactly(dir + "a/b");
        }
        try (Stream<FileInfo> listed = storage.publicFiles().list(dir)) {
            assertThat(listed).isEmpty();
        }
    }

    @Test
    void aMissingKeyIsAbsentNotAnError() throws Exception {
        openMock();
        assertThat(storage.privateFiles().stat(dir + "absent")).isEmpty();
        assertThat(storage.privateFiles().exists(dir + "absent")).isFalse();
        Throwable e = catchThrowable(() -> storage.privateFiles().readAllBytes(dir + "absent"));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(((StorageException) e).reason()).isEqualTo(StorageException.Reason.NOT_FOUND);
    }

    private void putAll(List<String> keys) throws Exception {
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
    }
}
