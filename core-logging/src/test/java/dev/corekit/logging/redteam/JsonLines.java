package dev.corekit.logging.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Strict JSON-lines helpers for the red-team tests. */
final class JsonLines {
    static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonLines() {}

    /** Splits on '\n' only (the JSON-lines separator) and parses every line strictly as one JSON object. */
    static List<JsonNode> parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<JsonNode> nodes = new ArrayList<>();
        if (text.isEmpty()) {
            return nodes;
        }
        assertThat(text).as("JSON lines end with a newline").endsWith("\n");
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            assertThat(line).as("a line has no raw CR").doesNotContain("\r");
            try {
                JsonNode node = STRICT.readTree(line);
                assertThat(node).as("line is an object: %s", abbreviate(line)).isNotNull();
                assertThat(node.isObject())
                        .as("line is an object: %s", abbreviate(line))
                        .isTrue();
                nodes.add(node);
            } catch (Exception e) {
                throw new AssertionError("not one valid JSON object per line: " + abbreviate(line), e);
            }
        }
        return nodes;
    }

    static String abbreviate(String line) {
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Every text value anywhere in the node, for "the secret appears nowhere" checks. */
    static String allText(JsonNode node) {
        return node.toString();
    }
}
