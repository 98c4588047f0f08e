package dev.corekit.auth;

import dev.corekit.auth.internal.CallRecordInterceptor;
import dev.corekit.auth.internal.RequestContextInterceptor;
import dev.corekit.logging.Recorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered chain of {@link Interceptor}s: the one global pipeline a service applies to every procedure, through a
 * server adapter (the Jakarta Servlet filter or the JDK {@code HttpServer} filter), with no per-route setup. Routes only
 * name their {@link Procedure} (and with it the auth variant they require) in {@link Procedures}.
 *
 * <pre>{@code
 * Pipeline pipeline = Pipeline.builder()
 *         .procedures(procedures)
 *         .slowCalls(SlowCallWatchdog.of(AuthSettings.fromEnvironment()))
 *         .cors(CorsPolicy.allowOrigins("https://app.example.com"))
 *         .auth(authenticator)
 *         .add(auditInterceptor)
 *         .build();
 * server.createContext("/", router).getFilters().add(CorekitHttpFilter.of(pipeline));
 * }</pre>
 *
 * <p><b>Order of the built-in interceptors</b> (fixed, whatever order the builder was called in; see {@link #names()}):
 *
 * <ol>
 *   <li>{@value #REQUEST_CONTEXT}: the {@code CallContext} read from the incoming headers (request id, W3C trace
 *       context, baggage; generated when absent) is active for the rest of the call, and the request id is echoed in
 *       the {@code x-request-id} response header;
 *   <li>{@value #CALL_RECORD}: one {@code Operation} record per call, named after the procedure; its outcome follows
 *       the response: 4xx and 5xx complete it as failed with the error body's code, an exception fails it and is
 *       answered with a 500 {@link ErrorBody} (never a stack trace);
 *   <li>{@value #SLOW_CALLS} (when configured): the watchdog watches the call, see {@link SlowCallWatchdog};
 *   <li>{@value #CORS} (when configured): preflights are answered here, and CORS headers are on every response,
 *       401 and 403 included, so browsers can read them;
 *   <li>{@value #AUTH} (when configured): the procedure's auth variant, see {@link Authenticator};
 *   <li>the service's own interceptors, in the order added, then the handler.
 * </ol>
 *
 * <p>{@link #of(Interceptor...)} composes interceptors as given, with no built-ins. A pipeline is itself an
 * interceptor, so pipelines nest and {@link #then} appends. Immutable and thread-safe.
 */
public final class Pipeline implements Interceptor {
    /** Name of the request-context interceptor in {@link #names()}. */
    public static final String REQUEST_CONTEXT = "request-context";
    /** Name of the call-record interceptor in {@link #names()}. */
    public static final String CALL_RECORD = "call-record";
    /** Name of the slow-call interceptor in {@link #names()}. */
    public static final String SLOW_CALLS = "slow-calls";
    /** Name of the CORS interceptor in {@link #names()}. */
    public static final String CORS = "cors";
    /** Name of the auth interceptor in {@link #names()}. */
    public static final String AUTH = "auth";

    private final List<Interceptor> interceptors;
    private final Interceptor[] chain;
    private final Procedures procedures;

    private Pipeline(List<Interceptor> interceptors, Procedures procedures) {
        this.interceptors = List.copyOf(interceptors);
        this.chain = this.interceptors.toArray(new Interceptor[0]);
        this.procedures = procedures;
    }

    /** The interceptors as given, in order, with no built-ins, routing every call with {@link Procedures#ofDefaults()}. */
    public static Pipeline of(Interceptor... interceptors) {
        List<Interceptor> list = new ArrayList<>();
        for (Interceptor interceptor : interceptors) {
            list.add(Objects.requireNonNull(interceptor, "interceptor"));
        }
        return new Pipeline(list, Procedures.ofDefaults());
    }

    /** A builder for the standard pipeline: the built-ins in their documented order, then the service's own. */
    public static Builder builder() {
        return new Builder();
    }

    /** A pipeline that runs this one's interceptors, then {@code more}; same route table. */
    public Pipeline then(Interceptor... more) {
        List<Interceptor> list = new ArrayList<>(interceptors);
        for (Interceptor interceptor : more) {
            list.add(Objects.requireNonNull(interceptor, "interceptor"));
        }
        return new Pipeline(list, procedures);
    }

    /** The route table adapters resolve each call's {@link Procedure} with. */
    public Procedures procedures() {
        return procedures;
    }

    /** The names of the interceptors, in the order they run. */
    public List<String> names() {
        return interceptors.stream().map(Interceptor::name).toList();
    }

    /** Runs {@code call} through every interceptor, then {@code handler}. */
    public void handle(Call call, Handler handler) throws Exception {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(handler, "handler");
        new Link(chain, 0, handler::handle).proceed(call);
    }

    @Override
    public void intercept(Call call, Chain next) throws Exception {
        new Link(chain, 0, next).proceed(call);
    }

    @Override
    public String name() {
        return "pipeline" + names();
    }

    private static final class Link implements Chain {
        private final Interceptor[] chain;
        private final int index;
        private final Chain end;

        Link(Interceptor[] chain, int index, Chain end) {
            this.chain = chain;
            this.index = index;
            this.end = end;
        }

        @Override
        public void proceed(Call call) throws Exception {
            if (index == chain.length) {
                end.proceed(call);
            } else {
                chain[index].intercept(call, new Link(chain, index + 1, end));
            }
        }
    }

    /** Builds the standard pipeline. Each built-in is optional but request context and call records. */
    public static final class Builder {
        private Procedures procedures = Procedures.ofDefaults();
        private Recorder recorder;
        private Authenticator auth;
        private SlowCallWatchdog slowCalls;
        private CorsPolicy cors;
        private final List<Interceptor> service = new ArrayList<>();

        private Builder() {}

        /** The route table; {@link Procedures#ofDefaults()} unless set. */
        public Builder procedures(Procedures procedures) {
            this.procedures = Objects.requireNonNull(procedures, "procedures");
            return this;
        }

        /** Where call records go; the process-wide recorder ({@code GlobalRecorder}) at each call unless set. */
        public Builder recorder(Recorder recorder) {
            this.recorder = Objects.requireNonNull(recorder, "recorder");
            return this;
        }

        /** Watches every call for slow and hung calls. */
        public Builder slowCalls(SlowCallWatchdog watchdog) {
            this.slowCalls = Objects.requireNonNull(watchdog, "watchdog");
            return this;
        }

        /** Answers preflights and adds CORS headers to every response (401/403 included). */
        public Builder cors(CorsPolicy policy) {
            this.cors = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Authenticates every procedure with the variant it names (or the default one). */
        public Builder auth(Authenticator authenticator) {
            this.auth = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /** Adds a service interceptor; they run after the built-ins, in the order added. */
        public Builder add(Interceptor interceptor) {
            service.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * The pipeline.
         *
         * @throws IllegalStateException when a routed procedure names an auth variant the authenticator does not know,
         *     or names one (other than public) while no authenticator is set
         */
        public Pipeline build() {
            for (Procedure procedure : procedures.routed()) {
                String variant = procedure.authVariant().orElse(null);
                if (variant == null || variant.equals(Procedure.PUBLIC)) {
                    continue;
                }
                if (auth == null) {
                    throw new IllegalStateException("procedure " + procedure.name() + " requires the auth variant '"
                            + variant + "' but the pipeline has no authenticator");
                }
                if (!auth.knows(variant)) {
                    throw new IllegalStateException("procedure " + procedure.name()
                            + " requires the unknown auth variant '" + variant + "'; known: " + auth.variantNames());
                }
            }
            List<Interceptor> list = new ArrayList<>();
            list.add(new RequestContextInterceptor(REQUEST_CONTEXT));
            list.add(new CallRecordInterceptor(CALL_RECORD, recorder));
            if (slowCalls != null) {
                list.add(slowCalls);
            }
            if (cors != null) {
                list.add(cors);
            }
            if (auth != null) {
                list.add(auth);
            }
            list.addAll(service);
            return new Pipeline(list, procedures);
        }
    }
}
