package dev.corekit.logging.mongo.redteam;

import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.mongo.MongoSinkSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * A child JVM holding a MongoSink whose MongoDB is unreachable: it accepts WARN records until its queue overflows into
 * the spill file, tells the parent how many went to disk, then waits for a command on stdin: {@code exit} (a normal
 * exit, the shutdown hook drains) or nothing at all (the parent kills it hard).
 *
 * <p>Arguments: the spill directory, a port nothing listens on, how many records, the id prefix.
 */
public final class ChildSink {
    private ChildSink() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        Path directory = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int records = Integer.parseInt(args[2]);
        String prefix = args[3];
        MongoSink sink = MongoSink.start(MongoSinkSettings.custom(Config.defaultsOnly())
                        .mongodbUri(
                                "mongodb://127.0.0.1:" + port + "/?serverSelectionTimeoutMS=200&connectTimeoutMS=200")
                        .queueCapacity(64) // the smallest queue MongoSinkSettings allows
                        .batchSize(8)
                        .spillDirectory(directory)
                        .shutdownDrainTimeout(Duration.ofMillis(300))
                        .build())
                .registerShutdownHook();
        for (int i = 0; i < records; i++) {
            sink.accept(new LogRecord(
                    prefix + i,
                    LogRecord.Kind.EVENT,
                    i % 2 == 0 ? Level.WARN : Level.ERROR,
                    "rt.child",
                    null,
                    "from a child process",
                    Instant.now(),
                    null,
                    null,
                    Map.of("i", i),
                    List.of(),
                    null,
                    "main"));
        }
        MongoSink.Stats stats = sink.stats();
        out.println("RT:SPILLED " + stats.spilled() + " PENDING " + (stats.queueDepth() + stats.inFlight())
                + " DROPPED " + stats.droppedTotal());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command = in.readLine();
        if ("exit".equals(command)) {
            System.exit(0);
        }
        // anything else: hang until killed
        in.readLine();
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
