package dev.corekit.logging.mongo.redteam;

import static dev.corekit.logging.mongo.redteam.MongoRig.await;
import static dev.corekit.logging.mongo.redteam.MongoRig.completed;
import static dev.corekit.logging.mongo.redteam.MongoRig.event;
import static dev.corekit.logging.mongo.redteam.MongoRig.gap;
import static dev.corekit.logging.mongo.redteam.MongoRig.started;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.logging.LogRecord;
import dev.corekit.logging.mongo.MongoSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** Red team: one document per operation, and a late STARTED never overwriting a completion. */
class CollapseRedTeamTest {
    @TempDir
    Path temp;

    // Doc (MongoSink): "Collapse: a STARTED record and the completion of the same operation in one batch are written
    // once, as the completion." Doc (Stats.written): "a collapsed STARTED counts as written with its completion".
    @RepeatedTest(3)
    void aStartedAndItsCompletionInOneBatchAreWrittenOnceAsTheCompletion() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            rig.stopServer();
            // MongoDB is down, so every pair waits in the queue and the batches after the first one hold both records.
            MongoSink sink =
                    rig.start(rig.settings().queueCapacity(4_000).batchSize(500).build());
            int operations = 1_000;
            Instant t0 = Instant.parse("2024-05-01T10:00:00Z");
            for (int i = 0; i < operations; i++) {
                sink.accept(started("op-" + i, t0.plusSeconds(i)));
                sink.accept(completed("op-" + i, t0.plusSeconds(i), i % 7 == 0));
            }
            rig.startServer();
            sink.flush();
            await("everything written", () -> MongoRig.idle(sink));
            for (List<String> command : rig.acknowledgedCommands) {
                Set<String> seen = new HashSet<>();
                for (String id : command) {
                    assertThat(seen.add(id))
                            .as("id %s written twice in one command", id)
                            .isTrue();
                }
            }
            Map<String, BsonDocument> stored = rig.stored();
            for (int i = 0; i < operations; i++) {
                BsonDocument doc = stored.get("op-" + i);
                assertThat(doc).as("op-%d", i).isNotNull();
                assertThat(doc.getString("status").getValue()).isEqualTo(i % 7 == 0 ? "FAILED" : "SUCCEEDED");
                assertThat(doc.containsKey("endedAt")).isTrue();
                assertThat(doc.getInt64("durationMicros").getValue()).isEqualTo(7_000);
                assertThat(doc.getDocument("attributes").getString("phase").getValue())
                        .isEqualTo("end");
            }
            MongoSink.Stats s = sink.stats();
            assertThat(s.written()).isEqualTo(2L * operations);
            assertThat(gap(s)).isZero();
        }
    }

    // Doc (MongoSink): "STARTED is written as a $setOnInsert upsert and a completion as a replace with upsert, so a
    // STARTED arriving late (a replayed spill) never overwrites a completion."
    @RepeatedTest(3)
    void aLateStartedNeverOverwritesACompletionWhetherInALaterBatchOrTheSameOne() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink = rig.start(rig.settings().build());
            Instant t0 = Instant.parse("2024-05-01T10:00:00Z");
            sink.accept(completed("late-a", t0, false));
            sink.flush();
            sink.accept(started("late-a", t0));
            sink.flush();
            // completion first, then its STARTED, back to back (most often in one batch)
            for (int i = 0; i < 200; i++) {
                sink.accept(completed("late-b" + i, t0, true));
                sink.accept(started("late-b" + i, t0));
            }
            sink.flush();
            Map<String, BsonDocument> stored = rig.stored();
            assertThat(stored.get("late-a").getString("status").getValue()).isEqualTo("SUCCEEDED");
            for (int i = 0; i < 200; i++) {
                assertThat(stored.get("late-b" + i).getString("status").getValue())
                        .as("late-b%d", i)
                        .isEqualTo("FAILED");
            }
            MongoSink.Stats s = sink.stats();
            assertThat(s.written()).isEqualTo(402);
            assertThat(s.rejected()).isZero();
            assertThat(gap(s)).isZero();
        }
    }

    // Doc (MongoSink): "so a STARTED arriving late (a replayed spill) never overwrites a completion." Doc (Replay):
    // "spill files are written [...] through the same upsert rules". Spill line format: "exactly the document that
    // would have been written".
    @Test
    void aStartedReplayedFromASpillFileNeverOverwritesTheCompletionAlreadyStored() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink writer = rig.start(rig.settings().build());
            Instant t0 = Instant.parse("2024-05-01T10:00:00Z");
            writer.accept(completed("replayed-op", t0, false));
            writer.flush();
            writer.close();
            // What a dead process spilled for the same operation: its STARTED record.
            Files.writeString(
                    rig.spill.resolve("spill-1000000000000-0.jsonl"),
                    "{\"_id\": \"replayed-op\", \"kind\": \"OPERATION\", \"level\": \"WARN\", \"name\": \"rt.op\","
                            + " \"status\": \"STARTED\", \"startedAt\": {\"$date\": \"2024-05-01T10:00:00Z\"}}\n",
                    StandardCharsets.UTF_8);
            MongoSink next = rig.start(rig.settings().build());
            await("the leftover replayed", () -> rig.spillFiles().isEmpty());
            assertThat(rig.stored().get("replayed-op").getString("status").getValue())
                    .isEqualTo("SUCCEEDED");
            assertThat(next.stats().replayed()).isEqualTo(1);
        }
    }

    // Doc (MongoSink): "Events are inserted; a duplicate key (a record replayed twice) counts as written."
    @RepeatedTest(3)
    void anEventAcceptedTwiceCountsAsWrittenNotRejected() throws Exception {
        try (MongoRig rig = new MongoRig(temp, false)) {
            MongoSink sink = rig.start(rig.settings().build());
            LogRecord once = event(Level.WARN, "dup-1");
            sink.accept(once);
            sink.flush();
            for (int i = 0; i < 10; i++) {
                sink.accept(once);
                sink.accept(event(Level.INFO, "fresh-" + i));
            }
            sink.flush();
            MongoSink.Stats s = sink.stats();
            assertThat(s.written()).isEqualTo(21);
            assertThat(s.rejected()).isZero();
            assertThat(gap(s)).isZero();
            assertThat(rig.stored()).containsKeys("dup-1", "fresh-9");
        }
    }
}
