package dev.corekit.auth.redteam;

import static dev.corekit.auth.redteam.Rt.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.auth.Call;
import dev.corekit.auth.CorsPolicy;
import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Interceptor;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import dev.corekit.auth.SlowCallWatchdog;
import dev.corekit.auth.session.SessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.config.Secret;
import dev.corekit.context.CallContext;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Red team against {@link Pipeline}: built-in order, call records, request context and concurrency. */
class PipelineRedTeamTest {
    final Rt.RtClock clock = new Rt.RtClock(T0);
    final AuthSettings settings = Rt.settings().build();
    final SigningKey key = SigningKey.hmac("hs", Algorithm.HS256, Secret.of("0123456789abcdef0123456789abcdef"));
    final TokenService tokens =
            TokenService.of(key, KeySet.of(key.verificationKey()), SessionStore.inMemory(), settings, clock);
    final Authenticator authenticator = Authenticator.builder(tokens)
            .entity("user", t -> t.subject())
            .settings(settings)
            .build();
    final InMemorySink sink = new InMemorySink();

    /** An interceptor with a name that logs what it saw. */
    static final class Probe implements Interceptor {
        final String name;
        final List<String> log;

        Probe(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public void intercept(Call call, Chain chain) throws Exception {
            CallContext ctx = CallContext.current();
            log.add(name + ":principal=" + call.principal().map(p -> p.caller()).orElse("-") + ":request="
                    + ctx.requestId() + ":op=" + (ctx.operationId() != null) + ":acao="
                    + (call.isCommitted() ? "?" : "ok"));
            chain.proceed(call);
            log.add(name + ":after");
        }

        @Override
        public String name() {
            return name;
        }
    }

    List<LogRecord> completions() {
        return sink.records(r -> r.kind() == LogRecord.Kind.OPERATION && !r.isStart());
    }

    Pipeline standard() {
        return Pipeline.builder().recorder(Recorder.of(sink)).build();
    }

    // ---------------------------------------------------------------- order

    // "Order of the built-in interceptors (fixed, whatever order the builder was called in; see names())" ... "the
    // service's own interceptors, in the order added, then the handler."
    @Test
    void theBuiltInOrderIsFixedWhateverOrderTheBuilderWasCalledIn() throws Exception {
        List<String> log = new ArrayList<>();
        try (SlowCallWatchdog watchdog =
                SlowCallWatchdog.of(Duration.ofSeconds(1), Duration.ofSeconds(30), Recorder.of(sink))) {
            Pipeline p = Pipeline.builder()
                    .add(new Probe("second-probe", log))
                    .auth(authenticator)
                    .add(new Probe("third-probe", log))
                    .cors(CorsPolicy.builder().build())
                    .slowCalls(watchdog)
                    .recorder(Recorder.of(sink))
                    .build();
            assertThat(p.names())
                    .containsExactly(
                            Pipeline.REQUEST_CONTEXT,
                            Pipeline.CALL_RECORD,
                            Pipeline.SLOW_CALLS,
                            Pipeline.CORS,
                            Pipeline.AUTH,
                            "second-probe",
                            "third-probe");
            assertThat(List.of(
                            Pipeline.REQUEST_CONTEXT,
                            Pipeline.CALL_RECORD,
                            Pipeline.SLOW_CALLS,
                            Pipeline.CORS,
                            Pipeline.AUTH))
                    .containsExactly("request-context", "call-record", "slow-calls", "cors", "auth");
        }
    }

    // Pipeline order: request context, call record, ..., auth, "the service's own interceptors, in the order added,
    // then the handler" -- observed at run time, not only in names().
    @Test
    void serviceInterceptorsRunAfterAuthInTheOrderAddedThenTheHandler() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Pipeline p = Pipeline.builder()
                .recorder(Recorder.of(sink))
                .add(new Probe("a", log))
                .add(new Probe("b", log))
                .auth(authenticator)
                .build();
        String token = tokens.login(TokenRequest.of("user", "42")).accessToken();
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x")
                .header("Authorization", "Bearer " + token)
                .header("x-request-id", "rq-1");
        call.run(p, c -> {
            log.add("handler");
            c.respond(200, "text/plain", new byte[0]);
        });
        assertThat(log)
                .containsExactly(
                        "a:principal=user:42:request=rq-1:op=true:acao=ok",
                        "b:principal=user:42:request=rq-1:op=true:acao=ok",
                        "handler",
                        "b:after",
                        "a:after");
    }

