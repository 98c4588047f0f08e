package dev.corekit.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where settings come from, and the one place that resolves them. Precedence, highest first:
 *
 * <ol>
 *   <li>a value set in code through a settings builder ({@link #with(Setting, Object)}),
 *   <li>the system property {@code corekit.<area>.<key>},
 *   <li>the environment variable {@code COREKIT_<AREA>_<KEY>},
 *   <li>the key {@code corekit.<area>.<key>} in {@code corekit.properties} on the classpath,
 *   <li>the setting's default.
 * </ol>
 *
 * <p>A platform sets the environment once for every service; a service writes nothing. A value from any source is
 * parsed and checked by its {@link Setting}; bad values fail fast with an {@link InvalidSettingException}.
 *
 * <pre>{@code
 * Config config = Config.fromEnvironment();
 * Duration retention = config.get(LoggingSettings.RETENTION);
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. {@link #of(Map, Map, Map)} builds one from explicit maps, for tests.
 */
public final class Config {
    /** The classpath resource read as the lowest-precedence source. */
    public static final String PROPERTIES_FILE = "corekit.properties";

    /** Where a resolved value came from. */
    public enum Source {
        BUILDER("builder"),
        SYSTEM_PROPERTY("system property"),
        ENVIRONMENT("environment variable"),
        CLASSPATH_FILE("classpath " + PROPERTIES_FILE),
        DEFAULT("default");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        /** How error messages name this source. */
        public String description() {
            return description;
        }

        /** Names this source for one setting, as error messages show it ({@code environment variable COREKIT_A_B}). */
        String describe(Setting<?> setting) {
            return switch (this) {
                case SYSTEM_PROPERTY, CLASSPATH_FILE -> description + " " + setting.propertyName();
                case ENVIRONMENT -> description + " " + setting.envName();
                default -> description;
            };
        }
    }

    /**
     * A resolved setting: its value (empty when nothing set it and it has no default) and its source.
     *
     * @param <T> the value type
     */
    public record Resolved<T>(Setting<T> setting, Optional<T> value, Source source) {
        @Override
        public String toString() {
            String shown = value.map(setting::display).orElse("(none)");
            return setting.propertyName() + " = " + shown + " (" + source.description() + ")";
        }
    }

    private final Map<String, Object> builderValues;
    private final Function<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Supplier<Map<String, String>> classpathFile;

    private Config(
            Map<String, Object> builderValues,
            Function<String, String> systemProperties,
            Map<String, String> environment,
            Supplier<Map<String, String>> classpathFile) {
        this.builderValues = builderValues;
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.classpathFile = classpathFile;
    }

    /** The process's live system properties, its environment and {@code corekit.properties} from the classpath. */
    public static Config fromEnvironment() {
        return new Config(Map.of(), System::getProperty, System.getenv(), ClasspathFile.INSTANCE);
    }

    /** Explicit sources, for tests: each map stands for one source; keys are as that source spells them. */
    public static Config of(
            Map<String, String> systemProperties, Map<String, String> environment, Map<String, String> classpathFile) {
        Map<String, String> sys = Map.copyOf(systemProperties);
        Map<String, String> file = Map.copyOf(classpathFile);
        return new Config(Map.of(), sys::get, Map.copyOf(environment), () -> file);
    }

    /** A config whose only values are the defaults. */
    public static Config defaultsOnly() {
        return of(Map.of(), Map.of(), Map.of());
    }

    /** This config with a value set in code for {@code setting}, taking precedence over every other source. */
    public <T> Config with(Setting<T> setting, T value) {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(value, () -> "value for " + setting.propertyName());
        Map<String, Object> values = new HashMap<>(builderValues);
        values.put(setting.propertyName(), value);
        return new Config(Map.copyOf(values), systemProperties, environment, classpathFile);
    }

    /**
     * The value of a setting that has a default or must be configured.
     *
     * @throws InvalidSettingException if the configured value is not allowed, or there is neither a value nor a
     *     default
     */
    public <T> T get(Setting<T> setting) {
        return resolve(setting)
                .value()
                .orElseThrow(() -> InvalidSettingException.of(setting, null, "no source and no default", "required"));
    }

    /**
     * The value of an optional setting: empty when nothing sets it and it has no default.
     *
     * @throws InvalidSettingException if a configured value is not allowed
     */
    public <T> Optional<T> find(Setting<T> setting) {
        return resolve(setting).value();
    }

    /**
     * Resolves a setting and says where its value came from.
     *
     * @throws InvalidSettingException if the configured value is not allowed
     */
    @SuppressWarnings("unchecked")
    public <T> Resolved<T> resolve(Setting<T> setting) {
        String property = setting.propertyName();
        Object fromBuilder = builderValues.get(property);
        if (fromBuilder != null) {
            T value = (T) fromBuilder;
            return new Resolved<>(
                    setting,
                    Optional.of(setting.checkValue(value, value, Source.BUILDER.describe(setting))),
                    Source.BUILDER);
        }
        String raw = systemProperties.apply(property);
        if (raw != null) {
            return parsed(setting, raw, Source.SYSTEM_PROPERTY);
        }
        String envName = setting.envName();
        raw = environment.get(envName);
        if (raw != null) {
            return parsed(setting, raw, Source.ENVIRONMENT);
        }
        raw = classpathFile.get().get(property);
        if (raw != null) {
            return parsed(setting, raw, Source.CLASSPATH_FILE);
        }
        return new Resolved<>(setting, setting.defaultValue(), Source.DEFAULT);
    }

    private static <T> Resolved<T> parsed(Setting<T> setting, String raw, Source source) {
        return new Resolved<>(setting, Optional.of(setting.parse(raw, source.describe(setting))), source);
    }

    /**
     * A reader that collects every bad value instead of stopping at the first, so that one startup failure lists them
     * all. Used by settings records to load themselves:
     *
     * <pre>{@code
     * Config.Reader reader = config.reader();
     * Duration slow = reader.get(SLOW_CALL_THRESHOLD);
     * Duration hung = reader.get(HUNG_CALL_THRESHOLD);
     * if (slow != null && hung != null && hung.compareTo(slow) <= 0) {
     *     reader.reject(HUNG_CALL_THRESHOLD, hung, "longer than " + SLOW_CALL_THRESHOLD.propertyName());
     * }
     * return reader.build(() -> new AuthSettings(slow, hung));
     * }</pre>
     */
    public Reader reader() {
        return new Reader(this);
    }

    /** Collects values and problems; see {@link Config#reader()}. Not thread-safe: one per load. */
    public static final class Reader {
        private final Config config;
        private final List<InvalidSettingException.Problem> problems = new ArrayList<>();
        private final Map<String, Resolved<?>> resolved = new LinkedHashMap<>();

        private Reader(Config config) {
            this.config = config;
        }

        /** The value, or null when it is invalid or missing (the problem is recorded). */
        public <T> T get(Setting<T> setting) {
            Optional<T> value = find(setting);
            if (value.isEmpty() && resolved.containsKey(setting.propertyName())) {
                problems.add(InvalidSettingException.problem(
                        setting, null, "no source and no default", "required", setting.allowed()));
            }
            return value.orElse(null);
        }

        /** The value of an optional setting, empty when unset or invalid (the problem is recorded). */
        public <T> Optional<T> find(Setting<T> setting) {
            try {
                Resolved<T> result = config.resolve(setting);
                resolved.put(setting.propertyName(), result);
                return result.value();
            } catch (InvalidSettingException e) {
                problems.addAll(e.problems());
                return Optional.empty();
            }
        }

        /** Records a cross-setting problem with a value that passed its own checks. */
        public <T> void reject(Setting<T> setting, T value, String allowed) {
            Resolved<?> result = resolved.get(setting.propertyName());
            String from = (result == null ? Source.BUILDER : result.source()).describe(setting);
            problems.add(InvalidSettingException.problem(setting, value, from, null, allowed));
        }

        /** Where every value read so far came from: for a startup line that says what is in force. */
        public List<Resolved<?>> resolved() {
            return List.copyOf(resolved.values());
        }

        /**
         * Builds the settings when every value was allowed.
         *
         * @throws InvalidSettingException listing every problem recorded
         */
        public <S> S build(Supplier<S> settings) {
            if (!problems.isEmpty()) {
                throw new InvalidSettingException(problems);
            }
            return settings.get();
        }
    }

    /** {@code corekit.properties} from the classpath: read once, the first resource on the classpath wins per key. */
    private static final class ClasspathFile implements Supplier<Map<String, String>> {
        static final ClasspathFile INSTANCE = new ClasspathFile();
        private volatile Map<String, String> values;

        @Override
        public Map<String, String> get() {
            Map<String, String> loaded = values;
            if (loaded == null) {
                loaded = load();
                values = loaded;
            }
            return loaded;
        }

        private static Map<String, String> load() {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = Config.class.getClassLoader();
            }
            Map<String, String> merged = new HashMap<>();
            try {
                Enumeration<URL> resources = loader.getResources(PROPERTIES_FILE);
                for (URL url : Collections.list(resources)) {
                    Properties properties = new Properties();
                    try (InputStream in = url.openStream()) {
                        properties.load(in);
                    }
                    for (String name : properties.stringPropertyNames()) {
                        merged.putIfAbsent(name, properties.getProperty(name));
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new UncheckedIOException(
                        "cannot read " + PROPERTIES_FILE + " from the classpath: " + e.getMessage(),
                        e instanceof IOException io ? io : new IOException(e));
            }
            return Map.copyOf(merged);
        }
    }
}
