package dev.corekit.context.internal;

import dev.corekit.context.ContextExecutors;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * An executor whose tasks run in the context current when they were submitted. Internal: use
 * {@code ContextExecutors.taskWrapping(executor)}.
 *
 * <pre>{@code
 * Executor executor = new ContextExecutor(delegate);
 * }</pre>
 */
public final class ContextExecutor implements Executor {
    private final Executor delegate;

    public ContextExecutor(Executor delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void execute(Runnable command) {
        delegate.execute(ContextExecutors.wrap(command));
    }

    @Override
    public String toString() {
        return "ContextPropagating[" + delegate + "]";
    }
}
