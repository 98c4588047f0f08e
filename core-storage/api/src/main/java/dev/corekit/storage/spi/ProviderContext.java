package dev.corekit.storage.spi;

import dev.corekit.config.Config;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.StorageException;
import dev.corekit.storage.StorageSettings;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a provider gets when it is opened.
 *
 * @param settings the storage settings (part size, retries, ...)
 * @param config where the provider loads its own settings from
 * @param recorder where operation records go
 * @param clock the storage's clock
 */
public record ProviderContext(StorageSettings settings, Config config, Recorder recorder, Clock clock) {
    public ProviderContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(recorder, "recorder");
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * A Resilience4j retry as the settings say ({@code corekit.storage.retry-max-attempts}, exponential backoff from
     * {@code corekit.storage.retry-initial-backoff}) that retries what {@link #isTransient(Throwable)} accepts.
     */
    public Retry retry(String name) {
        return retry(name, ProviderContext::isTransient);
    }

    /** A Resilience4j retry as the settings say, retrying the failures {@code retryable} accepts. */
    public Retry retry(String name, Predicate<Throwable> retryable) {
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(settings.retryMaxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.retryInitialBackoff(), 2.0))
                .retryOnException(retryable)
                .failAfterMaxAttempts(false)
                .build();
        return Retry.of(name, config);
    }

    /**
     * The default transient failures: a {@link StorageException} that says it is retryable, or an {@link IOException}
     * (a connection reset, a timeout) that is not a storage failure with a reason of its own.
     */
    public static boolean isTransient(Throwable error) {
        if (error instanceof StorageException storage) {
            return storage.retryable();
        }
        return error instanceof IOException || error instanceof java.io.UncheckedIOException;
    }
}
