package dev.corekit.config.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.config.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Red-team checks of the documented precedence and the Config / Resolved contract. Written from the Javadoc and
 * README only.
 */
class ConfigPrecedenceRedTeamTest {

    static final Setting<String> VALUE = Setting.string("redteam", "value", "default");
    static final Setting<String> NO_DEFAULT = Setting.string("redteam", "no-default", null);
    static final Setting<Integer> SMALL = Setting.integer("redteam", "small", 5, 1, 10);
    static final Setting<Duration> TTL = Setting.duration("redteam", "ttl", Duration.ofMinutes(1))
            .between(Duration.ofSeconds(1), Duration.ofDays(7));

    static Map<String, String> sys(String value) {
        return Map.of(VALUE.propertyName(), value);
    }

    static Map<String, String> env(String value) {
        return Map.of(VALUE.envName(), value);
    }

    static Map<String, String> file(String value) {
        return Map.of(VALUE.propertyName(), value);
    }

    // Doc (Config): "Precedence, highest first: a value set in code through a settings builder (with(Setting, Object)),
    // the system property ..., the environment variable ..., the key ... in corekit.properties ..., the setting's
    // default."
    @Test
    void builderValueBeatsSystemPropertyEnvironmentAndFile() {
        Config config = Config.of(sys("sys"), env("env"), file("file")).with(VALUE, "code");
        assertThat(config.get(VALUE)).isEqualTo("code");
        assertThat(config.resolve(VALUE).source()).isEqualTo(Config.Source.BUILDER);
    }

    // Doc (Config): precedence "the system property corekit.<area>.<key>" above "the environment variable".
    @Test
    void systemPropertyBeatsEnvironmentAndFile() {
        Config config = Config.of(sys("sys"), env("env"), file("file"));
        assertThat(config.get(VALUE)).isEqualTo("sys");
        assertThat(config.resolve(VALUE).source()).isEqualTo(Config.Source.SYSTEM_PROPERTY);
    }

    // Doc (Config): precedence "the environment variable COREKIT_<AREA>_<KEY>" above "corekit.properties".
    @Test
    void environmentBeatsClasspathFile() {
        Config config = Config.of(Map.of(), env("env"), file("file"));
        assertThat(config.get(VALUE)).isEqualTo("env");
        assertThat(config.resolve(VALUE).source()).isEqualTo(Config.Source.ENVIRONMENT);
    }

    // Doc (Config): precedence "the key corekit.<area>.<key> in corekit.properties" above "the setting's default".
    @Test
    void classpathFileBeatsDefault() {
        Config config = Config.of(Map.of(), Map.of(), file("file"));
        assertThat(config.get(VALUE)).isEqualTo("file");
        assertThat(config.resolve(VALUE).source()).isEqualTo(Config.Source.CLASSPATH_FILE);
    }

    // Doc (Config): "the setting's default." is the last source.
    @Test
    void defaultWhenNoSourceSetsTheValue() {
        Config config = Config.of(Map.of(), Map.of(), Map.of());
        assertThat(config.get(VALUE)).isEqualTo("default");
        assertThat(config.resolve(VALUE).source()).isEqualTo(Config.Source.DEFAULT);
        assertThat(Config.defaultsOnly().get(VALUE)).isEqualTo("default");
    }

    // Doc (Config.of): "each map stands for one source; keys are as that source spells them." An env-spelled key in
    // the system-property map is not the system property.
    @Test
    void keysSpelledForAnotherSourceAreNotRead() {
        Config config = Config.of(Map.of(VALUE.envName(), "wrong"), Map.of(VALUE.propertyName(), "wrong"), Map.of());
        assertThat(config.get(VALUE)).isEqualTo("default");
    }

    // Doc (Config): "Instances are immutable and thread-safe." / with: "This config with a value set in code".
    @Test
    void withReturnsANewConfigAndLeavesTheOriginalUnchanged() {
        Config original = Config.of(sys("sys"), Map.of(), Map.of());
        Config changed = original.with(VALUE, "code");
        assertThat(changed).isNotSameAs(original);
        assertThat(original.get(VALUE)).isEqualTo("sys");
        assertThat(changed.get(VALUE)).isEqualTo("code");
    }

    // Doc (Setting): "the environment variable envName()" / envName: "COREKIT_<AREA>_<KEY>, upper case, . and - as _."
    @Test
    void envNameUpperCasesAndTurnsDotsAndDashesIntoUnderscores() {
        Setting<String> setting = Setting.string("storage.s3", "signed-url-max-ttl", null);
        assertThat(setting.envName()).isEqualTo("COREKIT_STORAGE_S3_SIGNED_URL_MAX_TTL");
        assertThat(setting.propertyName()).isEqualTo("corekit.storage.s3.signed-url-max-ttl");
        assertThat(setting.area()).isEqualTo("storage.s3");
        assertThat(setting.key()).isEqualTo("signed-url-max-ttl");
        Config config = Config.of(Map.of(), Map.of("COREKIT_STORAGE_S3_SIGNED_URL_MAX_TTL", "from-env"), Map.of());
        assertThat(config.get(setting)).isEqualTo("from-env");
    }

    // Doc (Config.get): "Throws: InvalidSettingException - if ... there is neither a value nor a default"
    @Test
    void getWithNeitherValueNorDefaultThrowsInvalidSettingExceptionNamingTheKey() {
        assertThatThrownBy(() -> Config.defaultsOnly().get(NO_DEFAULT))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(NO_DEFAULT.propertyName());
    }

