package dev.corekit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {
    private final List<String> trace = new ArrayList<>();

    private Interceptor step(String name) {
        return (call, chain) -> {
            trace.add(name + ">");
            chain.proceed(call);
            trace.add("<" + name);
        };
    }

    @Test
    void interceptorsRunInOrderAroundTheHandler() throws Exception {
        Pipeline pipeline = Pipeline.of(step("a"), step("b"));

        pipeline.handle(TestCall.get("/x"), call -> trace.add("handler"));

        assertThat(trace).containsExactly("a>", "b>", "handler", "<b", "<a");
    }

    @Test
    void anInterceptorThatAnswersStopsTheChain() throws Exception {
        Interceptor gate = (call, chain) -> ErrorBody.respond(call, 403, "NOPE", "No.");
        TestCall call = TestCall.get("/x");

        Pipeline.of(step("a"), gate, step("never")).handle(call, c -> trace.add("handler"));

        assertThat(trace).containsExactly("a>", "<a");
        assertThat(call.status()).isEqualTo(403);
        assertThat(call.body()).isEqualTo("{\"code\":\"NOPE\",\"message\":\"No.\"}");
    }

    @Test
    void pipelinesNestAndAppend() throws Exception {
        Pipeline inner = Pipeline.of(step("b"), step("c"));
        Pipeline outer = Pipeline.of(step("a"), inner).then(step("d"));

        outer.handle(TestCall.get("/x"), call -> trace.add("handler"));

        assertThat(trace).containsExactly("a>", "b>", "c>", "d>", "handler", "<d", "<c", "<b", "<a");
    }

    @Test
    void builtInsComeFirstInTheirDocumentedOrderThenServiceInterceptors() {
        Interceptor audit = new Interceptor() {
            @Override
            public void intercept(Call call, Chain chain) throws Exception {
                chain.proceed(call);
            }

            @Override
            public String name() {
                return "audit";
            }
        };
        Pipeline pipeline = Pipeline.builder()
                .add(audit)
                .recorder(Recorder.of(new InMemorySink()))
                .build();

        assertThat(pipeline.names()).containsExactly(Pipeline.REQUEST_CONTEXT, Pipeline.CALL_RECORD, "audit");
    }

    @Test
    void attributesCarryValuesDownTheChain() throws Exception {
        CallAttribute<String> tenant = CallAttribute.of("tenant", String.class);
        List<String> seen = new ArrayList<>();

        Pipeline.of((call, chain) -> {
                    call.attribute(tenant, "acme");
                    chain.proceed(call);
                })
                .handle(TestCall.get("/x"), call -> seen.add(call.attribute(tenant)));

        assertThat(seen).containsExactly("acme");
    }

    @Test
    void errorCodesMustBeStableUpperCaseWords() {
        assertThatThrownBy(() -> ErrorBody.json("bad code", "m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upper-case");
    }
}
