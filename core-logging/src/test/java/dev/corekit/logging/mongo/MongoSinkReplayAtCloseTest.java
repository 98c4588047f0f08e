package dev.corekit.logging.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Short-lived processes (issue 14, item 5): a job that runs for seconds against a MongoDB that is up must not leave
 * the spill files of earlier processes on disk. The spill files here are written by a real earlier JVM
 * ({@link SpillingProcess}) whose MongoDB was unreachable.
 */
class MongoSinkReplayAtCloseTest extends MongoSinkFixture {
    static final int RECORDS = 300;

    /** Runs {@link SpillingProcess} in its own JVM; returns once it exited, having spilled every record. */
    void runEarlierProcess(String prefix) throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort(); // closed again: nothing listens there
        }
        Path output = temp.resolve(prefix + "process.log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        SpillingProcess.class.getName(),
                        spill.toString(),
                        String.valueOf(deadPort),
                        String.valueOf(RECORDS),
                        prefix)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited).as("the earlier process exits").isTrue();
        assertThat(process.exitValue())
                .as("the earlier process spilled every record; its output:%n%s", Files.readString(output))
                .isZero();
        assertThat(spilledFiles()).as("spill files left by the earlier process").isPositive();
        assertThat(spilledRecords(false)).isEqualTo(RECORDS);
    }

    Set<String> storedIds(String prefix) {
        Set<String> ids = new HashSet<>();
        collection().find(Filters.regex("_id", "^" + prefix)).forEach(doc -> ids.add(doc.getString("_id")));
        return ids;
    }

    Set<String> expectedIds(String prefix) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < RECORDS; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    @Test
    void aSinkClosedAMomentAfterStartReplaysAnEarlierProcessSpillFilesAndLeavesNone() throws Exception {
        runEarlierProcess("earlier-");
        long files = spilledFiles();

        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(10)));
        sink.accept(event(Level.INFO, "the-job-itself"));
        MongoSink.ShutdownReport report = sink.closeWithReport();

        assertThat(storedIds("earlier-")).isEqualTo(expectedIds("earlier-"));
        assertThat(spilledFiles()).as("no spill file left").isZero();
        assertThat(report.spillFilesLeft()).isZero();
        assertThat(report.total())
                .as("the job's own record, if still pending at close, was drained")
                .isEqualTo(report.drained());
        MongoSink.Stats stats = sink.stats();
        assertThat(stats.replayed()).isEqualTo(RECORDS);
        // Replayed by the writer's start-up maintenance or, if close() came first, by close itself: together, all.
        assertThat(report.replayed()).isBetween(0L, (long) RECORDS);
        assertThat(report.spillFilesReplayed()).isBetween(0, (int) files);
        assertThat(collection().countDocuments(Filters.eq("_id", "the-job-itself")))
                .isEqualTo(1);
    }

    @Test
    void spillFilesThatAppearWhileTheSinkRunsAreReplayedAtCloseAndReported() throws Exception {
        MongoSink sink = start(settings(1024, 64, Duration.ofSeconds(10)));
        sink.accept(event(Level.INFO, "first"));
        sink.flush();
        await("start-up maintenance done", () -> indexes().size() == 6);
        // Another process on the same spill directory exits while this one runs, leaving its files.
        runEarlierProcess("concurrent-");
        long files = spilledFiles();

        MongoSink.ShutdownReport report = sink.closeWithReport();

        assertThat(report.replayed()).isEqualTo(RECORDS);
        assertThat(report.spillFilesReplayed()).isEqualTo((int) files);
        assertThat(report.spillFilesLeft()).isZero();
        assertThat(report.total()).isZero();
        assertThat(storedIds("concurrent-")).isEqualTo(expectedIds("concurrent-"));
        assertThat(spilledFiles()).isZero();
        assertThat(sink.stats().replayed()).isEqualTo(RECORDS);
    }

    @Test
    void withMongoDbDownAtCloseTheSpillFilesStayAndAreCounted() throws Exception {
        MongoSink sink = start(settings(1024, 64, Duration.ofMillis(300)));
        sink.accept(event(Level.INFO, "first"));
        sink.flush();
        await("start-up maintenance done", () -> indexes().size() == 6);
        runEarlierProcess("stays-");
        long files = spilledFiles();
        server.shutdownNow();
        sink.accept(event(Level.ERROR, "pending-error"));
        await("writer retrying", () -> sink.stats().retrying());

        MongoSink.ShutdownReport report = sink.closeWithReport();

        assertThat(report.replayed()).isZero();
        assertThat(report.spillFilesReplayed()).isZero();
        assertThat(report.spilled()).isEqualTo(1);
        assertThat(report.spillFilesLeft())
                .as("the earlier process's files and the one close wrote")
                .isEqualTo((int) files + 1);
        assertThat(spilledRecords(false)).isEqualTo(RECORDS + 1);
        assertThat(new File(spill.toString()).list()).hasSize((int) files + 1);
    }
}
