package dev.corekit.messaging.internal;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * The exchanges, queues and bindings corekit owns, declared idempotently on every new connection (and before a lost
 * channel is reopened) in dependency order: exchanges, then queues, then bindings. Deleting goes through
 * {@link #remove}, so nothing deleted comes back at the next recovery (the client's own topology recovery re-creates
 * bindings of deleted exchanges, rabbitmq-java-client#1593). Server-named queues are not recorded here: their owner
 * declares them per connection.
 */
public final class Topology {
    /** An exchange. */
    public record Exchange(String name, String type, Map<String, Object> arguments) {}

    /** A durable, shared queue. */
    public record Queue(String name, Map<String, Object> arguments) {}

    /** A binding of a queue to an exchange. */
    public record Binding(String queue, String exchange, String routingKey) {}

    private final Map<String, Exchange> exchanges = new LinkedHashMap<>();
    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final Map<Binding, Binding> bindings = new LinkedHashMap<>();

    public synchronized void add(Exchange exchange) {
        exchanges.putIfAbsent(exchange.name(), exchange);
    }

    public synchronized void add(Queue queue) {
        queues.put(queue.name(), queue);
    }

    public synchronized void add(Binding binding) {
        bindings.putIfAbsent(binding, binding);
    }

    /** Forgets a queue and its bindings (after it was deleted). */
    public synchronized void removeQueue(String name) {
        queues.remove(name);
        bindings.keySet().removeIf(binding -> binding.queue().equals(name));
    }

    /** Forgets an exchange and the bindings to it (after it was deleted). */
    public synchronized void removeExchange(String name) {
        exchanges.remove(name);
        bindings.keySet().removeIf(binding -> binding.exchange().equals(name));
    }

    /** Forgets a binding. */
    public synchronized void remove(Binding binding) {
        bindings.remove(binding);
    }

    /** Whether {@code name} is a queue recorded here. */
    public synchronized boolean hasQueue(String name) {
        return queues.containsKey(name);
    }

    /**
     * Declares everything on a fresh channel of {@code connection}.
     *
     * @throws TopologyException naming the entity the broker refused and why
     */
    public void declare(Connection connection) throws IOException, TimeoutException {
        List<Exchange> exchangeList;
        List<Queue> queueList;
        List<Binding> bindingList;
        synchronized (this) {
            exchangeList = new ArrayList<>(exchanges.values());
            queueList = new ArrayList<>(queues.values());
            bindingList = new ArrayList<>(bindings.keySet());
        }
        if (exchangeList.isEmpty() && queueList.isEmpty()) {
            return;
        }
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker has no channel left on this connection");
        }
        String current = null;
        try {
            for (Exchange exchange : exchangeList) {
                current = "exchange '" + exchange.name() + "'";
                channel.exchangeDeclare(exchange.name(), exchange.type(), true, false, exchange.arguments());
            }
            for (Queue queue : queueList) {
                current = "queue '" + queue.name() + "' " + queue.arguments();
                channel.queueDeclare(queue.name(), true, false, false, queue.arguments());
            }
            for (Binding binding : bindingList) {
                current = "binding of queue '" + binding.queue() + "' to exchange '" + binding.exchange()
                        + "' with key '" + binding.routingKey() + "'";
                channel.queueBind(binding.queue(), binding.exchange(), binding.routingKey());
            }
        } catch (IOException | ShutdownSignalException e) {
            ShutdownSignalException signal = e instanceof ShutdownSignalException s
                    ? s
                    : (e.getCause() instanceof ShutdownSignalException s ? s : null);
            if (signal != null && !signal.isHardError()) {
                throw new TopologyException(
                        "the broker refused to declare " + current + ": " + Broker.describe(signal), e);
            }
            throw e;
        } finally {
            if (channel.isOpen()) {
                try {
                    channel.close();
                } catch (IOException | TimeoutException | ShutdownSignalException e) {
                    // the connection went away meanwhile: the supervisor notices by itself
                }
            }
        }
    }

    /** The broker refused a declaration (a 406 on inequivalent arguments, a 403 on access): a configuration error. */
    public static final class TopologyException extends IOException {
        private static final long serialVersionUID = 1L;

        TopologyException(String message, Throwable cause) {
            super(Objects.requireNonNull(message), cause);
        }
    }
}
