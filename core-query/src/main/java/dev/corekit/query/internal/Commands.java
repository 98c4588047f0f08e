package dev.corekit.query.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.BsonArray;
import org.bson.BsonBinaryReader;
import org.bson.BsonDocument;
import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * What the monitor reads from command documents and replies: the collection, the redacted shape, the documents a
 * reply carries and the write problems a successful reply can still report. Every method accepts any document,
 * including the empty one the driver hands over for sensitive commands, and never throws on an unexpected shape.
 */
public final class Commands {
    /** Shown instead of the shape of a command whose content the driver redacts (authentication, user management). */
    public static final String SENSITIVE_SHAPE = "(sensitive command: not shown)";

    /**
     * Commands the driver monitoring specification calls sensitive: their started and succeeded events carry an empty
     * document. Lower case.
     */
    private static final Set<String> SENSITIVE = Set.of(
            "authenticate",
            "saslstart",
            "saslcontinue",
            "getnonce",
            "createuser",
            "updateuser",
            "copydbgetnonce",
            "copydbsaslstart",
            "copydb");

    /** Commands whose first value is the collection they act on. */
    private static final Set<String> ON_COLLECTION = Set.of(
            "find",
            "aggregate",
            "count",
            "distinct",
            "insert",
            "update",
            "delete",
            "findandmodify",
            "createindexes",
            "listindexes",
            "dropindexes",
            "drop",
            "create",
            "collmod");

    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final int MAX_MESSAGE = 300;

    private Commands() {}

    /** Whether the driver redacts this command's documents (or would if it were monitored). */
    public static boolean isSensitive(String commandName, BsonDocument command) {
        String name = commandName.toLowerCase(Locale.ROOT);
        if (SENSITIVE.contains(name)) {
            return true;
        }
        if (name.equals("hello") || name.equals("ismaster")) {
            return command == null || command.isEmpty() || command.containsKey("speculativeAuthenticate");
        }
        return false;
    }

    /** The collection a command acts on, or null (database commands, {@code aggregate: 1}, sensitive ones). */
    public static String collection(String commandName, BsonDocument command) {
        if (command == null || command.isEmpty()) {
            return null;
        }
        String name = commandName.toLowerCase(Locale.ROOT);
        BsonValue value = null;
        if (name.equals("getmore")) {
            value = command.get("collection");
        } else if (ON_COLLECTION.contains(name)) {
            value = command.get(commandName);
        }
        return value != null && value.isString() ? value.asString().getValue() : null;
    }

    /**
     * The redacted shape of a command: its filter, sort or pipeline with values replaced by {@code ?}. Commands with
     * nothing to shape give their name's natural description ({@code insert ×3}); sensitive ones
     * {@link #SENSITIVE_SHAPE}.
     */
    public static String shape(String commandName, BsonDocument command) {
        if (isSensitive(commandName, command)) {
            return SENSITIVE_SHAPE;
        }
        if (command == null || command.isEmpty()) {
            return "{}";
        }
        switch (commandName.toLowerCase(Locale.ROOT)) {
            case "find": {
                StringBuilder shape =
                        new StringBuilder("filter ").append(ShapeWriter.filter(document(command, "filter")));
                BsonDocument sort = document(command, "sort");
                if (sort != null && !sort.isEmpty()) {
                    shape.append(" sort ").append(ShapeWriter.sort(sort));
                }
                if (command.containsKey("skip")) {
                    shape.append(" skip ?");
                }
                return shape.toString();
            }
            case "aggregate": {
                BsonValue pipeline = command.get("pipeline");
                return "pipeline "
                        + ShapeWriter.pipeline(pipeline != null && pipeline.isArray() ? pipeline.asArray() : null);
            }
            case "count":
                return "filter " + ShapeWriter.filter(document(command, "query"));
            case "distinct":
                return "key " + string(command, "key") + " filter " + ShapeWriter.filter(document(command, "query"));
            case "findandmodify": {
                String shape = "filter " + ShapeWriter.filter(document(command, "query"));
                BsonDocument sort = document(command, "sort");
                return sort == null || sort.isEmpty() ? shape : shape + " sort " + ShapeWriter.sort(sort);
            }
            case "update":
                return statements(command, "updates");
            case "delete":
                return statements(command, "deletes");
            case "insert": {
                BsonValue documents = command.get("documents");
                return "documents ×"
                        + (documents != null && documents.isArray()
                                ? documents.asArray().size()
                                : 0);
            }
            case "createindexes": {
                BsonValue indexes = command.get("indexes");
                if (indexes == null || !indexes.isArray()) {
                    return "indexes ?";
                }
                List<String> keys = new ArrayList<>();
                for (BsonValue index : indexes.asArray()) {
                    keys.add(index.isDocument() ? ShapeWriter.sort(document(index.asDocument(), "key")) : "?");
                }
                return "indexes " + keys;
            }
            default:
                return "";
        }
    }

    private static String statements(BsonDocument command, String field) {
        BsonValue statements = command.get(field);
        if (statements == null || !statements.isArray() || statements.asArray().isEmpty()) {
            return field + " ×0";
        }
        BsonArray array = statements.asArray();
        BsonValue first = array.get(0);
        String filter = first.isDocument() ? ShapeWriter.filter(document(first.asDocument(), "q")) : "?";
        return "filter " + filter + (array.size() > 1 ? " ×" + array.size() : "");
    }

    /**
     * The documents a reply carries to the client: a cursor's first or next batch, or the document of a
     * {@code findAndModify}. Zero for every other reply.
     */
    public static int documentsReturned(BsonDocument reply) {
        return (int) (scanReply(reply) & COUNT_MASK);
    }

