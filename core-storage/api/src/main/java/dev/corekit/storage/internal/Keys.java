package dev.corekit.storage.internal;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** The key rules every provider shares, the percent-encoding of keys in URLs, and keys shown safely in messages. */
public final class Keys {
    private static final int SHOWN_CHARS = 120;

    private Keys() {}

    /**
     * Checks a file key against the rules documented on {@link dev.corekit.storage.FileArea}.
     *
     * @param key the caller's key
     * @param prefix the area prefix the provider will see in front of it
     * @param maxKeyBytes the provider's limit on whole object keys
     * @param maxSegmentBytes the provider's limit on one segment
     * @throws IllegalArgumentException naming the rule the key broke
     */
    public static void validate(String key, String prefix, int maxKeyBytes, int maxSegmentBytes) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a file key must not be empty");
        }
        checkCharacters(key, "file key");
        if (key.startsWith("/")) {
            throw bad(key, "starts with '/': keys are relative, like invoices/2026/1.pdf");
        }
        if (key.endsWith("/")) {
            throw bad(key, "ends with '/': a key names a file, not a folder");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                throw bad(key, "has an empty segment ('//')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw bad(key, "has a '" + segment + "' segment: keys cannot climb or point at folders");
            }
            int segmentBytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (segmentBytes > maxSegmentBytes) {
                throw bad(
                        key,
                        "has a segment of " + segmentBytes + " bytes in UTF-8; this provider allows " + maxSegmentBytes
                                + " per segment");
            }
        }
        int bytes = (prefix + key).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxKeyBytes) {
            throw bad(
                    key,
                    "is " + bytes + " bytes in UTF-8 with its area prefix '" + prefix + "'; this provider allows "
                            + maxKeyBytes);
        }
    }

    /**
     * Checks a listing prefix: any start of a valid key, {@code ""} included.
     *
     * @throws IllegalArgumentException naming the rule the prefix broke
     */
    public static void validatePrefix(String prefix, String areaPrefix, int maxKeyBytes) {
        Objects.requireNonNull(prefix, "prefix");
        checkCharacters(prefix, "prefix");
        if (prefix.startsWith("/")) {
            throw new IllegalArgumentException("prefix " + show(prefix) + " starts with '/': keys are relative");
        }
        for (String segment : prefix.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new IllegalArgumentException("prefix " + show(prefix) + " has a '" + segment + "' segment");
            }
        }
        if ((areaPrefix + prefix).getBytes(StandardCharsets.UTF_8).length > maxKeyBytes) {
            throw new IllegalArgumentException("prefix " + show(prefix) + " is longer than any key can be");
        }
    }

    /** The key with each segment percent-encoded (RFC 3986: everything but unreserved characters), slashes kept. */
    public static String encodePath(String key) {
        StringBuilder out = new StringBuilder(key.length() + 16);
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || c == '/') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** A key as messages show it: quoted, control characters escaped, long keys shortened. */
    public static String show(String key) {
        StringBuilder out = new StringBuilder("\"");
        int limit = Math.min(key.length(), SHOWN_CHARS);
        for (int i = 0; i < limit; i++) {
            char c = key.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '"' || c == '\\') {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        if (key.length() > limit) {
            out.append("...(").append(key.length()).append(" chars)");
        }
        return out.append('"').toString();
    }

    private static void checkCharacters(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(what + " " + show(text) + " has a control character U+"
                        + String.format("%04X", (int) c) + " at index " + i);
            }
            if (c == '\\') {
                throw new IllegalArgumentException(
                        what + " " + show(text) + " has a backslash at index " + i + ": segments are separated by '/'");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(
                        what + " " + show(text) + " is not valid Unicode: a lone surrogate at index " + i);
            }
        }
    }

    private static IllegalArgumentException bad(String key, String why) {
        return new IllegalArgumentException("file key " + show(key) + " " + why);
    }
}
