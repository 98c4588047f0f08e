package dev.corekit.config.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.config.Setting;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Red-team checks of "every bad value reported at once" and of what an InvalidSettingException says. */
class InvalidSettingReportingRedTeamTest {

    enum Provider {
        LOCAL,
        S3,
        GCS
    }

    static final Setting<Duration> RETENTION = Setting.duration("logging", "retention", Duration.ofDays(30))
            .between(Duration.ofHours(1), Duration.ofDays(3650));
    static final Setting<Provider> PROVIDER = Setting.oneOf("storage", "provider", Provider.class, Provider.LOCAL);
    static final Setting<Duration> MAX_TTL = Setting.duration("storage", "signed-url-max-ttl", Duration.ofHours(1))
            .between(Duration.ofSeconds(1), Duration.ofDays(7));
    static final Setting<Integer> PREFETCH = Setting.integer("redteam", "prefetch", 32, 1, 1000);
    static final Setting<Duration> SLOW = Setting.duration("redteam", "slow", Duration.ofSeconds(1));
    static final Setting<Duration> HUNG = Setting.duration("redteam", "hung", Duration.ofSeconds(10));
    static final Setting<String> REQUIRED = Setting.string("redteam", "required", null);

    // Doc (InvalidSettingException): "The message names, for each, the key, the value (masked when secret), where the
    // value came from and what is allowed" with the example
    // 'corekit.logging.retention = "3x" (from environment variable COREKIT_LOGGING_RETENTION): ...allowed: ...'
    @Test
    void messageNamesKeyQuotedValueEnvironmentSourceAndAllowed() {
        Config config = Config.of(Map.of(), Map.of("COREKIT_LOGGING_RETENTION", "3x"), Map.of());
        InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class, () -> config.get(RETENTION));
        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .contains("corekit.logging.retention")
                .contains("\"3x\"")
                .contains("environment variable COREKIT_LOGGING_RETENTION")
                .contains("allowed")
                .contains(RETENTION.allowed());
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).propertyName()).isEqualTo("corekit.logging.retention");
        assertThat(e.problems().get(0).message()).contains("\"3x\"");
    }

    // Doc (README): '(from system property corekit.storage.signed-url-max-ttl)'
    @Test
    void messageNamesTheSystemPropertySource() {
        Config config = Config.of(Map.of("corekit.storage.signed-url-max-ttl", "8d"), Map.of(), Map.of());
        assertThatThrownBy(() -> config.get(MAX_TTL))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("\"8d\"")
                .hasMessageContaining("system property corekit.storage.signed-url-max-ttl");
    }

    // Doc (Config.Source.description): "How error messages name this source."
    @Test
    void messageUsesTheSourceDescriptionForTheClasspathFile() {
        Config config = Config.of(Map.of(), Map.of(), Map.of(PREFETCH.propertyName(), "0"));
        assertThatThrownBy(() -> config.get(PREFETCH))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(Config.Source.CLASSPATH_FILE.description());
    }

    // Doc (README): "A bad value fails fast and names the key, the value, where it came from and what is allowed -
    // every bad value at once: 2 invalid corekit settings: ..."
    @Test
    void readerReportsEveryBadValueAtOnceInReadOrder() {
        Config config = Config.of(
                Map.of("corekit.storage.signed-url-max-ttl", "8d", PREFETCH.propertyName(), "100000"),
                Map.of("COREKIT_STORAGE_PROVIDER", "azure"),
                Map.of());
        Config.Reader reader = config.reader();
        assertThat(reader.get(PROVIDER)).isNull();
        assertThat(reader.get(MAX_TTL)).isNull();
        assertThat(reader.get(RETENTION)).isEqualTo(Duration.ofDays(30));
        assertThat(reader.get(PREFETCH)).isNull();
        AtomicBoolean built = new AtomicBoolean();
        InvalidSettingException e = catchThrowableOfType(
                InvalidSettingException.class,
                () -> reader.build(() -> {
                    built.set(true);
                    return "settings";
                }));
        assertThat(e).isNotNull();
        assertThat(built)
                .as("build must not call the supplier when a value was bad")
                .isFalse();
        assertThat(e.problems())
                .extracting(InvalidSettingException.Problem::propertyName)
                .containsExactly(
                        "corekit.storage.provider", "corekit.storage.signed-url-max-ttl", PREFETCH.propertyName());
        assertThat(e.getMessage())
                .startsWith("3 invalid corekit settings")
                .contains("\"azure\"", "\"8d\"", "\"100000\"")
                .contains("environment variable COREKIT_STORAGE_PROVIDER")
                .contains("system property corekit.storage.signed-url-max-ttl");
    }

    // Doc (Config.Reader.find): "empty when unset or invalid (the problem is recorded)."
    @Test
    void readerFindIsEmptyForInvalidAndTheProblemIsStillRecorded() {
        Config config = Config.of(Map.of(PREFETCH.propertyName(), "nope"), Map.of(), Map.of());
        Config.Reader reader = config.reader();
        assertThat(reader.find(PREFETCH)).isEmpty();
        assertThatThrownBy(() -> reader.build(() -> "x"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(PREFETCH.propertyName());
    }

    // Doc (Config.Reader.get): "The value, or null when it is invalid or missing (the problem is recorded)."
    @Test
    void readerGetOfMissingRequiredSettingIsNullAndRecorded() {
        Config.Reader reader = Config.defaultsOnly().reader();
        assertThat(reader.get(REQUIRED)).isNull();
        assertThatThrownBy(() -> reader.build(() -> "x"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(REQUIRED.propertyName());
    }

    // Doc (Config.Reader.find): an optional setting that is simply unset is not a problem.
    @Test
    void readerFindOfUnsetOptionalSettingIsNotAProblem() {
        Config.Reader reader = Config.defaultsOnly().reader();
        assertThat(reader.find(REQUIRED)).isEmpty();
        assertThat(reader.build(() -> "built")).isEqualTo("built");
    }

    // Doc (Config.reader): the cross-setting example "reader.reject(HUNG_CALL_THRESHOLD, hung, "longer than " + ...)".
    @Test
    void readerRejectRecordsACrossSettingProblemWithItsAllowedText() {
        Config config = Config.of(Map.of(SLOW.propertyName(), "10s", HUNG.propertyName(), "5s"), Map.of(), Map.of());
        Config.Reader reader = config.reader();
        Duration slow = reader.get(SLOW);
        Duration hung = reader.get(HUNG);
        assertThat(slow).isNotNull();
        assertThat(hung).isNotNull();
        reader.reject(HUNG, hung, "longer than " + SLOW.propertyName());
        InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class, () -> reader.build(() -> "x"));
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(1);
        assertThat(e.getMessage()).contains(HUNG.propertyName()).contains("longer than " + SLOW.propertyName());
    }

    // Doc (Config.Reader.build): "Builds the settings when every value was allowed."
    @Test
    void readerBuildsWhenEveryValueIsAllowed() {
        Config.Reader reader = Config.of(Map.of(PREFETCH.propertyName(), "1000"), Map.of(), Map.of())
                .reader();
        Integer prefetch = reader.get(PREFETCH);
        assertThat(reader.build(() -> "prefetch=" + prefetch)).isEqualTo("prefetch=1000");
    }

    // Doc (InvalidSettingException): "The message names ... the value (masked when secret)" - a secret-marked setting
    // with a bad value never shows the value, neither in getMessage(), toString() nor problems().
    @Test
    void badSecretValueIsMaskedInMessageToStringAndProblems() {
        Setting<String> token = Setting.string("redteam", "token", null)
                .require(s -> s.startsWith("tok_"), "a token starting with tok_")
                .secret();
        String value = "hunter2-SUPER-SECRET";
        Config config = Config.of(Map.of(token.propertyName(), value), Map.of(), Map.of());
        InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class, () -> config.get(token));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).doesNotContain("hunter2").contains(token.propertyName());
        assertThat(e.toString()).doesNotContain("hunter2");
        assertThat(e.problems().toString()).doesNotContain("hunter2");
    }

    // Doc (Setting.secret(area, key)): "A secret string: never shown in toString(), logs or error messages."
    @Test
    void badValueOfASecretSettingNeverShowsInTheError() {
        Setting<dev.corekit.config.Secret> password =
                Setting.secret("redteam", "password").require(s -> s.reveal().length() > 40, "at least 41 characters");
        Config config = Config.of(Map.of(), Map.of(password.envName(), "pa55w0rd!"), Map.of());
        assertThatThrownBy(() -> config.get(password))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(password.propertyName())
                .hasMessageNotContaining("pa55w0rd");
    }

    // Doc (Setting.secret()): "Marks this setting as secret: its value is masked wherever it is shown." - even when the
    // value cannot be parsed: an unparseable URI with credentials.
    @Test
    void unparseableSecretUriIsMaskedInTheError() {
        Setting<java.net.URI> uri = Setting.uri("redteam", "db-uri", null).secret();
        String value = "mongodb://app:p@ss w0rd^{}@db host:27017/x?authSource=admin&pw=qwerty";
        Config config = Config.of(Map.of(uri.propertyName(), value), Map.of(), Map.of());
        assertThatThrownBy(() -> config.get(uri))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(uri.propertyName())
                .hasMessageNotContaining("w0rd")
                .hasMessageNotContaining("qwerty");
    }

    // Doc (Setting.secret()): "its value is masked wherever it is shown" - Resolved, the "startup line that says what
    // is in force", is a place where it is shown.
    @Test
    void resolvedToStringOfASecretStringSettingIsMasked() {
        Setting<String> apiKey = Setting.string("redteam", "api-key", null).secret();
        Config config = Config.of(Map.of(apiKey.propertyName(), "sk_live_ABCDEF123456"), Map.of(), Map.of());
        assertThat(config.resolve(apiKey).toString()).doesNotContain("sk_live_ABCDEF123456");
        Config.Reader reader = config.reader();
        reader.get(apiKey);
        assertThat(reader.resolved().toString()).doesNotContain("sk_live_ABCDEF123456");
    }

    // Doc (Setting.display): "How a value of this setting is shown in messages: secrets masked"
    @Test
    void displayMasksSecretSettingValues() {
        Setting<String> apiKey = Setting.string("redteam", "api-key2", null).secret();
        assertThat(apiKey.display("sk_live_ABCDEF123456")).doesNotContain("sk_live");
        Setting<dev.corekit.config.Secret> password = Setting.secret("redteam", "pw");
        assertThat(password.display(dev.corekit.config.Secret.of("hunter2"))).doesNotContain("hunter2");
        assertThat(password.isSecret()).isTrue();
    }

    // Doc (Setting.toString) / Setting.secret(area, key): "never shown in toString()" - the Setting itself never
    // carries
    // a value, but a Setting with a secret default must not print it either (use string default).
    @Test
    void secretStringSettingToStringDoesNotShowItsDefault() {
        Setting<String> withDefault = Setting.string("redteam", "default-secret", "DEFAULT-SECRET-VALUE")
                .secret();
        assertThat(withDefault.toString()).doesNotContain("DEFAULT-SECRET-VALUE");
        assertThat(Config.defaultsOnly().resolve(withDefault).toString()).doesNotContain("DEFAULT-SECRET-VALUE");
    }
}
