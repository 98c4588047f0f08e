package dev.corekit.messaging.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import dev.corekit.messaging.IdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * An {@link IdempotencyStore} in a MongoDB collection: one document per (consumer queue, event id) under a unique
 * {@code _id}, removed by a TTL index on {@code expiresAt} once its retention ends; every write and read with majority
 * concern, so a claim survives a primary failover. Documents:
 *
 * <pre>{@code
 * {_id: "billing/3f2a...", state: "IN_PROGRESS" | "DONE", owner: "9c1e...", leaseUntil: ISODate, expiresAt: ISODate}
 * }</pre>
 *
 * <p>Pass a collection of the {@code MongoClient} your service already configured (corekit's core-query client, so its
 * commands are monitored); the store creates its TTL index on first use:
 *
 * <pre>{@code
 * IdempotencyStore store = MongoIdempotencyStore.of(database.getCollection("idempotency"));
 * }</pre>
 *
 * <p>Needs {@code org.mongodb:mongodb-driver-sync} on the classpath (an optional dependency of core-messaging).
 * Thread-safe. Methods throw the driver's exceptions when MongoDB cannot be reached; the consumer then retries the
 * delivery later without counting an attempt.
 */
public final class MongoIdempotencyStore implements IdempotencyStore {
    private static final String IN_PROGRESS = "IN_PROGRESS";
    private static final String DONE = "DONE";

    private final MongoCollection<Document> collection;
    private final Clock clock;

    private MongoIdempotencyStore(MongoCollection<Document> collection, Clock clock) {
        this.collection = collection.withWriteConcern(WriteConcern.MAJORITY).withReadConcern(ReadConcern.MAJORITY);
        this.clock = clock;
        this.collection.createIndex(
                Indexes.ascending("expiresAt"),
                new IndexOptions().name("expiresAt_ttl").expireAfter(0L, TimeUnit.SECONDS));
    }

    /** A store in {@code collection}; creates its TTL index ({@code expiresAt_ttl}) if missing. */
    public static MongoIdempotencyStore of(MongoCollection<Document> collection) {
        return of(collection, Clock.systemUTC());
    }

    /** Like {@link #of(MongoCollection)} with a clock of your own, for tests that move time. */
    public static MongoIdempotencyStore of(MongoCollection<Document> collection, Clock clock) {
        return new MongoIdempotencyStore(
                Objects.requireNonNull(collection, "collection"), Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public Claim claim(String key, String owner, Duration lease) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        for (int round = 0; round < 3; round++) {
            Instant now = clock.instant();
            Date leaseUntil = dateAfter(now, lease);
            try {
                collection.insertOne(new Document("_id", key)
                        .append("state", IN_PROGRESS)
                        .append("owner", owner)
                        .append("leaseUntil", leaseUntil)
                        .append("expiresAt", leaseUntil));
                return Claim.ACQUIRED;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            // taken: take it over if its holder's lease ended (or it expired and awaits the TTL monitor)
            Bson takeable = Filters.and(
                    Filters.eq("_id", key),
                    Filters.or(
                            Filters.and(Filters.eq("state", IN_PROGRESS), Filters.lte("leaseUntil", Date.from(now))),
                            Filters.lte("expiresAt", Date.from(now))));
            Document taken = collection.findOneAndUpdate(
                    takeable,
                    Updates.combine(
                            Updates.set("state", IN_PROGRESS),
                            Updates.set("owner", owner),
                            Updates.set("leaseUntil", leaseUntil),
                            Updates.set("expiresAt", leaseUntil)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
            if (taken != null) {
                return Claim.ACQUIRED;
            }
            Document existing = collection.find(Filters.eq("_id", key)).first();
            if (existing == null) {
                continue; // released meanwhile: try to insert again
            }
            return DONE.equals(existing.getString("state")) ? Claim.DONE : Claim.BUSY;
        }
        return Claim.BUSY;
    }

    @Override
    public boolean complete(String key, String owner, Duration retention) {
        Instant now = clock.instant();
        return collection
                        .updateOne(
                                Filters.and(
                                        Filters.eq("_id", key),
                                        Filters.eq("owner", owner),
                                        Filters.eq("state", IN_PROGRESS)),
                                Updates.combine(
                                        Updates.set("state", DONE),
                                        Updates.set("leaseUntil", Date.from(now)),
                                        Updates.set("expiresAt", dateAfter(now, retention))))
                        .getMatchedCount()
                == 1;
    }

    @Override
    public void release(String key, String owner) {
        collection.deleteOne(
                Filters.and(Filters.eq("_id", key), Filters.eq("owner", owner), Filters.eq("state", IN_PROGRESS)));
    }

    @Override
    public String toString() {
        return "MongoIdempotencyStore{" + collection.getNamespace() + "}";
    }

    /** {@code now + duration} as a BSON date, saturating at the latest date one can hold (a lease of "forever"). */
    private static Date dateAfter(Instant now, Duration duration) {
        try {
            return Date.from(now.plus(duration));
        } catch (ArithmeticException | java.time.DateTimeException | IllegalArgumentException e) {
            return new Date(duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE);
        }
    }
}
