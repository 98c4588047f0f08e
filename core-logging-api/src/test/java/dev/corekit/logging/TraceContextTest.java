package dev.corekit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.context.CallContext;
import dev.corekit.context.ContextHeaders;
import dev.corekit.context.Scope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Operations are spans of the W3C trace: an operation started under an incoming {@code traceparent} gets its own span
 * id and records the incoming one as its parent; outgoing headers carry the operation's span. Uses the examples of the
 * W3C Trace Context recommendation (section 3.2 and 3.3).
 */
class TraceContextTest {
    static final String W3C_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String W3C_PARENT_ID = "00f067aa0ba902b7";
    static final String W3C_TRACEPARENT = "00-" + W3C_TRACE_ID + "-" + W3C_PARENT_ID + "-01";
    static final String W3C_TRACESTATE = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

    final InMemorySink sink = new InMemorySink();
    final Recorder recorder = Recorder.of(sink);

    static CallContext incoming() {
        Map<String, String> headers = Map.of("traceparent", W3C_TRACEPARENT, "tracestate", W3C_TRACESTATE);
        return ContextHeaders.extract(headers::get);
    }

    @Test
    void anOperationUnderAnIncomingTraceparentHasItsOwnSpanAndTheCallersSpanAsParent() {
        try (Scope scope = incoming().activate()) {
            recorder.run("orders.create", op -> {});
        }

        assertThat(sink.records()).hasSize(2).allSatisfy(record -> {
            assertThat(record.context().traceId()).isEqualTo(W3C_TRACE_ID);
            assertThat(record.context().parentSpanId()).isEqualTo(W3C_PARENT_ID);
            assertThat(record.context().spanId()).isEqualTo(record.id()).isNotEqualTo(W3C_PARENT_ID);
        });
    }

    @Test
    void outgoingHeadersInsideAnOperationCarryTheOperationsSpanAndTheTracestate() {
        Map<String, String> outgoing = new LinkedHashMap<>();
        String operationId;
        try (Scope scope = incoming().activate()) {
            operationId = recorder.call("orders.create", op -> {
                ContextHeaders.inject(CallContext.current(), outgoing::put);
                return op.id();
            });
        }

        assertThat(outgoing)
                .containsEntry("traceparent", "00-" + W3C_TRACE_ID + "-" + operationId + "-01")
                .containsEntry("tracestate", W3C_TRACESTATE);
    }

    @Test
    void nestedOperationsFormTheTreeOfTheTrace() {
        try (Scope scope = incoming().activate()) {
            recorder.run("outer", outer -> recorder.run("inner", inner -> {}));
        }

        LogRecord outer =
                sink.records(r -> r.name().equals("outer") && !r.isStart()).get(0);
        LogRecord inner =
                sink.records(r -> r.name().equals("inner") && !r.isStart()).get(0);
        assertThat(outer.context().parentSpanId()).isEqualTo(W3C_PARENT_ID);
        assertThat(inner.context().parentSpanId()).isEqualTo(outer.context().spanId());
        assertThat(inner.context().parentOperationId()).isEqualTo(outer.id());
        assertThat(inner.context().traceId()).isEqualTo(W3C_TRACE_ID);
    }

    @Test
    void aNotSampledTraceStaysNotSampledDownstream() {
        Map<String, String> headers = Map.of("traceparent", "00-" + W3C_TRACE_ID + "-" + W3C_PARENT_ID + "-00");
        Map<String, String> outgoing = new LinkedHashMap<>();
        try (Scope scope = ContextHeaders.extract(headers::get).activate()) {
            recorder.run("op", op -> ContextHeaders.inject(CallContext.current(), outgoing::put));
        }

        assertThat(outgoing.get("traceparent"))
                .startsWith("00-" + W3C_TRACE_ID + "-")
                .endsWith("-00");
    }

    @Test
    void anOperationWithNoIncomingTraceStartsATraceAsItsRootSpan() {
        recorder.run("job", op -> {});

        LogRecord completion = sink.records().get(1);
        assertThat(completion.context().traceId()).matches("[0-9a-f]{32}");
        assertThat(completion.context().spanId()).isEqualTo(completion.id());
        assertThat(completion.context().parentSpanId()).isNull();
    }

    @Test
    void anEventCarriesTheSpanItHappenedIn() {
        try (Scope scope = incoming().activate()) {
            recorder.run("op", op -> recorder.event(org.slf4j.event.Level.INFO, "log", "inside", Map.of(), null));
        }

        LogRecord event = sink.records(r -> r.kind() == LogRecord.Kind.EVENT).get(0);
        LogRecord operation = sink.records().get(0);
        assertThat(event.context().spanId()).isEqualTo(operation.id());
        assertThat(event.context().parentOperationId()).isEqualTo(operation.id());
        assertThat(event.context().parentSpanId()).isNull();
    }
}
