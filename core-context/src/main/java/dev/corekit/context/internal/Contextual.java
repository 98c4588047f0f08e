package dev.corekit.context.internal;

import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Wrappers that run a callback in a given {@link CallContext} and then restore the running thread's previous state.
 * Each costs one object at wrap time and one scope when it runs. Internal: use {@code ContextExecutors.wrap*}.
 *
 * <pre>{@code
 * Runnable task = Contextual.runnable(CallContext.current(), () -> work());
 * }</pre>
 */
public final class Contextual {
    private Contextual() {}

    public static Runnable runnable(CallContext context, Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Scope scope = ScopeStack.enterTask(context)) {
                task.run();
            }
        };
    }

    public static <T> Callable<T> callable(CallContext context, Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Scope scope = ScopeStack.enterTask(context)) {
                return task.call();
            }
        };
    }

    public static <T> Supplier<T> supplier(CallContext context, Supplier<T> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return () -> {
            try (Scope scope = ScopeStack.enterTask(context)) {
                return supplier.get();
            }
        };
    }

    public static <T, R> Function<T, R> function(CallContext context, Function<? super T, ? extends R> function) {
        Objects.requireNonNull(function, "function");
        return value -> {
            try (Scope scope = ScopeStack.enterTask(context)) {
                return function.apply(value);
            }
        };
    }

    public static <T> Consumer<T> consumer(CallContext context, Consumer<? super T> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        return value -> {
            try (Scope scope = ScopeStack.enterTask(context)) {
                consumer.accept(value);
            }
        };
    }

    public static <T, U, R> BiFunction<T, U, R> biFunction(
            CallContext context, BiFunction<? super T, ? super U, ? extends R> function) {
        Objects.requireNonNull(function, "function");
        return (first, second) -> {
            try (Scope scope = ScopeStack.enterTask(context)) {
                return function.apply(first, second);
            }
        };
    }

    public static <T, U> BiConsumer<T, U> biConsumer(CallContext context, BiConsumer<? super T, ? super U> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        return (first, second) -> {
            try (Scope scope = ScopeStack.enterTask(context)) {
                consumer.accept(first, second);
            }
        };
    }
}
