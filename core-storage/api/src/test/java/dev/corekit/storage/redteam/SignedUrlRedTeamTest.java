package dev.corekit.storage.redteam;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.corekit.config.InvalidSettingException;
import dev.corekit.storage.Crc32c;
import dev.corekit.storage.IntegrityException;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StorageSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signed URL lifetimes, expiry, tampering and signed uploads, over real HTTP against {@code LocalFilesHandler}. */
class SignedUrlRedTeamTest extends RedTeamFixture {
    private static final byte[] SECRET = "top secret".getBytes(UTF_8);
    private static final byte[] OTHER = "someone else's".getBytes(UTF_8);

    @Test
    void ttlsThatAreNotPositiveAreRefused() {
        storage.privateFiles().put("s.txt", SECRET, "text/plain");
        for (Duration ttl : List.of(
                Duration.ZERO, Duration.ofSeconds(-1), Duration.ofNanos(-1), Duration.ofSeconds(Long.MIN_VALUE))) {
            assertThatThrownBy(() -> storage.privateFiles().signGet("s.txt", ttl))
                    .as("ttl %s", ttl)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> storage.privateFiles().signPut("s.txt", "text/plain", Crc32c.of(SECRET), ttl))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void hugeTtlsAreClampedToTheSettingAndSaySo() {
        storage.privateFiles().put("s.txt", SECRET, "text/plain");
        Duration max = storage.settings().signedUrlMaxTtl();
        Instant now = clock.instant();
        for (Duration ttl : List.of(
                Duration.ofSeconds(Long.MAX_VALUE), max.plusSeconds(1), max.multipliedBy(2), Duration.ofDays(365))) {
            SignedUrl get = storage.privateFiles().signGet("s.txt", ttl);
            SignedUrl put = storage.privateFiles().signPut("s.txt", "text/plain", Crc32c.of(SECRET), ttl);
            for (SignedUrl url : List.of(get, put)) {
                assertThat(url.clamped()).as("ttl %s", ttl).isTrue();
                assertThat(url.limitedBy())
                        .isEqualTo(
                                max.compareTo(StorageSettings.LONGEST_SIGNED_URL_TTL) <= 0
                                        ? SignedUrl.Limit.MAX_TTL_SETTING
                                        : SignedUrl.Limit.SEVEN_DAYS);
                assertThat(Duration.between(now, url.expiresAt())).isBetween(max.minusSeconds(1), max);
            }
        }
    }

    @Test
    void aTtlWithinTheCapIsHonouredExactly() {
        storage.privateFiles().put("s.txt", SECRET, "text/plain");
        Instant now = clock.instant();
        SignedUrl url = storage.privateFiles().signGet("s.txt", Duration.ofSeconds(90));
        assertThat(url.clamped()).isFalse();
        assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.REQUESTED);
        assertThat(Duration.between(now, url.expiresAt())).isBetween(Duration.ofSeconds(89), Duration.ofSeconds(90));
        SignedUrl atCap =
                storage.privateFiles().signGet("s.txt", storage.settings().signedUrlMaxTtl());
        assertThat(atCap.clamped()).isFalse();
    }