    /** Whether a successful reply still reports a failed write. */
    public static boolean hasWriteProblems(BsonDocument reply) {
        return (scanReply(reply) & WRITE_PROBLEM) != 0;
    }

    /** Bit set in {@link #scanReply} when the reply has {@code writeErrors} or {@code writeConcernError}. */
    public static final long WRITE_PROBLEM = 1L << 40;
    /** Mask of the document count in {@link #scanReply}. */
    public static final long COUNT_MASK = (1L << 32) - 1;

    /**
     * One streaming pass over a reply's top-level fields (no document tree is built): the documents it carries in the
     * low 32 bits, {@link #WRITE_PROBLEM} when it reports write errors.
     */
    public static long scanReply(BsonDocument reply) {
        if (reply == null) {
            return 0;
        }
        long facts = 0;
        try (BsonReader reader = reader(reply)) {
            reader.readStartDocument();
            while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                String name = reader.readName();
                BsonType type = reader.getCurrentBsonType();
                if (name.equals("cursor") && type == BsonType.DOCUMENT) {
                    facts |= batchSize(reader);
                } else if (name.equals("value") && type == BsonType.DOCUMENT) {
                    facts |= 1;
                    reader.skipValue();
                } else {
                    if (name.equals("writeErrors") || name.equals("writeConcernError")) {
                        facts |= WRITE_PROBLEM;
                    }
                    reader.skipValue();
                }
            }
        }
        return facts;
    }

    /**
     * A reader straight over a document's bytes where it has them: the driver's own documents do, and so does a
     * {@link RawBsonDocument} (whose {@code asBsonReader()} would decode the whole document first).
     */
    static BsonReader reader(BsonDocument document) {
        if (document instanceof RawBsonDocument raw) {
            return new BsonBinaryReader(ByteBuffer.wrap(raw.getBackingArray(), raw.getByteOffset(), raw.getByteLength())
                    .slice());
        }
        return document.asBsonReader();
    }

    private static long batchSize(BsonReader reader) {
        long count = 0;
        reader.readStartDocument();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            String name = reader.readName();
            if ((name.equals("firstBatch") || name.equals("nextBatch"))
                    && reader.getCurrentBsonType() == BsonType.ARRAY) {
                reader.readStartArray();
                while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                    reader.skipValue();
                    count++;
                }
                reader.readEndArray();
            } else {
                reader.skipValue();
            }
        }
        reader.readEndDocument();
        return count;
    }

    /**
     * The write problems in a successful reply, values redacted: how many {@code writeErrors} and their distinct codes,
     * the first error's message with quoted values and duplicate-key values removed, and the
     * {@code writeConcernError}'s code and name.
     */
    public static WriteProblems writeProblems(BsonDocument reply) {
        int count = 0;
        List<Integer> codes = new ArrayList<>();
        String firstMessage = null;
        BsonValue errors = reply.get("writeErrors");
        if (errors != null && errors.isArray()) {
            for (BsonValue error : errors.asArray()) {
                count++;
                if (!error.isDocument()) {
                    continue;
                }
                BsonValue code = error.asDocument().get("code");
                if (code != null
                        && code.isNumber()
                        && !codes.contains(code.asNumber().intValue())
                        && codes.size() < 10) {
                    codes.add(code.asNumber().intValue());
                }
                if (firstMessage == null) {
                    firstMessage = redactMessage(string(error.asDocument(), "errmsg"));
                }
            }
        }
        Integer concernCode = null;
        String concernName = null;
        String concernMessage = null;
        BsonValue concern = reply.get("writeConcernError");
        if (concern != null && concern.isDocument()) {
            BsonValue code = concern.asDocument().get("code");
            concernCode = code != null && code.isNumber() ? code.asNumber().intValue() : -1;
            concernName = string(concern.asDocument(), "codeName");
            concernMessage = redactMessage(string(concern.asDocument(), "errmsg"));
        } else if (concern != null) {
            concernCode = -1;
        }
        return new WriteProblems(count, List.copyOf(codes), firstMessage, concernCode, concernName, concernMessage);
    }

    /**
     * A server message without the values it quotes: a duplicate key error names the key's value
     * ({@code dup key: { email: "a@b.c" }}), so everything after {@code dup key:} and every quoted string goes.
     */
    public static String redactMessage(String message) {
        if (message == null) {
            return null;
        }
        String redacted = message;
        int dup = redacted.indexOf("dup key:");
        if (dup >= 0) {
            redacted = redacted.substring(0, dup) + "dup key: { ? }";
        }
        redacted = QUOTED.matcher(redacted).replaceAll("\"?\"");
        return redacted.length() > MAX_MESSAGE ? redacted.substring(0, MAX_MESSAGE) + "…" : redacted;
    }

    static BsonDocument document(BsonDocument parent, String key) {
        BsonValue value = parent.get(key);
        return value != null && value.isDocument() ? value.asDocument() : null;
    }

    private static String string(BsonDocument parent, String key) {
        BsonValue value = parent.get(key);
        return value != null && value.isString() ? value.asString().getValue() : null;
    }

    /**
     * Write problems of one successful reply.
     *
     * @param writeErrors how many {@code writeErrors}
     * @param codes their distinct codes, at most 10
     * @param firstMessage the first error's message, values redacted, or null
     * @param writeConcernCode the {@code writeConcernError} code ({@code -1} when it has none), or null without one
     * @param writeConcernName its {@code codeName}, or null
     * @param writeConcernMessage its message, values redacted, or null
     */
    public record WriteProblems(
            int writeErrors,
            List<Integer> codes,
            String firstMessage,
            Integer writeConcernCode,
            String writeConcernName,
            String writeConcernMessage) {
        /** Whether there is anything to report. */
        public boolean any() {
            return writeErrors > 0 || writeConcernCode != null;
        }
    }
}
