package dev.corekit.messaging.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.Scope;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.PublishException;
import dev.corekit.messaging.PublishReceipt;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.event.Level;

/**
 * Publishing with confirms that always complete.
 *
 * <ul>
 *   <li>Callers never touch the socket: {@link #send} counts the message against the bound, arms its deadline and puts
 *       it in the buffer; one sender thread writes buffered messages while the connection is up and not blocked.
 *   <li>Pending confirms are keyed by (channel instance, publish sequence number): each channel gets a fresh
 *       {@link ConfirmChannel}; when it closes, every message still unconfirmed on it goes back to the front of the
 *       buffer, in order, and is sent again on the next channel.
 *   <li>Each message's future completes exactly once: confirmed, nacked, returned (mandatory and unroutable), failed
 *       at its deadline, refused when the buffer is full, or failed at close. Futures complete on a corekit thread, never
 *       on the connection's I/O thread.
 * </ul>
 */
public final class PublisherEngine implements ConnectionSupervisor.Resource {
    private static final int BATCH = 256;

    private final ConnectionSupervisor supervisor;
    private final ScheduledExecutorService timers;
    private final ExecutorService completions;
    private final Recorder recorder;
    private final Clock clock;
    private final int capacity;
    private final Duration timeout;
    private final AtomicInteger pending = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<Outgoing> buffer = new ArrayDeque<>();
    private final Thread sender;
    private volatile ConfirmChannel current;
    private volatile boolean closed;
    private volatile boolean stopped;

    public PublisherEngine(
            ConnectionSupervisor supervisor,
            ScheduledExecutorService timers,
            Recorder recorder,
            Clock clock,
            int capacity,
            Duration timeout) {
        this.supervisor = supervisor;
        this.timers = timers;
        this.recorder = recorder;
        this.clock = clock;
        this.capacity = capacity;
        this.timeout = timeout;
        this.completions = ContextExecutors.newFixedThreadPool(supervisor.name() + "-completions", 1);
        supervisor.addListener(health -> signal());
        this.sender = ContextExecutors.startDaemonThread(
                supervisor.name() + "-sender", ContextExecutors.wrap(CallContext.root(), this::sendLoop));
    }

    /** One message to publish. */
    public static final class Outgoing {
        final String eventId;
        final String exchange;
        final String routingKey;
        final boolean mandatory;
        final AMQP.BasicProperties properties;
        final byte[] body;
        final CompletableFuture<PublishReceipt> future = new CompletableFuture<>();
        final AtomicReference<Object> state = new AtomicReference<>(); // null = buffered, a channel, or DONE
        volatile String returned;
        int sends;
        ScheduledFuture<?> deadline;

        public Outgoing(
                String eventId,
                String exchange,
                String routingKey,
                boolean mandatory,
                AMQP.BasicProperties properties,
                byte[] body) {
            this.eventId = Objects.requireNonNull(eventId, "eventId");
            this.exchange = Objects.requireNonNull(exchange, "exchange");
            this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
            this.mandatory = mandatory;
            this.properties = properties;
            this.body = body;
        }

        boolean isDone() {
            return state.get() == DONE;
        }
    }

    private static final Object DONE = new Object();

