package dev.corekit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.context.ContextHeaders;
import dev.corekit.context.Scope;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.Operations;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * A library module on the classpath of a service that runs Log4j 2: exactly one SLF4J provider (the service's), no
 * Logback configurator and no corekit sink provider come with the library, and the library's records reach Log4j 2 as
 * structured events with the request's context.
 */
class LibraryOnLog4j2Test {
    static final class Capture extends AbstractAppender {
        final List<LogEvent> events = new CopyOnWriteArrayList<>();

        Capture() {
            super("capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            events.add(event.toImmutable());
        }
    }

    final Capture capture = new Capture();
    LoggerConfig operationLogger;

    @BeforeEach
    void captureLog4jEvents() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        capture.start();
        operationLogger = new LoggerConfig("storage.put", Level.DEBUG, false);
        operationLogger.addAppender(capture, Level.DEBUG, null);
        configuration.addLogger("storage.put", operationLogger);
        context.updateLoggers();
    }

    @AfterEach
    void release() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().removeLogger("storage.put");
        context.updateLoggers();
        capture.stop();
    }

    @Test
    void theServicesLog4j2IsTheOnlySlf4jProviderAndNoLoggingBindingComesWithTheLibrary() throws IOException {
        List<String> providers = ServiceLoader.load(SLF4JServiceProvider.class).stream()
                .map(provider -> provider.type().getName())
                .toList();
        ClassLoader loader = getClass().getClassLoader();

        assertThat(providers).containsExactly("org.apache.logging.slf4j.SLF4JServiceProvider");
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).startsWith("org.apache.logging.slf4j.");
        assertThat(Collections.list(loader.getResources("META-INF/services/ch.qos.logback.classic.spi.Configurator")))
                .as("a Logback configurator would take over a service's logging")
                .isEmpty();
        assertThat(Collections.list(loader.getResources("META-INF/services/dev.corekit.logging.SinkProvider")))
                .as("the logging binding is the service's choice")
                .isEmpty();
        assertThat(loader.getResource("ch/qos/logback/classic/Logger.class")).isNull();
        assertThat(loader.getResource("com/mongodb/client/MongoClient.class")).isNull();
    }

    @Test
    void theLibrarysRecordsReachLog4j2AsStructuredEventsWithTheRequestsContext() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Map<String, String> headers = Map.of("traceparent", traceparent, "x-request-id", "req-log4j");
        try (Scope scope = ContextHeaders.extract(headers::get).activate()) {
            Operations.run(
                    "storage.put", op -> op.attr("key", "invoices/2026/1.pdf").attr("size", 1024));
        }

        assertThat(capture.events).hasSize(2);
        LogEvent completion = capture.events.get(1);
        assertThat(completion.getLevel()).isEqualTo(Level.INFO);
        assertThat(completion.getMessage().getFormattedMessage()).startsWith("storage.put SUCCEEDED in ");
        Map<String, String> data = completion.getContextData().toMap();
        assertThat(data)
                .containsEntry("requestId", "req-log4j")
                .containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .containsEntry("parentSpanId", "00f067aa0ba902b7")
                .containsEntry("attributes.key", "invoices/2026/1.pdf")
                .containsEntry("attributes.size", "1024")
                .containsEntry("status", "SUCCEEDED");
        assertThat(GlobalRecorder.get().sinks())
                .singleElement()
                .satisfies(sink ->
                        assertThat(sink.getClass().getName()).isEqualTo("dev.corekit.logging.internal.Slf4jSink"));
    }
}
