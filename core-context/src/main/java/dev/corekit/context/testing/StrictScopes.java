package dev.corekit.context.testing;

import dev.corekit.context.internal.ScopeStack;

/**
 * Test support for {@code CallContext} scopes, like OpenTelemetry's {@code StrictContextStorage}: strict mode makes
 * every scope record where it was opened, so that misuse fails a test with the places involved instead of leaking
 * context into the next task.
 *
 * <p>In strict mode, closing a scope out of order or on another thread throws {@link IllegalStateException} naming
 * where the scopes involved were opened (out of order, the thread's state is restored first, so later tests start
 * clean). Strict mode is also on with {@code -Dcorekit.context.strict=true}. Off (the default), the same misuse is
 * logged once as a warning, an out-of-order close still restores the state the scope found, and a close on another
 * thread is ignored.
 *
 * <pre>{@code
 * @BeforeAll static void strict() { StrictScopes.enable(); }
 * @AfterEach void noLeaks() {
 *     StrictScopes.assertNoOpenScope();    // on the test thread
 *     StrictScopes.assertNoLeakedScopes(); // on any thread, once the executors under test are shut down
 * }
 * }</pre>
 */
public final class StrictScopes {
    /** The system property that turns strict mode on at startup. */
    public static final String PROPERTY = ScopeStack.STRICT_PROPERTY;

    private StrictScopes() {}

    /** Turns strict mode on for the whole JVM. */
    public static void enable() {
        ScopeStack.strict(true);
    }

    /** Turns strict mode off (misuse is then logged once and tolerated). */
    public static void disable() {
        ScopeStack.strict(false);
    }

    /** Whether strict mode is on. */
    public static boolean isEnabled() {
        return ScopeStack.strict();
    }

    /**
     * Fails when a scope is still open on this thread: for a test's {@code @AfterEach}.
     *
     * @throws IllegalStateException listing the open scopes (and where they were opened, in strict mode)
     */
    public static void assertNoOpenScope() {
        ScopeStack.assertNoOpenScope();
    }

    /**
     * Fails when a scope opened in strict mode, on any thread, was never closed, naming where each was opened; the
     * leaks are forgotten once reported. Call it after the executors under test are shut down, so in-flight tasks are
     * not mistaken for leaks.
     *
     * @throws IllegalStateException listing the leaked scopes
     */
    public static void assertNoLeakedScopes() {
        ScopeStack.assertNoLeakedScopes();
    }
}