    /** Publishes {@code message}; the future always completes (see the class description). */
    public CompletableFuture<PublishReceipt> send(Outgoing message) {
        if (closed) {
            return failedNow(message, PublishException.Reason.CLOSED, "the publisher is closed");
        }
        int now = pending.incrementAndGet();
        if (now > capacity) {
            pending.decrementAndGet();
            return failedNow(
                    message,
                    PublishException.Reason.BUFFER_FULL,
                    "publish buffer full: " + capacity + " publishes are pending (corekit.messaging.buffer-capacity);"
                            + " the broker is " + supervisor.health());
        }
        try {
            message.deadline = timers.schedule(() -> timedOut(message), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
            return failedNow(message, PublishException.Reason.CLOSED, "the publisher is closed");
        }
        lock.lock();
        try {
            buffer.addLast(message);
            ready.signal();
        } finally {
            lock.unlock();
        }
        return message.future;
    }

    /** Publishes awaiting a confirm or buffered, right now. */
    public int pending() {
        return pending.get();
    }

    private CompletableFuture<PublishReceipt> failedNow(Outgoing message, PublishException.Reason reason, String text) {
        PublishException error = new PublishException(reason, message.eventId, describe(message) + ": " + text, null);
        message.state.set(DONE);
        message.future.completeExceptionally(error);
        failedEvent(message, error);
        return message.future;
    }

    private void timedOut(Outgoing message) {
        Object where = message.state.get();
        String place = where == null
                ? "still buffered (the broker is " + supervisor.health() + ")"
                : "sent " + message.sends + " time(s), no confirm from the broker";
        fail(
                message,
                new PublishException(
                        PublishException.Reason.TIMED_OUT,
                        message.eventId,
                        describe(message) + ": no confirm within " + timeout.toMillis()
                                + " ms (corekit.messaging.publish-timeout); " + place,
                        null));
    }

    private static String describe(Outgoing message) {
        return "publish of " + message.eventId + " to exchange '" + message.exchange + "' with key '"
                + message.routingKey + "'";
    }

    // ---- completion --------------------------------------------------------------------------------------------

    private boolean finish(Outgoing message) {
        for (; ; ) {
            Object state = message.state.get();
            if (state == DONE) {
                return false;
            }
            if (message.state.compareAndSet(state, DONE)) {
                if (message.deadline != null) {
                    message.deadline.cancel(false);
                }
                if (pending.decrementAndGet() == 0 && closed) {
                    lock.lock();
                    try {
                        drained.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
                return true;
            }
        }
    }

    private void fail(Outgoing message, PublishException error) {
        if (finish(message)) {
            complete(() -> message.future.completeExceptionally(error));
            failedEvent(message, error);
        }
    }

    private void complete(Runnable completion) {
        try {
            completions.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run(); // closing: complete on this thread rather than never
        }
    }

    private void failedEvent(Outgoing message, PublishException error) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("eventId", message.eventId);
        attributes.put("exchange", message.exchange);
        attributes.put("routingKey", message.routingKey);
        attributes.put("reason", error.reason().name());
        try (Scope scope = CallContext.root().activate()) {
            recorder.event(Level.WARN, "messaging.publish-failed", error.getMessage(), attributes, null);
        }
    }

    // ---- the channel ------------------------------------------------------------------------------------------

    /** One channel instance and the messages awaiting its confirms, by publish sequence number. */
    final class ConfirmChannel {
        final Channel channel;
        final ConcurrentSkipListMap<Long, Outgoing> outstanding = new ConcurrentSkipListMap<>();
        volatile boolean gone;

        ConfirmChannel(Channel channel) {
            this.channel = channel;
        }

        void acked(long seq, boolean multiple) {
            List<Outgoing> confirmed = take(seq, multiple);
            if (confirmed.isEmpty()) {
                return;
            }
            java.time.Instant at = clock.instant();
            List<Runnable> results = new ArrayList<>(confirmed.size());
            for (Outgoing message : confirmed) {
                String returnedWhy = message.returned;
                if (returnedWhy != null) {
                    PublishException error = new PublishException(
                            PublishException.Reason.RETURNED,
                            message.eventId,
                            describe(message) + ": returned by the broker (" + returnedWhy
                                    + "): no queue is bound for this routing key",
                            null);
                    if (finish(message)) {
                        results.add(() -> message.future.completeExceptionally(error));
                        failedEvent(message, error);
                    }
                } else if (finish(message)) {
                    PublishReceipt receipt = new PublishReceipt(
                            message.eventId, message.exchange, message.routingKey, message.sends, at);
                    results.add(() -> message.future.complete(receipt));
                }
            }
            if (!results.isEmpty()) {
                complete(() -> results.forEach(Runnable::run));
            }
        }

        void nacked(long seq, boolean multiple) {
            for (Outgoing message : take(seq, multiple)) {
                fail(
                        message,
                        new PublishException(
                                PublishException.Reason.NACKED,
                                message.eventId,
                                describe(message) + ": nacked by the broker (it could not take the message; Qpid"
                                        + " also nacks an unroutable mandatory message)",
                                null));
            }
        }

        private List<Outgoing> take(long seq, boolean multiple) {
            List<Outgoing> taken = new ArrayList<>();
            if (multiple) {
                ConcurrentNavigableMap<Long, Outgoing> head = outstanding.headMap(seq, true);
                for (Map.Entry<Long, Outgoing> entry = head.pollFirstEntry();
                        entry != null;
                        entry = head.pollFirstEntry()) {
                    taken.add(entry.getValue());
                }
            } else {
                Outgoing message = outstanding.remove(seq);
                if (message != null) {
                    taken.add(message);
                }
            }
            return taken;
        }

        void returned(String messageId, int replyCode, String replyText) {
            for (Outgoing message : outstanding.values()) {
                if (message.returned == null && message.eventId.equals(messageId)) {
                    message.returned = replyCode + " " + replyText;
                    return;
                }
            }
        }

        /** The channel is gone: everything unconfirmed on it goes back to the buffer, in order. */
        void closed() {
            gone = true;
            List<Outgoing> again = new ArrayList<>();
            for (Map.Entry<Long, Outgoing> entry = outstanding.pollFirstEntry();
                    entry != null;
                    entry = outstanding.pollFirstEntry()) {
                Outgoing message = entry.getValue();
                if (message.state.compareAndSet(this, null)) {
                    again.add(message);
                }
            }
            requeueFront(again);
        }
    }

    private void requeueFront(List<Outgoing> messages) {
        if (messages.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (int i = messages.size() - 1; i >= 0; i--) {
                buffer.addFirst(messages.get(i));
            }
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String describe() {
        return "publisher channel";
    }

    @Override
    public void open(Connection connection) throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker has no channel left on this connection");
        }
        channel.confirmSelect();
        ConfirmChannel confirms = new ConfirmChannel(channel);
        channel.addConfirmListener(confirms::acked, confirms::nacked);
        channel.addReturnListener(returned -> confirms.returned(
                returned.getProperties().getMessageId(), returned.getReplyCode(), returned.getReplyText()));
        channel.addShutdownListener(cause -> channelClosed(confirms, cause));
        lock.lock();
        try {
            ConfirmChannel previous = current;
            current = confirms;
            if (previous != null) {
                previous.closed();
            }
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    private void channelClosed(ConfirmChannel confirms, ShutdownSignalException cause) {
        lock.lock();
        try {
            if (current == confirms) {
                current = null;
            }
        } finally {
            lock.unlock();
        }
        confirms.closed();
        if (!cause.isHardError() && !cause.isInitiatedByApplication()) {
            supervisor.resourceLost(this, Broker.describe(cause));
        }
    }

    @Override
    public void connectionLost() {
        ConfirmChannel lost;
        lock.lock();
        try {
            lost = current;
            current = null;
        } finally {
            lock.unlock();
        }
        if (lost != null) {
            lost.closed();
        }
    }

    private void signal() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the sender thread -------------------------------------------------------------------------------------

    private void sendLoop() {
        List<Outgoing> batch = new ArrayList<>(BATCH);
        while (true) {
            ConfirmChannel channel;
            lock.lock();
            try {
                while (!stopped && (buffer.isEmpty() || current == null || supervisor.isBlocked())) {
                    ready.await();
                }
                if (stopped) {
                    return;
                }
                channel = current;
                for (int i = 0; i < BATCH && !buffer.isEmpty(); i++) {
                    batch.add(buffer.pollFirst());
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            int sent = 0;
            try {
                for (; sent < batch.size(); sent++) {
                    if (!publish(channel, batch.get(sent))) {
                        break;
                    }
                }
            } finally {
                if (sent < batch.size()) {
                    requeueFront(unsent(batch.subList(sent, batch.size())));
                }
                batch.clear();
            }
        }
    }

    private static List<Outgoing> unsent(List<Outgoing> rest) {
        List<Outgoing> again = new ArrayList<>(rest.size());
        for (Outgoing message : rest) {
            if (!message.isDone()) {
                again.add(message);
            }
        }
        return again;
    }

    /** Sends one message on {@code channel}; false when the channel is unusable (the message is back in the buffer). */
    private boolean publish(ConfirmChannel channel, Outgoing message) {
        if (!message.state.compareAndSet(null, channel)) {
            return true; // timed out while buffered: nothing to send
        }
        long seq = channel.channel.getNextPublishSeqNo();
        message.sends++;
        channel.outstanding.put(seq, message);
        try {
            channel.channel.basicPublish(
                    message.exchange, message.routingKey, message.mandatory, message.properties, message.body);
        } catch (IOException | AlreadyClosedException e) {
            channel.outstanding.remove(seq);
            message.state.compareAndSet(channel, null);
            requeueFront(message.isDone() ? List.of() : List.of(message));
            lock.lock();
            try {
                if (current == channel) {
                    current = null; // its shutdown listener reports it; do not spin on a dead channel meanwhile
                }
            } finally {
                lock.unlock();
            }
            return false;
        }
        if (channel.gone && message.state.compareAndSet(channel, null)) {
            // the channel closed while we wrote: its listener may have missed this message
            channel.outstanding.remove(seq);
            requeueFront(List.of(message));
            return false;
        }
        return true;
    }

    // ---- closing ----------------------------------------------------------------------------------------------

    /**
     * Stops taking publishes, waits up to {@code grace} for pending ones to be confirmed, then fails the rest as
     * {@link PublishException.Reason#CLOSED}.
     */
    public void close(Duration grace) {
        closed = true;
        long deadline = System.nanoTime() + grace.toNanos();
        lock.lock();
        try {
            while (pending.get() > 0 && supervisor.health() != dev.corekit.messaging.Health.DOWN) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                drained.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        stopped = true;
        List<Outgoing> left;
        lock.lock();
        try {
            left = new ArrayList<>(buffer);
            buffer.clear();
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        ConfirmChannel channel = current;
        if (channel != null) {
            left.addAll(channel.outstanding.values());
        }
        for (Outgoing message : left) {
            fail(
                    message,
                    new PublishException(
                            PublishException.Reason.CLOSED,
                            message.eventId,
                            describe(message) + ": the publisher was closed before the broker confirmed it",
                            null));
        }
        try {
            sender.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        completions.shutdown();
        try {
            completions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
