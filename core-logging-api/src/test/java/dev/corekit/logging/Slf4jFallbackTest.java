package dev.corekit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.corekit.logging.internal.Slf4jSink;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Without a sink provider on the classpath (this module's tests have none), the process-wide recorder sends records
 * through SLF4J as structured events. The backend here is Logback in test scope, standing for whatever the service
 * runs; the Log4j 2 test in core-storage proves the same for another backend.
 */
class Slf4jFallbackTest {
    final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    Logger logger;

    @BeforeEach
    void capture() {
        logger = (Logger) LoggerFactory.getLogger("fallback.op");
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    @Test
    void withNoSinkProviderTheGlobalRecorderWritesThroughSlf4j() {
        assertThat(GlobalRecorder.get().sinks()).singleElement().isInstanceOf(Slf4jSink.class);
    }

    @Test
    void eachRecordIsOneEventOnTheLoggerNamedAfterItWithEveryFieldAsAKeyValue() {
        Operations.call("fallback.op", op -> op.attr("items", 3).attr("password", "hunter2"));

        assertThat(appender.list).hasSize(2);
        ILoggingEvent started = appender.list.get(0);
        ILoggingEvent completed = appender.list.get(1);
        assertThat(started.getLevel()).isEqualTo(ch.qos.logback.classic.Level.DEBUG);
        assertThat(completed.getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO);
        assertThat(completed.getFormattedMessage()).startsWith("fallback.op SUCCEEDED in ");
        Map<String, Object> keyValues = completed.getKeyValuePairs().stream()
                .collect(Collectors.toMap(pair -> pair.key, pair -> pair.value, (a, b) -> b));
        assertThat(keyValues)
                .containsEntry("kind", "OPERATION")
                .containsEntry("status", "SUCCEEDED")
                .containsEntry("attributes.items", 3)
                .containsEntry("attributes.password", Redactor.REDACTED)
                .containsKeys("id", "traceId", "spanId", "durationMicros", "startedAt", "endedAt");
        assertThat(completed.getKeyValuePairs())
                .extracting((KeyValuePair pair) -> String.valueOf(pair.value))
                .doesNotContain("hunter2");
    }

    @Test
    void aFailureCarriesItsNormalizedErrorAsKeyValuesAtError() {
        try {
            Operations.run("fallback.op", op -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // the caller's own exception
        }

        ILoggingEvent failed = appender.list.get(1);
        assertThat(failed.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
        assertThat(failed.getFormattedMessage()).contains("FAILED").contains("IllegalStateException: boom");
        assertThat(failed.getKeyValuePairs())
                .extracting(pair -> pair.key)
                .contains("error.type", "error.message", "error.fingerprint", "error.stack.0");
    }
}
