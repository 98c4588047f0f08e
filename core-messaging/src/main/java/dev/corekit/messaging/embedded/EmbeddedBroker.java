package dev.corekit.messaging.embedded;

import dev.corekit.messaging.MessagingSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.qpid.server.SystemLauncher;

/**
 * An in-process AMQP 0-9-1 broker (Apache Qpid Broker-J, in memory) for samples and laptops with no RabbitMQ: the same
 * client code runs against it with broker profile {@link MessagingSettings.BrokerProfile#QPID} and classic queues.
 * Listens on 127.0.0.1 only, user {@code guest}/{@code guest}; nothing survives {@link #close()}.
 *
 * <pre>{@code
 * MessagingSettings settings = MessagingSettings.fromEnvironment();
 * Optional<EmbeddedBroker> embedded = EmbeddedBroker.startUnlessBrokerAnswers(settings);
 * if (embedded.isPresent()) {
 *     settings = embedded.get().configure(MessagingSettings.custom()).build();
 * }
 * try (Messaging messaging = Messaging.connect(settings)) { ... }   // close the broker after Messaging
 * }</pre>
 *
 * <p>Needs the optional dependencies {@code org.apache.qpid:qpid-broker-core},
 * {@code qpid-broker-plugins-amqp-0-8-protocol} and {@code qpid-broker-plugins-memory-store} (with BouncyCastle,
 * which Qpid requires). Qpid logs through SLF4J: set {@code qpid.message} to WARN. Expiry of delayed retries is checked
 * every 100 ms (Qpid's housekeeping period, 30 s by default, would stretch every retry delay to it). Not for production:
 * it keeps messages in memory only.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final String INITIAL_CONFIG = "qpid-initial-config.json";

    private final SystemLauncher launcher;
    private final int port;
    private final Path workDir;

    private EmbeddedBroker(SystemLauncher launcher, int port, Path workDir) {
        this.launcher = launcher;
        this.port = port;
        this.workDir = workDir;
    }

    /**
     * Starts a broker on a free port of 127.0.0.1 (takes a few seconds).
     *
     * @throws IllegalStateException when Qpid cannot start (its message names why)
     */
    public static EmbeddedBroker start() {
        return start(freePort());
    }

    /**
     * Starts a broker on {@code port} of 127.0.0.1.
     *
     * @throws IllegalStateException when Qpid cannot start, e.g. the port is taken
     */
    public static EmbeddedBroker start(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
        }
        URL config = EmbeddedBroker.class.getResource(INITIAL_CONFIG);
        Objects.requireNonNull(config, INITIAL_CONFIG + " is missing from the core-messaging jar");
        Path workDir;
        try {
            workDir = Files.createTempDirectory("corekit-qpid-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory for the embedded broker", e);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("qpid.amqp_port", Integer.toString(port));
        context.put("qpid.work_dir", workDir.toString());
        context.put("virtualhost.housekeepingCheckPeriod", "100");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("type", "Memory");
        attributes.put("initialConfigurationLocation", config.toExternalForm());
        attributes.put("startupLoggedToSystemOut", false);
        attributes.put("context", context);
        SystemLauncher launcher = new SystemLauncher();
        try {
            launcher.startup(attributes);
        } catch (Exception e) {
            try {
                launcher.shutdown();
            } catch (RuntimeException ignored) {
                // it did not start: nothing to stop
            }
            delete(workDir);
            throw new IllegalStateException("the embedded Qpid broker did not start on port " + port + ": " + e, e);
        }
        return new EmbeddedBroker(launcher, port, workDir);
    }

    /**
     * Starts an embedded broker when {@code settings} name no broker ({@link MessagingSettings#uri()} empty) and none
     * answers at {@link MessagingSettings#DEFAULT_URI}; otherwise returns empty and the settings are used as they are.
     */
    public static Optional<EmbeddedBroker> startUnlessBrokerAnswers(MessagingSettings settings) {
        if (settings.uri().isPresent() || answers(URI.create(MessagingSettings.DEFAULT_URI), 500)) {
            return Optional.empty();
        }
        return Optional.of(start());
    }

    /** Whether something accepts TCP connections at the host and port of {@code amqpUri} within {@code millis}. */
    static boolean answers(URI amqpUri, int millis) {
        int uriPort = amqpUri.getPort() > 0 ? amqpUri.getPort() : 5672;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(amqpUri.getHost(), uriPort), millis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** {@code amqp://guest:guest@127.0.0.1:<port>}. */
    public String uri() {
        return "amqp://guest:guest@127.0.0.1:" + port;
    }

    /** Points {@code builder} at this broker: its URI, broker profile {@code qpid}, classic queues. */
    public MessagingSettings.Builder configure(MessagingSettings.Builder builder) {
        return builder.uri(uri())
                .brokerProfile(MessagingSettings.BrokerProfile.QPID)
                .queueType(MessagingSettings.QueueType.CLASSIC);
    }

    /** Stops the broker; every message it held is gone. */
    @Override
    public void close() {
        try {
            launcher.shutdown();
        } finally {
            delete(workDir);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedBroker{" + uri().replace("guest:guest@", "****@") + "}";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the embedded broker", e);
        }
    }

    private static void delete(Path directory) {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temp directory left behind is not worth failing a shutdown for
        }
    }
}
