/**
 * The request context that follows a call through every thread it touches: {@link dev.corekit.context.CallContext} (the
 * immutable value and {@code activate()}), {@link dev.corekit.context.Scope} (what an activation returns and must
 * close), {@link dev.corekit.context.ContextHeaders} (W3C {@code traceparent}/{@code tracestate}/{@code baggage} and
 * {@code x-request-id} in and out) and {@link dev.corekit.context.ContextExecutors} (every task, executor and future
 * wrapper, and the pools corekit code creates).
 *
 * <p>Contract: a context is current only between {@code activate()} and the close of its scope, on that thread; the
 * SLF4J MDC mirrors it and is restored exactly on close (values that existed come back, keys that did not are
 * removed, other keys are never touched). Nothing crosses a thread implicitly: wrappers capture the context when a
 * task is submitted, install it while the task runs and then restore the worker to what it was before the task, so no
 * state leaks into the next task of a pooled thread. This jar depends on {@code slf4j-api} only.
 */
package dev.corekit.context;
