package dev.corekit.messaging.internal;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.Scope;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.Health;
import io.github.resilience4j.core.IntervalFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.event.Level;

/**
 * One supervised AMQP connection (corekit keeps one for publishing and one for consuming, so that a blocked publisher
 * never starves consumers). It connects, declares the {@link Topology} in order and opens every registered
 * {@link Resource} (a publisher channel, a consumer) before it reports {@link Health#UP}; when the connection is lost it
 * reports {@link Health#RECOVERING} and reconnects with exponential backoff and jitter; when only a resource is lost (a
 * channel closed by a broker error, a consumer cancelled by the broker) it re-declares the topology and reopens just that
 * resource, again with backoff, and reports {@link Health#RECOVERING} until it is back.
 *
 * <p>Why not the client's automatic recovery: its {@code AutorecoveringChannel} keeps one object across channel
 * incarnations, so pending publisher confirms cannot be keyed by channel instance without races; it silently reopens a
 * channel that a broker error closed (rabbitmq-java-client#1085); and its recorded topology brings back deleted bindings
 * (#1593). This supervisor uses the client's connection code and does the recovery itself, so every connection and
 * channel instance is fresh and the health state is the state machine itself.
 *
 * <p>Every state change runs on the supervisor's own thread, one at a time.
 */
public final class ConnectionSupervisor implements AutoCloseable {
    /** Something that lives on the connection: opened on each new connection, reopened alone when it breaks. */
    public interface Resource {
        /** For health details: {@code consumer 'billing'}. */
        String describe();

        /** Opens this resource on {@code connection}; runs on the supervisor thread. */
        void open(Connection connection) throws IOException, TimeoutException;

        /** The connection is gone: drop channel-bound state. Runs on the supervisor thread. Never throws. */
        void connectionLost();
    }

    private final String name;
    private final ConnectionFactory factory;
    private final Topology topology;
    private final IntervalFunction backoff;
    private final Recorder recorder;
    private final ScheduledExecutorService thread;
    private final List<Resource> resources = new CopyOnWriteArrayList<>();
    private final Map<Resource, Integer> broken = new ConcurrentHashMap<>();
    private final List<Consumer<Health>> listeners = new CopyOnWriteArrayList<>();

    private volatile Connection connection;
    private volatile boolean blocked;
    private volatile boolean everConnected;
    private volatile boolean closed;
    private volatile String detail = "not connected yet";
    private volatile Health reported = Health.DOWN;
    private int failedAttempts; // supervisor thread only

    public ConnectionSupervisor(
            String name, ConnectionFactory factory, Topology topology, IntervalFunction backoff, Recorder recorder) {
        this.name = name;
        this.factory = factory;
        this.topology = topology;
        this.backoff = backoff;
        this.recorder = recorder;
        this.thread = ContextExecutors.newScheduledThreadPool(name, 1);
    }

    /** Starts connecting in the background. */
    public void start() {
        run(this::connect);
    }

    /** This connection's name, as the broker shows it. */
    public String name() {
        return name;
    }

    /** The connection's health, as described by {@link Health}. */
    public Health health() {
        if (closed) {
            return Health.DOWN;
        }
        if (connection == null) {
            return everConnected ? Health.RECOVERING : Health.DOWN;
        }
        if (!broken.isEmpty()) {
            return Health.RECOVERING;
        }
        return blocked ? Health.BLOCKED : Health.UP;
    }

    /** The health with what it is based on, for readiness endpoints and logs. */
    public String detail() {
        return name + ": " + health() + " (" + detail + ")";
    }

    /** Whether publishing should wait: not connected, or blocked by the broker. */
    public boolean isBlocked() {
        return blocked;
    }

    /** Called on every health change, on the supervisor thread. */
    public void addListener(Consumer<Health> listener) {
        listeners.add(listener);
    }

    /**
     * Waits until the health is {@code wanted} (e.g. {@link Health#UP}) or {@code timeout} passes; true if it is.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean await(Health wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (health() != wanted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    /**
     * Registers a resource and opens it now if connected. The returned future completes when it is open (or when it
     * will be opened with the next connection).
     */
    public CompletableFuture<Void> add(Resource resource) {
        resources.add(resource);
        CompletableFuture<Void> opened = new CompletableFuture<>();
        run(() -> {
            Connection current = connection;
            if (current != null && !closed) {
                broken.put(resource, 0);
                repair(resource);
            }
            opened.complete(null);
        });
        return opened;
    }

    /** Forgets a resource: it is not reopened any more. */
    public void remove(Resource resource) {
        resources.remove(resource);
        broken.remove(resource);
        changed();
    }

