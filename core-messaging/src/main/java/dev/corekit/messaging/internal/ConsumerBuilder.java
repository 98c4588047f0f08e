package dev.corekit.messaging.internal;

import dev.corekit.messaging.EventConsumer;
import dev.corekit.messaging.EventHandler;
import dev.corekit.messaging.EventType;
import dev.corekit.messaging.IdempotencyStore;
import dev.corekit.messaging.MessagingSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** {@link EventConsumer.Builder}: collects handlers and overrides, validates, and starts through its owner. */
public final class ConsumerBuilder implements EventConsumer.Builder {
    private final Function<ConsumerEngine.Spec, EventConsumer> starter;
    private final MessagingSettings settings;
    private final String name;
    private final boolean broadcast;
    private final Map<String, Map<Integer, ConsumerEngine.Registered<?>>> handlers = new LinkedHashMap<>();
    private IdempotencyStore store;
    private int prefetch;
    private int concurrency;
    private int maxAttempts;
    private boolean started;
    private ConsumerEngine.DeadLetterListener onDeadLetter;

    public ConsumerBuilder(
            Function<ConsumerEngine.Spec, EventConsumer> starter,
            MessagingSettings settings,
            String name,
            boolean broadcast) {
        this.starter = starter;
        this.settings = settings;
        this.name = name;
        this.broadcast = broadcast;
        this.prefetch = settings.prefetch();
        this.concurrency = settings.concurrency();
        this.maxAttempts = settings.maxAttempts();
    }

    @Override
    public <T> EventConsumer.Builder on(EventType<T> type, EventHandler<T> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, () -> "handler for " + type.name());
        Map<Integer, ConsumerEngine.Registered<?>> versions =
                handlers.computeIfAbsent(type.name(), key -> new LinkedHashMap<>());
        if (versions.containsKey(type.version())) {
            throw new IllegalArgumentException(
                    "consumer '" + name + "' already has a handler for " + type.name() + " v" + type.version());
        }
        versions.put(type.version(), new ConsumerEngine.Registered<>(type, handler));
        return this;
    }

    @Override
    public EventConsumer.Builder idempotencyStore(IdempotencyStore idempotencyStore) {
        this.store = Objects.requireNonNull(idempotencyStore, "idempotencyStore");
        return this;
    }

    @Override
    public EventConsumer.Builder prefetch(int value) {
        if (value < 1 || value > 65_535) {
            throw new IllegalArgumentException("consumer '" + name + "': prefetch must be 1 to 65535, got " + value);
        }
        this.prefetch = value;
        return this;
    }

    @Override
    public EventConsumer.Builder concurrency(int value) {
        if (value < 1 || value > 1_000) {
            throw new IllegalArgumentException("consumer '" + name + "': concurrency must be 1 to 1000, got " + value);
        }
        this.concurrency = value;
        return this;
    }

    @Override
    public EventConsumer.Builder maxAttempts(int value) {
        if (value < 1 || value > 100) {
            throw new IllegalArgumentException("consumer '" + name + "': maxAttempts must be 1 to 100, got " + value);
        }
        this.maxAttempts = value;
        return this;
    }

    /** Tells {@code listener} about every message this consumer dead-letters (fan-out records failed pages). */
    public ConsumerBuilder onDeadLetter(ConsumerEngine.DeadLetterListener listener) {
        this.onDeadLetter = Objects.requireNonNull(listener, "listener");
        return this;
    }

    @Override
    public EventConsumer start() {
        if (started) {
            throw new IllegalStateException("consumer '" + name + "' was already started by this builder");
        }
        if (handlers.isEmpty()) {
            throw new IllegalStateException(
                    "consumer '" + name + "' has no handler: register one with on(type, handler)");
        }
        if (concurrency > prefetch) {
            throw new IllegalStateException("consumer '" + name + "': concurrency " + concurrency + " exceeds prefetch "
                    + prefetch + " (handlers beyond the prefetch would never get a delivery)");
        }
        started = true;
        Map<String, Map<Integer, ConsumerEngine.Registered<?>>> frozen = new LinkedHashMap<>();
        handlers.forEach((type, versions) -> frozen.put(type, Map.copyOf(versions)));
        ConsumerEngine.Spec spec = new ConsumerEngine.Spec(
                name,
                broadcast,
                Map.copyOf(frozen),
                store,
                prefetch,
                concurrency,
                maxAttempts,
                new RetryPlan(
                        settings.retryInitialDelay(),
                        settings.retryMaxDelay(),
                        settings.retryJitterPercent(),
                        maxAttempts),
                settings.idempotencyLease(),
                settings.idempotencyRetention(),
                settings.shutdownTimeout(),
                settings.exchange(),
                settings.exchange() + ".retry",
                onDeadLetter);
        return starter.apply(spec);
    }
}
