package dev.corekit.logging.mongo;

import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * A real earlier process for the replay tests: a MongoSink whose MongoDB is unreachable takes WARN records until its
 * queue overflows, closes (spilling what is left) and exits, leaving spill files behind.
 *
 * <p>Arguments: the spill directory, a port nothing listens on, how many records, the id prefix.
 */
public final class SpillingProcess {
    private SpillingProcess() {}

    public static void main(String[] args) {
        Path directory = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int records = Integer.parseInt(args[2]);
        String prefix = args[3];
        MongoSink sink = MongoSink.start(MongoSinkSettings.custom(Config.defaultsOnly())
                .mongodbUri("mongodb://127.0.0.1:" + port + "/?serverSelectionTimeoutMS=200&connectTimeoutMS=200")
                .queueCapacity(64)
                .batchSize(16)
                .spillDirectory(directory)
                .shutdownDrainTimeout(Duration.ofMillis(100))
                .build());
        for (int i = 0; i < records; i++) {
            sink.accept(new LogRecord(
                    prefix + i,
                    LogRecord.Kind.EVENT,
                    Level.WARN,
                    "previous-process",
                    null,
                    "spilled by an earlier process",
                    Instant.now(),
                    null,
                    null,
                    Map.of("i", i),
                    List.of(),
                    null,
                    "main"));
        }
        MongoSink.ShutdownReport report = sink.closeWithReport();
        long pending = records - sink.stats().spilled();
        // Exit status tells the test whether every record went to disk (WARN is never dropped).
        System.exit(pending == 0 && report.dropped() == 0 ? 0 : 3);
    }
}
