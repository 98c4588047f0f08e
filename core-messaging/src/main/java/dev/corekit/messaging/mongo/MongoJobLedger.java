package dev.corekit.messaging.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.corekit.messaging.JobLedger;
import dev.corekit.messaging.JobStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A {@link JobLedger} in a MongoDB collection, one document per job, majority writes and reads:
 *
 * <pre>{@code
 * {_id: "export-42", name: "exports.rows", total: 12345, pages: 25, succeeded: 24, failed: 1,
 *  outcomes: {"0": "SUCCEEDED", ..., "7": "FAILED"}, failures: {"7": "RETRIES_EXHAUSTED: ..."},
 *  startedAt: ISODate, completedAt: ISODate}
 * }</pre>
 *
 * <p>A page outcome is recorded by a conditional update (only if the page has none yet), and completion by another
 * (only if not completed yet), so concurrent workers record each page once and complete the job once. Needs
 * {@code org.mongodb:mongodb-driver-sync} (an optional dependency of core-messaging). Thread-safe.
 */
public final class MongoJobLedger implements JobLedger {
    private final MongoCollection<Document> collection;
    private final Clock clock;

    private MongoJobLedger(MongoCollection<Document> collection, Clock clock) {
        this.collection = collection.withWriteConcern(WriteConcern.MAJORITY).withReadConcern(ReadConcern.MAJORITY);
        this.clock = clock;
    }

    /** A ledger in {@code collection} (take it from the {@code MongoClient} your service configured). */
    public static MongoJobLedger of(MongoCollection<Document> collection) {
        return new MongoJobLedger(Objects.requireNonNull(collection, "collection"), Clock.systemUTC());
    }

    @Override
    public JobStatus started(String jobId, String name, long total, int pages) {
        Date now = Date.from(clock.instant());
        Document job = new Document("_id", jobId)
                .append("name", name)
                .append("total", total)
                .append("pages", pages)
                .append("succeeded", 0)
                .append("failed", 0)
                .append("outcomes", new Document())
                .append("failures", new Document())
                .append("startedAt", now);
        if (pages == 0) {
            job.append("completedAt", now);
        }
        try {
            collection.insertOne(job);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
        return status(jobId).orElseThrow();
    }

    @Override
    public boolean pageFinished(String jobId, int page, Outcome outcome, String error) {
        if (page < 0) {
            throw new IllegalArgumentException("fan-out job '" + jobId + "' has no page " + page);
        }
        String key = Integer.toString(page);
        List<Bson> updates = new ArrayList<>();
        updates.add(Updates.set("outcomes." + key, outcome.name()));
        updates.add(Updates.inc(outcome == Outcome.SUCCEEDED ? "succeeded" : "failed", 1));
        if (outcome == Outcome.FAILED) {
            updates.add(Updates.set("failures." + key, error == null ? "failed" : error));
        }
        var recorded = collection.updateOne(
                Filters.and(
                        Filters.eq("_id", jobId), Filters.gt("pages", page), Filters.exists("outcomes." + key, false)),
                Updates.combine(updates));
        if (recorded.getMatchedCount() == 0) {
            Document started = collection.find(Filters.eq("_id", jobId)).first();
            if (started == null) {
                throw new IllegalStateException("fan-out job '" + jobId + "' was never started");
            }
            if (page >= number(started, "pages")) {
                throw new IllegalArgumentException("fan-out job '" + jobId + "' has pages 0 to "
                        + (number(started, "pages") - 1) + ", not page " + page);
            }
            return false; // this page already had its outcome
        }
        Document job = collection.find(Filters.eq("_id", jobId)).first();
        if (job == null
                || job.get("completedAt") != null
                || number(job, "succeeded") + number(job, "failed") < number(job, "pages")) {
            return false;
        }
        return collection
                        .updateOne(
                                Filters.and(Filters.eq("_id", jobId), Filters.exists("completedAt", false)),
                                Updates.set("completedAt", Date.from(clock.instant())))
                        .getModifiedCount()
                == 1;
    }

    @Override
    public Optional<JobStatus> status(String jobId) {
        Document job = collection.find(Filters.eq("_id", jobId)).first();
        if (job == null) {
            return Optional.empty();
        }
        Map<Integer, String> failures = new LinkedHashMap<>();
        Document stored = job.get("failures", Document.class);
        if (stored != null) {
            stored.forEach((page, error) -> failures.put(Integer.valueOf(page), String.valueOf(error)));
        }
        Date completedAt = job.getDate("completedAt");
        return Optional.of(new JobStatus(
                jobId,
                job.getString("name"),
                ((Number) job.get("total")).longValue(),
                (int) number(job, "pages"),
                (int) number(job, "succeeded"),
                (int) number(job, "failed"),
                failures,
                job.getDate("startedAt").toInstant(),
                completedAt == null ? null : completedAt.toInstant()));
    }

    private static long number(Document job, String field) {
        Object value = job.get(field);
        return value instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public String toString() {
        return "MongoJobLedger{" + collection.getNamespace() + "}";
    }
}
