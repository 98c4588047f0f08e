package dev.corekit.context.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.context.CallContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Red-team checks of the CallContext value: validation, limits, immutability, equality, toString. */
class CallContextRedTeamTest {

    static final String HEX32 = "[0-9a-f]{32}";
    static final String SPAN = "0123456789abcdef";

    // Doc (CallContext.root): "The empty context: no request, no trace, no baggage. Current when no scope is open."
    // Doc (CallContext.current): "root() when none is. Never null."
    @Test
    void rootIsEmptyAndIsCurrentOnAFreshThread() throws Exception {
        CallContext root = CallContext.root();
        assertThat(root.requestId()).isNull();
        assertThat(root.traceId()).isNull();
        assertThat(root.spanId()).isNull();
        assertThat(root.operationId()).isNull();
        assertThat(root.baggage()).isEmpty();
        AtomicReference<CallContext> seen = new AtomicReference<>();
        Thread thread = new Thread(() -> seen.set(CallContext.current()));
        thread.start();
        thread.join();
        assertThat(seen.get()).isNotNull().isEqualTo(CallContext.root());
    }

    // Doc (CallContext.newRequest): "a fresh request id and a fresh (sampled) trace with no parent span"
    // Doc (traceId): "The W3C trace id (32 lower-case hex characters)"
    @Test
    void newRequestHasFreshIdsASampledTraceAndNoSpan() {
        CallContext a = CallContext.newRequest();
        CallContext b = CallContext.newRequest();
        assertThat(a.requestId()).isNotNull().isNotEqualTo(b.requestId());
        assertThat(a.traceId()).matches(HEX32).isNotEqualTo("0".repeat(32)).isNotEqualTo(b.traceId());
        assertThat(a.spanId()).isNull();
        assertThat(a.sampled()).isTrue();
        assertThat(a.operationId()).isNull();
    }

    // Doc (withRequestId): "Throws: IllegalArgumentException - unless 1 to 128 visible ASCII characters"
    @ParameterizedTest
    @ValueSource(strings = {"", "a b", " ", "é", "a\r\nX-Evil: 1", "\u0000", "tab\there", "\u007f", "id\u2028"})
    void withRequestIdRejectsNonVisibleAscii(String value) {
        assertThatThrownBy(() -> CallContext.root().withRequestId(value)).isInstanceOf(IllegalArgumentException.class);
    }

