package dev.corekit.auth.session;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Sessions in a MongoDB collection: one document per session ({@code _id} = session id), written with
 * {@code w: majority} so that a revocation acknowledged to the caller survives a primary failover, and removed by MongoDB
 * itself after its expiry through a TTL index on {@code expiresAt}. Refresh rotation is one conditional
 * {@code updateOne}, so a refresh token is accepted once even across service instances.
 *
 * <pre>{@code
 * MongoCollection<Document> collection = database.getCollection("sessions");   // from core-query's client
 * SessionStore sessions = MongoSessionStore.of(collection);
 * }</pre>
 *
 * <p>Needs {@code org.mongodb:mongodb-driver-sync} on the classpath (an optional dependency of core-auth). The
 * constructor creates the TTL index (idempotent). Thread-safe.
 */
public final class MongoSessionStore implements SessionStore {
    /** The name of the TTL index on {@code expiresAt}. */
    public static final String TTL_INDEX = "expiresAt_ttl";

    private final MongoCollection<Document> collection;

    private MongoSessionStore(MongoCollection<Document> collection) {
        this.collection = collection.withWriteConcern(WriteConcern.MAJORITY);
        this.collection.createIndex(
                Indexes.ascending("expiresAt"),
                new IndexOptions().name(TTL_INDEX).expireAfter(0L, TimeUnit.SECONDS));
    }

    /** A store in {@code collection}; writes use {@code w: majority} whatever the collection's write concern. */
    public static MongoSessionStore of(MongoCollection<Document> collection) {
        return new MongoSessionStore(Objects.requireNonNull(collection, "collection"));
    }

    @Override
    public void create(Session session) {
        Document document = new Document("_id", session.id())
                .append("entityType", session.entityType())
                .append("subject", session.subject())
                .append("tenant", session.tenant())
                .append("createdAt", Date.from(session.createdAt()))
                .append("expiresAt", Date.from(session.expiresAt()))
                .append("refreshId", session.refreshId())
                .append("revokedAt", null);
        collection.insertOne(document);
    }

    @Override
    public Optional<Session> find(String sessionId) {
        Document document = collection.find(Filters.eq("_id", sessionId)).first();
        if (document == null) {
            return Optional.empty();
        }
        Date revoked = document.getDate("revokedAt");
        return Optional.of(new Session(
                document.getString("_id"),
                document.getString("entityType"),
                document.getString("subject"),
                document.getString("tenant"),
                document.getDate("createdAt").toInstant(),
                document.getDate("expiresAt").toInstant(),
                document.getString("refreshId"),
                revoked == null ? null : revoked.toInstant()));
    }

    @Override
    public boolean rotateRefresh(String sessionId, String expected, String next, Instant now) {
        Bson current = Filters.and(
                Filters.eq("_id", sessionId),
                Filters.eq("refreshId", expected),
                Filters.eq("revokedAt", null),
                Filters.gt("expiresAt", Date.from(now)));
        return collection.updateOne(current, Updates.set("refreshId", next)).getModifiedCount() == 1;
    }

    @Override
    public void revoke(String sessionId, Instant at) {
        collection.updateOne(
                Filters.and(Filters.eq("_id", sessionId), Filters.eq("revokedAt", null)),
                Updates.set("revokedAt", Date.from(at)));
    }

    /** The write concern of every write: {@code w: majority}. */
    public WriteConcern writeConcern() {
        return collection.getWriteConcern();
    }

    @Override
    public String toString() {
        return "MongoSessionStore{" + collection.getNamespace() + "}";
    }
}
