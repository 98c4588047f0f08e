package dev.corekit.messaging.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;

/** Small helpers that read what the broker said. */
public final class Broker {
    private Broker() {}

    /** {@code 404 NOT_FOUND - no queue 'x'} for a close the broker sent; the exception's message otherwise. */
    public static String describe(ShutdownSignalException signal) {
        Method reason = signal.getReason();
        if (reason instanceof AMQP.Channel.Close close) {
            return "channel closed by the broker: " + close.getReplyCode() + " " + close.getReplyText();
        }
        if (reason instanceof AMQP.Connection.Close close) {
            return "connection closed by the broker: " + close.getReplyCode() + " " + close.getReplyText();
        }
        return signal.isInitiatedByApplication()
                ? "closed by this client"
                : "lost: " + (signal.getCause() != null ? signal.getCause() : signal.getMessage());
    }

    /** A short description of any failure to connect or declare, with no credentials in it. */
    public static String describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException signal) {
                return describe(signal);
            }
            if (t instanceof Topology.TopologyException) {
                return t.getMessage();
            }
        }
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Whether the broker refused the login or the virtual host: retrying will not help until someone fixes it. */
    public static boolean isConfigurationError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof com.rabbitmq.client.AuthenticationFailureException
                    || t instanceof com.rabbitmq.client.PossibleAuthenticationFailureException
                    || t instanceof Topology.TopologyException) {
                return true;
            }
            if (t instanceof ShutdownSignalException signal
                    && signal.getReason() instanceof AMQP.Connection.Close close
                    && (close.getReplyCode() == AMQP.ACCESS_REFUSED || close.getReplyCode() == AMQP.NOT_ALLOWED)) {
                return true;
            }
        }
        return false;
    }
}
