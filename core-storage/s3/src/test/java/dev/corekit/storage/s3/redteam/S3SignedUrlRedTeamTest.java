package dev.corekit.storage.s3.redteam;

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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Signed URLs of the S3 provider on S3Proxy (SigV4 signatures and expiry checked): the lifetime is the earliest of the
 * request, the setting, seven days and the credentials' expiry; a signed PUT takes exactly the content it was signed
 * for; nothing logged holds the signature.
 */
@Timeout(120)
class S3SignedUrlRedTeamTest extends AbstractS3RedTeamTest {
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

    private HttpResponse<String> send(SignedUrl url, byte[] body, Map<String, String> headers) throws Exception {
        return send(url.url(), url.method(), body, headers);
    }

    private HttpResponse<String> send(URI uri, String method, byte[] body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long xAmzExpires(SignedUrl url) {
        return Long.parseLong(query(url.url()).get("X-Amz-Expires"));
    }

    /** The URL's own expiry, X-Amz-Date + X-Amz-Expires, is expiresAt to SigV4's whole second, never later. */
    private static void assertUrlDiesWhenItSays(SignedUrl url) {
        Map<String, String> q = query(url.url());
        Instant signedAt = java.time.LocalDateTime.parse(
                        q.get("X-Amz-Date"), java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                .toInstant(java.time.ZoneOffset.UTC);
        Instant dies = signedAt.plusSeconds(Long.parseLong(q.get("X-Amz-Expires")));
        assertThat(dies)
                .as("X-Amz-Date + X-Amz-Expires vs expiresAt %s", url.expiresAt())
                .isEqualTo(url.expiresAt());
    }

    @Test
    void theUrlsOwnExpiryIsTheOneReported() {
        openProxy(s3 -> s3, s -> s.signedUrlMaxTtl(Duration.ofHours(2)));
        Instant before = Instant.now();
        SignedUrl url = storage.privateFiles().signGet(dir + "f", Duration.ofMinutes(10));
        assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.REQUESTED);
        assertThat(url.clamped()).isFalse();
        // SignedUrl: signing counts whole seconds, so the URL may end up to two seconds early, never late
        assertThat(url.expiresAt())
                .isBetween(before.plusSeconds(598), Instant.now().plusSeconds(600));
        assertUrlDiesWhenItSays(url);
    }

    @Test
    void aHugeTtlIsClampedToTheSettingInTheUrlItself() {
        openProxy(s3 -> s3, s -> s.signedUrlMaxTtl(Duration.ofHours(2)));
        SignedUrl url = storage.privateFiles().signGet(dir + "f", Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.MAX_TTL_SETTING);
        assertThat(url.clamped()).isTrue();
        assertUrlDiesWhenItSays(url);
        assertThat(xAmzExpires(url)).isBetween(7199L, 7200L);
    }

    @Test
    void noUrlOutlivesSevenDaysEvenWithTheLongestSetting() {
        openProxy(s3 -> s3, s -> s.signedUrlMaxTtl(StorageSettings.LONGEST_SIGNED_URL_TTL));
        SignedUrl url = storage.privateFiles().signPut(dir + "f", "text/plain", Crc32c.EMPTY, Duration.ofDays(30));
        assertThat(url.clamped()).isTrue();
        assertThat(url.limitedBy()).isIn(SignedUrl.Limit.SEVEN_DAYS, SignedUrl.Limit.MAX_TTL_SETTING);
        assertThat(xAmzExpires(url)).isLessThanOrEqualTo(604_800);
    }

    @Test
    void ttlsBelowOneSecondAreRefused() {
        openProxy(s3 -> s3, s -> s);
        for (Duration ttl : new Duration[] {Duration.ZERO, Duration.ofSeconds(-5), Duration.ofMillis(999)}) {
            assertThat(catchThrowable(() -> storage.privateFiles().signGet(dir + "f", ttl)))
                    .as("ttl %s", ttl)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(catchThrowable(() -> storage.privateFiles().signPut(dir + "f", "text/plain", Crc32c.EMPTY, ttl)))
                    .as("ttl %s", ttl)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(catchThrowable(() -> storage.privateFiles().signGet(dir + "f", Duration.ofSeconds(Long.MIN_VALUE))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void temporaryCredentialsCapTheLifetimeAtTheirExpiry() throws Exception {
        Instant credentialExpiry = Instant.now().plus(Duration.ofMinutes(10));
        openMock(
                s3 -> s3,
                s -> s.signedUrlMaxTtl(Duration.ofHours(12)),
                StaticCredentialsProvider.create(AwsSessionCredentials.builder()
                        .accessKeyId("ASIAEXAMPLE")
                        .secretAccessKey("TempSecretKeyExample123")
                        .sessionToken("SessionTokenExample456")
                        .expirationTime(credentialExpiry)
                        .build()));
        SignedUrl url = storage.privateFiles().signGet(dir + "f", Duration.ofHours(1));
        assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.CREDENTIAL_EXPIRY);
        assertThat(url.expiresAt()).isBeforeOrEqualTo(credentialExpiry);
        assertThat(xAmzExpires(url)).isLessThanOrEqualTo(600);
        assertThat(url.toString()).doesNotContain("SessionTokenExample456").doesNotContain("TempSecretKeyExample123");
    }

    @Test
    void expiredTemporaryCredentialsCannotSign() throws Exception {
        openMock(
                s3 -> s3,
                s -> s,
                StaticCredentialsProvider.create(AwsSessionCredentials.builder()
                        .accessKeyId("ASIAEXAMPLE")
                        .secretAccessKey("TempSecretKeyExample123")
                        .sessionToken("SessionTokenExample456")
                        .expirationTime(Instant.now().minusSeconds(60))
                        .build()));
        Throwable e = catchThrowable(() -> storage.privateFiles().signGet(dir + "f", Duration.ofMinutes(5)));
        assertThat(e).isInstanceOf(StorageException.class);
        assertThat(e.getMessage()).doesNotContain("TempSecretKeyExample123").doesNotContain("SessionTokenExample456");
    }

    @Test
    void aSignedPutNamesTheHeadersItNeedsAndTheyAreSigned() {
        openProxy(s3 -> s3, s -> s);
        Crc32c crc = Crc32c.of(new byte[] {1, 2, 3});
        SignedUrl url = storage.privateFiles().signPut(dir + "f", "image/png", crc, Duration.ofMinutes(5));
        assertThat(url.method()).isEqualTo("PUT");
        Map<String, String> lower = new LinkedHashMap<>();
        url.headers().forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        assertThat(lower).containsEntry("content-type", "image/png");
        assertThat(lower).containsEntry("x-amz-checksum-crc32c", crc.toBase64());
        assertThat(lower).doesNotContainKeys("host", "authorization");
        String signedHeaders = query(url.url()).get("X-Amz-SignedHeaders");
        assertThat(signedHeaders.split(";")).contains("content-type", "x-amz-checksum-crc32c");
    }

    @Test
    void aSignedPutWithItsHeadersStoresAndConfirms() throws Exception {
        openProxy(s3 -> s3, s -> s);
        byte[] body = TestContent.bytes(1, 10_000);
        Crc32c crc = Crc32c.of(body);
        String key = dir + "up.png";
        SignedUrl url = storage.privateFiles().signPut(key, "image/png", crc, Duration.ofMinutes(5));
        assertThat(send(url, body, url.headers()).statusCode()).isEqualTo(200);
        StoredFile confirmed = storage.privateFiles().confirmUpload(key, crc);
        assertThat(confirmed.size()).isEqualTo(body.length);
        assertThat(confirmed.crc32c()).isEqualTo(crc);
    }

    @Test
    void aSignedPutWithOtherBytesAndTheChecksumHeaderDroppedStoresNothing() throws Exception {
        openProxy(s3 -> s3, s -> s);
        byte[] body = TestContent.bytes(2, 1000);
        String key = dir + "drop-crc.bin";
        SignedUrl url =
                storage.privateFiles().signPut(key, "application/octet-stream", Crc32c.of(body), Duration.ofMinutes(5));
        Map<String, String> headers = new LinkedHashMap<>(url.headers());
        headers.keySet().removeIf(name -> name.equalsIgnoreCase("x-amz-checksum-crc32c"));
        byte[] other = TestContent.bytes(3, 1000);
        int status = send(url, other, headers).statusCode();
        assertThat(status).as("PUT of other bytes without the checksum header").isGreaterThanOrEqualTo(400);
        assertThat(storage.privateFiles().exists(key)).isFalse();
    }

    @Test
    void aSignedPutWithOtherBytesAndTheSignedChecksumStoresNothing() throws Exception {
        openProxy(s3 -> s3, s -> s);
        byte[] body = TestContent.bytes(4, 1000);
        String key = dir + "other-bytes.bin";
        SignedUrl url =
                storage.privateFiles().signPut(key, "application/octet-stream", Crc32c.of(body), Duration.ofMinutes(5));
        byte[] other = body.clone();
        other[500] ^= 1;
        assertThat(send(url, other, url.headers()).statusCode()).isGreaterThanOrEqualTo(400);
        assertThat(storage.privateFiles().exists(key)).isFalse();
    }

    @Test
    void aSignedPutWithAnotherContentTypeIsRefused() throws Exception {
        openProxy(s3 -> s3, s -> s);
        byte[] body = TestContent.bytes(5, 100);
        String key = dir + "ct.png";
        SignedUrl url = storage.privateFiles().signPut(key, "image/png", Crc32c.of(body), Duration.ofMinutes(5));
        Map<String, String> headers = new LinkedHashMap<>(url.headers());
        headers.entrySet().removeIf(h -> h.getKey().equalsIgnoreCase("content-type"));
        headers.put("Content-Type", "text/html");
        assertThat(send(url, body, headers).statusCode()).isEqualTo(403);
        assertThat(storage.privateFiles().exists(key)).isFalse();
    }

    @Test
    void tamperingWithTheExpiryOrTheKeyOfASignedGetIsRefused() throws Exception {
        openProxy(s3 -> s3, s -> s);
        String key = dir + "t.txt";
        storage.privateFiles().put(key, new byte[] {1}, "text/plain");
        storage.privateFiles().put(dir + "u.txt", new byte[] {2}, "text/plain");
        SignedUrl url = storage.privateFiles().signGet(key, Duration.ofMinutes(5));
        assertThat(send(url, null, url.headers()).statusCode()).isEqualTo(200);
        URI longer = URI.create(url.url().toString().replaceFirst("X-Amz-Expires=\\d+", "X-Amz-Expires=3000"));
        assertThat(longer).isNotEqualTo(url.url());
        assertThat(send(longer, "GET", null, url.headers()).statusCode()).isEqualTo(403);
        URI otherKey = URI.create(url.url().toString().replace("t.txt", "u.txt"));
        assertThat(send(otherKey, "GET", null, url.headers()).statusCode()).isEqualTo(403);
        assertThat(send(url.url(), "DELETE", null, url.headers()).statusCode()).isEqualTo(403);
        assertThat(storage.privateFiles().exists(key)).isTrue();
    }

    @Test
    void neitherTheSignedUrlsStringNorAnyOperationRecordHoldsTheSignatureOrTheSecret() throws Exception {
        openProxy(s3 -> s3, s -> s);
        String key = dir + "secret.txt";
        storage.privateFiles().put(key, new byte[] {1}, "text/plain");
        SignedUrl get = storage.privateFiles().signGet(key, Duration.ofMinutes(5));
        SignedUrl put = storage.privateFiles().signPut(key, "text/plain", Crc32c.EMPTY, Duration.ofMinutes(5));
        for (SignedUrl url : new SignedUrl[] {get, put}) {
            String signature = query(url.url()).get("X-Amz-Signature");
            assertThat(signature).isNotBlank();
            assertThat(url.toString())
                    .doesNotContain(signature)
                    .doesNotContain(url.url().getRawQuery());
            assertThat(url.redactedUrl()).doesNotContain(signature).endsWith("?****");
            for (LogRecord record : records) {
                assertThat(record.toString())
                        .as("record %s", record.name())
                        .doesNotContain(signature)
                        .doesNotContain(PROXY_SECRET_KEY)
                        .doesNotContain("X-Amz-Signature");
            }
        }
        assertThat(records).extracting(LogRecord::name).contains("storage.sign");
    }
}
