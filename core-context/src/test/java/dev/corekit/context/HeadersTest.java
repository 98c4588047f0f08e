package dev.corekit.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadersTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_ID = "00f067aa0ba902b7";
    private static final String VALID = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

    private static CallContext incoming(String... namesAndValues) {
        Map<String, String> headers = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return ContextHeaders.extract(headers::get);
    }

    private static Map<String, String> written(CallContext context) {
        Map<String, String> headers = new LinkedHashMap<>();
        ContextHeaders.inject(context, headers::put);
        return headers;
    }

    @Nested
    class Traceparent {
        @Test
        void aValidTraceparentIsContinuedWithItsSampledFlag() {
            CallContext sampled = incoming("traceparent", VALID);
            assertThat(sampled.traceId()).isEqualTo(TRACE_ID);
            assertThat(sampled.spanId()).isEqualTo(PARENT_ID);
            assertThat(sampled.sampled()).isTrue();

            CallContext notSampled = incoming("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-00");
            assertThat(notSampled.traceId()).isEqualTo(TRACE_ID);
            assertThat(notSampled.sampled()).isFalse();
            assertThat(written(notSampled).get("traceparent")).endsWith("-00");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
                    "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
                    "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper-case hex
                    "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // trace id too short
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", // parent id too short
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 is exactly 55
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0", // flags too short
                    "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", // wrong separators
                    "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", // not hex
                    "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version not hex
                    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", // future version, bad suffix
                    "garbage",
                    ""
                })
        void anInvalidTraceparentIsIgnoredAndANewTraceStartedWithoutFailing(String header) {
            CallContext context = incoming("traceparent", header, "tracestate", "vendor=1");

            assertThat(context.traceId()).matches("[0-9a-f]{32}").isNotEqualTo(TRACE_ID);
            assertThat(context.spanId()).as("no parent span").isNull();
            assertThat(context.traceState())
                    .as("tracestate is dropped with its traceparent")
                    .isNull();
            assertThat(context.requestId()).as("a request id is made up").matches("[0-9a-f]{16}");
        }

        @Test
        void aHigherVersionIsParsedByItsVersion00Prefix() {
            CallContext context = incoming("traceparent", "cc-" + TRACE_ID + "-" + PARENT_ID + "-01-what-the-future");
            assertThat(context.traceId()).isEqualTo(TRACE_ID);
            assertThat(written(context).get("traceparent")).startsWith("00-" + TRACE_ID + "-");
        }

        @Test
        void noTraceparentStartsANewSampledTrace() {
            CallContext context = incoming();
            assertThat(context.traceId()).matches("[0-9a-f]{32}");
            assertThat(context.spanId()).as("no parent span").isNull();
            assertThat(context.sampled()).isTrue();
            assertThat(context.baggage()).isEmpty();
        }

        @Test
        void tracestateIsPassedThroughWithAValidTraceparent() {
            CallContext context =
                    incoming("traceparent", VALID, "tracestate", " rojo=00f067aa0ba902b7,congo=t61rcWkgMzE ");
            assertThat(context.traceState()).isEqualTo("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
            assertThat(written(context)).containsEntry("tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
            assertThat(incoming("traceparent", VALID, "tracestate", "x=" + "a".repeat(600))
                            .traceState())
                    .as("over 512 characters")
                    .isNull();
        }

        @Test
        void outsideAnyOperationTheCallersSpanIsPassedOnAsTheParentOfTheNextHop() {
            CallContext context = incoming("traceparent", VALID);

            assertThat(written(context)).containsEntry("traceparent", VALID);
        }

        @Test
        void aTraceStartedHereWritesAFreshParentIdForEachHopUntilAnOperationRuns() {
            CallContext context = CallContext.newRequest();
            String first = written(context).get("traceparent");
            String second = written(context).get("traceparent");

            assertThat(first).matches("00-" + context.traceId() + "-[0-9a-f]{16}-01");
            assertThat(second)
                    .matches("00-" + context.traceId() + "-[0-9a-f]{16}-01")
                    .isNotEqualTo(first);
        }

        @Test
        void insideAnOperationTheOperationIsTheParentOfTheNextHop() {
            CallContext inOperation = incoming("traceparent", VALID).withOperation("a1b2c3d4e5f60718");

            assertThat(inOperation.spanId()).isEqualTo("a1b2c3d4e5f60718");
            assertThat(inOperation.traceId()).isEqualTo(TRACE_ID);
            assertThat(written(inOperation)).containsEntry("traceparent", "00-" + TRACE_ID + "-a1b2c3d4e5f60718-01");
        }

        @Test
        void anOperationIdThatIsNotASpanIdIsRejectedNamingIt() {
            CallContext context = incoming("traceparent", VALID);

            assertThatThrownBy(() -> context.withOperation("orders.create#7"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("orders.create#7");
            assertThatThrownBy(() -> context.withOperation("0000000000000000"))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void anOperationOutsideAnyTraceStartsOne() {
            CallContext inOperation = CallContext.root().withOperation("a1b2c3d4e5f60718");

            assertThat(inOperation.traceId()).matches("[0-9a-f]{32}");
            assertThat(written(inOperation).get("traceparent"))
                    .isEqualTo("00-" + inOperation.traceId() + "-a1b2c3d4e5f60718-01");
        }

        @Test
        void writtenHeadersAreReadBackAsTheSameRequestTraceAndBaggage() {
            CallContext sent =
                    CallContext.newRequest().withBaggage("plan", "gold tier").withBaggage("region", "eu");
            Map<String, String> headers = written(sent);
            CallContext received = ContextHeaders.extract(headers::get);

            assertThat(received.traceId()).isEqualTo(sent.traceId());
            assertThat(received.requestId()).isEqualTo(sent.requestId());
            assertThat(received.baggage()).isEqualTo(sent.baggage());
            assertThat(received.spanId())
                    .as("the hop's span id, the parent of the receiver's first operation")
                    .isEqualTo(headers.get("traceparent").substring(36, 52));
        }

        @Test
        void theRootContextWritesNoHeaders() {
            assertThat(written(CallContext.root())).isEmpty();
        }

        @Test
        void newRequestsGetFreshWellFormedIds() {
            CallContext a = CallContext.newRequest();
            CallContext b = CallContext.newRequest();
            assertThat(a.requestId()).matches("[0-9a-f]{16}").isNotEqualTo(b.requestId());
            assertThat(a.traceId()).matches("[0-9a-f]{32}").isNotEqualTo(b.traceId());
            assertThat(a.spanId()).as("a trace started here has no parent span").isNull();
            assertThat(a.caller()).isNull();
        }
    }

    @Nested
    class RequestId {
        @Test
        void aUsableIncomingRequestIdIsKept() {
            assertThat(incoming("x-request-id", " req-9 ").requestId()).isEqualTo("req-9");
            assertThat(written(incoming("x-request-id", "req-9"))).containsEntry("x-request-id", "req-9");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "has space", "line\r\nbreak", "caf\u00e9"})
        void anUnusableIncomingRequestIdIsReplaced(String bad) {
            assertThat(incoming("x-request-id", bad).requestId()).matches("[0-9a-f]{16}");
        }

        @Test
        void anOverlongIncomingRequestIdIsReplaced() {
            assertThat(incoming("x-request-id", "r".repeat(129)).requestId()).matches("[0-9a-f]{16}");
            assertThat(incoming("x-request-id", "r".repeat(128)).requestId()).hasSize(128);
        }

        @Test
        void withRequestIdRejectsValuesThatCannotBeAHeader() {
            assertThatThrownBy(() -> CallContext.root().withRequestId("a\r\nSet-Cookie: x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("visible ASCII");
            assertThat(CallContext.root().withRequestId("r-1").requestId()).isEqualTo("r-1");
            assertThat(CallContext.newRequest().withRequestId(null).requestId()).isNull();
        }

        @Test
        void aMultiValuedHeaderMapMatchesNamesCaseInsensitively() {
            CallContext context = ContextHeaders.extract(Map.of(
                    "X-Request-ID", List.of("req-1", "req-2"),
                    "TraceParent", List.of(VALID),
                    "Baggage", List.of("a=1", "b=2")));
            assertThat(context.requestId()).isEqualTo("req-1");
            assertThat(context.traceId()).isEqualTo(TRACE_ID);
            assertThat(context.baggage()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        }
    }

    @Nested
    class Baggage {
        @Test
        void w3cBaggageIsParsedWithWhitespacePropertiesAndPercentEncoding() {
            CallContext context =
                    incoming("baggage", " userId = alice ; ttl=60 ,serverNode=DF%2028,isProduction=false, a=1+1");
            assertThat(context.baggage())
                    .containsExactly(
                            Map.entry("userId", "alice"),
                            Map.entry("serverNode", "DF 28"),
                            Map.entry("isProduction", "false"),
                            Map.entry("a", "1+1"));
        }

        @Test
        void badMembersAreSkippedAndTheRestKept() {
            CallContext context =
                    incoming("baggage", "good=1,bad key=2,novalue,=x,pct=%zz,utf=%C3,quote=\"q\",ok=%C3%A9");
            assertThat(context.baggage()).containsExactly(Map.entry("good", "1"), Map.entry("ok", "\u00e9"));
        }

        @Test
        void aLaterDuplicateKeyWins() {
            assertThat(incoming("baggage", "k=1,k=2").baggage()).containsExactly(Map.entry("k", "2"));
        }

        @Test
        void incomingBaggageBeyondTheLimitsIsDroppedNotFailed() {
            String seventy =
                    IntStream.range(0, 70).mapToObj(i -> "k" + i + "=v").collect(Collectors.joining(","));
            assertThat(incoming("baggage", seventy).baggage())
                    .hasSize(CallContext.MAX_BAGGAGE_ENTRIES)
                    .containsKey("k63")
                    .doesNotContainKey("k64");

            String tooBig = "small=1,huge=" + "x".repeat(9000) + ",after=2";
            assertThat(incoming("baggage", tooBig).baggage())
                    .containsExactly(Map.entry("small", "1"), Map.entry("after", "2"));
        }

        @Test
        void valuesAreWrittenPercentEncodedAndReadBackExactly() {
            String tricky = "gold tier, 100% \"off\"; caf\u00e9 \\ 1+1=2";
            CallContext sent = CallContext.root().withBaggage("offer", tricky);
            String header = written(sent).get("baggage");

            assertThat(header).startsWith("offer=gold%20tier%2C%20100%25%20%22off%22%3B%20caf%C3%A9%20%5C%201+1=2");
            assertThat(incoming("baggage", header).baggage()).containsEntry("offer", tricky);
        }

        @Test
        void withBaggageKeepsInsertionOrderAndTheMapIsImmutable() {
            CallContext context = CallContext.root()
                    .withBaggage("z", "1")
                    .withBaggage("a", "2")
                    .withBaggage("z", "3");
            assertThat(context.baggage()).containsExactly(Map.entry("z", "3"), Map.entry("a", "2"));
            assertThatThrownBy(() -> context.baggage().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
            assertThat(written(context)).containsEntry("baggage", "z=3,a=2");
        }

        @Test
        void withoutBaggageRemovesOneEntry() {
            CallContext context = CallContext.root().withBaggage("a", "1").withBaggage("b", "2");
            assertThat(context.withoutBaggage("a").baggage()).containsExactly(Map.entry("b", "2"));
            assertThat(context.withoutBaggage("missing")).isSameAs(context);
        }

        @Test
        void withBaggageRejectsBadKeysAndNullValuesWithClearMessages() {
            assertThatThrownBy(() -> CallContext.root().withBaggage("bad key", "v"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'bad key' is not a W3C baggage key");
            assertThatThrownBy(() -> CallContext.root().withBaggage(null, "v"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CallContext.root().withBaggage("k", null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("use withoutBaggage");
        }

        @Test
        void withBaggageEnforcesTheEntryAndByteLimits() {
            CallContext full = CallContext.root();
            for (int i = 0; i < CallContext.MAX_BAGGAGE_ENTRIES; i++) {
                full = full.withBaggage("k" + i, "v");
            }
            CallContext atLimit = full;
            assertThat(atLimit.withBaggage("k0", "replaced").baggage()).hasSize(64);
            assertThatThrownBy(() -> atLimit.withBaggage("one-more", "v"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most 64 entries; cannot add 'one-more'");

            assertThatThrownBy(() -> CallContext.root().withBaggage("big", "x".repeat(9000)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("over the 8192-byte limit");
            assertThatThrownBy(() -> CallContext.root().withBaggage("big", " ".repeat(3000)))
                    .as("the limit counts encoded bytes: a space takes three")
                    .hasMessageContaining("9004 bytes encoded");
            assertThat(CallContext.root().withBaggage("fits", "x".repeat(8187)).baggage())
                    .hasSize(1);
        }
    }

    @Nested
    class Values {
        @Test
        void contextsWithTheSameFieldsAreEqual() {
            CallContext a = incoming("traceparent", VALID, "x-request-id", "r").withCaller("c");
            CallContext b = incoming("traceparent", VALID, "x-request-id", "r").withCaller("c");
            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
            assertThat(a.withTenant("t")).isNotEqualTo(a);
        }

        @Test
        void toStringLeavesBaggageValuesOut() {
            assertThat(CallContext.root().withBaggage("secretish", "value-42").toString())
                    .contains("secretish")
                    .doesNotContain("value-42");
        }
    }
}
