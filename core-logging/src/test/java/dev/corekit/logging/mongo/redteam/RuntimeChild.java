package dev.corekit.logging.mongo.redteam;

import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.Operations;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.runtime.LoggingRuntime;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service in a child JVM wired only by configuration (system properties set by the test): it logs through SLF4J
 * (Logback with corekit's zero-config Configurator), runs an operation, and reports what the process-wide sink did.
 *
 * <p>Modes: {@code outage} (log while MongoDB is down, wait for {@code go} on stdin, wait until everything is written,
 * exit normally), {@code probe} (report whether there is a process-wide sink, or the error that refused it).
 */
public final class RuntimeChild {
    private RuntimeChild() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        String mode = args[0];
        Logger log = LoggerFactory.getLogger("rt.app");
        if (mode.equals("probe")) {
            try {
                Optional<MongoSink> sink = LoggingRuntime.mongoSink();
                out.println("RT:PROBE present=" + sink.isPresent() + " settings=" + LoggingRuntime.mongoSinkSettings());
                for (int i = 0; i < 5; i++) {
                    log.warn("probe event {}", i);
                }
                Operations.run("rt.child.op", op -> op.attr("k", 1));
                GlobalRecorder.get().flush();
                if (sink.isPresent()) {
                    // Written, or refused for good: the test server has no authentication, so a URI with credentials
                    // makes the sink retry (and log why) rather than write.
                    awaitWrittenOrRetrying(sink.get(), 10);
                    sink.get().flush();
                    out.println("RT:STATS " + sink.get().stats());
                }
            } catch (RuntimeException e) {
                StringBuilder chain = new StringBuilder();
                for (Throwable t = e; t != null; t = t.getCause()) {
                    chain.append(" | ").append(t);
                }
                out.println("RT:FAILED " + chain);
            }
            out.println("RT:DONE");
            return;
        }
        // outage. Corekit's Configurator keeps the driver at WARN, which hides its reconnect chatter; a service that
        // diagnoses an outage turns it up, and even then none of it may reach the collection.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.mongodb.driver"))
                .setLevel(ch.qos.logback.classic.Level.DEBUG);
        MongoSink sink = LoggingRuntime.mongoSink().orElseThrow();
        for (int i = 0; i < 20; i++) {
            log.info("app info {}", i);
            log.warn("app warn {}", i);
        }
        Operations.run("rt.child.op", op -> op.attr("k", 1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sink.stats().state() != MongoSink.State.RETRYING && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        out.println("RT:LOGGED " + sink.stats());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        in.readLine();
        awaitWritten(sink, 42);
        out.println("RT:STATS " + sink.stats());
        System.exit(0);
    }

    static void awaitWrittenOrRetrying(MongoSink sink, long records) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            MongoSink.Stats s = sink.stats();
            if (s.state() == MongoSink.State.RETRYING
                    || (s.written() >= records && s.queueDepth() + s.inFlight() == 0)) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    static void awaitWritten(MongoSink sink, long records) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            MongoSink.Stats s = sink.stats();
            if (s.state() == MongoSink.State.UP && s.written() >= records && s.queueDepth() + s.inFlight() == 0) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
