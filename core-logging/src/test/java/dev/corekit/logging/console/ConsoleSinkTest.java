package dev.corekit.logging.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corekit.logging.Recorder;
import dev.corekit.logging.Redactor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleSinkTest {
    @Test
    void eachRecordIsOneJsonLineWithContextAndError() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder recorder = Recorder.of(ConsoleSink.of(out));

        try {
            recorder.run("orders.create", op -> {
                op.attr("items", 2).attr("password", "hunter2").stage("priced");
                throw new IllegalStateException("no stock");
            });
        } catch (IllegalStateException expected) {
            // recorded
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("status").asText()).isEqualTo("STARTED");
        JsonNode done = lines.get(1);
        assertThat(done.get("id").asText()).isEqualTo(lines.get(0).get("id").asText());
        assertThat(done.get("status").asText()).isEqualTo("FAILED");
        assertThat(done.get("ts").asText())
                .as("a completion line is stamped when it completed")
                .isEqualTo(done.get("endedAt").asText());
        assertThat(done.get("startedAt").asText())
                .isEqualTo(lines.get(0).get("ts").asText());
        assertThat(done.get("attributes").get("items").asInt()).isEqualTo(2);
        assertThat(done.get("attributes").get("password").asText()).isEqualTo(Redactor.REDACTED);
        assertThat(done.get("stages").get(0).get("name").asText()).isEqualTo("priced");
        assertThat(done.get("error").get("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(done.get("error").get("fingerprint").asText()).hasSize(16);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("hunter2");
    }
}