    @Test
    void aMaxTtlSettingBeyondSevenDaysIsRefusedOrCappedAtSevenDays() throws Exception {
        Throwable thrown = catchThrowable(
                () -> settings().signedUrlMaxTtl(Duration.ofDays(30)).build());
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(InvalidSettingException.class);
            return;
        }
        try (Storage longLived = dev.corekit.storage.Storage.custom()
                .settings(settings().signedUrlMaxTtl(Duration.ofDays(30)).build())
                .clock(clock)
                .recorder(dev.corekit.logging.Recorder.of(sink))
                .build()) {
            longLived.privateFiles().put("s.txt", SECRET, "text/plain");
            SignedUrl url = longLived.privateFiles().signGet("s.txt", Duration.ofDays(10));
            assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.SEVEN_DAYS);
            assertThat(Duration.between(clock.instant(), url.expiresAt()))
                    .isBetween(Duration.ofDays(7).minusSeconds(1), Duration.ofDays(7));
        }
        assertThatThrownBy(() -> settings().signedUrlMaxTtl(Duration.ZERO).build())
                .isInstanceOf(InvalidSettingException.class);
    }

    @Test
    void aSignedGetWorksUntilItExpiresThenIsRefused() throws Exception {
        storage.privateFiles().put("s.txt", SECRET, "text/plain");
        SignedUrl url = storage.privateFiles().signGet("s.txt", Duration.ofMinutes(5));
        HttpResponse<byte[]> ok = send("GET", url.url());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(SECRET);
        clock.advanceTo(url.expiresAt().plusSeconds(1));
        HttpResponse<byte[]> late = send("GET", url.url());
        assertThat(late.statusCode()).isEqualTo(403);
        assertThat(new String(late.body(), UTF_8)).doesNotContain("top secret");
        // the same URL with a duplicated, later expiry must not come back to life
        for (String extra : expiryLookalikes(url.url(), Instant.now().plus(Duration.ofDays(3650)))) {
            URI polluted = URI.create(url.url() + "&" + extra);
            assertThat(send("GET", polluted).statusCode())
                    .as("%s appended", extra)
                    .isEqualTo(403);
        }
    }

    @Test
    void tamperedSignedGetsAreRefused() throws Exception {
        storage.privateFiles().put("mine.txt", SECRET, "text/plain");
        storage.privateFiles().put("theirs.txt", OTHER, "text/plain");
        SignedUrl url = storage.privateFiles().signGet("mine.txt", Duration.ofMinutes(5));
        String full = url.url().toString();
        String query = url.url().getRawQuery();
        assertThat(query).as("the signature is in the query").isNotBlank();
        List<String> params = List.of(query.split("&"));

        List<URI> tampered = new ArrayList<>();
        tampered.add(URI.create(full.replace("mine.txt", "theirs.txt")));
        tampered.add(URI.create(full.replace("mine.txt", "mine.txt/")));
        tampered.add(URI.create(full.replace("mine.txt", "./mine.txt")));
        tampered.add(URI.create(full.replace("/private/", "/private//")));
        tampered.add(URI.create(full.replace("mine.txt", "MINE.txt")));
        tampered.add(URI.create(full.substring(0, full.indexOf('?'))));
        for (int i = 0; i < params.size(); i++) {
            List<String> changed = new ArrayList<>(params);
            changed.set(i, flipLastChar(params.get(i)));
            tampered.add(withQuery(url.url(), changed));
            List<String> dropped = new ArrayList<>(params);
            dropped.remove(i);
            tampered.add(withQuery(url.url(), dropped));
        }
        for (URI uri : tampered) {
            HttpResponse<byte[]> response = send("GET", uri);
            assertThat(response.statusCode()).as("%s", uri).isIn(400, 403, 404);
            assertThat(new String(response.body(), UTF_8))
                    .doesNotContain("top secret")
                    .doesNotContain("someone");
        }
        // a reordered query carries the same signed values: the same file, or a refusal; never another file
        List<String> reversed = new ArrayList<>(params);
        Collections.reverse(reversed);
        HttpResponse<byte[]> reordered = send("GET", withQuery(url.url(), reversed));
        assertThat(reordered.statusCode()).isIn(200, 403);
        if (reordered.statusCode() == 200) {
            assertThat(reordered.body()).isEqualTo(SECRET);
        }
        // the original still works
        assertThat(send("GET", url.url()).body()).isEqualTo(SECRET);
    }

    @Test
    void aSignedGetIsNotASignedPutOrDelete() throws Exception {
        storage.privateFiles().put("mine.txt", SECRET, "text/plain");
        SignedUrl get = storage.privateFiles().signGet("mine.txt", Duration.ofMinutes(5));
        HttpResponse<String> put = http.send(
                HttpRequest.newBuilder(get.url())
                        .PUT(HttpRequest.BodyPublishers.ofString("overwritten"))
                        .header("Content-Type", "text/plain")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isIn(400, 403, 405);
        // even with every header a real signed PUT of that body would carry, a GET signature does not authorise a PUT
        byte[] evil = "overwritten".getBytes(UTF_8);
        SignedUrl realPut =
                storage.privateFiles().signPut("mine.txt", "text/plain", Crc32c.of(evil), Duration.ofMinutes(5));
        SignedUrl getAsPut = new SignedUrl("PUT", get.url(), realPut.headers(), get.expiresAt(), get.limitedBy());
        assertThat(upload(getAsPut, evil, realPut.headers()).statusCode()).isIn(400, 403, 405);
        assertThat(send("DELETE", get.url()).statusCode()).isIn(403, 405);
        assertThat(storage.privateFiles().readAllBytes("mine.txt")).isEqualTo(SECRET);
        SignedUrl signedPut =
                storage.privateFiles().signPut("mine.txt", "text/plain", Crc32c.of(OTHER), Duration.ofMinutes(5));
        HttpResponse<byte[]> getWithPut = send("GET", signedPut.url());
        assertThat(getWithPut.statusCode()).isIn(403, 405);
        assertThat(new String(getWithPut.body(), UTF_8)).doesNotContain("top secret");
    }

    @Test
    void privateFilesAreUnreachableThroughThePublicPathByTraversal() throws Exception {
        storage.privateFiles().put("secret.txt", SECRET, "text/plain");
        storage.publicFiles().put("pub.txt", new byte[] {1}, "text/plain");
        String pub = base + "/public/";
        for (String path : List.of(
                "..%2fprivate%2fsecret.txt",
                "%2e%2e/private/secret.txt",
                "%2E%2E%2Fprivate%2Fsecret.txt",
                "..%5cprivate%5csecret.txt",
                "pub.txt%00/../../private/secret.txt",
                "./../private/secret.txt")) {
            HttpResponse<byte[]> response = send("GET", URI.create(pub + path));
            assertThat(new String(response.body(), UTF_8)).as(path).doesNotContain("top secret");
            assertThat(response.statusCode()).as(path).isNotEqualTo(200);
        }
        HttpResponse<byte[]> raw = send("GET", URI.create(base + "/private/secret.txt"));
        assertThat(raw.statusCode()).isEqualTo(403);
    }

    @Test
    void aSignedPutWhoseBodyDoesNotMatchItsChecksumStoresNothing() throws Exception {
        storage.privateFiles().put("up.txt", SECRET, "text/plain");
        byte[] body = "uploaded by a browser".getBytes(UTF_8);
        SignedUrl url = storage.privateFiles().signPut("up.txt", "text/plain", Crc32c.of(body), Duration.ofMinutes(5));
        byte[] corrupt = body.clone();
        corrupt[3] ^= 1;
        assertThat(upload(url, corrupt, url.headers()).statusCode()).isEqualTo(400);
        assertThat(storage.privateFiles().readAllBytes("up.txt"))
                .as("previous version")
                .isEqualTo(SECRET);
        // a longer body that starts with the signed bytes
        byte[] longer = (new String(body, UTF_8) + "!").getBytes(UTF_8);
        assertThat(upload(url, longer, url.headers()).statusCode()).isEqualTo(400);
        assertThat(storage.privateFiles().readAllBytes("up.txt")).isEqualTo(SECRET);
        // another content type than signed
        java.util.Map<String, String> otherType = new java.util.HashMap<>(url.headers());
        otherType.replaceAll((k, v) -> k.equalsIgnoreCase("Content-Type") ? "text/html" : v);
        assertThat(upload(url, body, otherType).statusCode()).isIn(400, 403);
        // the checksum header swapped for the corrupt body's own checksum: the signature covers it
        java.util.Map<String, String> forged = new java.util.HashMap<>(url.headers());
        forged.replaceAll((k, v) ->
                v.equals(Crc32c.of(body).toBase64()) ? Crc32c.of(corrupt).toBase64() : v);
        forged.replaceAll(
                (k, v) -> v.equals(Crc32c.of(body).toHex()) ? Crc32c.of(corrupt).toHex() : v);
        assertThat(upload(url, corrupt, forged).statusCode()).isIn(400, 403);
        // no headers at all
        assertThat(upload(url, body, java.util.Map.of()).statusCode()).isIn(400, 403);
        assertThat(storage.privateFiles().readAllBytes("up.txt")).isEqualTo(SECRET);
        // after all that, the right upload works and is confirmed
        assertThat(upload(url, body, url.headers()).statusCode()).isEqualTo(200);
        assertThat(storage.privateFiles()
                        .confirmUpload("up.txt", Crc32c.of(body))
                        .crc32c())
                .isEqualTo(Crc32c.of(body));
        assertThat(storage.privateFiles().readAllBytes("up.txt")).isEqualTo(body);
    }

    @Test
    void aSignedPutAfterExpiryStoresNothing() throws Exception {
        byte[] body = "late".getBytes(UTF_8);
        SignedUrl url =
                storage.privateFiles().signPut("late.txt", "text/plain", Crc32c.of(body), Duration.ofMinutes(1));
        clock.advanceTo(url.expiresAt().plusSeconds(1));
        assertThat(upload(url, body, url.headers()).statusCode()).isEqualTo(403);
        assertThat(storage.privateFiles().exists("late.txt")).isFalse();
        StorageException e = (StorageException)
                catchThrowable(() -> storage.privateFiles().confirmUpload("late.txt", Crc32c.of(body)));
        assertThat(e.reason()).isEqualTo(StorageException.Reason.NOT_FOUND);
    }

    @Test
    void confirmingAnUploadWithTheWrongChecksumDeletesIt() throws Exception {
        byte[] body = "scan".getBytes(UTF_8);
        SignedUrl url =
                storage.privateFiles().signPut("scan.pdf", "application/pdf", Crc32c.of(body), Duration.ofMinutes(1));
        assertThat(upload(url, body, url.headers()).statusCode()).isEqualTo(200);
        Crc32c wrong = Crc32c.of(Crc32c.of(body).intValue() + 1);
        IntegrityException e =
                (IntegrityException) catchThrowable(() -> storage.privateFiles().confirmUpload("scan.pdf", wrong));
        assertThat(e.key()).contains("scan.pdf");
        assertThat(e.expected()).isEqualTo(wrong);
        assertThat(e.actual()).contains(Crc32c.of(body));
        assertThat(storage.privateFiles().exists("scan.pdf")).isFalse();
    }

    private HttpResponse<String> upload(SignedUrl url, byte[] body, java.util.Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(url.url()).method(url.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Host")) {
                request.header(name, value);
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> expiryLookalikes(URI url, Instant later) {
        List<String> extra = new ArrayList<>();
        for (String param : url.getRawQuery().split("&")) {
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? "" : param.substring(eq + 1);
            if (value.matches("\\d+")) {
                extra.add(name + "=" + (value.length() >= 13 ? later.toEpochMilli() : later.getEpochSecond()));
            }
        }
        return extra;
    }

    private static String flipLastChar(String param) {
        char last = param.charAt(param.length() - 1);
        char swapped = Character.isDigit(last) ? (char) ('0' + (last - '0' + 1) % 10) : (last == 'A' ? 'B' : 'A');
        return param.substring(0, param.length() - 1) + swapped;
    }

    private static URI withQuery(URI url, List<String> params) {
        String s = url.toString();
        return URI.create(s.substring(0, s.indexOf('?')) + (params.isEmpty() ? "" : "?" + String.join("&", params)));
    }
}
