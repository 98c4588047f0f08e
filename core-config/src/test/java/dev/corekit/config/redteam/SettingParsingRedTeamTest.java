package dev.corekit.config.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.config.Setting;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Red-team checks of what each Setting type accepts and rejects, from the Javadoc of Setting. */
class SettingParsingRedTeamTest {

    enum Lane {
        FAST_LANE,
        SLOW
    }

    static final Setting<Boolean> FLAG = Setting.bool("redteam", "flag", false);
    static final Setting<Integer> COUNT = Setting.integer("redteam", "count", 5, -3, 10);
    static final Setting<Integer> WIDE = Setting.integer("redteam", "wide", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    static final Setting<Duration> WAIT = Setting.duration("redteam", "wait", Duration.ofSeconds(1));
    static final Setting<Duration> RETENTION = Setting.duration("logging", "retention", Duration.ofDays(30))
            .between(Duration.ofHours(1), Duration.ofDays(3650));
    static final Setting<Lane> LANE = Setting.oneOf("redteam", "lane", Lane.class, Lane.SLOW);
    static final Setting<URI> ENDPOINT = Setting.uri("redteam", "endpoint", null);
    static final Setting<Path> ROOT = Setting.path("redteam", "root", null);
    static final Setting<List<String>> WORDS = Setting.list("redteam", "words", List.of());

    static <T> T fromSys(Setting<T> setting, String value) {
        return Config.of(Map.of(setting.propertyName(), value), Map.of(), Map.of())
                .get(setting);
    }

    static <T> void rejected(Setting<T> setting, String value) {
        assertThatThrownBy(() -> fromSys(setting, value))
                .as("value %s for %s", value, setting.propertyName())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(setting.propertyName());
    }

    // Doc (Setting.bool): "true or false, in any case."
    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "tRuE", "True"})
    void boolAcceptsTrueInAnyCase(String value) {
        assertThat(fromSys(FLAG, value)).isTrue();
    }

    // Doc (Setting.bool): "true or false, in any case." - nothing else.
    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "on", "", "truee", "t"})
    void boolRejectsAnythingButTrueOrFalse(String value) {
        rejected(FLAG, value);
    }

    // Doc (Setting.integer): "A whole number between min and max, inclusive."
    @Test
    void integerBoundsAreInclusive() {
        assertThat(fromSys(COUNT, "-3")).isEqualTo(-3);
        assertThat(fromSys(COUNT, "10")).isEqualTo(10);
        rejected(COUNT, "-4");
        rejected(COUNT, "11");
    }

    // Doc (Config): "A value from any source is parsed and checked by its Setting; bad values fail fast with an
    // InvalidSettingException." - overflowing and non-integer text must not escape as NumberFormatException.
    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "-2147483649", "99999999999999999999", "1e3", "0x10", "5.0", "abc", ""})
    void integerOverflowAndGarbageAreInvalidSettings(String value) {
        rejected(WIDE, value);
    }

    // Doc (Setting.integer) with min=Integer.MIN_VALUE and max=Integer.MAX_VALUE: both ends are allowed.
    @Test
    void integerExtremesAreAllowedWhenTheRangeIsTheWholeInt() {
        assertThat(fromSys(WIDE, "2147483647")).isEqualTo(Integer.MAX_VALUE);
        assertThat(fromSys(WIDE, "-2147483648")).isEqualTo(Integer.MIN_VALUE);
    }

    // Doc (Setting.duration): "A duration written as a number and a unit (500ms, 30s, 15m, 12h, 30d) or in ISO-8601
    // (PT15M)."
    @Test
    void durationAcceptsEveryDocumentedSpelling() {
        assertThat(fromSys(WAIT, "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(fromSys(WAIT, "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(fromSys(WAIT, "15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(fromSys(WAIT, "12h")).isEqualTo(Duration.ofHours(12));
        assertThat(fromSys(WAIT, "30d")).isEqualTo(Duration.ofDays(30));
        assertThat(fromSys(WAIT, "PT15M")).isEqualTo(Duration.ofMinutes(15));
    }

    // Doc (Config): "bad values fail fast with an InvalidSettingException" - values that overflow a Duration
    // (ArithmeticException / DateTimeParseException inside) must still be reported as invalid settings.
    @ParameterizedTest
    @ValueSource(
            strings = {
                "9223372036854775807d",
                "106751991167301d",
                "99999999999999999999999s",
                "9223372036854775807h",
                "PT9999999999999999999H",
                "P999999999999999999D"
            })
    void durationOverflowIsAnInvalidSettingNotACrash(String value) {
        rejected(WAIT, value);
    }

    // Doc (Setting.duration): only "a number and a unit ... or ISO-8601" are durations.
    @ParameterizedTest
    @ValueSource(strings = {"3x", "", "ms", "30", "s30", "thirty seconds", "30 parsecs"})
    void durationGarbageIsRejected(String value) {
        rejected(WAIT, value);
    }

    // Doc (Setting.between): "Restricts a duration setting to [min, max]." (inclusive on both ends)
    @Test
    void betweenIsInclusiveAndRejectsJustOutside() {
        assertThat(fromSys(RETENTION, "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(fromSys(RETENTION, "3650d")).isEqualTo(Duration.ofDays(3650));
        rejected(RETENTION, "59m");
        rejected(RETENTION, "3651d");
        rejected(RETENTION, "PT59M59.999S");
    }

    // Doc (Setting.between): "Only valid on duration settings."
    @Test
    void betweenOnANonDurationSettingIsRefused() {
        assertThatThrownBy(() ->
                        Setting.integer("redteam", "n", 1, 0, 5).between(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isInstanceOf(RuntimeException.class);
    }

    // Doc (Setting.oneOf): "One of an enum's constants, by name in any case, with - standing for _."
    @ParameterizedTest
    @ValueSource(strings = {"fast-lane", "FAST_LANE", "Fast-Lane", "fast_lane", "FAST-LANE"})
    void oneOfAcceptsNamesInAnyCaseWithDashForUnderscore(String value) {
        assertThat(fromSys(LANE, value)).isEqualTo(Lane.FAST_LANE);
    }

    // Doc (Setting.oneOf) + README "not a known value; allowed: one of ..." - unknown names rejected with what is
    // allowed.
    @Test
    void oneOfRejectsUnknownNamesAndSaysWhatIsAllowed() {
        assertThatThrownBy(() -> fromSys(LANE, "azure"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("\"azure\"")
                .hasMessageContaining("allowed");
        rejected(LANE, "fastlane");
        rejected(LANE, "");
    }

    // Doc (Setting.uri): "An absolute URI (scheme://...)"
    @ParameterizedTest
    @ValueSource(strings = {"relative/path", "/abs/path/no/scheme", "::::", "http://exa mple.com", "%zz://x"})
    void uriRejectsAnythingButAnAbsoluteUri(String value) {
        rejected(ENDPOINT, value);
    }

    // Doc (Setting.uri): "An absolute URI (scheme://...); defaultValue may be null."
    @Test
    void uriAcceptsAbsoluteUriAndANullDefaultIsAbsent() {
        assertThat(fromSys(ENDPOINT, "https://example.com:8443/x?y=1"))
                .isEqualTo(URI.create("https://example.com:8443/x?y=1"));
        assertThat(Config.defaultsOnly().find(ENDPOINT)).isEmpty();
    }

    // Doc (Config): "bad values fail fast with an InvalidSettingException" - a path with a NUL character cannot be a
    // file-system path (InvalidPathException inside).
    @Test
    void pathWithNulCharacterIsAnInvalidSetting() {
        rejected(ROOT, "/tmp/a\u0000b");
    }

    // Doc (Setting.path): "A file-system path; defaultValue may be null."
    @Test
    void pathIsParsedAndNullDefaultIsAbsent() {
        assertThat(fromSys(ROOT, "/var/lib/x")).isEqualTo(Path.of("/var/lib/x"));
        assertThat(Config.defaultsOnly().find(ROOT)).isEmpty();
    }

    // Doc (Setting.list): "A comma-separated list of non-blank words, trimmed, in order."
    @Test
    void listIsTrimmedAndKeepsOrder() {
        assertThat(fromSys(WORDS, " b , a,c ")).containsExactly("b", "a", "c");
    }

    // Doc (Setting.list): "non-blank words" - a blank member is not allowed.
    @ParameterizedTest
    @ValueSource(strings = {"a,,b", "a, ,b", ",a", "a,"})
    void listWithABlankMemberIsRejected(String value) {
        rejected(WORDS, value);
    }

    // Doc (Setting.require): "Adds a check; values that fail it are rejected with allowed as the description of what is
    // allowed."
    @Test
    void requireRejectsWithTheGivenDescription() {
        Setting<Integer> even = COUNT.require(n -> n % 2 == 0, "an even number");
        assertThat(fromSys(even, "4")).isEqualTo(4);
        assertThatThrownBy(() -> fromSys(even, "3"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("an even number");
    }

    // Doc (Setting): "Instances are immutable; the refining methods return new settings."
    @Test
    void refiningMethodsReturnNewSettingsAndLeaveTheOriginalAlone() {
        Setting<Integer> even = COUNT.require(n -> n % 2 == 0, "an even number");
        Setting<Integer> secretCount = COUNT.secret();
        assertThat(even).isNotSameAs(COUNT);
        assertThat(secretCount).isNotSameAs(COUNT);
        assertThat(COUNT.isSecret()).isFalse();
        assertThat(secretCount.isSecret()).isTrue();
        assertThat(fromSys(COUNT, "3")).isEqualTo(3);
        Setting<Duration> bounded = WAIT.between(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(fromSys(WAIT, "1h")).isEqualTo(Duration.ofHours(1));
        rejected(bounded, "1h");
    }

    // Doc (Setting.defaultValue): "The default, or empty for a setting that is absent unless configured."
    @Test
    void defaultValueReportsTheDefaultOrEmpty() {
        assertThat(COUNT.defaultValue()).contains(5);
        assertThat(ENDPOINT.defaultValue()).isEmpty();
        assertThat(Setting.string("redteam", "s", null).defaultValue()).isEmpty();
    }

    // Doc (Setting.string): "A free-form string" - unicode and control characters are a value like any other.
    @Test
    void freeFormStringKeepsUnicodeAndControlCharacters() {
        Setting<String> text = Setting.string("redteam", "text", null);
        String hostile = "žluťoučký 🐎 \r\n\t\u0000 \u2028 ,=;";
        assertThat(fromSys(text, hostile)).isEqualTo(hostile);
    }
}
