package dev.corekit.context.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * W3C Trace Context ({@code traceparent}, {@code tracestate}) and W3C Baggage codecs (ids: {@code TraceIds}). Internal: use
 * {@code ContextHeaders}. Parsing never throws: what is invalid is
 * reported as absent.
 *
 * <pre>{@code
 * W3c.Traceparent parent = W3c.parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
 * }</pre>
 */
public final class W3c {
    /** W3C Baggage: a platform must propagate at least 64 list members ... */
    public static final int MAX_BAGGAGE_ENTRIES = 64;
    /** ... and at least 8192 bytes of header. */
    public static final int MAX_BAGGAGE_BYTES = 8192;
    /** W3C Trace Context: vendors should propagate at least 512 characters of {@code tracestate}. */
    public static final int MAX_TRACESTATE_CHARS = 512;

    private static final HexFormat HEX = HexFormat.of();
    private static final int TRACEPARENT_LENGTH = 55;

    private W3c() {}

    /** A valid incoming {@code traceparent}: trace id, parent span id and the sampled flag. */
    public record Traceparent(String traceId, String parentId, boolean sampled) {}

    /**
     * Parses a {@code traceparent} header per W3C Trace Context: version {@code 00} is exactly
     * {@code 00-<32 hex>-<16 hex>-<2 hex>}, lower-case, with neither id all zeros; a higher version (but not
     * {@code ff}) is parsed by the same prefix when followed by the end or {@code -}. Returns null when invalid.
     */
    public static Traceparent parseTraceparent(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        int length = value.length();
        if (length < TRACEPARENT_LENGTH || !isLowerHex(value, 0, 2) || value.startsWith("ff")) {
            return null;
        }
        if (value.startsWith("00")
                ? length != TRACEPARENT_LENGTH
                : length > TRACEPARENT_LENGTH && value.charAt(55) != '-') {
            return null;
        }
        if (value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return null;
        }
        if (!isLowerHex(value, 3, 35) || !isLowerHex(value, 36, 52) || !isLowerHex(value, 53, 55)) {
            return null;
        }
        String traceId = value.substring(3, 35);
        String parentId = value.substring(36, 52);
        if (isZeros(traceId) || isZeros(parentId)) {
            return null;
        }
        boolean sampled = (Character.digit(value.charAt(54), 16) & 1) != 0;
        return new Traceparent(traceId, parentId, sampled);
    }

    /** Formats a version-00 {@code traceparent}. */
    public static String formatTraceparent(String traceId, String spanId, boolean sampled) {
        return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
    }

    /** A {@code tracestate} worth passing on: non-blank printable ASCII of at most 512 characters; else null. */
    public static String sanitizeTracestate(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        if (value.isEmpty() || value.length() > MAX_TRACESTATE_CHARS) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
        }
        return value;
    }

    /** Whether {@code value} can be a request id: 1 to 128 visible ASCII characters (it goes into headers and logs). */
    public static boolean isRequestId(String value) {
        if (value == null || value.isEmpty() || value.length() > 128) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code key} is a W3C baggage key: an RFC 7230 token. */
    public static boolean isBaggageKey(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (!isTokenChar(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The encoded size of one baggage member, {@code key=percent-encoded-value}, in bytes. */
    public static int memberBytes(String key, String value) {
        return key.length() + 1 + encodeValue(value).length();
    }

    /** The encoded size of a whole {@code baggage} header in bytes (members joined by commas). */
    public static int baggageBytes(Map<String, String> baggage) {
        int bytes = Math.max(0, baggage.size() - 1);
        for (Map.Entry<String, String> entry : baggage.entrySet()) {
            bytes += memberBytes(entry.getKey(), entry.getValue());
        }
        return bytes;
    }

    /** Formats a {@code baggage} header: {@code k1=v1,k2=v2}, values percent-encoded (UTF-8). */
    public static String formatBaggage(Map<String, String> baggage) {
        StringBuilder header = new StringBuilder();
        for (Map.Entry<String, String> entry : baggage.entrySet()) {
            if (header.length() > 0) {
                header.append(',');
            }
            header.append(entry.getKey()).append('=').append(encodeValue(entry.getValue()));
        }
        return header.toString();
    }

    /**
     * Parses a {@code baggage} header. Member properties ({@code ;...}) are dropped; a member with a bad key or bad
     * percent-encoding is skipped; members beyond {@link #MAX_BAGGAGE_ENTRIES} or {@link #MAX_BAGGAGE_BYTES} are
     * dropped, as the spec allows. A later duplicate key wins. Returns an unmodifiable map in header order.
     */
    public static Map<String, String> parseBaggage(String header) {
        if (header == null || header.isBlank()) {
            return Map.of();
        }
        Map<String, String> entries = new LinkedHashMap<>();
        int bytes = 0;
        int start = 0;
        while (start <= header.length()) {
            int comma = header.indexOf(',', start);
            int end = comma < 0 ? header.length() : comma;
            String member = header.substring(start, end);
            start = end + 1;
            int semicolon = member.indexOf(';');
            String pair = semicolon < 0 ? member : member.substring(0, semicolon);
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = pair.substring(0, eq).strip();
            String value = decodeValue(pair.substring(eq + 1).strip());
            if (!isBaggageKey(key) || value == null) {
                continue;
            }
            if (entries.remove(key) != null) {
                bytes = baggageBytes(entries);
            }
            int added = memberBytes(key, value) + (entries.isEmpty() ? 0 : 1);
            if (entries.size() == MAX_BAGGAGE_ENTRIES || bytes + added > MAX_BAGGAGE_BYTES) {
                continue;
            }
            entries.put(key, value);
            bytes += added;
        }
        return entries.isEmpty() ? Map.of() : Collections.unmodifiableMap(entries);
    }

    /** Percent-encodes (UTF-8) every character that is not a W3C {@code baggage-octet}, and {@code %} itself. */
    static String encodeValue(String value) {
        int i = 0;
        while (i < value.length() && isBaggageOctet(value.charAt(i))) {
            i++;
        }
        if (i == value.length()) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, i);
        byte[] rest = value.substring(i).getBytes(StandardCharsets.UTF_8);
        for (byte b : rest) {
            int c = b & 0xff;
            if (c < 0x80 && isBaggageOctet((char) c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX.withUpperCase().toHexDigits((byte) c));
            }
        }
        return out.toString();
    }

    /** Decodes percent-encoding (UTF-8); null when malformed or when the value holds a non-octet. */
    static String decodeValue(String value) {
        if (value.indexOf('%') < 0) {
            for (int i = 0; i < value.length(); i++) {
                if (!isBaggageOctet(value.charAt(i))) {
                    return null;
                }
            }
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    return null;
                }
                int high = Character.digit(value.charAt(i + 1), 16);
                int low = Character.digit(value.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (isBaggageOctet(c)) {
                bytes.write(c);
            } else {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException malformed) {
            return null;
        }
    }

    private static boolean isBaggageOctet(char c) {
        // baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E; '%' (0x25) is always encoded by us.
        return c == 0x21
                || (c >= 0x23 && c <= 0x2b && c != '%')
                || (c >= 0x2d && c <= 0x3a)
                || (c >= 0x3c && c <= 0x5b)
                || (c >= 0x5d && c <= 0x7e);
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isLowerHex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZeros(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
