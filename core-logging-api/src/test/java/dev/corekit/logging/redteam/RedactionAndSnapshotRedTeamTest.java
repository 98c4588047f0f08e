package dev.corekit.logging.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import dev.corekit.config.InvalidSettingException;
import dev.corekit.config.Secret;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.LoggingSettings;
import dev.corekit.logging.Recorder;
import dev.corekit.logging.Redactor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.Level;

/** Red-team checks of redaction and safe snapshots, before any sink sees a value. */
class RedactionAndSnapshotRedTeamTest {

    final Redactor redactor = Redactor.ofDefaults();
    final InMemorySink sink = new InMemorySink();
    final Recorder recorder = Recorder.of(sink);

    enum Color {
        RED {
            @Override
            public String toString() {
                return "custom-red";
            }
        }
    }

    enum Key {
        PASSWORD
    }

    static final class ToStringThrows {
        @Override
        public String toString() {
            throw new IllegalStateException("toString exploded");
        }
    }

    static final class ToStringThrowsError {
        @Override
        public String toString() {
            throw new StackOverflowError("deep toString");
        }
    }

    static final class ToStringNull {
        @Override
        public String toString() {
            return null;
        }
    }

    static final class IterationThrows extends AbstractCollection<Object> {
        @Override
        public Iterator<Object> iterator() {
            throw new UnsupportedOperationException("no iteration");
        }

        @Override
        public int size() {
            return 3;
        }
    }