    // Interceptor: "either continues with chain.proceed(call) or answers the call itself ... and returns without
    // proceeding" / Call.respond: "Interceptors that answer a call do not proceed down the chain." / ErrorBody: "(or a
    // service's own upper-case code)"
    @Test
    void anInterceptorThatAnswersStopsTheChainAndItsCodeIsRecorded() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        Pipeline p = Pipeline.builder()
                .recorder(Recorder.of(sink))
                .add((call, chain) -> {
                    if (call.header("x-tenant") == null) {
                        ErrorBody.respond(call, 400, "TENANT_REQUIRED", "The x-tenant header is required.");
                        return;
                    }
                    chain.proceed(call);
                })
                .build();
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x").run(p, c -> handled.incrementAndGet());
        assertThat(handled).hasValue(0);
        assertThat(call.status()).isEqualTo(400);
        assertThat(Rt.json(call.body())).containsEntry("code", "TENANT_REQUIRED");
        assertThat(completions().get(0).status()).isEqualTo(LogRecord.Status.FAILED);
        assertThat(completions().get(0).error().code()).isEqualTo("TENANT_REQUIRED");
    }

    // Pipeline.of: "The interceptors as given, in order, with no built-ins" / then: "A pipeline that runs this one's
    // interceptors, then more; same route table."
    @Test
    void ofHasNoBuiltInsAndThenAppends() throws Exception {
        List<String> log = new ArrayList<>();
        Pipeline p = Pipeline.of(new Probe("x", log)).then(new Probe("y", log));
        assertThat(p.names()).containsExactly("x", "y");
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x").run(p, Rt.OK);
        assertThat(call.responseHeader("x-request-id")).isNull();
        assertThat(log).hasSize(4);
        assertThat(log.get(0)).startsWith("x:principal=-");
        assertThat(log.get(1)).startsWith("y:principal=-");
        assertThat(log.subList(2, 4)).containsExactly("y:after", "x:after");
        assertThat(sink.records()).isEmpty();
        Procedures routes = Procedures.builder()
                .route("GET", "/h", Procedure.named("h").withAuth(Procedure.PUBLIC))
                .build();
        Pipeline routed = Pipeline.builder()
                .procedures(routes)
                .recorder(Recorder.of(sink))
                .build();
        assertThat(routed.then(new Probe("z", log))
                        .procedures()
                        .resolve("GET", "/h")
                        .name())
                .isEqualTo("h");
    }

    // ---------------------------------------------------------------- call records

    // "call-record": "one Operation record per call, named after the procedure; its outcome follows the response: 4xx
    // and 5xx complete it as failed"
    @ParameterizedTest
    @CsvSource({
        "200,SUCCEEDED",
        "201,SUCCEEDED",
        "204,SUCCEEDED",
        "302,SUCCEEDED",
        "399,SUCCEEDED",
        "400,FAILED",
        "401,FAILED",
        "404,FAILED",
        "418,FAILED",
        "499,FAILED",
        "500,FAILED",
        "502,FAILED",
        "503,FAILED",
        "599,FAILED"
    })
    void theRecordOutcomeFollowsTheResponseStatus(int status, LogRecord.Status outcome) throws Exception {
        Pipeline p = standard();
        Rt.RtCall.of(p, "GET", "/x").run(p, c -> c.respond(status, "text/plain", new byte[0]));
        assertThat(completions()).hasSize(1);
        assertThat(completions().get(0).status()).isEqualTo(outcome);
        assertThat(completions().get(0).name()).isEqualTo("http.get");
    }

    // "an exception fails it and is answered with a 500 ErrorBody (never a stack trace)" / ErrorBody.INTERNAL
    @Test
    void anExceptionIsA500InternalWithoutDetailAndAFailedRecord() throws Exception {
        Pipeline p = standard();
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x")
                .header("x-request-id", "rq-9")
                .run(p, c -> {
                    throw new IllegalStateException("password=hunter2 at db.internal:5432");
                });
        assertThat(call.status()).isEqualTo(500);
        assertThat(call.contentType()).isEqualTo(ErrorBody.CONTENT_TYPE);
        Map<String, Object> body = Rt.json(call.body());
        assertThat(body)
                .containsOnlyKeys("code", "message", "requestId")
                .containsEntry("code", ErrorBody.INTERNAL)
                .containsEntry("requestId", "rq-9");
        assertThat(call.body())
                .doesNotContain("hunter2")
                .doesNotContain("IllegalState")
                .doesNotContain("\tat ");
        assertThat(completions().get(0).status()).isEqualTo(LogRecord.Status.FAILED);
    }

    // "an exception fails it" -- even when the handler had already answered 200 before throwing.
    @Test
    void anExceptionAfterTheResponseWasSentStillFailsTheRecord() throws Exception {
        Pipeline p = standard();
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x");
        try {
            call.run(p, c -> {
                c.respond(200, "text/plain", "partial".getBytes(StandardCharsets.UTF_8));
                throw new IllegalStateException("late failure");
            });
        } catch (Exception rethrownIsAcceptable) {
            // the response is committed; the pipeline may rethrow to the adapter
        }
        assertThat(call.status()).isEqualTo(200);
        assertThat(completions()).hasSize(1);
        assertThat(completions().get(0).status()).isEqualTo(LogRecord.Status.FAILED);
    }

    // ErrorBody.respond: "IllegalArgumentException - unless code is upper-case letters, digits and _" /
    // "IllegalStateException - when the response is already committed"
    @Test
    void errorBodyRespondValidatesCodeAndCommitment() throws Exception {
        Rt.RtCall call = new Rt.RtCall("GET", "/x", Procedure.named("x"));
        for (String bad : List.of("forbidden", "NOT-OK", "", "A B", "CODE\"X")) {
            assertThatThrownBy(() -> ErrorBody.respond(call, 400, bad, "m"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        ErrorBody.respond(call, 400, "OK_CODE_1", "m");
        assertThatThrownBy(() -> ErrorBody.respond(call, 400, "OK_CODE_2", "m"))
                .isInstanceOf(IllegalStateException.class);
    }

    // Pipeline.Builder.recorder: "Where call records go; the process-wide recorder (GlobalRecorder) at each call unless
    // set."
    @Test
    void withoutARecorderEachCallGoesToTheRecorderInstalledAtThatCall() throws Exception {
        Pipeline p = Pipeline.builder().build();
        InMemorySink first = new InMemorySink();
        InMemorySink second = new InMemorySink();
        try (dev.corekit.logging.GlobalRecorder.Installed a =
                dev.corekit.logging.GlobalRecorder.install(Recorder.of(first))) {
            Rt.RtCall.of(p, "GET", "/one").run(p, Rt.OK);
        }
        try (dev.corekit.logging.GlobalRecorder.Installed b =
                dev.corekit.logging.GlobalRecorder.install(Recorder.of(second))) {
            Rt.RtCall.of(p, "GET", "/two").run(p, Rt.OK);
        }
        assertThat(first.records(r -> !r.isStart() && r.kind() == LogRecord.Kind.OPERATION))
                .extracting(r -> r.attributes().get("http.path"))
                .containsExactly("/one");
        assertThat(second.records(r -> !r.isStart() && r.kind() == LogRecord.Kind.OPERATION))
                .extracting(r -> r.attributes().get("http.path"))
                .containsExactly("/two");
    }

    // AuthSettings.realm: "the realm of WWW-Authenticate challenges"
    @Test
    void theChallengeCarriesTheConfiguredRealm() throws Exception {
        AuthSettings custom = Rt.settings().realm("orders-api").build();
        Authenticator auth = Authenticator.builder(tokens)
                .entity("user", t -> t.subject())
                .settings(custom)
                .build();
        Pipeline p = Pipeline.builder().recorder(Recorder.of(sink)).auth(auth).build();
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x").run(p, Rt.OK);
        assertThat(call.status()).isEqualTo(401);
        assertThat(call.responseHeader("WWW-Authenticate")).startsWith("Bearer realm=\"orders-api\"");
    }

    // ---------------------------------------------------------------- request context

    // "request-context": "the CallContext read from the incoming headers (request id, W3C trace context, baggage;
    // generated when absent) is active for the rest of the call, and the request id is echoed in the x-request-id
    // response header"
    @Test
    void theRequestIdIsEchoedOrGeneratedAndTheTraceIsJoined() throws Exception {
        Pipeline p = standard();
        List<CallContext> seen = new ArrayList<>();
        Rt.RtCall given = Rt.RtCall.of(p, "GET", "/x")
                .header("x-request-id", "req-42")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .run(p, c -> {
                    seen.add(CallContext.current());
                    c.respond(200, "text/plain", new byte[0]);
                });
        assertThat(given.responseHeader("x-request-id")).isEqualTo("req-42");
        assertThat(seen.get(0).requestId()).isEqualTo("req-42");
        assertThat(seen.get(0).traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        LogRecord done = completions().get(0);
        assertThat(done.context().traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(done.context().parentSpanId()).isEqualTo("b7ad6b7169203331");

        Rt.RtCall generated = Rt.RtCall.of(p, "GET", "/x").run(p, c -> ErrorBody.respond(c, 404, "NOPE", "No."));
        assertThat(generated.responseHeader("x-request-id")).isNotBlank();
        assertThat(Rt.json(generated.body())).containsEntry("requestId", generated.responseHeader("x-request-id"));
    }

    // "the request id is echoed in the x-request-id response header" -- never as a header-injection vector.
    @ParameterizedTest
    @ValueSource(
            strings = {
                "abc\r\nSet-Cookie: session=evil",
                "abc\nX-Injected: 1",
                "abc\rX-Injected: 1",
                "abc\u0000def",
                "abc\u0085X-Injected: 1",
                "abc\u2028X-Injected: 1"
            })
    void aRequestIdWithControlCharactersIsNeverEchoedRaw(String requestId) throws Exception {
        Pipeline p = standard();
        Rt.RtCall call =
                Rt.RtCall.of(p, "GET", "/x").header("x-request-id", requestId).run(p, Rt.OK);
        String echoed = call.responseHeader("x-request-id");
        assertThat(echoed).isNotNull();
        assertThat(echoed.chars()).noneMatch(ch -> ch < 0x20 || ch == 0x7f || ch == 0x85 || ch == 0x2028);
        assertThat(call.allResponseHeaders().keySet()).doesNotContain("set-cookie", "x-injected");
    }

    // ErrorBody: "The one shape of every error response corekit writes, so clients can rely on it" -- a hostile request
    // id cannot change the body's shape or code.
    @ParameterizedTest
    @ValueSource(
            strings = {
                "a\",\"code\":\"PWNED",
                "a\\",
                "a\"}",
                "</script><script>alert(1)</script>",
                "\u0001\u001f",
                "LONG"
            })
    void aHostileRequestIdCannotBreakTheErrorBody(String hostile) throws Exception {
        String requestId = hostile.equals("LONG") ? "x".repeat(5000) : hostile;
        Pipeline p = standard();
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x")
                .header("x-request-id", requestId)
                .run(p, c -> ErrorBody.respond(c, 409, "CONFLICT", "Conflict."));
        Map<String, Object> body = Rt.json(call.body());
        assertThat(body).containsOnlyKeys("code", "message", "requestId").containsEntry("code", "CONFLICT");
        assertThat(body.get("requestId")).isEqualTo(call.responseHeader("x-request-id"));
    }

    // ARCHITECTURE "Context never leaks" + "is active for the rest of the call": after the call -- also a failed one --
    // the thread is back to the context it had.
    @Test
    void theCallContextDoesNotLeakPastTheCall() throws Exception {
        Pipeline p = Pipeline.builder()
                .recorder(Recorder.of(sink))
                .auth(authenticator)
                .build();
        CallContext before = CallContext.current();
        String token = tokens.login(TokenRequest.of("user", "42")).accessToken();
        Rt.RtCall.of(p, "GET", "/x").header("Authorization", "Bearer " + token).run(p, Rt.OK);
        assertThat(CallContext.current()).isEqualTo(before);
        Rt.RtCall.of(p, "GET", "/x").header("Authorization", "Bearer " + token).run(p, c -> {
            throw new IllegalStateException("x");
        });
        assertThat(CallContext.current()).isEqualTo(before);
    }

    // ---------------------------------------------------------------- concurrency

    // Pipeline: "Immutable and thread-safe." + "On success ... the call context's caller is entity:subject ... for the
    // rest of the call" -- thousands of concurrent calls never see each other's principal or request id.
    @Test
    void thousandsOfConcurrentCallsNeverCrossPrincipalsOrRequestIds() throws Exception {
        Pipeline p = Pipeline.builder()
                .recorder(Recorder.of(sink))
                .auth(authenticator)
                .build();
        int users = 50;
        List<String> userTokens = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            userTokens.add(tokens.login(TokenRequest.of("user", "u" + u)).accessToken());
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Map<String, String> mismatches = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        int calls = 3000;
        try {
            for (int i = 0; i < calls; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    String rid = "rid-" + n;
                    String expected = "user:u" + (n % users);
                    Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x")
                            .header("Authorization", "Bearer " + userTokens.get(n % users))
                            .header("x-request-id", rid);
                    call.run(p, c -> {
                        CallContext ctx = CallContext.current();
                        if (!expected.equals(ctx.caller())
                                || !rid.equals(ctx.requestId())
                                || !expected.equals(c.principal().orElseThrow().caller())) {
                            mismatches.put(rid, ctx.caller() + "/" + ctx.requestId());
                        }
                        c.respond(200, "text/plain", new byte[0]);
                    });
                    if (call.status() != 200 || !rid.equals(call.responseHeader("x-request-id"))) {
                        mismatches.put(rid, "status " + call.status() + " echo " + call.responseHeader("x-request-id"));
                    }
                    if (CallContext.current().caller() != null) {
                        mismatches.put(
                                rid, "leaked caller " + CallContext.current().caller());
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(mismatches).isEmpty();
        List<LogRecord> done = completions();
        assertThat(done).hasSize(calls);
        assertThat(done).allSatisfy(r -> {
            int n = Integer.parseInt(r.context().requestId().substring(4));
            // no cross-talk: whatever caller the completed record shows is this call's own
            assertThat(java.util.Arrays.asList(
                            r.context().caller(), r.attributes().get("caller")))
                    .contains("user:u" + (n % users))
                    .allMatch(c -> c == null || c.equals("user:u" + (n % users)));
            assertThat(r.status()).isEqualTo(LogRecord.Status.SUCCEEDED);
        });
    }
}
