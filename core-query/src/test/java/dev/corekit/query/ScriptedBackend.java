package dev.corekit.query;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The in-process MongoDB-wire server's memory backend with three server behaviours it lacks, scripted by tests: latency
 * on commands that touch a chosen collection (a slow server), a {@code writeConcernError} added to successful write
 * replies (a replica set that cannot replicate in time), and {@code explain} answered with a recorded explain document
 * of a real MongoDB (the backend has no explain: error 59). Everything else is the backend's own behaviour; the driver
 * talks to it over the wire as to any server.
 */
final class ScriptedBackend extends MemoryBackend {
    private final Map<String, Long> latencyMillisByCollection = new ConcurrentHashMap<>();
    private final AtomicReference<Document> writeConcernError = new AtomicReference<>();
    private final AtomicReference<BsonDocument> explainReply = new AtomicReference<>();
    private final List<Document> explained = new ArrayList<>();

    /** Commands on {@code collection} (or, for database commands, named {@code collection}) take this much longer. */
    ScriptedBackend latency(String collection, long millis) {
        latencyMillisByCollection.put(collection, millis);
        return this;
    }

    /** Successful insert, update and delete replies carry this {@code writeConcernError} from now on. */
    ScriptedBackend writeConcernError(int code, String codeName, String message) {
        writeConcernError.set(
                new Document("code", code).append("codeName", codeName).append("errmsg", message));
        return this;
    }

    /** {@code explain} answers with this recorded document; null restores "no such command". */
    ScriptedBackend explainWith(BsonDocument recorded) {
        explainReply.set(recorded);
        return this;
    }

    /** The explain commands received, in order. */
    synchronized List<Document> explained() {
        return List.copyOf(explained);
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        Object target = query.get(command);
        Long latency = target instanceof String name ? latencyMillisByCollection.get(name) : null;
        if (latency == null) {
            latency = latencyMillisByCollection.get(command);
        }
        if (latency != null) {
            try {
                // Injected server latency: the command is guaranteed to take at least this long.
                TimeUnit.MILLISECONDS.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (command.equals("explain") && explainReply.get() != null) {
            synchronized (this) {
                explained.add(query);
            }
            Document reply = (Document) toDocumentValue(explainReply.get());
            reply.put("ok", 1.0);
            reply.remove("operationTime"); // session metadata of the recorded server, not part of the plan
            reply.remove("$clusterTime");
            return reply;
        }
        Document reply = super.handleCommand(channel, database, command, query);
        Document concernError = writeConcernError.get();
        if (concernError != null
                && (command.equals("insert") || command.equals("update") || command.equals("delete"))) {
            reply.put("writeConcernError", concernError.clone());
        }
        return reply;
    }

    private static Object toDocumentValue(BsonValue value) {
        switch (value.getBsonType()) {
            case DOCUMENT: {
                Document document = new Document();
                value.asDocument().forEach((key, item) -> document.put(key, toDocumentValue(item)));
                return document;
            }
            case ARRAY: {
                List<Object> list = new ArrayList<>();
                value.asArray().forEach(item -> list.add(toDocumentValue(item)));
                return list;
            }
            case STRING:
                return value.asString().getValue();
            case INT32:
                return value.asInt32().getValue();
            case INT64:
                return value.asInt64().getValue();
            case DOUBLE:
                return value.asDouble().getValue();
            case BOOLEAN:
                return value.asBoolean().getValue();
            case NULL:
                return null;
            default:
                return value.toString();
        }
    }
}
