package dev.corekit.logging.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.Operations;
import dev.corekit.logging.console.ConsoleSink;
import dev.corekit.logging.runtime.CorekitSinkProvider;
import dev.corekit.logging.runtime.LoggingRuntime;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * End-to-end checks in child JVMs (a fresh process is the only honest way to test "at startup" and "with nothing
 * configured"), plus the runtime wiring in this JVM.
 */
class ZeroConfigProcessRedTeamTest {

    /** A service with nothing configured: logs through SLF4J and runs an operation. */
    public static final class Service {
        public static void main(String[] args) {
            org.slf4j.Logger log = LoggerFactory.getLogger("rt.e2e.Service");
            log.atInfo()
                    .addKeyValue("password", "SECRET-KV")
                    .addKeyValue("orderId", 7)
                    .log("hello {} \r\n forged-line", "world");
            try {
                Integer value = Operations.call("rt.e2e.op", op -> {
                    op.attr("api_key", "SECRET-ATTR").attr("items", 3);
                    log.warn("inside the operation");
                    return 42;
                });
                System.out.println("RESULT=" + value);
            } catch (Throwable t) {
                System.out.println("FIRST-OP-FAILED=" + t.getClass().getName() + ": " + t.getMessage());
            }
            GlobalRecorder.get().flush();
        }
    }

    static String run(List<String> jvmArgs, Class<?> main) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("COREKIT_"));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    static String runWithStderr(List<String> jvmArgs, Class<?> main) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("COREKIT_"));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    // Doc (README): "With nothing configured, records and log events go to stdout as JSON lines." and (ARCHITECTURE)
    // "JSON lines on stdout with no logback.xml"
    @Test
    void withNothingConfiguredStdoutIsJsonLinesOfEventsAndRecords() throws Exception {
        String out = run(List.of(), Service.class);
        assertThat(out).contains("RESULT=42");
        String jsonPart = out.lines()
                .filter(line -> !line.startsWith("RESULT="))
                .filter(line -> !line.isBlank())
                .collect(Collectors.joining("\n", "", "\n"));
        List<JsonNode> lines = JsonLines.parse(jsonPart.getBytes(StandardCharsets.UTF_8));
        String all = lines.stream().map(JsonNode::toString).collect(Collectors.joining("\n"));
        assertThat(all).contains("rt.e2e.Service").contains("hello world").contains("inside the operation");
        assertThat(all).contains("rt.e2e.op").contains("STARTED").contains("SUCCEEDED");
        assertThat(all).doesNotContain("SECRET-KV").doesNotContain("SECRET-ATTR");
        assertThat(out).doesNotContain("\nforged-line");
    }

    // Doc (CorekitConfigurator): "A bad corekit logging setting fails configuration with the InvalidSettingException
    // that names key, value, source and what is allowed; Logback prints it at startup, and the first corekit operation
    // fails with the same error. Corekit never falls back to defaults silently."
    @Test
    void badLoggingSettingFailsConfigurationAndTheFirstOperation() throws Exception {
        String out = runWithStderr(List.of("-Dcorekit.logging.redact-keys=iban,-"), Service.class);
        assertThat(out).contains("corekit.logging.redact-keys");
        assertThat(out).contains("FIRST-OP-FAILED=" + InvalidSettingException.class.getName());
        assertThat(out).doesNotContain("RESULT=42");
    }

    // Doc (CorekitConfigurator): "... or -Dlogback.configurationFile is set, this configurator steps aside." - the
    // service's own layout is used for log events, in a real process.
    @Test
    void aServicesOwnConfigurationFileWinsInARealProcess(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("service-logback.xml");
        Files.writeString(
                config,
                "<configuration>\n"
                        + "  <appender name=\"PLAIN\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
                        + "    <encoder><pattern>PLAIN|%logger|%msg%n</pattern></encoder>\n"
                        + "  </appender>\n"
                        + "  <root level=\"INFO\"><appender-ref ref=\"PLAIN\"/></root>\n"
                        + "</configuration>\n");
        String out = run(List.of("-Dlogback.configurationFile=" + config), Service.class);
        assertThat(out).contains("PLAIN|rt.e2e.Service|hello world");
        assertThat(out).contains("RESULT=42");
    }

    // Doc (CorekitSinkProvider): "Registers core-logging's sinks (JSON console, MongoDB when configured) with the
    // process-wide recorder" / (LoggingRuntime.mongoSink) "empty otherwise"
    @Test
    void withoutMongoTheProviderGivesExactlyTheConsoleSink() {
        Assumptions.assumeTrue(System.getenv("COREKIT_LOGGING_MONGODB_URI") == null);
        Assumptions.assumeTrue(System.getProperty("corekit.logging.mongodb.uri") == null);
        assertThat(new CorekitSinkProvider().sinks()).singleElement().isInstanceOf(ConsoleSink.class);
        assertThat(LoggingRuntime.mongoSink()).isEmpty();
        assertThat(GlobalRecorder.get().sinks()).anySatisfy(s -> assertThat(s).isInstanceOf(ConsoleSink.class));
    }

    /** Loads the MongoDB sink settings from the environment and prints what happened (never starts the sink). */
    public static final class LoadMongoSettings {
        public static void main(String[] args) {
            try {
                LoggingRuntime.mongoSinkSettings();
                System.out.println("ACCEPTED");
            } catch (InvalidSettingException e) {
                System.out.println("REJECTED=" + e.getMessage() + " | " + e.problems() + " | " + e);
            }
        }
    }

    static String runWithEnv(Map<String, String> env, Class<?> main) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), main.getName())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("COREKIT_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    // Doc (README): "Secrets (passwords, tokens, credentials in URIs) are Secret values: masked in toString(), logs and
    // errors (mongodb://****@mongo-0,mongo-1/?****: the whole user info and query are masked, even in a URI that cannot
    // be parsed)" / (LoggingRuntime.mongoSinkSettings) "Throws: InvalidSettingException - naming every bad value"
    @Test
    void invalidMongoUriFromTheEnvironmentNeverShowsItsCredentials() throws Exception {
        List<String> outputs = new ArrayList<>();
        for (String value : List.of(
                "logs:SECRET-PW-123@mongo-0/?tls=SECRET-Q",
                "mongodb://logs:SECRET-PW-123@[bad host/?tls=SECRET-Q",
                "mongodb://logs:SECRET-PW-123@mongo-0:notaport/?tls=SECRET-Q")) {
            outputs.add(runWithEnv(Map.of("COREKIT_LOGGING_MONGODB_URI", value), LoadMongoSettings.class));
        }
        List<String> rejected =
                outputs.stream().filter(o -> o.contains("REJECTED=")).collect(Collectors.toList());
        Assumptions.assumeFalse(rejected.isEmpty(), "every URI was accepted: " + outputs);
        for (String out : rejected) {
            assertThat(out)
                    .contains("COREKIT_LOGGING_MONGODB_URI")
                    .doesNotContain("SECRET-PW-123")
                    .doesNotContain("SECRET-Q");
        }
    }

    // Doc (LoggingRuntime.mongoSinkSettings): "The MongoDB sink's settings in force now" - with nothing set, defaults.
    @Test
    void mongoSinkSettingsLoadWithNothingSet() {
        Assumptions.assumeTrue(System.getenv("COREKIT_LOGGING_MONGODB_URI") == null);
        assertThat(LoggingRuntime.mongoSinkSettings()).isNotNull();
        assertThat(Map.of()).isEmpty();
    }
}
