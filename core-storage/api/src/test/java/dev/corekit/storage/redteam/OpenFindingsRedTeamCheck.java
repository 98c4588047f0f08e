package dev.corekit.storage.redteam;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.storage.SignedUrl;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Red-team cases that still fail: each names its finding. Kept as a *RedTeamCheck so the build does not run it; run
 * it with {@code -Dtest='dev.corekit.storage.redteam.*RedTeamCheck' -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class OpenFindingsRedTeamCheck extends RedTeamFixture {
    /**
     * FINDING (open, cosmetic): SignedUrl.redactedUrl() is documented as "the URL without its query", but returns the
     * URL with the query masked ({@code .../s.txt?****}). Safe to log (the signature is gone), but not what the
     * Javadoc says; either the doc or the method should change.
     */
    @Test
    void redactedUrlIsTheUrlWithoutItsQuery() {
        storage.privateFiles().put("s.txt", "x".getBytes(UTF_8), "text/plain");
        SignedUrl url = storage.privateFiles().signGet("s.txt", Duration.ofMinutes(1));
        String full = url.url().toString();
        assertThat(url.redactedUrl()).isEqualTo(full.substring(0, full.indexOf('?')));
    }

    /**
     * FINDING (open, doc/behaviour mismatch): PrivateFiles.signGet/signPut document an IllegalArgumentException only
     * "for a ttl that is not positive", but a positive ttl under one second (500 ms) is refused with "a signed URL
     * lives at least 1s". Either document the 1 s minimum or round such a ttl up (and say so via clamped()).
     */
    @Test
    void aPositiveSubSecondTtlIsAccepted() {
        storage.privateFiles().put("s.txt", "x".getBytes(UTF_8), "text/plain");
        SignedUrl url = storage.privateFiles().signGet("s.txt", Duration.ofMillis(500));
        assertThat(url.expiresAt()).isAfterOrEqualTo(clock.instant().minusSeconds(1));
    }
}