    // Doc (withRequestId): "unless 1 to 128 visible ASCII characters" - 129 is too long, 1 and 128 are fine.
    @Test
    void withRequestIdLengthBoundsAreOneTo128() {
        assertThat(CallContext.root().withRequestId("!").requestId()).isEqualTo("!");
        String max = "~".repeat(128);
        assertThat(CallContext.root().withRequestId(max).requestId()).isEqualTo(max);
        assertThatThrownBy(() -> CallContext.root().withRequestId("x".repeat(129)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Doc (withRequestId / withCaller / withTenant): "(null removes it)"
    @Test
    void nullRemovesRequestIdCallerAndTenant() {
        CallContext full = CallContext.newRequest().withCaller("user:42").withTenant("acme");
        assertThat(full.withRequestId(null).requestId()).isNull();
        assertThat(full.withCaller(null).caller()).isNull();
        assertThat(full.withTenant(null).tenant()).isNull();
    }

    // Doc (withOperation): "Throws: IllegalArgumentException - unless operationId is a W3C span id (16 lower-case hex,
    // not all zeros)"
    @ParameterizedTest
    @ValueSource(
            strings = {
                "0000000000000000",
                "0123456789ABCDEF",
                "0123456789abcde",
                "0123456789abcdef0",
                "g123456789abcdef",
                "",
                "0123456789abcde\n",
                " 0123456789abcde"
            })
    void withOperationRejectsAnythingButAW3cSpanId(String id) {
        assertThatThrownBy(() -> CallContext.newRequest().withOperation(id))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Doc (withOperation): "unless operationId is a W3C span id" - null is not a span id.
    @Test
    void withOperationRejectsNull() {
        assertThatThrownBy(() -> CallContext.newRequest().withOperation(null))
                .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
    }

    // Doc (withOperation): "it becomes the current operation and the current span ..., and a trace is started when this
    // context has none."
    @Test
    void withOperationOnRootStartsATraceAndBecomesTheSpan() {
        CallContext inside = CallContext.root().withOperation(SPAN);
        assertThat(inside.operationId()).isEqualTo(SPAN);
        assertThat(inside.spanId()).isEqualTo(SPAN);
        assertThat(inside.traceId()).matches(HEX32).isNotEqualTo("0".repeat(32));
    }

    // Doc (withOperation): a context that has a trace keeps it.
    @Test
    void withOperationKeepsAnExistingTrace() {
        CallContext request = CallContext.newRequest();
        CallContext inside = request.withOperation(SPAN);
        assertThat(inside.traceId()).isEqualTo(request.traceId());
        assertThat(inside.requestId()).isEqualTo(request.requestId());
        assertThat(inside.sampled()).isEqualTo(request.sampled());
    }

    // Doc (withBaggage): "Throws: IllegalArgumentException - when key is not an HTTP token"
    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a,b", "a=b", "a;b", "ä", "(x)", "a\"b", "a/b", "k\r\n", "a\u0000", "a:b", "{}"})
    void withBaggageRejectsKeysThatAreNotHttpTokens(String key) {
        assertThatThrownBy(() -> CallContext.newRequest().withBaggage(key, "v"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Doc (withBaggage): HTTP token characters ("!#$%&'*+-.^_`|~", digits, letters) are valid keys.
    @Test
    void withBaggageAcceptsEveryHttpTokenCharacter() {
        String token = "!#$%&'*+-.^_`|~09azAZ";
        assertThat(CallContext.newRequest().withBaggage(token, "v").baggage()).containsEntry(token, "v");
    }

    // Doc (withBaggage): "Throws: NullPointerException - when value is null (use withoutBaggage(String))"
    @Test
    void withBaggageNullValueIsANullPointerException() {
        assertThatThrownBy(() -> CallContext.newRequest().withBaggage("k", null))
                .isInstanceOf(NullPointerException.class);
    }

    // Doc (withBaggage): "or the baggage would exceed MAX_BAGGAGE_ENTRIES entries" (64)
    @Test
    void the65thBaggageEntryIsRejected() {
        assertThat(CallContext.MAX_BAGGAGE_ENTRIES).isEqualTo(64);
        CallContext context = CallContext.newRequest();
        for (int i = 0; i < 64; i++) {
            context = context.withBaggage("k" + i, "v");
        }
        assertThat(context.baggage()).hasSize(64);
        CallContext full = context;
        assertThatThrownBy(() -> full.withBaggage("k64", "v")).isInstanceOf(IllegalArgumentException.class);
        // a new value for an existing key is not one more entry
        assertThat(full.withBaggage("k0", "w").baggage()).hasSize(64).containsEntry("k0", "w");
    }

    // Doc (withBaggage): "or the baggage would exceed ... MAX_BAGGAGE_BYTES encoded bytes" (8192)
    @Test
    void baggageOverTheEncodedByteLimitIsRejected() {
        assertThat(CallContext.MAX_BAGGAGE_BYTES).isEqualTo(8192);
        assertThatThrownBy(() -> CallContext.newRequest().withBaggage("k", "x".repeat(8200)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Doc (withBaggage): the limit is in *encoded* bytes: 2000 'é' is 2000 chars but ~12000 percent-encoded bytes.
    @Test
    void baggageLimitCountsEncodedBytesNotCharacters() {
        assertThatThrownBy(() -> CallContext.newRequest().withBaggage("k", "é".repeat(2000)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CallContext.newRequest().withBaggage("k", "😀".repeat(1000)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Doc (withBaggage): many entries that together exceed the byte limit are rejected.
    @Test
    void manyBaggageEntriesTogetherOverTheByteLimitAreRejected() {
        CallContext context = CallContext.newRequest();
        String value = "v".repeat(200);
        assertThatThrownBy(() -> {
                    CallContext c = context;
                    for (int i = 0; i < 60; i++) {
                        c = c.withBaggage("key" + i, value);
                    }
                })
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Doc (baggage): "Baggage entries: unmodifiable, in insertion (or header) order."
    @Test
    void baggageIsUnmodifiableAndInInsertionOrder() {
        CallContext context = CallContext.newRequest()
                .withBaggage("zeta", "1")
                .withBaggage("alpha", "2")
                .withBaggage("mid", "3");
        assertThat(context.baggage().keySet()).containsExactly("zeta", "alpha", "mid");
        assertThatThrownBy(() -> context.baggage().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> context.baggage().remove("zeta")).isInstanceOf(UnsupportedOperationException.class);
    }

    // Doc (withoutBaggage): "This context without the baggage entry key (itself when there is none)."
    @Test
    void withoutBaggageOfAnAbsentKeyReturnsItself() {
        CallContext context = CallContext.newRequest().withBaggage("a", "1");
        assertThat(context.withoutBaggage("missing")).isSameAs(context);
        assertThat(context.withoutBaggage("a").baggage()).isEmpty();
    }

    // Doc (CallContext): "Instances are immutable and thread-safe; with* methods return a new context."
    @Test
    void withMethodsNeverChangeTheOriginal() {
        CallContext original = CallContext.newRequest().withBaggage("a", "1");
        Map<String, String> before = new LinkedHashMap<>(original.baggage());
        String requestId = original.requestId();
        original.withCaller("x").withTenant("t").withRequestId("other").withBaggage("b", "2");
        original.withoutBaggage("a");
        original.withOperation(SPAN);
        assertThat(original.caller()).isNull();
        assertThat(original.tenant()).isNull();
        assertThat(original.requestId()).isEqualTo(requestId);
        assertThat(original.baggage()).isEqualTo(before);
        assertThat(original.operationId()).isNull();
    }

    // Doc (CallContext): "Two contexts are equal when all their fields are."
    @Test
    void equalityFollowsEveryField() {
        CallContext base = CallContext.newRequest();
        CallContext a = base.withCaller("u").withBaggage("k", "v");
        CallContext b = base.withCaller("u").withBaggage("k", "v");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(base.withCaller("u").withBaggage("k", "w"));
        assertThat(a).isNotEqualTo(a.withTenant("t"));
        assertThat(a).isNotEqualTo(a.withOperation(SPAN));
    }

    // Doc (toString): "Fields and baggage keys; baggage values are left out of logs."
    @Test
    void toStringShowsBaggageKeysButNeverValues() {
        CallContext context =
                CallContext.newRequest().withCaller("user:42").withBaggage("session-hint", "VALUE-THAT-MUST-NOT-LEAK");
        assertThat(context.toString()).contains("session-hint").contains("user:42");
        assertThat(context.toString()).doesNotContain("VALUE-THAT-MUST-NOT-LEAK");
    }

    // Doc (CallContext): baggage values may be any string (they are percent-encoded on the wire), including unicode and
    // delimiters.
    @Test
    void baggageValueMayHoldDelimitersAndUnicode() {
        String value = "a,b;c=d%e \"f\" ü 😀";
        assertThat(CallContext.newRequest().withBaggage("k", value).baggage()).containsEntry("k", value);
    }
}
