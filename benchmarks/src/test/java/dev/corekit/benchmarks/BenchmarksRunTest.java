package dev.corekit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark of this module once, briefly and in-process, so that a benchmark whose setup or body is broken
 * fails the build instead of the next person who measures. Scores are not asserted: timing belongs to real runs.
 *
 * <p>The storage upload benchmarks move 100 MiB to 1 GiB per shot: here they run on 1 MiB. Their S3 side needs S3Mock,
 * which only the {@code storage-bench} profile puts on the classpath; without it only their local side runs.
 */
class BenchmarksRunTest {
    private static final String S3_PUT = "dev\\.corekit\\.benchmarks\\.storage\\.S3PutBenchmark";
    private static final String HEAP = "dev\\.corekit\\.benchmarks\\.storage\\.UnknownLengthHeapBenchmark";
    private static final String ONE_MIB = "1048576";

    @Test
    void everyBenchmarkRunsAndProducesAScore() throws RunnerException {
        List<RunResult> results = new ArrayList<>();
        results.addAll(run(
                brief().include("dev\\.corekit\\.benchmarks\\.").exclude(S3_PUT).exclude(HEAP)));
        boolean s3Mock = s3MockOnClasspath();
        results.addAll(run(brief().include(HEAP).param("size", ONE_MIB).param("provider", s3Mock ? "s3" : "local")));
        if (s3Mock) {
            results.addAll(run(brief().include(HEAP).param("size", ONE_MIB).param("provider", "local")));
            results.addAll(run(brief().include(S3_PUT).param("size", ONE_MIB)));
        }

        assertThat(results).isNotEmpty();
        assertThat(results)
                .allSatisfy(result ->
                        assertThat(result.getPrimaryResult().getScore()).isPositive());
    }

    private static ChainedOptionsBuilder brief() {
        return new OptionsBuilder()
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .shouldFailOnError(true);
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return new Runner(options.build()).run();
    }

    private static boolean s3MockOnClasspath() {
        try {
            Class.forName("com.adobe.testing.s3mock.junit5.S3MockExtension");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
