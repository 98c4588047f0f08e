package dev.corekit.auth;

/**
 * Cross-cutting behaviour around a call: a function of the call and the rest of the chain (the OkHttp and Armeria
 * shape). An interceptor does its work, then either continues with {@code chain.proceed(call)} or answers the call
 * itself ({@link Call#respond}) and returns without proceeding.
 *
 * <pre>{@code
 * Interceptor timing = (call, chain) -> {
 *     long start = System.nanoTime();
 *     try {
 *         chain.proceed(call);
 *     } finally {
 *         metrics.record(call.procedure().name(), System.nanoTime() - start);
 *     }
 * };
 * Pipeline pipeline = Pipeline.builder().add(timing).build();
 * }</pre>
 *
 * <p>Interceptors compose with {@link Pipeline}: a pipeline is itself an interceptor, so pipelines nest.
 */
@FunctionalInterface
public interface Interceptor {
    /**
     * Handles {@code call}, normally by doing some work and calling {@code chain.proceed(call)} once.
     *
     * @throws Exception anything the rest of the chain threw, or this interceptor's own failure
     */
    void intercept(Call call, Chain chain) throws Exception;

    /** A short name for diagnostics and {@link Pipeline#names()}; the class's simple name unless overridden. */
    default String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() || simple.contains("$$Lambda") ? "interceptor" : simple;
    }

    /** The rest of the chain: the remaining interceptors, then the handler. */
    @FunctionalInterface
    interface Chain {
        /** Runs the rest of the chain for {@code call}. */
        void proceed(Call call) throws Exception;
    }
}
