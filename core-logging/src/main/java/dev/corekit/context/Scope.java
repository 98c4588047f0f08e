package dev.corekit.context;

/**
 * An activated {@link CallContext}; closing it restores exactly what was current before, MDC included. Close it on the
 * thread that opened it, innermost first — strict mode ({@link CallContext#strictMode}) turns a violation into an
 * exception; otherwise it is logged once and the state is still restored.
 */
public interface Scope extends AutoCloseable {
    @Override
    void close();
}
