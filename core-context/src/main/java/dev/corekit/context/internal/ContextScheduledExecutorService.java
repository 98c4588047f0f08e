package dev.corekit.context.internal;

import dev.corekit.context.ContextExecutors;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduled executor service whose tasks run in the context current when they were scheduled; a periodic task runs
 * every time in that context and restores the worker after each run. Internal: use
 * {@code ContextExecutors.taskWrapping(scheduledExecutorService)}.
 *
 * <pre>{@code
 * ScheduledExecutorService scheduler = new ContextScheduledExecutorService(delegate);
 * }</pre>
 */
public final class ContextScheduledExecutorService extends ContextExecutorService implements ScheduledExecutorService {
    private final ScheduledExecutorService delegate;

    public ContextScheduledExecutorService(ScheduledExecutorService delegate) {
        super(delegate);
        this.delegate = delegate;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return delegate.schedule(ContextExecutors.wrap(command), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return delegate.schedule(ContextExecutors.wrap(callable), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return delegate.scheduleAtFixedRate(ContextExecutors.wrap(command), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return delegate.scheduleWithFixedDelay(ContextExecutors.wrap(command), initialDelay, delay, unit);
    }
}
