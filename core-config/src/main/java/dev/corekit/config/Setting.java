package dev.corekit.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One typed, named setting: {@code corekit.<area>.<key>}, its parser, its default and what values are allowed.
 *
 * <p>A setting is a constant owned by the settings record of its area; {@link Config} resolves it, in this order:
 * a builder value, the system property {@link #propertyName()}, the environment variable {@link #envName()}, the
 * classpath file {@code corekit.properties}, the default. Every value, whatever its source, is parsed and checked the
 * same way, and a bad one fails with an {@link InvalidSettingException} that names the key, the value (masked when
 * the setting is {@link #secret() secret}), where it came from and what is allowed.
 *
 * <pre>{@code
 * static final Setting<Duration> RETENTION = Setting.duration("logging", "retention", Duration.ofDays(30))
 *         .between(Duration.ofHours(1), Duration.ofDays(3650));
 * }</pre>
 *
 * <p>Instances are immutable; the refining methods return new settings.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {
    private static final Pattern NAME_PART = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String area;
    private final String key;
    private final Class<?> type;
    private final Function<String, T> parser;
    private final T defaultValue;
    private final String allowed;
    private final Predicate<T> check;
    private final boolean secret;

    private Setting(
            String area,
            String key,
            Class<?> type,
            Function<String, T> parser,
            T defaultValue,
            String allowed,
            Predicate<T> check,
            boolean secret) {
        this.area = area;
        this.key = key;
        this.type = type;
        this.parser = parser;
        this.defaultValue = defaultValue;
        this.allowed = allowed;
        this.check = check;
        this.secret = secret;
    }

    private static <T> Setting<T> of(
            String area, String key, Class<?> type, Function<String, T> parser, T defaultValue, String allowed) {
        requireNamePart("area", area);
        requireNamePart("key", key);
        return new Setting<>(area, key, type, parser, defaultValue, allowed, value -> true, false);
    }

    private static void requireNamePart(String what, String value) {
        Objects.requireNonNull(value, what);
        for (String part : value.split("\\.", -1)) {
            if (!NAME_PART.matcher(part).matches()) {
                throw new IllegalArgumentException("setting " + what + " '" + value
                        + "' must be lower-case words separated by '-' or '.', like 'public-base-url'");
            }
        }
    }

    /** A free-form string; {@code defaultValue} may be null for a setting that is absent unless configured. */
    public static Setting<String> string(String area, String key, String defaultValue) {
        return of(area, key, String.class, raw -> raw, defaultValue, "any text");
    }

    /** A secret string: never shown in {@code toString()}, logs or error messages. */
    public static Setting<Secret> secret(String area, String key) {
        return of(area, key, Secret.class, Secret::of, null, "any text").secret();
    }

    /** A whole number between {@code min} and {@code max}, inclusive. */
    public static Setting<Integer> integer(String area, String key, int defaultValue, int min, int max) {
        return of(
                        area,
                        key,
                        Integer.class,
                        Setting::parseInt,
                        defaultValue,
                        "a whole number from " + min + " to " + max)
                .checked(value -> value >= min && value <= max);
    }

    /** {@code true} or {@code false}, in any case. */
    public static Setting<Boolean> bool(String area, String key, boolean defaultValue) {
        return of(area, key, Boolean.class, Setting::parseBoolean, defaultValue, "true or false");
    }

    /**
     * A duration written as a number and a unit ({@code 500ms}, {@code 30s}, {@code 15m}, {@code 12h}, {@code 30d}) or
     * in ISO-8601 ({@code PT15M}).
     */
    public static Setting<Duration> duration(String area, String key, Duration defaultValue) {
        return of(
                area,
                key,
                Duration.class,
                Setting::parseDuration,
                defaultValue,
                "a duration like 500ms, 30s, 15m, 12h, 30d or PT15M");
    }

    /** One of an enum's constants, by name in any case, with {@code -} standing for {@code _}. */
    public static <E extends Enum<E>> Setting<E> oneOf(String area, String key, Class<E> type, E defaultValue) {
        String names =
                Arrays.stream(type.getEnumConstants()).map(Setting::displayName).collect(Collectors.joining(" | "));
        return of(area, key, type, raw -> parseEnum(type, raw), defaultValue, "one of " + names);
    }

    /** An absolute URI ({@code scheme://...}); {@code defaultValue} may be null. */
    public static Setting<URI> uri(String area, String key, URI defaultValue) {
        return of(area, key, URI.class, Setting::parseUri, defaultValue, "an absolute URI like https://host/path");
    }

    /** A file-system path; {@code defaultValue} may be null. */
    public static Setting<Path> path(String area, String key, Path defaultValue) {
        return of(area, key, Path.class, Setting::parsePath, defaultValue, "a file-system path");
    }

    /** A comma-separated list of non-blank words, trimmed, in order. */
    public static Setting<List<String>> list(String area, String key, List<String> defaultValue) {
        return of(
                area,
                key,
                List.class,
                Setting::parseList,
                defaultValue == null ? null : List.copyOf(defaultValue),
                "a comma-separated list like a,b,c");
    }

    /** Marks this setting as secret: its value is masked wherever it is shown. */
    public Setting<T> secret() {
        return new Setting<>(area, key, type, parser, defaultValue, allowed, check, true);
    }

    /** Restricts a duration setting to {@code [min, max]}. Only valid on duration settings. */
    @SuppressWarnings("unchecked")
    public Setting<T> between(Duration min, Duration max) {
        if (type != Duration.class) {
            throw new IllegalStateException(propertyName() + " is not a duration setting");
        }
        Predicate<Duration> inRange = value -> value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
        return new Setting<>(
                area,
                key,
                type,
                parser,
                defaultValue,
                allowed + ", from " + format(min) + " to " + format(max),
                value -> check.test(value) && inRange.test((Duration) value),
                secret);
    }

    /**
     * Adds a check; values that fail it are rejected with {@code allowed} as the description of what is allowed.
     */
    public Setting<T> require(Predicate<? super T> extraCheck, String allowedDescription) {
        Objects.requireNonNull(extraCheck, "extraCheck");
        return new Setting<>(
                area,
                key,
                type,
                parser,
                defaultValue,
                Objects.requireNonNull(allowedDescription, "allowedDescription"),
                value -> check.test(value) && extraCheck.test(value),
                secret);
    }

    private Setting<T> checked(Predicate<T> extraCheck) {
        return new Setting<>(
                area,
                key,
                type,
                parser,
                defaultValue,
                allowed,
                value -> check.test(value) && extraCheck.test(value),
                secret);
    }

    /** The area, e.g. {@code logging} or {@code storage.s3}. */
    public String area() {
        return area;
    }

    /** The key inside the area, e.g. {@code retention}. */
    public String key() {
        return key;
    }

    /** The system property and {@code corekit.properties} key: {@code corekit.<area>.<key>}. */
    public String propertyName() {
        return "corekit." + area + "." + key;
    }

    /** The environment variable: {@code COREKIT_<AREA>_<KEY>}, upper case, {@code .} and {@code -} as {@code _}. */
    public String envName() {
        return propertyName().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The default, or empty for a setting that is absent unless configured. */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** What values are allowed, in words, as error messages show it. */
    public String allowed() {
        return allowed;
    }

    /** Whether the value is masked wherever it is shown. */
    public boolean isSecret() {
        return secret;
    }

    /** Parses and checks raw text; {@code from} says where it came from, for the error. */
    T parse(String raw, String from) {
        T value;
        try {
            value = parser.apply(raw.strip());
        } catch (IllegalArgumentException e) {
            throw InvalidSettingException.of(this, raw, from, e.getMessage());
        } catch (ArithmeticException | java.time.DateTimeException e) {
            // Duration.ofDays(999999999999999) and friends overflow: a bad value like any other, named as such.
            throw InvalidSettingException.of(this, raw, from, "out of range");
        }
        return checkValue(value, raw, from);
    }

    /** Checks a typed value (from a builder or a default). */
    T checkValue(T value, Object shown, String from) {
        if (value == null) {
            throw InvalidSettingException.of(this, null, from, "no value");
        }
        boolean allowedValue;
        try {
            allowedValue = check.test(value);
        } catch (RuntimeException e) {
            // A check that cannot judge a value (an overflow inside a comparison, a parser it calls) rejects it.
            throw InvalidSettingException.of(
                    this, shown, from, "cannot be checked (" + e.getClass().getSimpleName() + ")");
        }
        if (!allowedValue) {
            throw InvalidSettingException.of(this, shown, from, null);
        }
        return value;
    }

    @Override
    public String toString() {
        return propertyName() + " (" + allowed + ")";
    }

    /**
     * How a value of this setting is shown in messages: secrets masked, a URI setting's user info and query masked
     * (they are where credentials hide, even in an endpoint that is not declared secret), durations and enum names as
     * written.
     */
    public String display(Object value) {
        if (secret || type == URI.class) {
            return Secret.maskedUri(String.valueOf(value));
        }
        if (value instanceof Duration duration) {
            return format(duration);
        }
        if (value instanceof Enum<?> constant) {
            return displayName(constant);
        }
        return String.valueOf(value);
    }

    static String format(Duration duration) {
        if (duration.compareTo(Duration.ofDays(1_000_000)) > 0 || duration.isNegative()) {
            return duration.toString(); // toMillis() would overflow for huge values: ISO-8601 never does
        }
        long millis = duration.toMillis();
        if (millis % 86_400_000L == 0 && millis != 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0 && millis != 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0 && millis != 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1000L == 0) {
            return millis / 1000L + "s";
        }
        return millis + "ms";
    }

    private static String displayName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static int parseInt(String raw) {
        try {
            return Integer.parseInt(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    private static boolean parseBoolean(String raw) {
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("neither true nor false");
    }

    private static Duration parseDuration(String raw) {
        if (raw.startsWith("P") || raw.startsWith("p")) {
            try {
                return Duration.parse(raw);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not an ISO-8601 duration");
            }
        }
        var matcher = DURATION.matcher(raw.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a duration");
        }
        long amount;
        try {
            amount = Long.parseLong(matcher.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("number too large");
        }
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String raw) {
        String wanted = raw.replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(wanted)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("not a known value");
    }

    private static URI parseUri(String raw) {
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: " + e.getReason());
        }
        if (!uri.isAbsolute()) {
            throw new IllegalArgumentException("not an absolute URI (no scheme)");
        }
        return uri;
    }

    private static Path parsePath(String raw) {
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        try {
            return Path.of(raw);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a path: " + e.getReason());
        }
    }

    private static List<String> parseList(String raw) {
        List<String> items = new ArrayList<>();
        if (raw.isEmpty()) {
            return List.of();
        }
        for (String item : raw.split(",", -1)) {
            String trimmed = item.strip();
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException("empty item in list");
            }
            items.add(trimmed);
        }
        return List.copyOf(items);
    }
}