    /** Runs {@code task} on the supervisor thread with {@code connection} if connected; for deletions and such. */
    public <T> CompletableFuture<T> withConnection(ConnectionTask<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        run(() -> {
            Connection current = connection;
            if (current == null) {
                result.completeExceptionally(new IOException(name + " is not connected: " + detail));
                return;
            }
            try {
                result.complete(task.run(current));
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** A task that needs the connection. */
    @FunctionalInterface
    public interface ConnectionTask<T> {
        T run(Connection connection) throws Exception;
    }

    /**
     * A resource broke while its connection stayed up (a channel closed by a broker error, a consumer cancelled by the
     * broker): it is reopened alone, and health says {@link Health#RECOVERING} until it is.
     */
    public void resourceLost(Resource resource, String why) {
        run(() -> {
            if (closed || !resources.contains(resource) || broken.containsKey(resource)) {
                return;
            }
            broken.put(resource, 0);
            detail = resource.describe() + " lost: " + why + "; reopening it";
            changed();
            Connection current = connection;
            if (current != null) {
                repair(resource);
            }
        });
    }

    private void repair(Resource resource) {
        Connection current = connection;
        if (closed || current == null || !broken.containsKey(resource) || !resources.contains(resource)) {
            return;
        }
        try {
            topology.declare(current);
            resource.open(current);
            broken.remove(resource);
            if (broken.isEmpty()) {
                detail = "connected to " + current.getAddress().getHostAddress() + ":" + current.getPort();
            }
            changed();
        } catch (IOException | TimeoutException | RuntimeException e) {
            int attempt = broken.merge(resource, 1, Integer::sum);
            detail = resource.describe() + " cannot be reopened (attempt " + attempt + "): " + Broker.describe(e);
            event(Level.WARN, "messaging.resource.reopen-failed", detail, e);
            changed();
            schedule(() -> repair(resource), backoff.apply(attempt));
        }
    }

    private void connect() {
        if (closed || connection != null) {
            return;
        }
        Connection candidate = null;
        try {
            candidate = factory.newConnection(name);
            Connection opened = candidate;
            opened.addShutdownListener(cause -> run(() -> lost(opened, cause)));
            opened.addBlockedListener(
                    reason -> run(() -> blocked(opened, true, reason)), () -> run(() -> blocked(opened, false, null)));
            topology.declare(opened);
            for (Resource resource : resources) {
                resource.open(opened);
            }
            connection = opened;
            blocked = false;
            broken.clear();
            failedAttempts = 0;
            everConnected = true;
            detail = "connected to " + opened.getAddress().getHostAddress() + ":" + opened.getPort();
            changed();
        } catch (IOException | TimeoutException | RuntimeException e) {
            if (candidate != null) {
                candidate.abort(1000);
            }
            for (Resource resource : resources) {
                resource.connectionLost();
            }
            failedAttempts++;
            detail = "connection attempt " + failedAttempts + " failed: " + Broker.describe(e);
            boolean configuration = Broker.isConfigurationError(e);
            if (failedAttempts == 1 || configuration || failedAttempts % 10 == 0) {
                event(configuration ? Level.ERROR : Level.WARN, "messaging.connect-failed", detail, e);
            }
            changed();
            schedule(this::connect, backoff.apply(failedAttempts));
        }
    }

    private void lost(Connection lostConnection, ShutdownSignalException cause) {
        if (lostConnection != connection) {
            return; // an attempt we aborted ourselves, or an older generation
        }
        connection = null;
        blocked = false;
        for (Resource resource : resources) {
            resource.connectionLost();
        }
        broken.clear();
        if (closed) {
            changed();
            return;
        }
        detail = "connection " + Broker.describe(cause) + "; reconnecting";
        event(Level.WARN, "messaging.connection-lost", detail, null);
        changed();
        failedAttempts = 0;
        schedule(this::connect, backoff.apply(1));
    }

    private void blocked(Connection which, boolean isBlocked, String reason) {
        if (which != connection) {
            return;
        }
        blocked = isBlocked;
        detail = isBlocked ? "blocked by the broker: " + reason : "unblocked by the broker";
        event(isBlocked ? Level.WARN : Level.INFO, "messaging.connection-blocked", detail, null);
        changed();
    }

    private void changed() {
        Health now = health();
        synchronized (this) {
            notifyAll();
        }
        if (now == reported) {
            return;
        }
        reported = now;
        for (Consumer<Health> listener : listeners) {
            try {
                listener.accept(now);
            } catch (RuntimeException e) {
                event(Level.ERROR, "messaging.health-listener-failed", "a health listener threw", e);
            }
        }
    }

    private void schedule(Runnable task, long delayMillis) {
        if (closed) {
            return;
        }
        try {
            thread.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: nothing left to supervise
        }
    }

    private void event(Level level, String eventName, String message, Throwable error) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("connection", name);
        attributes.put("health", health().name());
        try (Scope scope = CallContext.root().activate()) {
            recorder.event(level, eventName, message, attributes, error);
        }
    }

    /** Closes the connection and stops supervising; resources must be closed before. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        run(() -> {
            closed = true; // scheduled attempts see it and do nothing
            Connection current = connection;
            connection = null;
            if (current != null) {
                try {
                    current.close(5000);
                } catch (IOException | RuntimeException e) {
                    current.abort(1000);
                }
            }
            List<Resource> all = new ArrayList<>(resources);
            for (Resource resource : all) {
                resource.connectionLost();
            }
            detail = "closed";
            changed();
            done.complete(null);
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // fall through: the thread is shut down below either way
        }
        closed = true;
        thread.shutdownNow();
    }
}
