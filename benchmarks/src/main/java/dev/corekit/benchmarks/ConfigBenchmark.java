package dev.corekit.benchmarks;

import dev.corekit.config.Config;
import dev.corekit.logging.mongo.MongoSinkSettings;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of resolving settings: loading a whole settings record (what a service pays at startup, or on every call if it
 * wrongly resolves settings on a hot path) against one {@link Config#get} lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConfigBenchmark {
    private final Config config = Config.fromEnvironment();

    @Benchmark
    public MongoSinkSettings loadMongoSinkSettings() {
        return MongoSinkSettings.load(config);
    }

    @Benchmark
    public Object resolveOneSetting() {
        return config.get(MongoSinkSettings.RETENTION);
    }
}
