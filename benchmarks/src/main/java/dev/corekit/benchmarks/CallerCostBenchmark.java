package dev.corekit.benchmarks;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.config.Config;
import dev.corekit.logging.Recorder;
import dev.corekit.logging.mongo.MongoSink;
import dev.corekit.logging.mongo.MongoSinkSettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.argument.StructuredArguments;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.event.Level;

/**
 * The caller's-thread cost, as a distribution (median and tail), of the production paths that hand work to another
 * thread: corekit's record into the MongoDB sink's queue against a logstash-logback-encoder event into Logback's
 * AsyncAppender. The sink's queue is large enough that a short iteration never overflows, so what is measured is the
 * normal path, not the drop path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallerCostBenchmark {
    private MongoServer server;
    private MongoClient client;
    private MongoSink sink;
    private Recorder corekit;
    private LoggerContext logback;
    private Logger logstashAsync;

    @Setup
    public void start() throws Exception {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        String uri = "mongodb://127.0.0.1:" + address.getPort();
        client = MongoClients.create(uri);
        sink = MongoSink.start(
                MongoSinkSettings.custom(Config.defaultsOnly())
                        .mongodbUri(uri)
                        .queueCapacity(16_777_216)
                        .batchSize(1_000)
                        .spillDirectory(Files.createTempDirectory("corekit-bench-spill"))
                        .build(),
                client);
        corekit = Recorder.of(sink);

        logback = new LoggerContext();
        // A queue as large as the iteration and no discarding: the normal path, as for the sink above.
        logstashAsync = LogstashPeer.asynchronous(logback, "bench.async", 1 << 20, 0);
    }

    @TearDown
    public void stop() {
        logback.stop();
        sink.close();
        client.close();
        server.shutdownNow();
    }

    @Benchmark
    public void corekitEventToMongoSink() {
        corekit.event(Level.INFO, "orders", "order placed", Map.of("orderId", 42L, "items", 3), null);
    }

    @Benchmark
    public void logstashEventToAsyncAppender() {
        logstashAsync.info("order placed", StructuredArguments.kv("orderId", 42L), StructuredArguments.kv("items", 3));
    }
}
