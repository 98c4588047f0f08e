package dev.corekit.auth.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A path pattern of {@code dev.corekit.auth.Procedures}: literal segments, {@code {x}} / {@code *}, trailing {@code **}. */
public final class RoutePattern {
    private final String[] segments;
    private final boolean rest;
    private final String text;

    private RoutePattern(String[] segments, boolean rest, String text) {
        this.segments = segments;
        this.rest = rest;
        this.text = text;
    }

    public static RoutePattern parse(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route pattern starts with '/', got '" + pattern + "'");
        }
        List<String> parts = split(pattern);
        boolean rest = false;
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.equals("**")) {
                if (i != parts.size() - 1) {
                    throw new IllegalArgumentException("'**' may only end a route pattern, got '" + pattern + "'");
                }
                rest = true;
            } else if (part.startsWith("{") && part.endsWith("}") || part.equals("*")) {
                parts.set(i, null);
            } else if (part.contains("{") || part.contains("}") || part.contains("*")) {
                throw new IllegalArgumentException("a route segment is a literal, {name}, * or a final **; got '" + part
                        + "' in '" + pattern + "'");
            }
        }
        if (rest) {
            parts.remove(parts.size() - 1);
        }
        return new RoutePattern(parts.toArray(new String[0]), rest, pattern);
    }

    public boolean matches(String path) {
        List<String> parts = split(path);
        if (rest ? parts.size() < segments.length : parts.size() != segments.length) {
            return false;
        }
        for (int i = 0; i < segments.length; i++) {
            if (segments[i] != null && !segments[i].equals(parts.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        int start = 1;
        int length = path.length();
        while (start <= length) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? length : slash;
            if (end > start) {
                parts.add(path.substring(start, end));
            }
            start = end + 1;
        }
        return parts;
    }

    @Override
    public String toString() {
        return text;
    }
}
