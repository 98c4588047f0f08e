package dev.corekit.storage.gcs.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.logging.LogRecord;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.StoredFile;
import dev.corekit.storage.contract.TestContent;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * V4 signed URLs of the GCS provider, made offline and verified by the test server (signature with the service
 * account's public key, expiry by the storage's clock): lifetime caps, the headers a PUT needs, tampering, and that no
 * string or record holds the signature.
 */
@Timeout(120)
class GcsSignedUrlRedTeamTest extends AbstractGcsRedTeamTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private static Map<String, String> query(URI url) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private HttpResponse<byte[]> send(URI uri, String method, byte[] body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The URL's own expiry, X-Goog-Date + X-Goog-Expires, is expiresAt to the whole second, never later. */
    private static void assertUrlDiesWhenItSays(SignedUrl url) {
        Map<String, String> q = query(url.url());
        Instant signedAt = LocalDateTime.parse(
                        q.get("X-Goog-Date"), DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                .toInstant(ZoneOffset.UTC);
        Instant dies = signedAt.plusSeconds(Long.parseLong(q.get("X-Goog-Expires")));
        assertThat(dies)
                .as("X-Goog-Date + X-Goog-Expires vs expiresAt %s", url.expiresAt())
                .isBetween(url.expiresAt().minusSeconds(1), url.expiresAt());
    }

    @Test
    void aSignedGetHasTheV4ShapeAndDiesWhenItSays() throws Exception {
        openGcs(g -> g, s -> s.signedUrlMaxTtl(Duration.ofHours(2)), serviceAccount());
        SignedUrl url = storage.privateFiles().signGet(dir + "f", Duration.ofMinutes(10));
        Map<String, String> q = query(url.url());
        assertThat(url.method()).isEqualTo("GET");
        assertThat(q.get("X-Goog-Algorithm")).isEqualTo("GOOG4-RSA-SHA256");
        assertThat(q.get("X-Goog-Credential")).startsWith("corekit-test@corekit-test.iam.gserviceaccount.com/");
        assertThat(q.get("X-Goog-Credential")).endsWith("/auto/storage/goog4_request");
        assertThat(q).containsKeys("X-Goog-Date", "X-Goog-Expires", "X-Goog-SignedHeaders", "X-Goog-Signature");
        assertThat(url.url().getRawPath()).isEqualTo("/" + BUCKET + "/" + objectKey(dir + "f"));
        assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.REQUESTED);
        assertThat(url.expiresAt())
                .isBetween(
                        clock.instant().plus(Duration.ofMinutes(10)).minusSeconds(1),
                        clock.instant().plus(Duration.ofMinutes(10)));
        assertUrlDiesWhenItSays(url);
    }

    @Test
    void hugeAndSevenDayTtlsAreClampedInTheUrlItself() throws Exception {
        openGcs(g -> g, s -> s.signedUrlMaxTtl(StorageSettings.LONGEST_SIGNED_URL_TTL), serviceAccount());
        for (Duration ttl : new Duration[] {Duration.ofDays(8), Duration.ofSeconds(Long.MAX_VALUE)}) {
            SignedUrl url = storage.privateFiles().signGet(dir + "f", ttl);
            assertThat(url.clamped()).isTrue();
            assertThat(url.limitedBy()).isIn(SignedUrl.Limit.SEVEN_DAYS, SignedUrl.Limit.MAX_TTL_SETTING);
            assertThat(Long.parseLong(query(url.url()).get("X-Goog-Expires"))).isLessThanOrEqualTo(604_800);
            assertUrlDiesWhenItSays(url);
        }
    }

    @Test
    void ttlsBelowOneSecondAreRefused() throws Exception {
        openGcs();
        for (Duration ttl : new Duration[] {
            Duration.ZERO, Duration.ofMillis(999), Duration.ofDays(-1), Duration.ofSeconds(Long.MIN_VALUE)
        }) {
            assertThat(catchThrowable(() -> storage.privateFiles().signGet(dir + "f", ttl)))
                    .as("ttl %s", ttl)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aSignedPutNamesItsHeadersAndSignsThem() throws Exception {
        openGcs();
        Crc32c crc = Crc32c.of(new byte[] {1, 2, 3});
        SignedUrl url = storage.privateFiles().signPut(dir + "f.png", "image/png", crc, Duration.ofMinutes(5));
        Map<String, String> lower = new LinkedHashMap<>();
        url.headers().forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        assertThat(lower).containsEntry("content-type", "image/png");
        assertThat(lower).containsEntry("x-goog-hash", "crc32c=" + crc.toBase64());
        assertThat(lower).doesNotContainKeys("host", "authorization");
        assertThat(query(url.url()).get("X-Goog-SignedHeaders").split(";")).contains("content-type", "x-goog-hash");
    }

    @Test
    void aSignedPutStoresExactlyItsContentAndConfirms() throws Exception {
        openGcs();
        byte[] body = TestContent.bytes(1, 10_000);
        Crc32c crc = Crc32c.of(body);
        String key = dir + "up.png";
        SignedUrl url = storage.privateFiles().signPut(key, "image/png", crc, Duration.ofMinutes(5));
        assertThat(send(url.url(), "PUT", body, url.headers()).statusCode()).isEqualTo(200);
        StoredFile confirmed = storage.privateFiles().confirmUpload(key, crc);
        assertThat(confirmed.size()).isEqualTo(body.length);
        assertThat(confirmed.crc32c()).isEqualTo(crc);
    }

    @Test
    void aSignedPutWithOtherBytesOrWithoutItsChecksumHeaderStoresNothing() throws Exception {
        openGcs();
        byte[] body = TestContent.bytes(2, 1000);
        String key = dir + "tamper.bin";
        SignedUrl url =
                storage.privateFiles().signPut(key, "application/octet-stream", Crc32c.of(body), Duration.ofMinutes(5));
        byte[] other = body.clone();
        other[10] ^= 1;
        assertThat(send(url.url(), "PUT", other, url.headers()).statusCode()).isGreaterThanOrEqualTo(400);
        Map<String, String> noHash = new LinkedHashMap<>(url.headers());
        noHash.keySet().removeIf(name -> name.equalsIgnoreCase("x-goog-hash"));
        assertThat(send(url.url(), "PUT", other, noHash).statusCode()).isGreaterThanOrEqualTo(400);
        Map<String, String> otherType = new LinkedHashMap<>(url.headers());
        otherType.keySet().removeIf(name -> name.equalsIgnoreCase("content-type"));
        otherType.put("Content-Type", "text/html");
        assertThat(send(url.url(), "PUT", body, otherType).statusCode()).isEqualTo(403);
        assertThat(storage.privateFiles().exists(key)).isFalse();
    }

    @Test
    void tamperedOrExpiredSignedGetsAreRefused() throws Exception {
        openGcs();
        String key = dir + "t.txt";
        storage.privateFiles().put(key, new byte[] {1}, "text/plain");
        storage.privateFiles().put(dir + "u.txt", new byte[] {2}, "text/plain");
        SignedUrl url = storage.privateFiles().signGet(key, Duration.ofMinutes(5));
        assertThat(send(url.url(), "GET", null, url.headers()).statusCode()).isEqualTo(200);
        URI longer = URI.create(url.url().toString().replaceFirst("X-Goog-Expires=\\d+", "X-Goog-Expires=3000"));
        assertThat(longer).isNotEqualTo(url.url());
        assertThat(send(longer, "GET", null, url.headers()).statusCode()).isEqualTo(403);
        URI otherKey = URI.create(url.url().toString().replace("t.txt", "u.txt"));
        assertThat(send(otherKey, "GET", null, url.headers()).statusCode()).isEqualTo(403);
        clock.advanceTo(url.expiresAt().plusSeconds(1));
        assertThat(send(url.url(), "GET", null, url.headers()).statusCode()).isEqualTo(403);
    }

    @Test
    void signedGetsOfSpeciallySpelledKeysWork() throws Exception {
        openGcs();
        List<String> keys = List.of(
                dir + "a b", dir + "a+b", dir + "ümlaut/日本語/😀.txt", dir + "q?x=1&y", dir + "tilde~*", dir + "x%41");
        for (int i = 0; i < keys.size(); i++) {
            storage.privateFiles().put(keys.get(i), new byte[] {(byte) i, 9}, "application/octet-stream");
        }
        for (int i = 0; i < keys.size(); i++) {
            SignedUrl url = storage.privateFiles().signGet(keys.get(i), Duration.ofMinutes(5));
            HttpResponse<byte[]> response = send(url.url(), "GET", null, url.headers());
            assertThat(response.statusCode())
                    .as("signed GET of %s", keys.get(i))
                    .isEqualTo(200);
            assertThat(response.body()).containsExactly(i, 9);
        }
    }

    @Test
    void withoutASignerSigningFailsClearlyButStorageStillWorks() throws Exception {
        openGcs(g -> g, s -> s, null);
        storage.privateFiles().put(dir + "f", new byte[] {1}, "text/plain");
        Throwable e = catchThrowable(() -> storage.privateFiles().signGet(dir + "f", Duration.ofMinutes(5)));
        assertThat(e).isInstanceOfAny(StorageException.class, IllegalStateException.class);
        assertThat(e.getMessage()).isNotBlank();
    }

    @Test
    void neitherTheSignedUrlsStringNorAnyOperationRecordHoldsTheSignature() throws Exception {
        openGcs();
        String key = dir + "secret.txt";
        storage.privateFiles().put(key, new byte[] {1}, "text/plain");
        SignedUrl get = storage.privateFiles().signGet(key, Duration.ofMinutes(5));
        SignedUrl put = storage.privateFiles().signPut(key, "text/plain", Crc32c.EMPTY, Duration.ofMinutes(5));
        for (SignedUrl url : new SignedUrl[] {get, put}) {
            String signature = query(url.url()).get("X-Goog-Signature");
            assertThat(signature).isNotBlank();
            assertThat(url.toString())
                    .doesNotContain(signature)
                    .doesNotContain(url.url().getRawQuery());
            assertThat(url.redactedUrl()).doesNotContain(signature).endsWith("?****");
            for (LogRecord record : records) {
                assertThat(record.toString())
                        .as("record %s", record.name())
                        .doesNotContain(signature)
                        .doesNotContain("X-Goog-Signature");
            }
        }
        assertThat(records).extracting(LogRecord::name).contains("storage.sign");
    }
}
