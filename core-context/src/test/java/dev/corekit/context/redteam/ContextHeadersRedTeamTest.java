package dev.corekit.context.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.corekit.context.CallContext;
import dev.corekit.context.ContextHeaders;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Red-team checks of the W3C traceparent / tracestate / baggage and x-request-id codec. */
class ContextHeadersRedTeamTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT = "00f067aa0ba902b7";
    static final String VALID = "00-" + TRACE + "-" + PARENT + "-01";

    static Function<String, String> headers(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map::get;
    }

    static Map<String, String> inject(CallContext context) {
        Map<String, String> out = new LinkedHashMap<>();
        ContextHeaders.inject(context, out::put);
        return out;
    }

    // Doc (ContextHeaders constants): the header names.
    @Test
    void headerNamesAreTheW3cOnes() {
        assertThat(ContextHeaders.TRACEPARENT).isEqualTo("traceparent");
        assertThat(ContextHeaders.TRACESTATE).isEqualTo("tracestate");
        assertThat(ContextHeaders.BAGGAGE).isEqualTo("baggage");
        assertThat(ContextHeaders.REQUEST_ID).isEqualTo("x-request-id");
    }

    // Doc (extract): "traceparent: continued when valid ...: the trace id is kept and the caller's span becomes
    // CallContext.spanId()"
    @Test
    void validTraceparentIsContinued() {
        CallContext context = ContextHeaders.extract(headers("traceparent", VALID));
        assertThat(context.traceId()).isEqualTo(TRACE);
        assertThat(context.spanId()).isEqualTo(PARENT);
        assertThat(context.sampled()).isTrue();
        assertThat(context.requestId()).isNotNull();
    }

    // Doc (sampled): "Whether the trace is sampled (the W3C sampled flag)" - flags 00 is not sampled.
    @Test
    void flags00IsNotSampled() {
        CallContext context = ContextHeaders.extract(headers("traceparent", "00-" + TRACE + "-" + PARENT + "-00"));
        assertThat(context.traceId()).isEqualTo(TRACE);
        assertThat(context.sampled()).isFalse();
    }

    // Doc (sampled) + W3C Trace Context: sampled is bit 0 of trace-flags; other (future) bits do not invalidate the
    // header.
    @ParameterizedTest
    @ValueSource(strings = {"03", "09", "ff", "81"})
    void sampledIsTheLowBitOfFlags(String flags) {
        CallContext context =
                ContextHeaders.extract(headers("traceparent", "00-" + TRACE + "-" + PARENT + "-" + flags));
        assertThat(context.traceId()).isEqualTo(TRACE);
        assertThat(context.sampled()).isTrue();
    }

    // Doc (extract): "continued when valid per W3C Trace Context (version 00, lower-case hex, neither id all zeros
    // ...).
    // Otherwise it is ignored and a new trace is started."
    @ParameterizedTest
    @ValueSource(
            strings = {
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper-case trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01", // upper-case parent id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A", // upper-case flags
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff is forbidden
                "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version not hex
                "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // trace id too short
                "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01", // trace id too long
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", // parent too short
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", // flags too short
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0z", // flags not hex
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has exactly 4 fields
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", // trailing dash on version 00
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", // wrong delimiter
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", // missing flags
                "", // empty
                "00", // only the version
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nx-evil: 1", // CRLF
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01", // parent not hex
                "00-４bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // full-width digit
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01extra" // higher version, no dash after flags
            })
    void invalidTraceparentIsIgnoredAndANewTraceStarted(String traceparent) {
        CallContext context = ContextHeaders.extract(headers("traceparent", traceparent, "tracestate", "vendor=abc"));
        assertThat(context.traceId())
                .matches("[0-9a-f]{32}")
                .isNotEqualTo(TRACE)
                .isNotEqualTo("0".repeat(32));
        assertThat(context.spanId()).isNull();
        assertThat(context.traceState())
                .as("tracestate is kept only with a valid traceparent")
                .isNull();
    }

    // Doc (extract): "higher versions parsed by their 00 prefix"
    @ParameterizedTest
    @ValueSource(
            strings = {
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like",
                "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"
            })
    void higherVersionsAreParsedByTheir00Prefix(String traceparent) {
        CallContext context = ContextHeaders.extract(headers("traceparent", traceparent));
        assertThat(context.traceId()).isEqualTo(TRACE);
        assertThat(context.spanId()).isEqualTo(PARENT);
    }

    // Doc (TRACESTATE): "passed through unchanged when the traceparent is valid." / traceState(): "The incoming W3C
    // tracestate, passed on unchanged"
    @Test
    void tracestateIsKeptAndPassedOnUnchanged() {
        String state = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE, vendor@tenant=x";
        CallContext context = ContextHeaders.extract(headers("traceparent", VALID, "tracestate", state));
        assertThat(context.traceState()).isEqualTo(state);
        assertThat(inject(context)).containsEntry("tracestate", state);
    }

    // Doc (extract): "x-request-id: kept when it is 1 to 128 visible ASCII characters"
    @Test
    void validRequestIdIsKept() {
        String id = "req-" + "~".repeat(124);
        assertThat(ContextHeaders.extract(headers("x-request-id", id)).requestId())
                .isEqualTo(id);
    }

    // Doc (extract): "x-request-id: ... otherwise a new one is made."
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "x\r\nset-cookie: a=b", "é", "\u0000", "0123456789"})
    void invalidRequestIdIsReplacedWithAValidNewOne(String raw) {
        String value = raw.equals("0123456789") ? "r".repeat(129) : raw;
        CallContext context = ContextHeaders.extract(headers("x-request-id", value));
        assertThat(context.requestId()).isNotNull().isNotEqualTo(value).matches("[\\x21-\\x7e]{1,128}");
    }

    // Doc (extract): a request id is made when none arrives.
    @Test
    void absentHeadersGiveANewRequestAndANewTrace() {
        CallContext context = ContextHeaders.extract(name -> null);
        assertThat(context.requestId()).isNotNull();
        assertThat(context.traceId()).matches("[0-9a-f]{32}");
        assertThat(context.spanId()).isNull();
        assertThat(context.baggage()).isEmpty();
        assertThat(context.traceState()).isNull();
    }

    // Doc (extract): "names are passed lower-case"
    @Test
    void headerNamesAreAskedForInLowerCase() {
        List<String> asked = new ArrayList<>();
        ContextHeaders.extract(name -> {
            asked.add(name);
            return null;
        });
        assertThat(asked).isNotEmpty().allSatisfy(name -> assertThat(name).isEqualTo(name.toLowerCase()));
        assertThat(asked).contains("traceparent");
    }

    // Doc (extract): "baggage: parsed per W3C Baggage" - optional whitespace, properties and percent-encoding.
    @Test
    void baggageIsParsedPerW3c() {
        String header =
                " userId = alice ,\tserverNode=DF%2028 , isProduction=false;ttl=30;flag , enc=%E2%82%AC%2C%3B%3D";
        CallContext context = ContextHeaders.extract(headers("baggage", header));
        assertThat(context.baggage())
                .containsEntry("userId", "alice")
                .containsEntry("serverNode", "DF 28")
                .containsEntry("isProduction", "false")
                .containsEntry("enc", "€,;=");
        assertThat(context.baggage().keySet()).containsExactly("userId", "serverNode", "isProduction", "enc");
    }

    // Doc (extract): "bad members are skipped"
    @Test
    void badBaggageMembersAreSkippedGoodOnesKept() {
        String header = "=novalue-key,good=1,noequals,a b=c,also=2,,,(x)=y,last=3";
        CallContext context = ContextHeaders.extract(headers("baggage", header));
        assertThat(context.baggage())
                .containsEntry("good", "1")
                .containsEntry("also", "2")
                .containsEntry("last", "3");
        assertThat(context.baggage()).doesNotContainKeys("noequals", "a b", "(x)", "");
    }

    // Doc (extract): "members beyond CallContext.MAX_BAGGAGE_ENTRIES ... dropped"
    @Test
    void baggageBeyond64MembersIsDropped() {
        StringJoiner header = new StringJoiner(",");
        for (int i = 0; i < 200; i++) {
            header.add("k" + i + "=v" + i);
        }
        CallContext context = ContextHeaders.extract(headers("baggage", header.toString()));
        assertThat(context.baggage()).hasSize(CallContext.MAX_BAGGAGE_ENTRIES);
        assertThat(context.baggage()).containsEntry("k0", "v0").containsEntry("k63", "v63");
    }

    // Doc (extract): "members beyond ... CallContext.MAX_BAGGAGE_BYTES dropped"
    @Test
    void baggageBeyondTheByteLimitIsDropped() {
        StringJoiner header = new StringJoiner(",");
        for (int i = 0; i < 20; i++) {
            header.add("k" + i + "=" + "v".repeat(1000));
        }
        CallContext context = ContextHeaders.extract(headers("baggage", header.toString()));
        assertThat(context.baggage()).isNotEmpty();
        assertThat(context.baggage().size()).isLessThan(9);
        Map<String, String> out = inject(context);
        assertThat(out.get("baggage").getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(CallContext.MAX_BAGGAGE_BYTES);
    }

    // Doc (ContextHeaders): "Reading never throws on bad input"
    @Test
    void hugeAndBinaryHeadersNeverThrow() {
        String huge = "x".repeat(2_000_000);
        String binary = "\u0000\u0001\uFFFF\uD800" + "%".repeat(1000) + "%zz%E2%82";
        assertThatCode(() -> ContextHeaders.extract(
                        headers("traceparent", huge, "tracestate", huge, "baggage", huge, "x-request-id", huge)))
                .doesNotThrowAnyException();
        assertThatCode(() -> ContextHeaders.extract(headers(
                        "traceparent", binary, "tracestate", binary, "baggage", "k=" + binary, "x-request-id", binary)))
                .doesNotThrowAnyException();
        assertThatCode(() -> ContextHeaders.extract(headers("baggage", "k=%", "traceparent", VALID)))
                .doesNotThrowAnyException();
        assertThatCode(() -> ContextHeaders.extract(headers("baggage", ",".repeat(100_000) + "=".repeat(100_000))))
                .doesNotThrowAnyException();
    }

    // Doc (extract(Map)): "Names match case-insensitively; baggage and tracestate values are joined with commas (as
    // HTTP folds repeated headers), the others use their first value."
    @Test
    void multiValuedMapMatchesNamesCaseInsensitivelyAndFoldsRepeatedHeaders() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("TraceParent", List.of(VALID, "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01"));
        headers.put("TRACESTATE", List.of("a=1", "b=2"));
        headers.put("Baggage", List.of("x=1", "y=2"));
        headers.put("X-Request-ID", List.of("first-id", "second-id"));
        CallContext context = ContextHeaders.extract(headers);
        assertThat(context.traceId()).isEqualTo(TRACE);
        assertThat(context.traceState()).isEqualTo("a=1,b=2");
        assertThat(context.baggage()).containsEntry("x", "1").containsEntry("y", "2");
        assertThat(context.requestId()).isEqualTo("first-id");
    }

    // Doc (ContextHeaders): "Reading never throws on bad input" - empty and null-holding value collections.
    @Test
    void multiValuedMapWithEmptyOrNullValuesNeverThrows() {
        Map<String, Collection<String>> headers = new HashMap<>();
        headers.put("traceparent", List.of());
        headers.put("baggage", Arrays.asList(null, "a=1", null));
        headers.put("tracestate", Arrays.asList((String) null));
        headers.put("x-request-id", null);
        assertThatCode(() -> ContextHeaders.extract(headers)).doesNotThrowAnyException();
    }

    // Doc (inject): "CallContext.root() writes nothing."
    @Test
    void rootInjectsNothing() {
        assertThat(inject(CallContext.root())).isEmpty();
    }

    // Doc (inject): "traceparent with its trace and, as parent id, ... when it has none, a new span id for this hop"
    @Test
    void contextWithoutSpanInjectsANewValidSpanForThisHop() {
        CallContext context = CallContext.newRequest();
        Map<String, String> out = inject(context);
        assertThat(out.get("traceparent")).matches("00-" + context.traceId() + "-[0-9a-f]{16}-01");
        String span = out.get("traceparent").substring(36, 52);
        assertThat(span).isNotEqualTo("0".repeat(16));
        assertThat(out).containsEntry("x-request-id", context.requestId());
        assertThat(out).doesNotContainKeys("baggage", "tracestate");
    }

    // Doc (inject): "as parent id, its current span (CallContext.spanId(): the running operation)"
    @Test
    void runningOperationIsWrittenAsTheParentOfTheNextHop() {
        CallContext context =
                ContextHeaders.extract(headers("traceparent", VALID)).withOperation("a1b2c3d4e5f60718");
        assertThat(inject(context)).containsEntry("traceparent", "00-" + TRACE + "-a1b2c3d4e5f60718-01");
    }

    // Doc (inject): "as parent id, its current span (CallContext.spanId() ...)" and spanId(): "else the caller's span
    // from the incoming traceparent" - with no local operation the caller's span is what is written.
    @Test
    void withoutALocalOperationTheCallersSpanIsWrittenAsParent() {
        CallContext context = ContextHeaders.extract(headers("traceparent", VALID));
        assertThat(inject(context)).containsEntry("traceparent", VALID);
    }

    // Doc (sampled): "the W3C sampled flag" - an unsampled incoming trace is passed on unsampled.
    @Test
    void unsampledTraceStaysUnsampledDownstream() {
        CallContext context = ContextHeaders.extract(headers("traceparent", "00-" + TRACE + "-" + PARENT + "-00"));
        assertThat(inject(context).get("traceparent"))
                .startsWith("00-" + TRACE + "-")
                .endsWith("-00");
    }

    // Doc (inject): "baggage when not empty" + extract "parsed per W3C Baggage" - a header round trip keeps hostile
    // values exactly, and the header value is valid W3C baggage (ASCII, no CR/LF, no raw delimiters inside values).
    @Test
    void baggageRoundTripsHostileValuesAndTheHeaderIsSafeAscii() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("comma", "a,b");
        values.put("semi", "a;b=c");
        values.put("pct", "100%25 %");
        values.put("space", " lead and trail ");
        values.put("unicode", "žluťoučký 😀");
        values.put("quote", "\"x\"\\");
        values.put("crlf", "line1\r\nx-evil: 1");
        values.put("empty", "");
        CallContext context = CallContext.newRequest();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            context = context.withBaggage(entry.getKey(), entry.getValue());
        }
        Map<String, String> out = inject(context);
        String header = out.get("baggage");
        assertThat(header)
                .isNotNull()
                .matches("[\\x20-\\x7e]*")
                .doesNotContain("\r")
                .doesNotContain("\n");
        CallContext back = ContextHeaders.extract(out::get);
        assertThat(back.baggage()).isEqualTo(values);
    }

    // Doc (inject) + (extract): trace id, request id, sampled flag and tracestate survive a hop.
    @Test
    void fullContextRoundTripsThroughHeaders() {
        CallContext incoming = ContextHeaders.extract(
                headers("traceparent", VALID, "tracestate", "k=v", "x-request-id", "req-123", "baggage", "plan=gold"));
        CallContext next = ContextHeaders.extract(inject(incoming)::get);
        assertThat(next.traceId()).isEqualTo(TRACE);
        assertThat(next.requestId()).isEqualTo("req-123");
        assertThat(next.sampled()).isTrue();
        assertThat(next.traceState()).isEqualTo("k=v");
        assertThat(next.baggage()).containsExactlyEntriesOf(Map.of("plan", "gold"));
    }

    // Doc (CallContext): caller and tenant are never taken from headers (they are set by the adapter with withCaller).
    @Test
    void extractDoesNotInventCallerOrTenantOrOperation() {
        CallContext context = ContextHeaders.extract(headers("traceparent", VALID, "x-request-id", "r"));
        assertThat(context.caller()).isNull();
        assertThat(context.tenant()).isNull();
        assertThat(context.operationId()).isNull();
    }

    // Doc (ContextHeaders): "Reading never throws on bad input" - a header map with a null name.
    @Test
    void multiValuedMapWithANullHeaderNameNeverThrows() {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put(null, List.of("x"));
        headers.put("traceparent", List.of(VALID));
        assertThatCode(() -> ContextHeaders.extract(headers)).doesNotThrowAnyException();
        assertThat(ContextHeaders.extract(headers).traceId()).isEqualTo(TRACE);
    }

    // Doc (traceId): "The W3C trace id (32 lower-case hex characters)" and inject's "a new span id for this hop" (a W3C
    // span id: 16 lower-case hex, not all zeros) - for every generated id, not just most of them.
    @Test
    void everyGeneratedTraceAndSpanIdIsFullLengthLowerHexAndNonZero() {
        java.util.Set<String> traces = new java.util.HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            CallContext context = CallContext.newRequest();
            String trace = context.traceId();
            assertThat(trace).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
            traces.add(trace);
            String traceparent = inject(context).get("traceparent");
            assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            assertThat(traceparent.substring(36, 52)).isNotEqualTo("0".repeat(16));
            assertThat(context.requestId()).matches("[\\x21-\\x7e]{1,128}");
        }
        assertThat(traces).hasSize(50_000);
    }

    // Doc (extract): "baggage: parsed per W3C Baggage" - keys are tokens and are not percent-decoded; '=' is a legal
    // character inside a value (baggage-octet range %x3C-5B).
    @Test
    void baggageKeysAreNotDecodedAndValuesMayContainEquals() {
        CallContext context = ContextHeaders.extract(headers("baggage", "a%20b=1,expr=x=y+z"));
        assertThat(context.baggage()).containsEntry("a%20b", "1").containsEntry("expr", "x=y+z");
    }

    // Doc (extract): "continued when valid per W3C Trace Context (version 00, lower-case hex ...)" - upper-case hex in
    // the version field is not lower-case hex.
    @Test
    void upperCaseVersionIsInvalid() {
        CallContext context = ContextHeaders.extract(headers("traceparent", "0A-" + TRACE + "-" + PARENT + "-01"));
        assertThat(context.traceId()).isNotEqualTo(TRACE);
    }
}
