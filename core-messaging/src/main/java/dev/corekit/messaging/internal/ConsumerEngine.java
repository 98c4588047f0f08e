package dev.corekit.messaging.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.ShutdownSignalException;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextExecutors;
import dev.corekit.context.ContextHeaders;
import dev.corekit.context.Scope;
import dev.corekit.context.TraceIds;
import dev.corekit.logging.ClassifiedError;
import dev.corekit.logging.ErrorInfo;
import dev.corekit.logging.Operation;
import dev.corekit.logging.Recorder;
import dev.corekit.messaging.Envelope;
import dev.corekit.messaging.EventConsumer;
import dev.corekit.messaging.EventHandler;
import dev.corekit.messaging.EventHeaders;
import dev.corekit.messaging.EventType;
import dev.corekit.messaging.Health;
import dev.corekit.messaging.IdempotencyStore;
import dev.corekit.messaging.PublishReceipt;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.event.Level;

/** One {@link EventConsumer}: subscription, dispatch, idempotency, retry and dead-lettering. See the interface. */
public final class ConsumerEngine implements EventConsumer, ConnectionSupervisor.Resource {
    /** What a consumer needs to know, fixed when it starts. */
    public record Spec(
            String name,
            boolean broadcast,
            Map<String, Map<Integer, Registered<?>>> handlers,
            IdempotencyStore store,
            int prefetch,
            int concurrency,
            int maxAttempts,
            RetryPlan retries,
            Duration lease,
            Duration retention,
            Duration shutdownTimeout,
            String eventsExchange,
            String retryExchange,
            DeadLetterListener onDeadLetter) {}

    /** Told about each message this consumer dead-lettered, once its dead-letter copy is confirmed. */
    @FunctionalInterface
    public interface DeadLetterListener {
        /** Never let it throw: it is logged and ignored. */
        void deadLettered(byte[] body, String reason, ErrorInfo error, int attempts);
    }

    /** A handler and its event type. */
    public record Registered<T>(EventType<T> type, EventHandler<T> handler) {}

    private final Spec spec;
    private final ConnectionSupervisor supervisor;
    private final PublisherEngine publisher;
    private final EventCodec codec;
    private final Recorder recorder;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Profiles profiles;
    private final Topology topology;
    private final ExecutorService workers;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile Subscription current;
    private volatile String queueName;
    private volatile boolean subscribedOnce;
    private volatile boolean closing;
    private volatile boolean closed;

    public ConsumerEngine(
            Spec spec,
            ConnectionSupervisor supervisor,
            PublisherEngine publisher,
            EventCodec codec,
            Recorder recorder,
            Clock clock,
            ScheduledExecutorService timers,
            Profiles profiles,
            Topology topology) {
        this.spec = spec;
        this.supervisor = supervisor;
        this.publisher = publisher;
        this.codec = codec;
        this.recorder = recorder;
        this.clock = clock;
        this.timers = timers;
        this.profiles = profiles;
        this.topology = topology;
        this.queueName = spec.broadcast() ? null : spec.name();
        this.workers = ContextExecutors.newFixedThreadPool("corekit-consumer-" + spec.name(), spec.concurrency());
    }

    // ---- topology --------------------------------------------------------------------------------------------

    /** The work queue's dead-letter exchange (fanout to the dead-letter queue). */
    String deadLetterExchange() {
        return spec.name() + ".dlx";
    }

    @Override
    public String deadLetterQueueName() {
        return spec.name() + ".dlq";
    }

    String delayQueue(long millis) {
        return spec.name() + ".retry." + millis;
    }

    /** Records this consumer's durable queues, exchanges and bindings, in the shared topology. */
    public void declareTopology() {
        topology.add(new Topology.Exchange(deadLetterExchange(), "fanout", Map.of()));
        topology.add(new Topology.Queue(deadLetterQueueName(), profiles.deadLetterQueue()));
        topology.add(new Topology.Binding(deadLetterQueueName(), deadLetterExchange(), ""));
        if (spec.broadcast()) {
            return;
        }
        topology.add(new Topology.Queue(spec.name(), profiles.workQueue(deadLetterExchange())));
        for (String type : spec.handlers().keySet()) {
            topology.add(new Topology.Binding(spec.name(), spec.eventsExchange(), type));
        }
        for (long delay : spec.retries().allDelays()) {
            String delayQueue = delayQueue(delay);
            topology.add(new Topology.Queue(delayQueue, profiles.delayQueue(delay, spec.retryExchange())));
            topology.add(new Topology.Binding(spec.name(), spec.retryExchange(), delayQueue));
        }
    }

