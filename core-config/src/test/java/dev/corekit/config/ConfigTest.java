package dev.corekit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigTest {
    enum QueueType {
        QUORUM,
        CLASSIC,
        SINGLE_ACTIVE
    }

    static final Setting<String> EVERYWHERE = Setting.string("test", "everywhere", "default");
    static final Setting<Duration> TIMEOUT = Setting.duration("test", "timeout", Duration.ofSeconds(5))
            .between(Duration.ofMillis(1), Duration.ofHours(1));
    static final Setting<Integer> PREFETCH = Setting.integer("test", "prefetch", 32, 1, 1000);
    static final Setting<Boolean> ENABLED = Setting.bool("test", "enabled", true);
    static final Setting<QueueType> QUEUE_TYPE = Setting.oneOf("test", "queue-type", QueueType.class, QueueType.QUORUM);
    static final Setting<URI> ENDPOINT = Setting.uri("test", "endpoint", null);
    static final Setting<Path> ROOT = Setting.path("test", "root", Path.of("/tmp"));
    static final Setting<List<String>> KEYS = Setting.list("test", "keys", List.of("a"));
    static final Setting<Secret> PASSWORD = Setting.secret("test", "password");
    static final Setting<Secret> URI_WITH_CREDENTIALS = Setting.secret("test", "uri");

    @Nested
    class Precedence {
        final Map<String, String> sys = Map.of("corekit.test.everywhere", "sys");
        final Map<String, String> env = Map.of("COREKIT_TEST_EVERYWHERE", "env");
        final Map<String, String> file = Map.of("corekit.test.everywhere", "file");

        @Test
        void builderValueWinsOverEveryOtherSource() {
            Config config = Config.of(sys, env, file).with(EVERYWHERE, "builder");

            assertThat(config.resolve(EVERYWHERE)).satisfies(r -> {
                assertThat(r.value()).contains("builder");
                assertThat(r.source()).isEqualTo(Config.Source.BUILDER);
            });
        }

        @Test
        void systemPropertyWinsOverEnvironmentAndFile() {
            assertThat(Config.of(sys, env, file).resolve(EVERYWHERE).source()).isEqualTo(Config.Source.SYSTEM_PROPERTY);
            assertThat(Config.of(sys, env, file).get(EVERYWHERE)).isEqualTo("sys");
        }

        @Test
        void environmentWinsOverFile() {
            assertThat(Config.of(Map.of(), env, file).get(EVERYWHERE)).isEqualTo("env");
        }

        @Test
        void fileWinsOverDefault() {
            assertThat(Config.of(Map.of(), Map.of(), file).get(EVERYWHERE)).isEqualTo("file");
        }

        @Test
        void defaultAppliesWhenNothingIsSet() {
            Config.Resolved<String> resolved = Config.defaultsOnly().resolve(EVERYWHERE);

            assertThat(resolved.value()).contains("default");
            assertThat(resolved.source()).isEqualTo(Config.Source.DEFAULT);
        }

        @Test
        void optionalSettingWithoutValueIsEmpty() {
            assertThat(Config.defaultsOnly().find(ENDPOINT)).isEmpty();
        }

        @Test
        void fromEnvironmentReadsCorekitPropertiesOnTheClasspath() {
            Config config = Config.fromEnvironment();

            assertThat(config.get(Setting.string("test", "from-file", null))).isEqualTo("file-value");
            assertThat(config.resolve(EVERYWHERE).source()).isEqualTo(Config.Source.CLASSPATH_FILE);
        }

        @Test
        void fromEnvironmentReadsLiveSystemProperties() {
            Setting<String> live = Setting.string("test", "live-property", null);
            System.setProperty(live.propertyName(), "now");
            try {
                assertThat(Config.fromEnvironment().find(live)).contains("now");
            } finally {
                System.clearProperty(live.propertyName());
            }
        }
    }

    @Nested
    class Names {
        @Test
        void environmentNameIsUpperCaseWithUnderscores() {
            Setting<URI> setting = Setting.uri("storage.s3", "public-base-url", null);

            assertThat(setting.propertyName()).isEqualTo("corekit.storage.s3.public-base-url");
            assertThat(setting.envName()).isEqualTo("COREKIT_STORAGE_S3_PUBLIC_BASE_URL");
        }

        @Test
        void settingNameThatCannotBeSpelledInEveryPlaceIsRejected() {
            assertThatThrownBy(() -> Setting.string("logging", "Retention_Days", null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'Retention_Days'")
                    .hasMessageContaining("lower-case words");
        }
    }

    @Nested
    class Parsing {
        Config env(String name, String value) {
            return Config.of(Map.of(), Map.of(name, value), Map.of());
        }

        @Test
        void durationsAcceptUnitsAndIso() {
            assertThat(env("COREKIT_TEST_TIMEOUT", "500ms").get(TIMEOUT)).isEqualTo(Duration.ofMillis(500));
            assertThat(env("COREKIT_TEST_TIMEOUT", "30s").get(TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
            assertThat(env("COREKIT_TEST_TIMEOUT", " 15m ").get(TIMEOUT)).isEqualTo(Duration.ofMinutes(15));
            assertThat(env("COREKIT_TEST_TIMEOUT", "1h").get(TIMEOUT)).isEqualTo(Duration.ofHours(1));
            assertThat(env("COREKIT_TEST_TIMEOUT", "PT2M").get(TIMEOUT)).isEqualTo(Duration.ofMinutes(2));
        }

        @Test
        void enumsAcceptAnyCaseAndDashes() {
            assertThat(env("COREKIT_TEST_QUEUE_TYPE", "Classic").get(QUEUE_TYPE))
                    .isEqualTo(QueueType.CLASSIC);
            assertThat(env("COREKIT_TEST_QUEUE_TYPE", "single-active").get(QUEUE_TYPE))
                    .isEqualTo(QueueType.SINGLE_ACTIVE);
        }

        @Test
        void listsAreTrimmedInOrder() {
            assertThat(env("COREKIT_TEST_KEYS", " x, y ,z").get(KEYS)).containsExactly("x", "y", "z");
        }

        @Test
        void booleansIntegersPathsAndUris() {
            assertThat(env("COREKIT_TEST_ENABLED", "FALSE").get(ENABLED)).isFalse();
            assertThat(env("COREKIT_TEST_PREFETCH", "1_000").get(PREFETCH)).isEqualTo(1000);
            assertThat(env("COREKIT_TEST_ROOT", "/var/data").get(ROOT)).isEqualTo(Path.of("/var/data"));
            assertThat(env("COREKIT_TEST_ENDPOINT", "http://127.0.0.1:9000").get(ENDPOINT))
                    .isEqualTo(URI.create("http://127.0.0.1:9000"));
        }
    }

    @Nested
    class Errors {
        Config env(String name, String value) {
            return Config.of(Map.of(), Map.of(name, value), Map.of());
        }

        @Test
        void badDurationNamesKeyValueSourceAndWhatIsAllowed() {
            assertThatThrownBy(() -> env("COREKIT_TEST_TIMEOUT", "3x").get(TIMEOUT))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessage("invalid corekit setting: corekit.test.timeout = \"3x\" (from environment variable"
                            + " COREKIT_TEST_TIMEOUT): not a duration; allowed: a duration like 500ms, 30s, 15m, 12h,"
                            + " 30d or PT15M, from 1ms to 1h");
        }

        @Test
        void aBadUriNeverShowsItsUserInfoOrQueryEvenWhenTheSettingIsNotSecret() {
            Setting<URI> endpoint = ENDPOINT.require(uri -> uri.getRawQuery() == null, "an endpoint with no query");
            for (String bad : new String[] {
                "http://AKIAEXAMPLE:Sup3rS3cret@minio:9000?X-Amz-Signature=abc123", // parses, fails the check
                "https://user:Sup3rS3cret@gcs host/?access_token=ya29.SECRET" // does not parse
            }) {
                assertThatThrownBy(() -> env("COREKIT_TEST_ENDPOINT", bad).get(endpoint))
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessageContaining("****@")
                        .hasMessageNotContaining("Sup3rS3cret")
                        .hasMessageNotContaining("abc123")
                        .hasMessageNotContaining("ya29");
            }
        }

        @Test
        void durationOutOfRangeIsRejected() {
            assertThatThrownBy(() -> env("COREKIT_TEST_TIMEOUT", "2h").get(TIMEOUT))
                    .hasMessageContaining("\"2h\"")
                    .hasMessageContaining("from 1ms to 1h");
            assertThatThrownBy(() -> env("COREKIT_TEST_TIMEOUT", "0s").get(TIMEOUT))
                    .hasMessageContaining("\"0s\"");
        }

        @ParameterizedTest
        @ValueSource(strings = {"999999999999999d", "9999999999999999h", "99999999999999999m", "PT9999999999999999H"})
        void aDurationThatOverflowsIsABadValueNamingKeyValueAndSource(String value) {
            assertThatThrownBy(() -> env("COREKIT_TEST_TIMEOUT", value).get(TIMEOUT))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("corekit.test.timeout = \"" + value + "\"")
                    .hasMessageContaining("environment variable COREKIT_TEST_TIMEOUT")
                    .hasMessageContaining("allowed: a duration like");
            assertThatThrownBy(() -> Config.of(Map.of("corekit.test.timeout", value), Map.of(), Map.of())
                            .get(TIMEOUT))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("system property corekit.test.timeout");
        }

        @Test
        void aHugeDurationFromABuilderIsRejectedAndShownWithoutOverflowing() {
            Config config = Config.defaultsOnly().with(TIMEOUT, java.time.Duration.ofSeconds(Long.MAX_VALUE));

            assertThatThrownBy(() -> config.get(TIMEOUT))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("corekit.test.timeout")
                    .hasMessageContaining("from 1ms to 1h");
        }

        @Test
        void badIsoDurationIsRejected() {
            assertThatThrownBy(() -> env("COREKIT_TEST_TIMEOUT", "PTXM").get(TIMEOUT))
                    .hasMessageContaining("not an ISO-8601 duration");
        }

        @Test
        void integerOutOfRangeOrNotANumberIsRejected() {
            assertThatThrownBy(() -> env("COREKIT_TEST_PREFETCH", "0").get(PREFETCH))
                    .hasMessageContaining("corekit.test.prefetch = \"0\"")
                    .hasMessageContaining("a whole number from 1 to 1000");
            assertThatThrownBy(() -> env("COREKIT_TEST_PREFETCH", "many").get(PREFETCH))
                    .hasMessageContaining("not a whole number");
        }

        @Test
        void booleanOtherThanTrueOrFalseIsRejected() {
            assertThatThrownBy(() -> env("COREKIT_TEST_ENABLED", "yes").get(ENABLED))
                    .hasMessageContaining("neither true nor false; allowed: true or false");
        }

        @Test
        void unknownEnumValueListsTheAllowedOnes() {
            assertThatThrownBy(() -> env("COREKIT_TEST_QUEUE_TYPE", "stream").get(QUEUE_TYPE))
                    .hasMessageContaining("\"stream\"")
                    .hasMessageContaining("one of quorum | classic | single-active");
        }

        @Test
        void relativeOrMalformedUriIsRejected() {
            assertThatThrownBy(() ->
                            env("COREKIT_TEST_ENDPOINT", "localhost:9000/x y").get(ENDPOINT))
                    .hasMessageContaining("not a URI");
            assertThatThrownBy(() -> env("COREKIT_TEST_ENDPOINT", "/relative").get(ENDPOINT))
                    .hasMessageContaining("not an absolute URI");
        }

        @Test
        void emptyPathAndEmptyListItemAreRejected() {
            assertThatThrownBy(() -> env("COREKIT_TEST_ROOT", " ").get(ROOT)).hasMessageContaining("empty path");
            assertThatThrownBy(() -> env("COREKIT_TEST_KEYS", "a,,b").get(KEYS))
                    .hasMessageContaining("empty item in list");
        }

        @Test
        void badValueInClasspathFileNamesTheFile() {
            assertThatThrownBy(() -> Config.of(Map.of(), Map.of(), Map.of("corekit.test.prefetch", "-1"))
                            .get(PREFETCH))
                    .hasMessageContaining("(from classpath corekit.properties corekit.test.prefetch)");
        }

        @Test
        void badBuilderValueIsRejectedLikeAnyOther() {
            Config config = Config.defaultsOnly().with(PREFETCH, 5000);

            assertThatThrownBy(() -> config.get(PREFETCH))
                    .hasMessageContaining("corekit.test.prefetch = \"5000\" (from builder)");
        }

        @Test
        void requiredSettingWithoutValueSaysSo() {
            assertThatThrownBy(() -> Config.defaultsOnly().get(ENDPOINT))
                    .hasMessageContaining("corekit.test.endpoint = (none) (from no source and no default): required");
        }

        @Test
        void secretValueNeverAppearsInErrors() {
            Setting<Secret> strict = PASSWORD.require(s -> s.reveal().length() >= 12, "at least 12 characters");

            assertThatThrownBy(() -> env("COREKIT_TEST_PASSWORD", "hunter2").get(strict))
                    .hasMessageContaining("corekit.test.password = \"****\"")
                    .hasMessageContaining("at least 12 characters")
                    .hasMessageNotContaining("hunter2");
        }

        @Test
        void readerReportsEveryBadValueAtOnce() {
            Config config = Config.of(
                    Map.of("corekit.test.prefetch", "0"),
                    Map.of("COREKIT_TEST_TIMEOUT", "forever", "COREKIT_TEST_ENABLED", "maybe"),
                    Map.of());
            Config.Reader reader = config.reader();
            reader.get(PREFETCH);
            reader.get(TIMEOUT);
            reader.get(ENABLED);
            reader.get(ROOT);

            assertThatThrownBy(() -> reader.build(() -> "never"))
                    .isInstanceOfSatisfying(
                            InvalidSettingException.class,
                            e -> assertThat(e.problems())
                                    .extracting(InvalidSettingException.Problem::propertyName)
                                    .containsExactly(
                                            "corekit.test.prefetch", "corekit.test.timeout", "corekit.test.enabled"))
                    .hasMessageStartingWith("3 invalid corekit settings:")
                    .hasMessageContaining("(from system property corekit.test.prefetch)");
        }

        @Test
        void readerRejectsCrossSettingProblemsNamingTheSource() {
            Config.Reader reader = Config.of(Map.of(), Map.of("COREKIT_TEST_PREFETCH", "900"), Map.of())
                    .reader();
            Integer prefetch = reader.get(PREFETCH);
            reader.reject(PREFETCH, prefetch, "at most corekit.test.capacity (100)");

            assertThatThrownBy(() -> reader.build(() -> "never"))
                    .hasMessage("invalid corekit setting: corekit.test.prefetch = \"900\" (from environment variable"
                            + " COREKIT_TEST_PREFETCH): allowed: at most corekit.test.capacity (100)");
        }

        @Test
        void readerBuildsWhenEverythingIsAllowed() {
            Config.Reader reader = Config.defaultsOnly().reader();
            Integer prefetch = reader.get(PREFETCH);

            assertThat(reader.build(() -> prefetch)).isEqualTo(32);
            assertThat(reader.resolved()).singleElement().hasToString("corekit.test.prefetch = 32 (default)");
        }
    }

    @Nested
    class Secrets {
        @Test
        void secretPrintsMasked() {
            Secret secret = Secret.of("hunter2");

            assertThat(secret).hasToString("****");
            assertThat(secret.reveal()).isEqualTo("hunter2");
        }

        @Test
        void uriKeepsItsHostsWithTheWholeUserInfoAndQueryMasked() {
            assertThat(Secret.of("mongodb://app:s3cr3t@db-1:27017,db-2:27017/logs?replicaSet=rs0"))
                    .hasToString("mongodb://****@db-1:27017,db-2:27017/logs?****");
            assertThat(Secret.of("amqp://guest:guest@localhost:5672/")).hasToString("amqp://****@localhost:5672/");
            assertThat(Secret.of("https://db.example/x")).hasToString("https://db.example/x");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "mongodb://logs:Hunter/2Secret@mongo-0:27017/logs",
                    "mongodb://logs:Hunter2?Secret@mongo-0:27017/logs",
                    "mongodb://logs:Hunter#2Secret@mongo-0:27017/logs",
                    "mongodb://logs:Hunter@2Secret@mongo-0:27017/logs",
                    "mongodb://logs:Hunter2Secret@mongo-0:notaport/logs",
                    "mongodb+srv://logs:Hunter2Secret@cluster0.example.net/?retryWrites=true"
                })
        void aPasswordHoldingUriDelimitersIsMaskedWholeParsableOrNot(String uri) {
            String shown = Secret.of(uri).toString();

            assertThat(shown).startsWith(uri.substring(0, uri.indexOf("://") + 3) + "****@");
            assertThat(shown).doesNotContain("Hunter").doesNotContain("Secret").doesNotContain("logs:");
        }

        @Test
        void anUnparsableSecretUriInAnErrorShowsNoPartOfItsPassword() {
            Setting<Secret> mongo = URI_WITH_CREDENTIALS.require(s -> false, "a MongoDB connection string");

            assertThatThrownBy(() -> Config.of(
                                    Map.of(), Map.of("COREKIT_TEST_URI", "mongodb://logs:Hunter/2Secret@m/x"), Map.of())
                            .get(mongo))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("mongodb://****@m/x")
                    .hasMessageNotContaining("Hunter")
                    .hasMessageNotContaining("2Secret");
        }

        @Test
        void resolvedSecretPrintsMasked() {
            Config config = Config.of(Map.of(), Map.of("COREKIT_TEST_URI", "amqp://u:p4ss@h/"), Map.of());

            assertThat(config.resolve(URI_WITH_CREDENTIALS).toString())
                    .isEqualTo("corekit.test.uri = amqp://****@h/ (environment variable)")
                    .doesNotContain("p4ss");
        }

        @Test
        void emptySecretIsRejected() {
            assertThatThrownBy(() -> Config.of(Map.of(), Map.of("COREKIT_TEST_PASSWORD", ""), Map.of())
                            .get(PASSWORD))
                    .hasMessageContaining("empty secret");
        }
    }
}
