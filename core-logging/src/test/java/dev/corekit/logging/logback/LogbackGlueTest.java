package dev.corekit.logging.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Redactor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.KeyValuePair;

class LogbackGlueTest {
    final LoggerContext context = new LoggerContext();
    final Logger logger = context.getLogger("orders.Service");

    LoggingEvent event(Level level, String message, Throwable error) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, error, null);
        event.setMDCPropertyMap(
                Map.of("requestId", "req-1", "traceId", "4bf92f3577b34da6a3ce929d0e0e4736", "caller", "user:7"));
        event.addKeyValuePair(new KeyValuePair("orderId", 42));
        event.addKeyValuePair(new KeyValuePair("authorization", "Bearer x"));
        return event;
    }

    @Test
    void encoderWritesTheRecordShapeWithContextRedactedKeyValuesAndError() throws Exception {
        CorekitJsonEncoder encoder = new CorekitJsonEncoder();
        encoder.setContext(context);
        encoder.start();

        byte[] line = encoder.encode(event(Level.WARN, "order failed", new IllegalStateException("no stock")));

        String text = new String(line, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n").doesNotContain("Bearer x");
        JsonNode json = new ObjectMapper().readTree(text);
        assertThat(json.get("kind").asText()).isEqualTo("EVENT");
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("name").asText()).isEqualTo("orders.Service");
        assertThat(json.get("message").asText()).isEqualTo("order failed");
        assertThat(json.get("requestId").asText()).isEqualTo("req-1");
        assertThat(json.get("caller").asText()).isEqualTo("user:7");
        assertThat(json.get("attributes").get("orderId").asInt()).isEqualTo(42);
        assertThat(json.get("attributes").get("authorization").asText()).isEqualTo(Redactor.REDACTED);
        assertThat(json.get("error").get("type").asText()).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void appenderPersistsAtOrAboveItsLevelAndNeverTheDriversOrTheSinksOwnEvents() {
        InMemorySink sink = new InMemorySink();
        CorekitAppender appender = new CorekitAppender();
        appender.setContext(context);
        appender.setLevel("WARN");
        appender.setSink(sink);
        appender.start();

        appender.doAppend(event(Level.INFO, "below threshold", null));
        appender.doAppend(event(Level.ERROR, "kept", null));
        Logger driver = context.getLogger("org.mongodb.driver.connection");
        appender.doAppend(new LoggingEvent(Logger.class.getName(), driver, Level.ERROR, "socket closed", null, null));
        Logger sinkItself = context.getLogger(dev.corekit.logging.mongo.MongoSink.class.getName());
        appender.doAppend(new LoggingEvent(Logger.class.getName(), sinkItself, Level.WARN, "sink closed", null, null));

        assertThat(sink.records()).extracting(LogRecord::message).containsExactly("kept");
        assertThat(sink.records().get(0).context().requestId()).isEqualTo("req-1");
    }

    @Test
    void appenderTakesItsLevelFromTheCorekitSettingWhenTheConfigurationSetsNone() {
        System.setProperty("corekit.logging.persist-level", "error");
        try {
            InMemorySink sink = new InMemorySink();
            CorekitAppender appender = new CorekitAppender();
            appender.setContext(context);
            appender.setSink(sink);
            appender.start();

            appender.doAppend(event(Level.WARN, "below the setting", null));
            appender.doAppend(event(Level.ERROR, "kept", null));

            assertThat(appender.level()).isEqualTo(Level.ERROR);
            assertThat(sink.records()).extracting(LogRecord::message).containsExactly("kept");
        } finally {
            System.clearProperty("corekit.logging.persist-level");
        }
    }

    @Test
    void aBadCorekitSettingFailsTheEncoderAppenderAndConfiguratorNamingItNeverASilentDefault() {
        System.setProperty("corekit.logging.redact-keys", "token, ,cookie");
        System.setProperty("corekit.logging.retention", "999999999999999d");
        try {
            CorekitJsonEncoder encoder = new CorekitJsonEncoder();
            encoder.setContext(context);
            assertThatThrownBy(encoder::start)
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("corekit.logging.redact-keys");
            assertThat(encoder.isStarted()).isFalse();

            CorekitAppender appender = new CorekitAppender();
            appender.setContext(context);
            assertThatThrownBy(appender::start)
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("corekit.logging.retention = \"999999999999999d\"")
                    .hasMessageContaining("system property corekit.logging.retention");

            assertThatThrownBy(() -> configure(new LoggerContext()))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("corekit.logging.redact-keys");
        } finally {
            System.clearProperty("corekit.logging.redact-keys");
            System.clearProperty("corekit.logging.retention");
        }
    }

    @Test
    void anUnknownAppenderLevelIsAConfigurationErrorNamingTheValueNotASilentDefault() {
        InMemorySink sink = new InMemorySink();
        CorekitAppender appender = new CorekitAppender();
        appender.setContext(context);
        appender.setName("PERSIST");
        appender.setLevel("WARNING");
        appender.setSink(sink);
        appender.start();

        assertThat(appender.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anySatisfy(status -> assertThat(status.getMessage())
                        .contains("appender [PERSIST]: level 'WARNING' is not one of TRACE, DEBUG, INFO, WARN, ERROR"));
    }

    @Test
    void configuratorGivesJsonConsoleWhenTheServiceHasNoConfiguration(@TempDir Path empty) throws Exception {
        Configurator.ExecutionStatus status = withClasspath(empty, () -> configure(context));

        assertThat(status).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender(CorekitConfigurator.CONSOLE_APPENDER)).isNotNull();
        assertThat(context.getLogger("org.mongodb.driver").getLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void configuratorStepsAsideForAServicesOwnLogbackXml(@TempDir Path withConfig) throws Exception {
        Files.writeString(withConfig.resolve("logback.xml"), "<configuration/>");

        Configurator.ExecutionStatus status = withClasspath(withConfig, () -> configure(context));

        assertThat(status).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(CorekitConfigurator.CONSOLE_APPENDER))
                .isNull();
    }

    @Test
    void baseIncludeIsShippedForServicesThatBringTheirOwn() {
        assertThat(getClass().getClassLoader().getResource("corekit-base.xml")).isNotNull();
        assertThat(getClass().getClassLoader().getResource("META-INF/services/ch.qos.logback.classic.spi.Configurator"))
                .isNotNull();
    }

    static Configurator.ExecutionStatus configure(LoggerContext context) {
        CorekitConfigurator configurator = new CorekitConfigurator();
        configurator.setContext(context);
        return configurator.configure(context);
    }

    interface Action<T> {
        T run() throws Exception;
    }

    /** Runs with a context class loader that sees only {@code directory}, standing for a service's classpath. */
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
}