    private List<String> ownQueues() {
        List<String> queues = new ArrayList<>();
        if (!spec.broadcast()) {
            queues.add(spec.name());
            for (long delay : spec.retries().allDelays()) {
                queues.add(delayQueue(delay));
            }
        }
        queues.add(deadLetterQueueName());
        return queues;
    }

    // ---- the subscription ------------------------------------------------------------------------------------

    /** One channel instance with its consumer: deliveries are acknowledged on the channel that delivered them. */
    final class Subscription extends DefaultConsumer {
        final String queue;

        Subscription(Channel channel, String queue) {
            super(channel);
            this.queue = queue;
        }

        @Override
        public void handleDelivery(
                String consumerTag,
                com.rabbitmq.client.Envelope envelope,
                AMQP.BasicProperties properties,
                byte[] body) {
            inFlight.incrementAndGet();
            Delivery delivery = new Delivery(this, envelope.getDeliveryTag(), envelope.isRedeliver(), properties, body);
            try {
                workers.execute(ContextExecutors.wrap(CallContext.root(), () -> handle(delivery)));
            } catch (RejectedExecutionException e) {
                done(delivery); // closing: the message goes back to the queue with the channel
            }
        }

        @Override
        public void handleCancel(String consumerTag) {
            if (current == this && !closed) {
                current = null;
                supervisor.resourceLost(
                        ConsumerEngine.this,
                        "the broker cancelled the subscription to queue '" + queue + "'"
                                + " (deleted, or its node went down)");
                abort(getChannel());
            }
        }
    }

    /** One message being handled. */
    record Delivery(
            Subscription subscription, long tag, boolean redelivered, AMQP.BasicProperties properties, byte[] body) {}

    @Override
    public String describe() {
        return "consumer '" + spec.name() + "'";
    }

