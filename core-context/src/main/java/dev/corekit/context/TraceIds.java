package dev.corekit.context;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context ids, generated and checked in one place: trace ids (32 lower-case hex), span ids (16 lower-case
 * hex), never all zeros. Corekit's request ids, operation ids and record ids are span ids too, so every id a record
 * carries fits a {@code traceparent}.
 *
 * <pre>{@code
 * String id = TraceIds.newSpanId();          // "a3ce929d0e0e4736"
 * boolean ok = TraceIds.isSpanId(id);        // true
 * }</pre>
 */
public final class TraceIds {
    private static final HexFormat HEX = HexFormat.of();

    private TraceIds() {}

    /** 32 random lower-case hex characters, not all zeros. */
    public static String newTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high;
        long low;
        do {
            high = random.nextLong();
            low = random.nextLong();
        } while (high == 0 && low == 0);
        return HEX.toHexDigits(high) + HEX.toHexDigits(low);
    }

    /** 16 random lower-case hex characters, not all zeros. */
    public static String newSpanId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return HEX.toHexDigits(id);
    }

    /** Whether {@code id} is a W3C span id: 16 lower-case hex characters, not all zeros. */
    public static boolean isSpanId(String id) {
        return id != null && id.length() == 16 && isLowerHex(id) && !isZeros(id);
    }

    /** Whether {@code id} is a W3C trace id: 32 lower-case hex characters, not all zeros. */
    public static boolean isTraceId(String id) {
        return id != null && id.length() == 32 && isLowerHex(id) && !isZeros(id);
    }

    private static boolean isLowerHex(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZeros(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