    // Doc (Config.find): "empty when nothing sets it and it has no default."
    @Test
    void findIsEmptyWhenNothingSetsItAndNoDefault() {
        assertThat(Config.defaultsOnly().find(NO_DEFAULT)).isEmpty();
    }

    // Doc (Config.find): "Throws: InvalidSettingException - if a configured value is not allowed"
    @Test
    void findThrowsWhenTheConfiguredValueIsNotAllowed() {
        Config config = Config.of(Map.of(SMALL.propertyName(), "11"), Map.of(), Map.of());
        assertThatThrownBy(() -> config.find(SMALL)).isInstanceOf(InvalidSettingException.class);
    }

    // Doc (Config.Resolved): "its value (empty when nothing set it and it has no default) and its source."
    @Test
    void resolveOfUnsetSettingWithoutDefaultHasAnEmptyValue() {
        Config.Resolved<String> resolved = Config.defaultsOnly().resolve(NO_DEFAULT);
        assertThat(resolved.value()).isEmpty();
        assertThat(resolved.setting()).isSameAs(NO_DEFAULT);
    }

    // Doc (Setting): "Every value, whatever its source, is parsed and checked the same way" - a builder value outside
    // the allowed range must be rejected like any other.
    @Test
    void builderValueOutOfRangeIsRejectedLikeAnyOtherSource() {
        assertThatThrownBy(() -> Config.defaultsOnly().with(SMALL, 1000).get(SMALL))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(SMALL.propertyName());
    }

    // Doc (Setting): "Every value, whatever its source, is parsed and checked the same way" - a builder duration
    // outside between(min, max) is rejected.
    @Test
    void builderDurationOutsideBetweenIsRejected() {
        assertThatThrownBy(() ->
                        Config.defaultsOnly().with(TTL, Duration.ofDays(8)).get(TTL))
                .isInstanceOf(InvalidSettingException.class);
    }

    // Doc (Config.fromEnvironment): "The process's live system properties, its environment and corekit.properties"
    @Test
    void fromEnvironmentSeesASystemPropertySetByTheProcess() {
        Setting<String> live = Setting.string("redteam", "live-property", null);
        System.setProperty(live.propertyName(), "live");
        try {
            assertThat(Config.fromEnvironment().get(live)).isEqualTo("live");
            assertThat(Config.fromEnvironment().resolve(live).source()).isEqualTo(Config.Source.SYSTEM_PROPERTY);
        } finally {
            System.clearProperty(live.propertyName());
        }
    }

    // Doc (Config.PROPERTIES_FILE): "The classpath resource read as the lowest-precedence source." (the module's test
    // classpath carries corekit.properties with corekit.test.from-file=file-value)
    @Test
    void fromEnvironmentReadsCorekitPropertiesFromTheClasspath() {
        Setting<String> fromFile = Setting.string("test", "from-file", null);
        Config.Resolved<String> resolved = Config.fromEnvironment().resolve(fromFile);
        assertThat(resolved.value()).contains("file-value");
        assertThat(resolved.source()).isEqualTo(Config.Source.CLASSPATH_FILE);
        assertThat(Config.PROPERTIES_FILE).isEqualTo("corekit.properties");
    }

    // Doc (Config): system property above corekit.properties, with the live process sources.
    @Test
    void liveSystemPropertyOverridesTheClasspathFile() {
        Setting<String> everywhere = Setting.string("test", "everywhere", "default");
        System.setProperty(everywhere.propertyName(), "sys");
        try {
            assertThat(Config.fromEnvironment().get(everywhere)).isEqualTo("sys");
        } finally {
            System.clearProperty(everywhere.propertyName());
        }
        assertThat(Config.fromEnvironment().get(everywhere)).isEqualTo("file");
    }

    // Doc (Config): "Instances are immutable and thread-safe."
    @Test
    void oneConfigReadFromManyThreadsGivesTheSameAnswers() throws Exception {
        Config config = Config.of(sys("sys"), env("env"), Map.of()).with(SMALL, 7);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    boolean ok = true;
                    for (int j = 0; j < 2000; j++) {
                        ok &= "sys".equals(config.get(VALUE));
                        ok &= config.get(SMALL) == 7;
                        ok &= config.resolve(TTL).source() == Config.Source.DEFAULT;
                    }
                    return ok;
                }));
            }
            go.countDown();
            for (Future<Boolean> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // Doc (Config.Resolved): record "Resolved(Setting<T> setting, Optional<T> value, Config.Source source)" - the
    // reader
    // reports "Where every value read so far came from".
    @Test
    void readerResolvedListsEveryValueReadWithItsSource() {
        Config config = Config.of(sys("sys"), Map.of(SMALL.envName(), "3"), Map.of());
        Config.Reader reader = config.reader();
        reader.get(VALUE);
        reader.get(SMALL);
        reader.get(TTL);
        List<Config.Resolved<?>> resolved = reader.resolved();
        assertThat(resolved)
                .extracting(r -> r.setting().propertyName())
                .containsExactly(VALUE.propertyName(), SMALL.propertyName(), TTL.propertyName());
        assertThat(resolved)
                .extracting(Config.Resolved::source)
                .containsExactly(Config.Source.SYSTEM_PROPERTY, Config.Source.ENVIRONMENT, Config.Source.DEFAULT);
        assertThat(resolved.get(1).value().map(Object::toString)).contains("3");
    }
}