    @Override
    public void open(Connection connection) throws IOException {
        if (closing) {
            return;
        }
        Subscription previous = current;
        if (previous != null) {
            abort(previous.getChannel());
        }
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker has no channel left on this connection");
        }
        try {
            channel.basicQos(spec.prefetch());
            String queue = spec.name();
            if (spec.broadcast()) {
                queue = channel.queueDeclare("", false, true, true, profiles.serverNamedQueue())
                        .getQueue();
                for (String type : spec.handlers().keySet()) {
                    channel.queueBind(queue, spec.eventsExchange(), type);
                }
            }
            Subscription subscription = new Subscription(channel, queue);
            channel.addShutdownListener(cause -> channelClosed(subscription, cause));
            channel.basicConsume(queue, false, "corekit-" + spec.name() + "-" + TraceIds.newSpanId(), subscription);
            queueName = queue;
            current = subscription;
            subscribedOnce = true;
        } catch (IOException | RuntimeException e) {
            abort(channel);
            throw e;
        }
    }

    private void channelClosed(Subscription subscription, ShutdownSignalException cause) {
        if (current != subscription) {
            return;
        }
        current = null;
        if (!closed && !cause.isHardError() && !cause.isInitiatedByApplication()) {
            supervisor.resourceLost(this, Broker.describe(cause));
        }
    }

    @Override
    public void connectionLost() {
        current = null;
    }

    @Override
    public String queueName() {
        return queueName;
    }

    @Override
    public Health health() {
        if (closing || !subscribedOnce) {
            return Health.DOWN;
        }
        Health connection = supervisor.health();
        if (connection == Health.BLOCKED) {
            connection = Health.UP; // the consumer connection does not publish: a block does not stop deliveries
        }
        return current == null ? connection.worse(Health.RECOVERING) : connection;
    }

    @Override
    public boolean awaitSubscribed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (health() != Health.UP) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            supervisor.await(Health.UP, Duration.ofMillis(20));
        }
        return true;
    }

    // ---- handling --------------------------------------------------------------------------------------------

    private void handle(Delivery delivery) {
        Map<String, Object> headers = delivery.properties().getHeaders();
        // from 1: a forged or garbled header must not buy a message extra attempts
        int attempt = Math.max(1, intHeader(headers, EventHeaders.ATTEMPT, 1));
        Envelope<JsonNode> raw;
        Registered<?> registered;
        try {
            raw = codec.decode(delivery.body());
            registered = lookup(raw);
        } catch (BadMessageException e) {
            try (Scope scope =
                    ContextHeaders.extract(name -> header(headers, name)).activate()) {
                Operation op = recorder.start("messaging.handle");
                op.attr("queue", delivery.subscription().queue)
                        .attr("event.id", delivery.properties().getMessageId())
                        .attr("event.type", delivery.properties().getType())
                        .attr("outcome", "dead-lettered")
                        .attr("reason", e.reason().name());
                deadLetter(delivery, e.reason().name(), e, attempt);
                op.fail(e);
            }
            return;
        }
        CallContext context =
                ContextHeaders.extract(name -> header(headers, name)).withTenant(raw.tenant());
        try (Scope scope = context.activate()) {
            handle(delivery, raw, registered, attempt);
        }
    }

    private Registered<?> lookup(Envelope<JsonNode> raw) {
        Map<Integer, Registered<?>> versions = spec.handlers().get(raw.type());
        if (versions == null) {
            throw new BadMessageException(
                    BadMessageException.Reason.UNKNOWN_TYPE,
                    "no handler for event type '" + raw.type() + "' on queue '" + spec.name() + "'; handled: "
                            + spec.handlers().keySet(),
                    null);
        }
        Registered<?> registered = versions.get(raw.version());
        if (registered == null) {
            throw new BadMessageException(
                    BadMessageException.Reason.UNKNOWN_VERSION,
                    "no handler for version " + raw.version() + " of event type '" + raw.type() + "' on queue '"
                            + spec.name() + "'; handled versions: " + versions.keySet(),
                    null);
        }
        return registered;
    }

    private <T> void handle(Delivery delivery, Envelope<JsonNode> raw, Registered<T> registered, int attempt) {
        Operation op = recorder.start("messaging.handle");
        op.attr("queue", delivery.subscription().queue)
                .attr("event.id", raw.id())
                .attr("event.type", raw.type())
                .attr("event.version", raw.version())
                .attr("producer", raw.producer())
                .attr("attempt", attempt);
        if (raw.correlationId() != null) {
            op.attr("correlationId", raw.correlationId());
        }
        if (delivery.redelivered()) {
            op.attr("redelivered", true);
        }
        String key = spec.name() + "/" + raw.id();
        String owner = TraceIds.newSpanId();
        IdempotencyStore store = spec.store();
        if (store != null) {
            IdempotencyStore.Claim claim;
            try {
                claim = store.claim(key, owner, spec.lease());
            } catch (RuntimeException e) {
                op.attr("outcome", "postponed").attr("why", "idempotency store unavailable");
                postpone(delivery, attempt);
                op.fail(e);
                return;
            }
            if (claim == IdempotencyStore.Claim.DONE) {
                op.attr("outcome", "duplicate");
                ack(delivery);
                op.succeed();
                return;
            }
            if (claim == IdempotencyStore.Claim.BUSY) {
                op.attr("outcome", "postponed").attr("why", "another delivery of this event is being handled");
                postpone(delivery, attempt);
                op.succeed();
                return;
            }
        }
        T payload;
        try {
            payload = codec.payload(raw, registered.type().payloadType());
        } catch (BadMessageException e) {
            release(store, key, owner);
            op.attr("outcome", "dead-lettered").attr("reason", e.reason().name());
            deadLetter(delivery, e.reason().name(), e, attempt);
            op.fail(e);
            return;
        }
        Envelope<T> event = new Envelope<>(
                raw.id(),
                raw.type(),
                raw.version(),
                raw.occurredAt(),
                raw.producer(),
                raw.requestId(),
                raw.correlationId(),
                raw.causationId(),
                raw.tenant(),
                raw.traceparent(),
                raw.tracestate(),
                attempt,
                payload);
        try (Handling.AutoCloseableHandle handling = Handling.enter(event)) {
            registered.handler().handle(event);
        } catch (Throwable e) { // an Error too (a missing class, a failed static initializer): retried, never leaked
            release(store, key, owner);
            boolean retryable = !(e instanceof ClassifiedError classified) || classified.retryable();
            if (retryable && attempt < spec.maxAttempts()) {
                op.attr("outcome", "retry");
                retry(delivery, attempt, e);
            } else {
                String reason = retryable ? "RETRIES_EXHAUSTED" : "NON_RETRYABLE";
                op.attr("outcome", "dead-lettered").attr("reason", reason);
                deadLetter(delivery, reason, e, attempt);
            }
            op.fail(e);
            return;
        }
        if (store != null) {
            try {
                if (!store.complete(key, owner, spec.retention())) {
                    op.attr("claim", "taken over by another delivery while this one ran");
                }
            } catch (RuntimeException e) {
                op.attr("claim", "could not be completed: " + e.getClass().getSimpleName());
            }
        }
        op.attr("outcome", "handled");
        ack(delivery);
        op.succeed();
    }

    private void release(IdempotencyStore store, String key, String owner) {
        if (store == null) {
            return;
        }
        try {
            store.release(key, owner);
        } catch (RuntimeException e) {
            // the claim stays until its lease ends; the retry then takes it over
            event(Level.WARN, "messaging.idempotency-release-failed", "cannot release claim " + key, e);
        }
    }

    // ---- outcomes: ack, retry, dead-letter ---------------------------------------------------------------------

    private void ack(Delivery delivery) {
        Channel channel = delivery.subscription().getChannel();
        try {
            if (channel.isOpen()) {
                channel.basicAck(delivery.tag(), false);
            }
        } catch (IOException | AlreadyClosedException e) {
            // the channel closed meanwhile: the broker redelivers, the idempotency store recognises it
        } finally {
            done(delivery);
        }
    }

    private void nackRequeue(Delivery delivery) {
        Channel channel = delivery.subscription().getChannel();
        try {
            if (channel.isOpen()) {
                channel.basicNack(delivery.tag(), false, true);
            }
        } catch (IOException | AlreadyClosedException e) {
            // the channel closed meanwhile: the broker requeues it anyway
        } finally {
            done(delivery);
        }
    }

    private void done(Delivery delivery) {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** Attempt {@code attempt} failed: re-publish as attempt + 1 through a delay queue, then ack. */
    private void retry(Delivery delivery, int attempt, Throwable error) {
        long delay = spec.retries().delayAfter(attempt);
        Map<String, Object> headers = copyHeaders(delivery);
        headers.put(EventHeaders.ATTEMPT, attempt + 1);
        ErrorInfo info = ErrorInfo.of(error);
        headers.put(EventHeaders.ERROR_TYPE, info.type());
        headers.put(EventHeaders.ERROR_MESSAGE, truncate(info.message()));
        headers.put(EventHeaders.ERROR_FINGERPRINT, info.fingerprint());
        requeueLater(delivery, headers, codec.withAttempt(delivery.body(), attempt + 1), delay);
    }

    /** Try again later without counting an attempt (claim busy, store down). */
    private void postpone(Delivery delivery, int attempt) {
        Map<String, Object> headers = copyHeaders(delivery);
        headers.put(EventHeaders.ATTEMPT, attempt);
        requeueLater(delivery, headers, delivery.body(), spec.retries().shortest());
    }

    private void requeueLater(Delivery delivery, Map<String, Object> headers, byte[] body, long delayMillis) {
        AMQP.BasicProperties properties =
                delivery.properties().builder().headers(headers).build();
        String id = messageId(delivery);
        if (spec.broadcast()) {
            // a server-named queue lives only as long as this connection: wait here, then put it back on it
            try {
                timers.schedule(
                        () -> publishThenAck(
                                delivery, new PublisherEngine.Outgoing(id, "", queueName, true, properties, body)),
                        delayMillis,
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                nackRequeue(delivery);
            }
            return;
        }
        publishThenAck(delivery, new PublisherEngine.Outgoing(id, "", delayQueue(delayMillis), true, properties, body));
    }

    private void deadLetter(Delivery delivery, String reason, Throwable error, int attempts) {
        Map<String, Object> headers = copyHeaders(delivery);
        ErrorInfo info = ErrorInfo.of(error);
        headers.put(EventHeaders.DEAD_LETTER_REASON, reason);
        headers.put(EventHeaders.ERROR_TYPE, info.type());
        headers.put(EventHeaders.ERROR_MESSAGE, truncate(info.message()));
        if (info.code() != null) {
            headers.put(EventHeaders.ERROR_CODE, info.code());
        }
        headers.put(EventHeaders.ERROR_FINGERPRINT, info.fingerprint());
        headers.put(EventHeaders.ATTEMPTS, attempts);
        headers.put(EventHeaders.SOURCE_QUEUE, delivery.subscription().queue);
        headers.put(EventHeaders.DEAD_LETTERED_AT, clock.instant().toString());
        AMQP.BasicProperties properties =
                delivery.properties().builder().headers(headers).build();
        Runnable notify = spec.onDeadLetter() == null
                ? null
                : () -> {
                    try {
                        spec.onDeadLetter().deadLettered(delivery.body(), reason, info, attempts);
                    } catch (RuntimeException e) {
                        event(Level.WARN, "messaging.dead-letter-listener-failed", "a dead-letter listener threw", e);
                    }
                };
        publishThenAck(
                delivery,
                new PublisherEngine.Outgoing(
                        messageId(delivery), "", deadLetterQueueName(), true, properties, delivery.body()),
                notify);
    }

    private void publishThenAck(Delivery delivery, PublisherEngine.Outgoing copy) {
        publishThenAck(delivery, copy, null);
    }

    /** Acks only once the copy is confirmed; puts the message back on the queue when the copy failed. */
    private void publishThenAck(Delivery delivery, PublisherEngine.Outgoing copy, Runnable confirmed) {
        CompletableFuture<PublishReceipt> sent = publisher.send(copy);
        sent.whenComplete((receipt, error) -> {
            if (error == null) {
                if (confirmed != null) {
                    confirmed.run();
                }
                ack(delivery);
            } else {
                event(
                        Level.WARN,
                        "messaging.requeued",
                        "could not move " + copy.eventId + " to '" + copy.routingKey + "'; it goes back to queue '"
                                + delivery.subscription().queue + "'",
                        error);
                nackRequeue(delivery);
            }
        });
    }

    private static String messageId(Delivery delivery) {
        String id = delivery.properties().getMessageId();
        return id == null ? "(no message id)" : id;
    }

    private static Map<String, Object> copyHeaders(Delivery delivery) {
        Map<String, Object> headers = delivery.properties().getHeaders();
        return headers == null ? new HashMap<>() : new HashMap<>(headers);
    }

    private static String truncate(String message) {
        if (message == null) {
            return "";
        }
        // at most 1,000 characters in all, the ellipsis included (EventHeaders.ERROR_MESSAGE)
        return message.length() <= 1000 ? message : message.substring(0, 997) + "...";
    }

    static int intHeader(Map<String, Object> headers, String name, int fallback) {
        Object value = headers == null ? null : headers.get(name);
        if (value instanceof Number number) {
            return number.intValue();
        }
        if (value != null) {
            try {
                return Integer.parseInt(value.toString());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    static String header(Map<String, Object> headers, String name) {
        Object value = headers == null ? null : headers.get(name);
        return value == null ? null : value.toString();
    }

    private void event(Level level, String name, String message, Throwable error) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("consumer", spec.name());
        recorder.event(level, name, message, attributes, error);
    }

    private static void abort(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.abort();
            }
        } catch (IOException | RuntimeException e) {
            // already gone
        }
    }

    // ---- closing ------------------------------------------------------------------------------------------

    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        supervisor.remove(this); // no re-subscription from now on
        Subscription subscription = current;
        if (subscription != null) {
            try {
                subscription.getChannel().basicCancel(subscription.getConsumerTag());
            } catch (IOException | RuntimeException e) {
                // the channel is gone: nothing more will arrive anyway
            }
        }
        long deadline = System.nanoTime() + spec.shutdownTimeout().toNanos();
        workers.shutdown();
        try {
            synchronized (idle) {
                while (inFlight.get() > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(idle, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        workers.shutdownNow();
        current = null;
        if (subscription != null) {
            try {
                if (subscription.getChannel().isOpen()) {
                    subscription.getChannel().close();
                }
            } catch (IOException | TimeoutException | RuntimeException e) {
                abort(subscription.getChannel());
            }
        }
    }

    @Override
    public void delete() {
        close();
        List<String> queues = ownQueues();
        for (String queue : queues) {
            topology.removeQueue(queue);
        }
        topology.removeExchange(deadLetterExchange());
        try {
            supervisor
                    .withConnection(connection -> {
                        Channel channel = connection.createChannel();
                        try {
                            for (String queue : queues) {
                                channel.queueDelete(queue);
                            }
                            channel.exchangeDelete(deadLetterExchange());
                        } finally {
                            if (channel.isOpen()) {
                                channel.close();
                            }
                        }
                        return null;
                    })
                    .get(spec.shutdownTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot delete the queues of consumer '" + spec.name() + "' " + queues + ": "
                            + Broker.describe(e.getCause() == null ? e : e.getCause()),
                    e);
        }
    }

    @Override
    public String toString() {
        return "EventConsumer{" + spec.name() + ", queue=" + queueName + ", " + health() + "}";
    }
}
