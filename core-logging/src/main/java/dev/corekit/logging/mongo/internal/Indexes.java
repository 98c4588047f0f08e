package dev.corekit.logging.mongo.internal;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import dev.corekit.logging.mongo.MongoSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the collection's indexes idempotently (see {@code MongoSink} for the list) and keeps the TTL index's
 * {@code expireAfterSeconds} equal to the retention: changed in place with {@code collMod}; when the server refuses
 * that, a warning names the fix and startup goes on.
 */
public final class Indexes {
    /** The name of the TTL index on {@code startedAt}. */
    public static final String TTL_INDEX = "startedAt_ttl";

    // Logs under the sink's name: an operator filters on one logger for everything the sink reports.
    private static final Logger LOG = LoggerFactory.getLogger(MongoSink.class);

    private final MongoDatabase database;
    private final MongoCollection<Document> collection;
    private final long retentionSeconds;

    public Indexes(MongoDatabase database, MongoCollection<Document> collection, Duration retention) {
        this.database = database;
        this.collection = collection;
        this.retentionSeconds = retention.toSeconds();
    }

    private static final List<IndexModel> SECONDARY = List.of(
            new IndexModel(new Document("requestId", 1)),
            new IndexModel(new Document("name", 1).append("startedAt", -1)),
            new IndexModel(new Document("status", 1).append("startedAt", -1)),
            new IndexModel(new Document("error.fingerprint", 1), new IndexOptions().sparse(true)));

    /**
     * Aligns the TTL index first (retention matters more than query speed), then creates each missing secondary index
     * on its own. An index the server refuses (an existing index of the same keys with other options, say) is
     * reported once as a warning naming it, and the others are still created; nothing is retried for it.
     *
     * @throws MongoException when MongoDB cannot be reached (the caller retries later)
     */
    public void ensure() {
        ensureTtl();
        for (IndexModel index : SECONDARY) {
            try {
                collection.createIndex(index.getKeys(), index.getOptions());
            } catch (com.mongodb.MongoCommandException refused) {
                LOG.warn(
                        "log index {} on {} cannot be created ({}); queries by it will scan. Fix: drop the conflicting"
                                + " index and restart",
                        index.getKeys(),
                        collection.getNamespace(),
                        refused.getErrorMessage());
            }
        }
    }

    private void ensureTtl() {
        Document ttl = null;
        for (Document index : collection.listIndexes().into(new ArrayList<>())) {
            if (TTL_INDEX.equals(index.getString("name"))) {
                ttl = index;
            }
        }
        if (ttl == null) {
            try {
                collection.createIndex(
                        new Document("startedAt", 1),
                        new IndexOptions().name(TTL_INDEX).expireAfter(retentionSeconds, TimeUnit.SECONDS));
            } catch (com.mongodb.MongoCommandException refused) {
                LOG.warn(
                        "TTL index {} on {} cannot be created ({}): records are NOT expired after the retention of {}"
                                + " s. Fix: drop the other index on startedAt and restart.",
                        TTL_INDEX,
                        collection.getNamespace(),
                        refused.getErrorMessage(),
                        retentionSeconds);
            }
            return;
        }
        Object current = ttl.get("expireAfterSeconds");
        if (current instanceof Number n && n.longValue() == retentionSeconds) {
            return;
        }
        try {
            database.runCommand(new Document(
                            "collMod", collection.getNamespace().getCollectionName())
                    .append("index", new Document("name", TTL_INDEX).append("expireAfterSeconds", retentionSeconds)));
            LOG.info(
                    "TTL index {} of {} changed from {} s to the retention of {} s",
                    TTL_INDEX,
                    collection.getNamespace(),
                    current,
                    retentionSeconds);
        } catch (com.mongodb.MongoCommandException refused) {
            LOG.warn(
                    "TTL index {} of {} expires records after {} s but the retention is {} s, and the server refused"
                            + " to change it ({}). Fix: run db.runCommand({collMod: \"{}\", index: {name: \"{}\","
                            + " expireAfterSeconds: {}}}), or drop the index {} and restart to recreate it.",
                    TTL_INDEX,
                    collection.getNamespace(),
                    current,
                    retentionSeconds,
                    refused.getErrorMessage(),
                    collection.getNamespace().getCollectionName(),
                    TTL_INDEX,
                    retentionSeconds,
                    TTL_INDEX);
        }
    }
}
