package dev.corekit.storage.redteam;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.FileArea;
import dev.corekit.storage.PutOptions;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.Verification;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile keys and null arguments: each fails before anything is stored, with the exception the docs promise. */
class KeysRedTeamTest extends RedTeamFixture {
    private static final byte[] BYTES = {1, 2, 3};

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                ".",
                "..",
                "a/../b",
                "a/./b",
                "./a",
                "../a",
                "a/..",
                "/a",
                "a/",
                "a//b",
                "/",
                "a\\b",
                "..\\a",
                "a\u0000b",
                "a\nb",
                "a\rb",
                "a\tb",
                "a\u007fb",
                "a\u0085b",
                "a\u009bb",
                "\u0000"
            })
    void badKeysFailWithIllegalArgumentBeforeAnythingIsStoredInEitherArea(String key) throws Exception {
        List<String> before = filesOnDisk();
        for (FileArea area : List.<FileArea>of(storage.privateFiles(), storage.publicFiles())) {
            assertThatThrownBy(() -> area.put(key, BYTES, "text/plain"))
                    .as("put %s", printable(key))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining(SIGNING_KEY);
            assertThatThrownBy(() -> area.put(key, new ByteArrayInputStream(BYTES), PutOptions.ofDefaults()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> area.stat(key)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> area.open(key, Verification.VERIFY)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> area.readAllBytes(key)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> area.delete(key)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> storage.privateFiles().signGet(key, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        storage.privateFiles().signPut(key, "text/plain", Crc32c.of(BYTES), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.privateFiles().confirmUpload(key, Crc32c.of(BYTES)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.publicFiles().url(key)).isInstanceOf(IllegalArgumentException.class);
        assertThat(filesOnDisk()).isEqualTo(before);
    }

    @Test
    void aLoneSurrogateIsNotUtf8AndIsRefused() {
        assertThatThrownBy(() -> storage.privateFiles().put("a\uD800b", BYTES, "text/plain"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keyLengthIsCountedInUtf8BytesLessTheAreaPrefix() throws Exception {
        String prefix = storage.settings().privatePrefix();
        int room = 1024 - prefix.getBytes(UTF_8).length;
        // over the limit: 1 byte too many, in ASCII and in 3-byte characters whose char count is far below it
        String asciiTooLong = segments("x", room + 1);
        String euroTooLong = "\u20ac".repeat(room / 3 + 1);
        assertThat(euroTooLong.length()).isLessThan(room);
        List<String> before = filesOnDisk();
        for (String key : List.of(asciiTooLong, euroTooLong, "y".repeat(5000))) {
            assertThatThrownBy(() -> storage.privateFiles().put(key, BYTES, "text/plain"))
                    .as("%d bytes", key.getBytes(UTF_8).length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(filesOnDisk()).isEqualTo(before);
    }

    @Test
    void aKeyAtTheLimitEitherRoundTripsOrIsRefusedCleanly() throws Exception {
        String prefix = storage.settings().privatePrefix();
        int room = 1024 - prefix.getBytes(UTF_8).length;
        // segments of 100 bytes fit any file system; the whole key is exactly at the limit
        String key = segments("k", room);
        assertThat(key.getBytes(UTF_8)).hasSize(room);
        assertRoundTripsOrRefusedCleanly(key);
        // one 300-byte segment: valid by the key rules, longer than a Linux file name
        assertRoundTripsOrRefusedCleanly("s".repeat(300));
    }

    private void assertRoundTripsOrRefusedCleanly(String key) throws Exception {
        List<String> before = filesOnDisk();
        Throwable thrown = catchThrowable(() -> storage.privateFiles().put(key, BYTES, "text/plain"));
        if (thrown == null) {
            assertThat(storage.privateFiles().readAllBytes(key)).containsExactly(BYTES);
            assertThat(storage.privateFiles().delete(key)).isTrue();
        } else {
            assertThat(thrown)
                    .as("a key the provider cannot hold fails as a bad key or a StorageException, not %s", thrown)
                    .isInstanceOfAny(IllegalArgumentException.class, StorageException.class);
            if (thrown instanceof StorageException e) {
                assertThat(e.key()).contains(key);
            }
            assertThat(filesOnDisk()).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\u2024\u2024", // one dot leader x2, looks like ..
                "\uff0e\uff0e", // fullwidth full stops, NFKC-normalise to ..
                "\uff0e\uff0e/\uff0e\uff0e/escape",
                "a\u2215..\u2215b", // division slash
                "a\uff0fb", // fullwidth solidus
                "%2e%2e/x",
                "..%2fx",
                "a b/c?d#e&f=g;h",
                "caf\u00e9",
                "cafe\u0301",
                "\u202egnp.exe" // right-to-left override (a format char, not a control char)
            })
    void lookAlikeKeysAreOrdinaryNamesThatStayInsideTheirArea(String key) throws Exception {
        byte[] content = ("content of " + key).getBytes(UTF_8);
        storage.privateFiles().put(key, content, "text/plain");
        assertThat(storage.privateFiles().readAllBytes(key)).isEqualTo(content);
        assertThat(root.getParent().resolve("escape")).doesNotExist();
        assertThat(filesOnDisk())
                .as("nothing lands in the public area")
                .noneSatisfy(f -> assertThat(f).startsWith(storage.settings().publicPrefix()));
        try (var files = storage.privateFiles().list("")) {
            assertThat(files.map(f -> f.key())).containsExactly(key);
        }
        assertThat(storage.publicFiles().exists(key)).isFalse();
    }

    @Test
    void caseAndNormalisationVariantsAreDistinctKeys() {
        storage.privateFiles().put("caf\u00e9", new byte[] {1}, "text/plain");
        storage.privateFiles().put("cafe\u0301", new byte[] {2}, "text/plain");
        storage.privateFiles().put("Doc", new byte[] {3}, "text/plain");
        storage.privateFiles().put("doc", new byte[] {4}, "text/plain");
        assertThat(storage.privateFiles().readAllBytes("caf\u00e9")).containsExactly(1);
        assertThat(storage.privateFiles().readAllBytes("cafe\u0301")).containsExactly(2);
        assertThat(storage.privateFiles().readAllBytes("Doc")).containsExactly(3);
        assertThat(storage.privateFiles().readAllBytes("doc")).containsExactly(4);
    }

    @Test
    void publicUrlsPercentEncodeEverySegmentSoNoCdnDecodesThemIntoAnotherPath() {
        java.net.URI url = storage.publicFiles().url("a/%2e%2e/b c?d#e");
        assertThat(url.toString()).startsWith(base + "/public/");
        assertThat(url.getPath()).isEqualTo(base.getPath() + "/public/a/%2e%2e/b c?d#e");
        assertThat(url.getRawPath()).doesNotContain("/%2e%2e/").doesNotContain("+");
        assertThat(url.getRawQuery()).isNull();
        assertThat(url.getRawFragment()).isNull();
        assertThat(storage.publicFiles().url("\u00e9").getRawPath().toUpperCase())
                .endsWith("/%C3%A9");
    }

    @Test
    void nullArgumentsFailAsNullPointerOrIllegalArgumentAndStoreNothing() throws Exception {
        var priv = storage.privateFiles();
        var pub = storage.publicFiles();
        Crc32c crc = Crc32c.of(BYTES);
        List<Runnable> calls = List.of(
                () -> priv.put(null, BYTES, "text/plain"),
                () -> priv.put("k", (byte[]) null, "text/plain"),
                () -> priv.put(null, new ByteArrayInputStream(BYTES), PutOptions.ofDefaults()),
                () -> priv.put("k", (java.io.InputStream) null, PutOptions.ofDefaults()),
                () -> priv.put("k", new ByteArrayInputStream(BYTES), null),
                () -> pub.put(null, BYTES, "text/plain"),
                () -> pub.put("k", (byte[]) null, "text/plain"),
                () -> priv.stat(null),
                () -> priv.exists(null),
                () -> priv.open(null, Verification.VERIFY),
                () -> priv.open("k", null),
                () -> priv.readAllBytes(null),
                () -> priv.delete(null),
                () -> priv.deleteAll(null),
                () -> priv.deleteAll(Arrays.asList("k", null)),
                () -> priv.list(null),
                () -> priv.signGet(null, Duration.ofMinutes(1)),
                () -> priv.signGet("k", null),
                () -> priv.signPut(null, "text/plain", crc, Duration.ofMinutes(1)),
                () -> priv.signPut("k", null, crc, Duration.ofMinutes(1)),
                () -> priv.signPut("k", "text/plain", null, Duration.ofMinutes(1)),
                () -> priv.signPut("k", "text/plain", crc, null),
                () -> priv.confirmUpload(null, crc),
                () -> priv.confirmUpload("k", null),
                () -> pub.url(null),
                () -> PutOptions.of(null),
                () -> PutOptions.custom().contentType(null),
                () -> Crc32c.of((byte[]) null),
                () -> Crc32c.fromBase64(null),
                () -> Crc32c.fromHex(null),
                () -> Crc32c.combine(null, crc, 1),
                () -> dev.corekit.storage.local.LocalFilesHandler.of(null));
        for (int i = 0; i < calls.size(); i++) {
            Runnable call = calls.get(i);
            assertThat(catchThrowable(call::run))
                    .as("call #%d", i)
                    .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        }
        assertThat(filesOnDisk()).isEmpty();
    }

    @Test
    void aNullContentTypeEitherFailsOrFallsBackToTheDefault() {
        Throwable thrown = catchThrowable(() -> storage.privateFiles().put("ct", BYTES, null));
        if (thrown == null) {
            assertThat(storage.privateFiles().stat("ct").orElseThrow().contentType())
                    .contains(PutOptions.DEFAULT_CONTENT_TYPE);
        } else {
            assertThat(thrown).isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        }
    }

    @Test
    void badContentTypesAndLengthsAreRefused() {
        for (String type : List.of("", "text", "text/plain\r\nX-Evil: 1", "t\u00e9xt/plain", "/", "a/")) {
            assertThat(catchThrowable(() -> PutOptions.of(type)))
                    .as("content type %s", printable(type))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> PutOptions.custom().length(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PutOptions.ofDefaults().withLength(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.privateFiles()
                        .signPut("k", "text/plain\r\nX-Evil: 1", Crc32c.of(BYTES), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listingWithAHostilePrefixNeverLeavesTheArea() throws Exception {
        storage.publicFiles().put("pub.txt", BYTES, "text/plain");
        storage.privateFiles().put("a/b.txt", BYTES, "text/plain");
        for (String prefix : List.of("../", "..", "/", "../public/", "a/../")) {
            Consumer<String> check = p -> {
                Throwable thrown = catchThrowable(() -> {
                    try (var files = storage.privateFiles().list(p)) {
                        assertThat(files.map(f -> f.key()).toList())
                                .as("list(%s)", p)
                                .allSatisfy(k -> assertThat(k).startsWith(p));
                    }
                });
                if (thrown != null) {
                    assertThat(thrown).as("list(%s)", p).isInstanceOf(IllegalArgumentException.class);
                }
            };
            check.accept(prefix);
        }
    }

    static String segments(String letter, int bytes) {
        StringBuilder key = new StringBuilder();
        while (true) {
            int left = bytes - key.length();
            if (left <= 100) {
                key.append(letter.repeat(left));
                return key.toString();
            }
            key.append(letter.repeat(99)).append('/');
        }
    }

    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
