package dev.corekit.context;

/**
 * An activated {@link CallContext}; closing it restores exactly what was current before on this thread, MDC included
 * (see {@link CallContext#activate()}). Close it once, on the thread that opened it, innermost first — use
 * try-with-resources. Strict mode ({@link dev.corekit.context.testing.StrictScopes}) turns a violation into an exception;
 * otherwise it is logged once, and an out-of-order close still restores the state the scope found. Closing twice is a
 * no-op.
 *
 * <pre>{@code
 * try (Scope scope = CallContext.current().withTenant("acme").activate()) {
 *     billing.run();
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Scope extends AutoCloseable {
    /** Restores the previous context and MDC values; never throws a checked exception. */
    @Override
    void close();
}
