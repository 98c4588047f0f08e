package dev.corekit.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compact attribute map records hold: ordered, immutable, a map like any other to its readers. */
class SnapshotMapTest {

    static Map<String, Object> build(Object... keysAndValues) {
        SnapshotMap.Builder builder = new SnapshotMap.Builder(keysAndValues.length / 2);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            builder.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return builder.build();
    }

    @Test
    void keepsInsertionOrderAndEqualsTheLinkedHashMapWithTheSameEntries() {
        Map<String, Object> map = build("b", 1, "a", 2, "c", null);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("b", 1);
        expected.put("a", 2);
        expected.put("c", null);

        assertThat(map).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(map.keySet()).containsExactly("b", "a", "c");
        assertThat(map.toString()).isEqualTo(expected.toString());
        assertThat(map.get("a")).isEqualTo(2);
        assertThat(map.get("missing")).isNull();
        assertThat(map.containsKey("c")).isTrue();
        List<String> visited = new ArrayList<>();
        map.forEach((k, v) -> visited.add(k + "=" + v));
        assertThat(visited).containsExactly("b=1", "a=2", "c=null");
    }

    @Test
    void aKeyPutTwiceKeepsItsFirstPositionAndItsLastValueLikeAMap() {
        assertThat(build("x", 1, "y", 2, "x", 3)).containsExactly(Map.entry("x", 3), Map.entry("y", 2));
    }

    @Test
    void growsBeyondTheExpectedSizeAndSwitchesToHashingWhenLarge() {
        SnapshotMap.Builder builder = new SnapshotMap.Builder(1);
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            builder.put("k" + i, i);
            expected.put("k" + i, i);
        }
        builder.put("k3", "again");
        expected.put("k3", "again");

        assertThat(builder.build()).containsExactlyEntriesOf(expected);
        assertThat(new SnapshotMap.Builder(0).build()).isEmpty();
    }

    @Test
    void isImmutable() {
        Map<String, Object> map = build("a", 1);
        assertThatThrownBy(() -> map.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.entrySet().iterator().next().setValue(3))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void redactorKeyMatchingIgnoresCaseAndSeparatorsAnywhereInTheKey() {
        Redactor redactor = Redactor.of(List.of("api-key", "password"));
        assertThat(List.of("X-Api-Key", "apiKey", "api_key", "my.API key.v2", "a-p-i-k-e-y", "PASS_word", "xpasswordx"))
                .allSatisfy(key -> assertThat(redactor.isSensitive(key)).as(key).isTrue());
        assertThat(List.of("apikye", "api", "key", "pass", "", "-_. ", "passwor-"))
                .allSatisfy(key -> assertThat(redactor.isSensitive(key)).as(key).isFalse());
        assertThat(redactor.isSensitive(null)).isFalse();
    }
}
