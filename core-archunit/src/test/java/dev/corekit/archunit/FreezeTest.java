package dev.corekit.archunit;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import com.tngtech.archunit.library.freeze.ViolationStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A frozen corekit rule fails only on new violations, and moving code (line numbers) does not make any new. */
class FreezeTest {
    /** A store in memory, so the test can move the stored violations' line numbers as an edit would. */
    static final class MemoryStore implements ViolationStore {
        final Map<String, List<String>> stored = new HashMap<>();

        @Override
        public void initialize(Properties properties) {}

        @Override
        public boolean contains(ArchRule rule) {
            return stored.containsKey(rule.getDescription());
        }

        @Override
        public void save(ArchRule rule, List<String> violations) {
            stored.put(rule.getDescription(), new ArrayList<>(violations));
        }

        @Override
        public List<String> getViolations(ArchRule rule) {
            return stored.getOrDefault(rule.getDescription(), List.of());
        }
    }

    final JavaClasses legacy = new ClassFileImporter().importPackages("dev.corekit.archunit.fixtures.concurrency");

    @Test
    void frozenViolationsPassEvenWhenTheirLinesMove() {
        MemoryStore store = new MemoryStore();
        ArchRule frozen =
                FreezingArchRule.freeze(CorekitRules.NO_RAW_THREAD_POOLS).persistIn(store);
        assertThat(frozen.evaluate(legacy).hasViolation())
                .as("first run records today's violations")
                .isFalse();
        List<String> recorded = store.stored.values().iterator().next();
        assertThat(recorded).hasSize(3);

        // The code moves down 40 lines: the store still holds the old line numbers.
        store.stored.replaceAll((rule, lines) -> lines.stream()
                .map(line -> line.replaceAll("\\.java:(\\d+)\\)", ".java:$140)"))
                .toList());

        assertThat(frozen.evaluate(legacy).hasViolation()).isFalse();
    }

    @Test
    void newViolationFailsAFrozenRule() {
        MemoryStore store = new MemoryStore();
        ArchRule frozen =
                FreezingArchRule.freeze(CorekitRules.NO_RAW_THREAD_POOLS).persistIn(store);
        frozen.evaluate(legacy);
        store.stored.replaceAll((rule, lines) ->
                lines.stream().filter(l -> !l.contains("RawThread")).toList());

        assertThat(frozen.evaluate(legacy).getFailureReport().getDetails())
                .singleElement()
                .asString()
                .contains("RawThread.start");
    }
}
