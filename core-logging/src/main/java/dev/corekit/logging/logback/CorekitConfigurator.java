package dev.corekit.logging.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.corekit.logging.runtime.LoggingRuntime;

/**
 * Gives a service with no Logback configuration the platform's: JSON lines to stdout ({@link CorekitJsonEncoder}) at
 * INFO, plus persistence through {@link CorekitAppender} when {@code COREKIT_LOGGING_MONGODB_URI} is set. Found by
 * Logback through {@code ServiceLoader}.
 *
 * <p>A service that brings its own configuration wins: when {@code logback-test.xml} or {@code logback.xml} is on the
 * classpath, or {@code -Dlogback.configurationFile} is set, this configurator steps aside. Such a configuration can
 * keep the platform's appenders with {@code <include resource="corekit-base.xml"/>}, which defines
 * {@code COREKIT_CONSOLE} and {@code COREKIT_PERSIST}.
 *
 * <p>A bad corekit logging setting fails configuration with the {@link dev.corekit.config.InvalidSettingException}
 * that names key, value, source and what is allowed; Logback prints it at startup, and the first corekit operation
 * fails with the same error. Corekit never falls back to defaults silently.
 */
public class CorekitConfigurator extends ContextAwareBase implements Configurator {
    static final String CONSOLE_APPENDER = "COREKIT_CONSOLE";
    static final String PERSIST_APPENDER = "COREKIT_PERSIST";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (serviceBringsItsOwnConfiguration()) {
            addInfo("a logback configuration is present: corekit's configurator steps aside");
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);

        CorekitJsonEncoder encoder = new CorekitJsonEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setName(CONSOLE_APPENDER);
        console.setContext(context);
        console.setEncoder(encoder);
        console.start();
        root.addAppender(console);

        if (mongoConfigured()) {
            CorekitAppender persist = new CorekitAppender();
            persist.setName(PERSIST_APPENDER);
            persist.setContext(context);
            persist.start();
            root.addAppender(persist);
        }
        // The driver logs every reconnect attempt at INFO; keep its noise out while the database is down.
        context.getLogger("org.mongodb.driver").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static boolean serviceBringsItsOwnConfiguration() {
        if (System.getProperty("logback.configurationFile") != null) {
            return true;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = CorekitConfigurator.class.getClassLoader();
        }
        return loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null;
    }

    private static boolean mongoConfigured() {
        return LoggingRuntime.mongoSinkSettings().mongodbUri().isPresent();
    }
}
