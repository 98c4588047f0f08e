package dev.corekit.context.internal;

import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An executor service whose tasks run in the context current when they were submitted ({@code invokeAll} and
 * {@code invokeAny} included). Internal: use {@code ContextExecutors.taskWrapping(executorService)}.
 *
 * <pre>{@code
 * ExecutorService pool = new ContextExecutorService(delegate);
 * }</pre>
 */
public class ContextExecutorService implements ExecutorService {
    private final ExecutorService delegate;

    public ContextExecutorService(ExecutorService delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    }

    static <T> List<Callable<T>> wrapAll(Collection<? extends Callable<T>> tasks) {
        CallContext captured = CallContext.current();
        List<Callable<T>> wrapped = new ArrayList<>(tasks.size());
        for (Callable<T> task : tasks) {
            wrapped.add(Contextual.callable(captured, task));
        }
        return wrapped;
    }

    @Override
    public void execute(Runnable command) {
        delegate.execute(ContextExecutors.wrap(command));
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return delegate.submit(ContextExecutors.wrap(task));
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return delegate.submit(ContextExecutors.wrap(task), result);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return delegate.submit(ContextExecutors.wrap(task));
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return delegate.invokeAll(wrapAll(tasks));
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        return delegate.invokeAll(wrapAll(tasks), timeout, unit);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        return delegate.invokeAny(wrapAll(tasks));
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return delegate.invokeAny(wrapAll(tasks), timeout, unit);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.awaitTermination(timeout, unit);
    }

    @Override
    public String toString() {
        return "ContextPropagating[" + delegate + "]";
    }
}
