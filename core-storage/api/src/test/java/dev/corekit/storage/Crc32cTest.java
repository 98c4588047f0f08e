package dev.corekit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cTest {
    @Test
    void matchesTheStandardCheckValueAndBothSpellingsRoundTrip() {
        Crc32c crc = Crc32c.of("123456789".getBytes(StandardCharsets.US_ASCII));

        assertThat(crc.unsignedValue()).isEqualTo(0xE3069283L);
        assertThat(crc.toHex()).isEqualTo("e3069283");
        assertThat(crc.toBase64()).isEqualTo("4waSgw==");
        assertThat(Crc32c.fromBase64("4waSgw==")).isEqualTo(crc);
        assertThat(Crc32c.fromHex("E3069283")).isEqualTo(crc);
        assertThat(crc).hasToString("e3069283");
        assertThat(Crc32c.of(new byte[0])).isEqualTo(Crc32c.EMPTY);
        assertThat(Crc32c.EMPTY.toBase64()).isEqualTo("AAAAAA==");
    }

    @Test
    void combiningTheChecksumsOfTwoPartsGivesTheChecksumOfTheWhole() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            byte[] whole = new byte[random.nextInt(5000)];
            random.nextBytes(whole);
            int split = whole.length == 0 ? 0 : random.nextInt(whole.length + 1);
            Crc32c first = Crc32c.of(whole, 0, split);
            Crc32c second = Crc32c.of(whole, split, whole.length - split);

            assertThat(Crc32c.combine(first, second, whole.length - split))
                    .as("split %d of %d", split, whole.length)
                    .isEqualTo(Crc32c.of(whole));
        }
    }

    @Test
    void combiningWorksForPartsOfManyMegabytes() {
        byte[] part = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(part);
        CRC32C whole = new CRC32C();
        Crc32c combined = Crc32c.EMPTY;
        for (int i = 0; i < 3; i++) {
            whole.update(part);
            combined = Crc32c.combine(combined, Crc32c.of(part), part.length);
        }

        assertThat(combined).isEqualTo(Crc32c.of((int) whole.getValue()));
    }

    @Test
    void malformedSpellingsAreRejectedWithTheValue() {
        assertThatThrownBy(() -> Crc32c.fromBase64("AAAA"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"AAAA\" holds 3 bytes, a CRC32C has 4");
        assertThatThrownBy(() -> Crc32c.fromBase64("!!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Base64 CRC32C");
        assertThatThrownBy(() -> Crc32c.fromHex("xyz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8 hex digits");
        assertThatThrownBy(() -> Crc32c.combine(Crc32c.EMPTY, Crc32c.EMPTY, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