    static final class EntrySetThrows extends AbstractMap<String, Object> {
        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            throw new ConcurrentModificationException2();
        }
    }

    static final class SizeThrows extends AbstractCollection<Object> {
        @Override
        public Iterator<Object> iterator() {
            return List.<Object>of(1, 2).iterator();
        }

        @Override
        public int size() {
            throw new IllegalStateException("size exploded");
        }
    }

    /** A map whose entries throw when read. */
    static final class EntryGetterThrows extends AbstractMap<String, Object> {
        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            Map.Entry<String, Object> entry = new Map.Entry<>() {
                @Override
                public String getKey() {
                    throw new IllegalStateException("getKey exploded");
                }

                @Override
                public Object getValue() {
                    throw new IllegalStateException("getValue exploded");
                }

                @Override
                public Object setValue(Object value) {
                    throw new UnsupportedOperationException();
                }
            };
            return Set.of(entry);
        }
    }

    /** A Number whose every accessor throws. */
    static final class HostileNumber extends Number {
        private static final long serialVersionUID = 1L;

        @Override
        public int intValue() {
            throw new IllegalStateException("intValue");
        }

        @Override
        public long longValue() {
            throw new IllegalStateException("longValue");
        }

        @Override
        public float floatValue() {
            throw new IllegalStateException("floatValue");
        }

        @Override
        public double doubleValue() {
            throw new IllegalStateException("doubleValue");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString");
        }
    }

    static final class ConcurrentModificationException2 extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    static Object attrOf(Recorder recorder, InMemorySink sink, String key, Object value) {
        sink.clear();
        recorder.run("rt.attr", op -> op.attr(key, value));
        return sink.records().get(1).attributes().get(key);
    }

    Object attr(String key, Object value) {
        return attrOf(recorder, sink, key, value);
    }

    // Doc (Redactor): "A key is sensitive when it contains one of the configured fragments, ignoring case and the
    // separators -, _, . and space: with the fragment api-key, X-Api-Key, apiKey and api_key are all redacted."
    @ParameterizedTest
    @ValueSource(
            strings = {
                "X-Api-Key",
                "apiKey",
                "api_key",
                "API.KEY",
                "Api Key",
                "x_API-key-header",
                "a_p_i-k.e y",
                "APIKEY",
                "Authorization",
                "PROXY-AUTHORIZATION",
                "db.password",
                "passwordHash",
                "user_passwd",
                "clientSecret",
                "accessToken",
                "Set-Cookie",
                "X-Session-Id",
                "private_key",
                "aws.credentials",
                "Private.Key.Pem"
            })
    void sensitiveKeysInAnySpellingAreRedacted(String key) {
        assertThat(redactor.isSensitive(key)).as(key).isTrue();
        assertThat(redactor.redact(key, "hunter2")).isEqualTo(Redactor.REDACTED);
        assertThat(attr(key, "hunter2")).isEqualTo(Redactor.REDACTED);
    }

    // Doc (Redactor): "ignoring case" - also under a default locale whose case rules differ (Turkish dotless i).
    @Test
    void caseIsIgnoredWhateverTheDefaultLocale() {
        Locale previous = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            Redactor turkish = Redactor.of(LoggingSettings.DEFAULT_REDACT_KEYS);
            assertThat(turkish.isSensitive("AUTHORIZATION")).isTrue();
            assertThat(turkish.isSensitive("X-API-KEY")).isTrue();
            assertThat(turkish.isSensitive("SESSION_ID")).isTrue();
            assertThat(Redactor.of(List.of("IBAN")).isSensitive("customer_iban"))
                    .isTrue();
        } finally {
            Locale.setDefault(previous);
        }
    }

    // Doc (Redactor): sensitive only when a fragment is contained; ordinary keys are kept.
    @ParameterizedTest
    @ValueSource(strings = {"items", "orderId", "name", "count", "path", "status"})
    void ordinaryKeysAreKept(String key) {
        assertThat(redactor.isSensitive(key)).isFalse();
        assertThat(redactor.redact(key, "visible")).isEqualTo("visible");
    }

    // Doc (Redactor): "Nested maps and lists are redacted too."
    @Test
    void nestedMapsAndListsAreRedacted() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer SECRET-1");
        headers.put("Accept", "json");
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("headers", headers);
        value.put("users", List.of(Map.of("password", "SECRET-2", "name", "ada")));
        value.put("array", new Object[] {Map.of("api_key", "SECRET-3")});
        value.put("deep", Map.of("a", Map.of("b", Map.of("c", List.of(Map.of("X-Api-Key", "SECRET-4"))))));
        Object snapshot = attr("request", value);
        assertThat(snapshot.toString())
                .doesNotContain("SECRET-1", "SECRET-2", "SECRET-3", "SECRET-4")
                .contains("json")
                .contains("ada");
    }

    // Doc (Redactor.redact(key, value)): '"[REDACTED]" for a sensitive key' - the whole value, even a map or a hostile
    // object.
    @Test
    void sensitiveKeyRedactsTheWholeValueWhateverItIs() {
        assertThat(attr("credentials", Map.of("user", "u", "pw", "SECRET"))).isEqualTo(Redactor.REDACTED);
        assertThat(attr("token", new ToStringThrows())).isEqualTo(Redactor.REDACTED);
        assertThat(attr("session", List.of("SECRET-IN-LIST"))).isEqualTo(Redactor.REDACTED);
    }

    // Doc (Redactor): "maps become ordered maps with string keys" and nested maps are redacted - a non-String key whose
    // text is sensitive is redacted too.
    @Test
    void nonStringMapKeysBecomeStringsAndAreCheckedForSensitivity() {
        Map<Object, Object> value = new LinkedHashMap<>();
        value.put(Key.PASSWORD, "SECRET-ENUM-KEY");
        value.put(42, "forty-two");
        @SuppressWarnings("unchecked")
        Map<String, Object> snapshot = (Map<String, Object>) attr("payload", value);
        assertThat(snapshot.toString()).doesNotContain("SECRET-ENUM-KEY");
        assertThat(snapshot).containsEntry("42", "forty-two");
        assertThat(snapshot.keySet()).allSatisfy(k -> assertThat(k).isInstanceOf(String.class));
    }

    // Doc (Redactor): "Runs before a record is built, so no sink ever sees a secret" - operations, stages and events.
    @Test
    void noSinkEverSeesASecretFromAttrsStagesOrEvents() {
        List<LogRecord> seen = new ArrayList<>();
        Recorder spying = Recorder.of(seen::add);
        spying.run("rt.secrets", op -> {
            op.attr("password", "SECRET-A");
            op.stage("login", Map.of("token", "SECRET-B", "nested", Map.of("cookie", "SECRET-C")));
        });
        spying.event(
                Level.WARN,
                "rt.logger",
                "m",
                Map.of("Authorization", "SECRET-D", "list", List.of(Map.of("secret", "SECRET-E"))),
                null);
        assertThat(seen).hasSize(3);
        for (LogRecord record : seen) {
            assertThat(record.toString()).doesNotContain("SECRET-A", "SECRET-B", "SECRET-C", "SECRET-D", "SECRET-E");
        }
    }

    // Doc (Secret): "a secret can sit in ... a log line ... without leaking" - a Secret attached under an ordinary key
    // is snapshotted through its masked toString().
    @Test
    void aSecretValueUnderAnOrdinaryKeyStaysMasked() {
        Object value = attr("dbUri", Secret.of("mongodb://app:SECRET-PW@db:27017/x"));
        assertThat(value.toString()).doesNotContain("SECRET-PW");
    }

    // Doc (Redactor): "a value whose toString() (or iteration) throws becomes (unprintable: <exception type>)"
    @Test
    void toStringThatThrowsBecomesAnUnprintableMarker() {
        assertThat(attr("v", new ToStringThrows()))
                .isInstanceOf(String.class)
                .asString()
                .startsWith("(unprintable:")
                .contains("IllegalStateException");
        assertThat(redactor.redact("v", new ToStringThrows())).asString().startsWith("(unprintable:");
    }

    // Doc (Redactor): "Nothing here throws" / "a value whose toString() ... throws becomes (unprintable: ...)" - even
    // when what it throws is an Error.
    @Test
    void toStringThatThrowsAnErrorIsStillAMarker() {
        assertThatCode(() -> redactor.redact("v", new ToStringThrowsError())).doesNotThrowAnyException();
        assertThat(attr("v", new ToStringThrowsError())).asString().startsWith("(unprintable:");
    }

    // Doc (LogRecord): "a value that could not be shown is a marker such as "(null)" ..., never an exception" - a
    // toString() that returns null.
    @Test
    void toStringReturningNullIsNotANullValue() {
        assertThatCode(() -> redactor.redact("v", new ToStringNull())).doesNotThrowAnyException();
        assertThat(attr("v", new ToStringNull())).isNotNull();
    }

    // Doc (Redactor): "a value whose ... iteration throws becomes (unprintable: <exception type>)"
    @Test
    void collectionWhoseIterationThrowsBecomesAMarker() {
        assertThatCode(() -> attr("v", new IterationThrows())).doesNotThrowAnyException();
        assertThat(attr("v", new IterationThrows())).isEqualTo("(unprintable: UnsupportedOperationException)");
    }

    // Doc (Redactor): "a value whose ... iteration throws becomes (unprintable: <exception type>)" - a map whose
    // entrySet() throws.
    @Test
    void mapWhoseIterationThrowsBecomesAMarker() {
        assertThatCode(() -> redactor.redact("m", new EntrySetThrows())).doesNotThrowAnyException();
        assertThat(redactor.redact("m", new EntrySetThrows())).asString().startsWith("(unprintable:");
    }

    // Doc (Redactor): "a null key or value becomes "(null)"" / Operation.attr "a null key or value is recorded as
    // "(null)""
    @Test
    void nullKeysAndValuesBecomeTheNullMarker() {
        recorder.run("rt.nulls", op -> op.attr(null, "v").attr("k", null));
        Map<String, Object> attributes = sink.records().get(1).attributes();
        assertThat(attributes).containsEntry(LogRecord.NULL_MARKER, "v").containsEntry("k", LogRecord.NULL_MARKER);
        Map<String, Object> withNulls = new HashMap<>();
        withNulls.put(null, null);
        withNulls.put("x", Arrays.asList(null, 1));
        Map<String, Object> redacted = redactor.redact(withNulls);
        assertThat(redacted).containsEntry("(null)", "(null)");
        assertThat(redacted.get("x")).isEqualTo(List.of("(null)", 1));
        assertThat(redactor.redact(null)).isEmpty();
        assertThatCode(() -> redactor.redact((String) null, "v")).doesNotThrowAnyException();
    }

    // Doc (Redactor): "(at most 16 levels deep, then "(too deep)")" and MAX_DEPTH "(a map that contains itself ends
    // here)"
    @Test
    void selfContainingStructuresEndAtTooDeepInsteadOfOverflowing() {
        List<Object> list = new ArrayList<>();
        list.add(list);
        Map<String, Object> map = new HashMap<>();
        map.put("self", map);
        assertThatCode(() -> redactor.redact("list", list)).doesNotThrowAnyException();
        assertThat(attr("list", list).toString()).contains(Redactor.TOO_DEEP);
        assertThat(attr("map", map).toString()).contains(Redactor.TOO_DEEP);
        assertThat(depth(attr("list", list))).isLessThanOrEqualTo(Redactor.MAX_DEPTH + 1);
    }

    // Doc (Redactor): "at most 16 levels deep, then "(too deep)"" - a 100,000-level nesting is cut, not a
    // StackOverflowError.
    @Test
    void extremelyDeepNestingIsCutAtMaxDepth() {
        Object deep = "bottom";
        for (int i = 0; i < 100_000; i++) {
            deep = List.of(deep);
        }
        Object value = deep;
        assertThatCode(() -> recorder.run("rt.deep", op -> op.attr("deep", value)))
                .doesNotThrowAnyException();
        Object snapshot =
                sink.records().get(sink.records().size() - 1).attributes().get("deep");
        assertThat(depth(snapshot)).isLessThanOrEqualTo(Redactor.MAX_DEPTH + 1);
        assertThat(snapshot.toString()).contains(Redactor.TOO_DEEP).doesNotContain("bottom");
    }

    // Doc (Redactor): "at most 16 levels deep" - 16 levels of nesting are kept intact.
    @Test
    void sixteenLevelsAreKept() {
        Object nested = "leaf";
        for (int i = 0; i < Redactor.MAX_DEPTH - 1; i++) {
            nested = List.of(nested);
        }
        assertThat(attr("ok", nested).toString()).contains("leaf").doesNotContain(Redactor.TOO_DEEP);
    }

    static int depth(Object value) {
        int d = 0;
        Object current = value;
        while (current instanceof List<?> || current instanceof Map<?, ?>) {
            d++;
            if (current instanceof List<?> l) {
                current = l.isEmpty() ? null : l.get(0);
            } else {
                Map<?, ?> m = (Map<?, ?>) current;
                current = m.isEmpty() ? null : m.values().iterator().next();
            }
        }
        return d;
    }

    // Doc (Redactor): "collections and arrays become lists"
    @Test
    void arraysAndCollectionsBecomeLists() {
        assertThat(attr("ints", new int[] {1, 2, 3})).isEqualTo(List.of(1, 2, 3));
        assertThat(attr("strings", new String[] {"a", "b"})).isEqualTo(List.of("a", "b"));
        assertThat(attr("matrix", new int[][] {{1}, {2, 3}})).isEqualTo(List.of(List.of(1), List.of(2, 3)));
        assertThat(attr("set", new java.util.TreeSet<>(List.of("x", "y")))).isEqualTo(List.of("x", "y"));
        assertThat(attr("chars", new char[] {'h', 'i'})).isInstanceOf(List.class);
    }

    // Doc (Redactor): "NaN and infinities their name as text"
    @Test
    void nanAndInfinitiesBecomeText() {
        assertThat(attr("nan", Double.NaN)).isEqualTo("NaN");
        assertThat(attr("inf", Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(attr("ninf", Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(attr("fnan", Float.NaN)).isEqualTo("NaN");
        assertThat(attr("list", List.of(Double.NaN))).isEqualTo(List.of("NaN"));
        assertThat(attr("finite", 1.5d)).isEqualTo(1.5d);
    }

    // Doc (Redactor): "strings, booleans, whole numbers, finite decimals, BigDecimal, BigInteger and Instant are kept"
    @Test
    void safeScalarsAreKeptAsTheyAre() {
        BigDecimal decimal = new BigDecimal("12345678901234567890.123456789");
        BigInteger big = new BigInteger("123456789012345678901234567890");
        Instant instant = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(attr("d", decimal)).isEqualTo(decimal);
        assertThat(attr("b", big)).isEqualTo(big);
        assertThat(attr("i", instant)).isEqualTo(instant);
        assertThat(attr("l", Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(attr("t", true)).isEqualTo(true);
    }

    // Doc (Redactor): "enums their name"
    @Test
    void enumsBecomeTheirNameNotTheirToString() {
        assertThat(attr("color", Color.RED)).isEqualTo("RED");
    }

    // Doc (Redactor): "anything else its toString() taken now" / Operation.attr: "the value is snapshotted now"
    @Test
    void valuesAreSnapshottedWhenAttached() {
        List<String> mutable = new ArrayList<>(List.of("a"));
        StringBuilder builder = new StringBuilder("before");
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("k", "before");
        recorder.run("rt.snapshot", op -> {
            op.attr("list", mutable).attr("builder", builder).attr("map", map).attr("opt", Optional.of("x"));
            mutable.add("b");
            builder.append("-after");
            map.put("k", "after");
        });
        Map<String, Object> attributes = sink.records().get(1).attributes();
        assertThat(attributes.get("list")).isEqualTo(List.of("a"));
        assertThat(attributes.get("builder")).isEqualTo("before");
        assertThat(attributes.get("map")).isEqualTo(Map.of("k", "before"));
        assertThat(attributes.get("opt")).isEqualTo("Optional[x]");
    }

    // Doc (Redactor.redact(Map)): "A safe, redacted copy of attributes in the same order"
    @Test
    void redactKeepsTheOrderOfAThousandKeys() {
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (int i = 999; i >= 0; i--) {
            ordered.put("key" + i, i);
        }
        assertThat(redactor.redact(ordered).keySet()).containsExactlyElementsOf(ordered.keySet());
    }

    // Doc (Redactor.of): "Throws: IllegalArgumentException - naming the list when a fragment has no letter or digit (it
    // would match nothing or everything)"
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-", "_.-", "  -  "})
    void fragmentWithoutLetterOrDigitIsRefusedNamingTheList(String fragment) {
        assertThatThrownBy(() -> Redactor.of(List.of("iban", fragment)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("iban");
    }

    // Doc (Redactor): fragments are matched "ignoring case and the separators" - on the fragment side too.
    @Test
    void customFragmentsMatchIgnoringCaseAndSeparators() {
        Redactor custom = Redactor.of(List.of("I-B-A-N"));
        assertThat(custom.isSensitive("customerIban")).isTrue();
        assertThat(custom.isSensitive("iban_number")).isTrue();
        assertThat(custom.isSensitive("bank")).isFalse();
    }

    // Doc (LoggingSettings.redactKeys): "always DEFAULT_REDACT_KEYS, plus the keys configured in
    // corekit.logging.redact-keys (a configuration can add keys, never switch the defaults off by mistake)"
    @Test
    void configuredRedactKeysAddToTheDefaults() {
        Config config = Config.of(Map.of("corekit.logging.redact-keys", "iban, ssn"), Map.of(), Map.of());
        LoggingSettings settings = LoggingSettings.load(config);
        assertThat(settings.redactKeys())
                .containsAll(LoggingSettings.DEFAULT_REDACT_KEYS)
                .contains("iban", "ssn");
        LoggingSettings fromEnv =
                LoggingSettings.load(Config.of(Map.of(), Map.of("COREKIT_LOGGING_REDACT_KEYS", "pan"), Map.of()));
        assertThat(fromEnv.redactKeys())
                .containsAll(LoggingSettings.DEFAULT_REDACT_KEYS)
                .contains("pan");
        LoggingSettings built = LoggingSettings.custom(Config.defaultsOnly())
                .redactKeys(List.of("iban"))
                .build();
        assertThat(built.redactKeys())
                .containsAll(LoggingSettings.DEFAULT_REDACT_KEYS)
                .contains("iban");
        assertThat(LoggingSettings.ofDefaults().redactKeys())
                .containsExactlyInAnyOrderElementsOf(LoggingSettings.DEFAULT_REDACT_KEYS);
    }

    // Doc (LoggingSettings record component redactKeys): "always DEFAULT_REDACT_KEYS, plus the keys configured"
    @Test
    void theRecordItselfAlwaysHoldsTheDefaults() {
        LoggingSettings settings = new LoggingSettings(List.of("iban"));
        assertThat(settings.redactKeys()).containsAll(LoggingSettings.DEFAULT_REDACT_KEYS);
    }

    // Doc (LoggingSettings.load / Builder.build): "Throws: InvalidSettingException - naming every bad value"
    @ParameterizedTest
    @ValueSource(strings = {"iban,-", "iban,,ssn", "_", ",", "iban, . "})
    void badRedactKeysFailWithAnInvalidSettingNamingTheKey(String value) {
        Config config = Config.of(Map.of("corekit.logging.redact-keys", value), Map.of(), Map.of());
        assertThatThrownBy(() -> LoggingSettings.load(config))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("corekit.logging.redact-keys");
    }

    // Doc (Builder.build): "Resolves and validates every setting." - a bad key set in code fails the same way.
    @Test
    void badRedactKeySetInCodeFailsAtBuild() {
        assertThatThrownBy(() -> LoggingSettings.custom(Config.defaultsOnly())
                        .redactKeys(List.of("--"))
                        .build())
                .isInstanceOf(InvalidSettingException.class);
    }

    // Doc (LoggingSettings.Builder.redactKeys): "Keys to redact in addition to LoggingSettings.DEFAULT_REDACT_KEYS." -
    // the builder beats a system property (builder > system property) without dropping the defaults.
    @Test
    void builderRedactKeysBeatTheConfiguredOnes() {
        Config config = Config.of(Map.of("corekit.logging.redact-keys", "fromsys"), Map.of(), Map.of());
        LoggingSettings built =
                LoggingSettings.custom(config).redactKeys(List.of("fromcode")).build();
        assertThat(built.redactKeys()).contains("fromcode").containsAll(LoggingSettings.DEFAULT_REDACT_KEYS);
    }

    // Doc (Redactor): "Nothing here throws" / Operation.attr: "Never throws." - a collection whose size() throws.
    @Test
    void collectionWhoseSizeThrowsNeverThrowsFromRedactor() {
        assertThatCode(() -> redactor.redact("v", new SizeThrows())).doesNotThrowAnyException();
    }

    // Doc (Redactor): "Nothing here throws" - a collection whose size() throws, through Redactor.redact(Map).
    @Test
    void collectionWhoseSizeThrowsNeverThrowsFromRedactMap() {
        assertThatCode(() -> redactor.redact(Map.of("v", new SizeThrows()))).doesNotThrowAnyException();
    }

    // Doc (Redactor): "Nothing here throws" - a map whose entries throw on getKey()/getValue().
    @Test
    void mapWhoseEntriesThrowNeverThrows() {
        assertThatCode(() -> redactor.redact("m", new EntryGetterThrows())).doesNotThrowAnyException();
        assertThatCode(() -> attr("m", new EntryGetterThrows())).doesNotThrowAnyException();
    }

    // Doc (Redactor): "Nothing here throws" - a Number whose accessors and toString() all throw.
    @Test
    void hostileNumberBecomesAMarker() {
        assertThatCode(() -> redactor.redact("n", new HostileNumber())).doesNotThrowAnyException();
        assertThat(attr("n", new HostileNumber())).asString().startsWith("(unprintable:");
    }

    // Doc (Redactor.redact(Map)): "A safe, redacted copy of attributes" - "Nothing here throws" - when the attributes
    // map itself is hostile.
    @Test
    void hostileAttributesMapItselfNeverThrows() {
        assertThatCode(() -> redactor.redact(new EntrySetThrows())).doesNotThrowAnyException();
        assertThatCode(() -> redactor.redact(new EntryGetterThrows())).doesNotThrowAnyException();
    }

    // Doc (Recorder.event): "redacts and snapshots attributes (may be null) ... Never throws." - hostile attributes
    // map.
    @Test
    void eventWithAHostileAttributesMapNeverThrows() {
        assertThatCode(() -> recorder.event(Level.INFO, "rt", "m", new EntrySetThrows(), null))
                .doesNotThrowAnyException();
        assertThatCode(() -> recorder.event(Level.INFO, "rt", "m", Map.of("h", new EntryGetterThrows()), null))
                .doesNotThrowAnyException();
    }

    /** Runs a body that attaches something hostile; reports the business outcome and the record statuses. */
    void assertBusinessCallUnbroken(java.util.function.Consumer<dev.corekit.logging.Operation> attach) {
        sink.clear();
        AtomicReference<Object> outcome = new AtomicReference<>();
        try {
            outcome.set(recorder.call("rt.hostile", op -> {
                attach.accept(op);
                return "business value";
            }));
        } catch (RuntimeException e) {
            outcome.set(e);
        }
        org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(outcome.get()).as("business outcome").isEqualTo("business value");
            soft.assertThat(sink.records())
                    .as("record statuses")
                    .extracting(LogRecord::status)
                    .containsExactly(LogRecord.Status.STARTED, LogRecord.Status.SUCCEEDED);
        });
    }

    // Doc (Operation.stage(name, attributes)): "with attributes of its own (redacted and snapshotted; may be null)
    // ... Never throws." + (Recorder) "Whatever a caller attaches ... the operation's own outcome, its value ... comes
    // through unchanged" - the stage attributes map itself is hostile.
    @Test
    void stageWithAHostileAttributesMapNeverBreaksTheCall() {
        assertBusinessCallUnbroken(op -> op.stage("s", new EntrySetThrows()));
    }

    // Same promise - a hostile collection nested in stage attributes.
    @Test
    void stageWithAHostileNestedCollectionNeverBreaksTheCall() {
        assertBusinessCallUnbroken(op -> op.stage("t", Map.of("m", new SizeThrows())));
    }

    // Doc (Operation.attr): "Never throws." + (Recorder) "Whatever a caller attaches ... comes through unchanged" - a
    // map
    // attribute whose entrySet()/size() throws.
    @Test
    void hostileMapAttributeNeverTurnsSuccessIntoFailure() {
        assertBusinessCallUnbroken(op -> op.attr("payload", new EntrySetThrows()));
    }

    // Same promise - a collection attribute whose size() throws.
    @Test
    void hostileCollectionAttributeNeverTurnsSuccessIntoFailure() {
        assertBusinessCallUnbroken(op -> op.attr("payload", new SizeThrows()));
    }

    // Same promise - a hostile map nested inside an ordinary list attribute.
    @Test
    void nestedHostileMapNeverTurnsSuccessIntoFailure() {
        assertBusinessCallUnbroken(op -> op.attr("payload", List.of(Map.of("inner", new EntrySetThrows()))));
    }
}
