package dev.corekit.logging.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import dev.corekit.config.Secret;
import dev.corekit.logging.logback.CorekitAppender;
import dev.corekit.logging.logback.CorekitConfigurator;
import dev.corekit.logging.logback.CorekitJsonEncoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.KeyValuePair;

/** Red-team checks of the Logback encoder, appender and configurator. */
class LogbackGlueRedTeamTest {

    static final String HOSTILE = "nul\u0000 cr\r lf\n ls\u2028 quote\" backslash\\ esc\u001b emoji😀";

    final LoggerContext context = newContext();
    final Logger logger = context.getLogger("rt.Service");

    /** A LoggerContext wired like Logback's own provider wires it (with an MDC adapter). */
    static LoggerContext newContext() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        return context;
    }

    static final class ToStringThrows {
        @Override
        public String toString() {
            throw new IllegalStateException("toString exploded");
        }
    }

    static final class MessageThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage exploded");
        }

        @Override
        public String getLocalizedMessage() {
            throw new IllegalStateException("getLocalizedMessage exploded");
        }
    }

    CorekitJsonEncoder encoder() {
        CorekitJsonEncoder encoder = new CorekitJsonEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    LoggingEvent event(Level level, String message, Throwable error, Object... args) {
        return new LoggingEvent(Logger.class.getName(), logger, level, message, error, args);
    }

    static JsonNode one(byte[] bytes) {
        List<JsonNode> lines = JsonLines.parse(bytes);
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    // Doc (CorekitJsonEncoder): "Encodes Logback events as one JSON object per line, in the same shape as corekit's
    // operation records (time, level, logger as name, message, the call context from MDC, ...)"
    @Test
    void encoderWritesOneObjectPerLineWithNameMessageLevelAndMdcContext() {
        LoggingEvent event = event(Level.WARN, "order {} failed", null, 42);
        event.setMDCPropertyMap(Map.of("requestId", "req-rt", "traceId", "4bf92f3577b34da6a3ce929d0e0e4736"));
        JsonNode json = one(encoder().encode(event));
        assertThat(json.toString())
                .contains("rt.Service")
                .contains("order 42 failed")
                .contains("WARN");
        assertThat(json.toString()).contains("req-rt").contains("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    // Doc (CorekitJsonEncoder): "one JSON object per line" - hostile characters in message, logger name and MDC.
    @Test
    void hostileCharactersStayInOneValidLineAndRoundTrip() {
        Logger hostileLogger = context.getLogger("rt." + HOSTILE);
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), hostileLogger, Level.INFO, HOSTILE, null, null);
        event.setMDCPropertyMap(Map.of("requestId", HOSTILE, "caller", HOSTILE));
        event.addKeyValuePair(new KeyValuePair("k" + HOSTILE, HOSTILE));
        JsonNode json = one(encoder().encode(event));
        assertThat(json.findValuesAsText("message")).contains(HOSTILE);
    }

    // Doc (CorekitJsonEncoder): "SLF4J key-values as redacted attributes" - sensitive keys in any spelling and nested
    // values are redacted.
    @Test
    void keyValuesAreRedactedIncludingNestedOnes() {
        LoggingEvent event = event(Level.INFO, "login", null);
        event.addKeyValuePair(new KeyValuePair("X-Api-Key", "SECRET-1"));
        event.addKeyValuePair(new KeyValuePair("Password", "SECRET-2"));
        event.addKeyValuePair(
                new KeyValuePair("request", Map.of("headers", Map.of("Authorization", "Bearer SECRET-3"))));
        event.addKeyValuePair(new KeyValuePair("users", List.of(Map.of("session_token", "SECRET-4"))));
        event.addKeyValuePair(new KeyValuePair("dbUri", Secret.of("mongodb://u:SECRET-5@db/x")));
        event.addKeyValuePair(new KeyValuePair("orderId", 42));
        String json = one(encoder().encode(event)).toString();
        assertThat(json)
                .doesNotContain("SECRET-1", "SECRET-2", "SECRET-3", "SECRET-4", "SECRET-5")
                .contains("42");
    }

    // Doc (Redactor via the encoder): "Nothing here throws: a null key or value becomes "(null)", and a value whose
    // toString() ... throws becomes (unprintable: ...)"
    @Test
    void hostileKeyValuesNeverThrowAndStillGiveOneValidLine() {
        LoggingEvent event = event(Level.INFO, "m", null);
        event.addKeyValuePair(new KeyValuePair(null, null));
        event.addKeyValuePair(new KeyValuePair("hostile", new ToStringThrows()));
        event.addKeyValuePair(new KeyValuePair("nan", Double.NaN));
        List<Object> self = new ArrayList<>();
        self.add(self);
        event.addKeyValuePair(new KeyValuePair("self", self));
        CorekitJsonEncoder encoder = encoder();
        assertThatCode(() -> one(encoder.encode(event))).doesNotThrowAnyException();
        assertThat(one(encoder.encode(event)).toString()).contains("unprintable");
    }

    // Doc (CorekitJsonEncoder): "a normalized error with its fingerprint" - also for a throwable whose getMessage()
    // throws and for a cyclic cause chain.
    @Test
    void hostileThrowablesAreNormalizedNotThrown() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b");
        a.initCause(b);
        b.initCause(a);
        CorekitJsonEncoder encoder = encoder();
        for (Throwable error : List.of(new MessageThrows(), a)) {
            LoggingEvent event;
            try {
                event = event(Level.ERROR, "failed", error);
            } catch (RuntimeException e) {
                continue; // Logback itself cannot wrap this throwable; not corekit's doing
            }
            assertThatCode(() -> one(encoder.encode(event))).doesNotThrowAnyException();
            assertThat(one(encoder.encode(event)).toString()).contains("fingerprint");
        }
    }

    // Doc (CorekitJsonEncoder): "one JSON object per line" - an event with no message and no logger name fields set.
    @Test
    void nullMessageStillGivesAValidLine() {
        assertThatCode(() -> one(encoder().encode(event(Level.INFO, null, null))))
                .doesNotThrowAnyException();
    }

    // Doc (CorekitJsonEncoder) + (ConsoleSink) "concurrent records never interleave": through a real Logback
    // OutputStreamAppender from 16 threads, every line is one valid JSON object.
    @Test
    void throughLogbackFromManyThreadsEveryLineIsValidJson() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder());
        appender.setOutputStream(out);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    org.slf4j.Logger log = context.getLogger("rt.thread" + thread);
                    for (int i = 0; i < 200; i++) {
                        log.atInfo()
                                .addKeyValue("password", "SECRET-" + i)
                                .addKeyValue("i", i)
                                .log(HOSTILE + " {}", new ToStringThrows());
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            appender.stop();
        }
        List<JsonNode> lines = JsonLines.parse(out.toByteArray());
        assertThat(lines).hasSize(16 * 200);
        assertThat(lines.stream().map(JsonNode::toString).collect(Collectors.joining()))
                .doesNotContain("SECRET-");
    }

    // Doc (CorekitAppender): "a level that is not TRACE, DEBUG, INFO, WARN or ERROR is a configuration error and the
    // appender does not start."
    @ParameterizedTest
    @ValueSource(strings = {"bogus", "", "FATAL", "ALL", "OFF", "warning", "INF0"})
    void appenderWithABadLevelDoesNotStart(String level) {
        CorekitAppender appender = new CorekitAppender();
        appender.setContext(context);
        try {
            appender.setLevel(level);
            appender.start();
        } catch (RuntimeException acceptable) {
            // failing loudly at configuration is also "does not start"
        }
        assertThat(appender.isStarted()).isFalse();
    }

    // Doc (CorekitAppender.setLevel): "The lowest level persisted: TRACE, DEBUG, INFO, WARN or ERROR (any case)." and
    // "(... otherwise events are not persisted and this appender does nothing)"
    @ParameterizedTest
    @ValueSource(strings = {"trace", "Debug", "INFO", "wArN", "error"})
    void appenderAcceptsEveryLevelInAnyCaseAndDoesNothingWithoutMongo(String level) {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("COREKIT_LOGGING_MONGODB_URI") == null);
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("corekit.logging.mongodb.uri") == null);
        CorekitAppender appender = new CorekitAppender();
        appender.setContext(context);
        appender.setLevel(level);
        appender.start();
        assertThat(appender.isStarted()).isTrue();
        assertThatCode(() -> appender.doAppend(event(Level.ERROR, "m", new IllegalStateException("x"))))
                .doesNotThrowAnyException();
        appender.stop();
    }

    // Doc (CorekitAppender): "The level comes from corekit.logging.persist-level / COREKIT_LOGGING_PERSIST_LEVEL
    // (default INFO) unless a Logback configuration sets <level>; ... A bad corekit setting fails start() with the
    // error that names it"
    @Test
    void badPersistLevelSettingFailsStartNamingTheKey() {
        System.setProperty("corekit.logging.persist-level", "LOUD");
        try {
            CorekitAppender appender = new CorekitAppender();
            appender.setContext(context);
            String reported;
            try {
                appender.start();
                reported = context.getStatusManager().getCopyOfStatusList().stream()
                        .filter(s -> s.getLevel() == Status.ERROR)
                        .map(s -> s.getMessage() + " "
                                + (s.getThrowable() == null
                                        ? ""
                                        : s.getThrowable().getMessage()))
                        .collect(Collectors.joining("\n"));
            } catch (RuntimeException e) {
                reported = e.getMessage();
            }
            assertThat(appender.isStarted()).isFalse();
            assertThat(reported).contains("corekit.logging.persist-level").contains("LOUD");
        } finally {
            System.clearProperty("corekit.logging.persist-level");
        }
    }

    // Doc (CorekitAppender): the setting applies "unless a Logback configuration sets <level>" - an explicit valid
    // level wins over the configured one.
    @Test
    void explicitLevelWinsOverTheSetting() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("COREKIT_LOGGING_MONGODB_URI") == null);
        System.setProperty("corekit.logging.persist-level", "ERROR");
        try {
            CorekitAppender appender = new CorekitAppender();
            appender.setContext(context);
            appender.setLevel("WARN");
            appender.start();
            assertThat(appender.isStarted()).isTrue();
            appender.stop();
        } finally {
            System.clearProperty("corekit.logging.persist-level");
        }
    }

    static Configurator.ExecutionStatus configure(LoggerContext context) {
        CorekitConfigurator configurator = new CorekitConfigurator();
        configurator.setContext(context);
        return configurator.configure(context);
    }

    static List<Appender<ILoggingEvent>> rootAppenders(LoggerContext context) {
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        Iterator<Appender<ILoggingEvent>> it =
                context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        it.forEachRemaining(appenders::add);
        return appenders;
    }

    interface Action<T> {
        T run() throws Exception;
    }

    static <T> T withClasspath(Path directory, Action<T> action) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {directory.toUri().toURL()}, null)) {
            thread.setContextClassLoader(loader);
            return action.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    // Doc (CorekitConfigurator): "Gives a service with no Logback configuration the platform's: JSON lines to stdout
    // (CorekitJsonEncoder) at INFO"
    @Test
    void withNoConfigurationTheRootGetsJsonLinesAtInfo(@TempDir Path empty) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("logback.configurationFile") == null);
        LoggerContext fresh = newContext();
        withClasspath(empty, () -> configure(fresh));
        assertThat(fresh.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(rootAppenders(fresh))
                .anySatisfy(a -> assertThat(a)
                        .isInstanceOf(OutputStreamAppender.class)
                        .extracting(x -> ((OutputStreamAppender<ILoggingEvent>) x).getEncoder())
                        .isInstanceOf(CorekitJsonEncoder.class));
    }

    // Doc (CorekitConfigurator): "A service that brings its own configuration wins: when logback-test.xml or
    // logback.xml is on the classpath ... this configurator steps aside."
    @ParameterizedTest
    @ValueSource(strings = {"logback.xml", "logback-test.xml"})
    void stepsAsideForAServicesOwnConfigurationFile(String file, @TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(file), "<configuration/>");
        LoggerContext fresh = newContext();
        Configurator.ExecutionStatus status = withClasspath(dir, () -> configure(fresh));
        assertThat(status).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(rootAppenders(fresh)).isEmpty();
    }

    // Doc (CorekitConfigurator): "... or -Dlogback.configurationFile is set, this configurator steps aside."
    @Test
    void stepsAsideWhenLogbackConfigurationFileIsSet(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("elsewhere.xml");
        Files.writeString(file, "<configuration/>");
        System.setProperty("logback.configurationFile", file.toString());
        try {
            LoggerContext fresh = newContext();
            Configurator.ExecutionStatus status = withClasspath(dir.resolve("nothing-here"), () -> configure(fresh));
            assertThat(status).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(rootAppenders(fresh)).isEmpty();
        } finally {
            System.clearProperty("logback.configurationFile");
        }
    }

    // Doc (CorekitConfigurator): "Such a configuration can keep the platform's appenders with <include
    // resource="corekit-base.xml"/>, which defines COREKIT_CONSOLE and COREKIT_PERSIST."
    @Test
    void corekitBaseIncludeDefinesBothAppenders() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("COREKIT_LOGGING_MONGODB_URI") == null);
        String xml = "<configuration>\n"
                + "  <include resource=\"corekit-base.xml\"/>\n"
                + "  <root level=\"INFO\">\n"
                + "    <appender-ref ref=\"COREKIT_CONSOLE\"/>\n"
                + "    <appender-ref ref=\"COREKIT_PERSIST\"/>\n"
                + "  </root>\n"
                + "</configuration>";
        LoggerContext fresh = newContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(fresh);
        joran.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Logger root = fresh.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("COREKIT_CONSOLE")).isNotNull();
        assertThat(root.getAppender("COREKIT_PERSIST")).isNotNull().isInstanceOf(CorekitAppender.class);
        assertThat(((OutputStreamAppender<ILoggingEvent>) root.getAppender("COREKIT_CONSOLE")).getEncoder())
                .isInstanceOf(CorekitJsonEncoder.class);
        List<String> errors = fresh.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() == Status.ERROR)
                .map(Status::getMessage)
                .collect(Collectors.toList());
        assertThat(errors).isEmpty();
    }

    // Doc (CorekitJsonEncoder): "in the same shape as corekit's operation records (time, level, logger as name,
    // message, ...), SLF4J key-values as redacted attributes" - key-values named like record fields stay attributes:
    // they neither override the record's own fields nor produce duplicate JSON keys.
    @Test
    void keyValuesNamedLikeRecordFieldsCannotOverrideThem() {
        LoggingEvent event = event(Level.WARN, "the real message", null);
        for (String field :
                List.of("level", "name", "message", "ts", "time", "id", "kind", "requestId", "traceId", "error")) {
            event.addKeyValuePair(new KeyValuePair(field, "FORGED"));
        }
        event.setMDCPropertyMap(Map.of("requestId", "req-real"));
        JsonNode json = one(encoder().encode(event));
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("name").asText()).isEqualTo("rt.Service");
        assertThat(json.path("message").asText()).isEqualTo("the real message");
        assertThat(json.path("requestId").asText()).isNotEqualTo("FORGED");
    }
}
