package dev.corekit.storage.redteam;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.storage.Crc32c;
import dev.corekit.storage.SignedUrl;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two red-team findings where the Javadoc said less than the code did; the Javadoc now states the behaviour these
 * cases hold it to.
 */
class DocumentedLimitsRedTeamTest extends RedTeamFixture {
    @Test
    void redactedUrlMasksTheWholeQueryWhereTheSignatureIs() {
        storage.privateFiles().put("s.txt", "x".getBytes(UTF_8), "text/plain");
        SignedUrl url = storage.privateFiles().signGet("s.txt", Duration.ofMinutes(1));
        String full = url.url().toString();

        assertThat(url.redactedUrl()).isEqualTo(full.substring(0, full.indexOf('?')) + "?****");
        assertThat(url.toString()).doesNotContain(full.substring(full.indexOf('?') + 1));
    }

    @Test
    void aTtlShorterThanOneSecondIsRefusedNamingTheMinimum() {
        storage.privateFiles().put("s.txt", "x".getBytes(UTF_8), "text/plain");

        assertThatThrownBy(() -> storage.privateFiles().signGet("s.txt", Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1s");
        assertThatThrownBy(() -> storage.privateFiles()
                        .signPut("s.txt", "text/plain", Crc32c.of(new byte[] {1}), Duration.ofMillis(999)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1s");
    }
}
