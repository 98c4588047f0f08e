package dev.corekit.query.internal;

import com.mongodb.MongoNamespace;
import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.BsonInt32;
import org.bson.BsonInvalidOperationException;
import org.bson.BsonValue;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.configuration.CodecConfigurationException;
import org.bson.codecs.configuration.CodecRegistry;

/** Key handling of the batch loader: codecs, reading a key back from a loaded document, the key in a projection. */
public final class BatchKeys {
    private static final DecoderContext DECODE = DecoderContext.builder().build();

    private BatchKeys() {}

    /** The registry's codec for {@code type}, or an error naming what it was for. */
    public static <T> Codec<T> codec(CodecRegistry registry, Class<T> type, String what) {
        try {
            return registry.get(type);
        } catch (CodecConfigurationException e) {
            throw new IllegalArgumentException(
                    "the collection's codec registry has no codec for the " + what + " " + type.getName(), e);
        }
    }

    /** The value at a dotted path of {@code document}, or null. */
    public static BsonValue valueAt(BsonDocument document, String path) {
        BsonValue current = document;
        for (String part : path.split("\\.", -1)) {
            if (current == null || !current.isDocument()) {
                return null;
            }
            current = current.asDocument().get(part);
        }
        return current;
    }

    /**
     * The key of a loaded document, decoded to the key type.
     *
     * @throws IllegalStateException when the document has no key field
     * @throws IllegalArgumentException when the stored key cannot be the key type (a wrong key type)
     */
    public static <K> K key(
            BsonDocument document, String keyField, Codec<K> codec, Class<K> keyType, MongoNamespace namespace) {
        BsonValue value = valueAt(document, keyField);
        if (value == null) {
            throw new IllegalStateException("a document of " + namespace + " came back without its key field "
                    + keyField + " (a projection that leaves it out?)");
        }
        try {
            BsonDocumentReader reader = new BsonDocumentReader(new BsonDocument("k", value));
            reader.readStartDocument();
            reader.readName();
            K key = codec.decode(reader, DECODE);
            if (keyType.isInstance(key)) {
                return key;
            }
        } catch (BsonInvalidOperationException
                | CodecConfigurationException
                | ClassCastException
                | ArithmeticException e) {
            throw wrongType(namespace, keyField, value, keyType, e);
        }
        throw wrongType(namespace, keyField, value, keyType, null);
    }

    private static IllegalArgumentException wrongType(
            MongoNamespace namespace, String keyField, BsonValue value, Class<?> keyType, Exception cause) {
        return new IllegalArgumentException(
                namespace + "." + keyField + " holds " + value.getBsonType()
                        + " values, but the batch loader's keys are " + keyType.getName()
                        + ": an $in of those keys can never match; declare the loader with the stored type",
                cause);
    }

    /**
     * An inclusion projection gets the key field added; an exclusion projection is left as it is.
     *
     * @throws IllegalArgumentException when the projection excludes the key field itself: no loaded document could
     *     be matched to its key
     */
    public static BsonDocument withKeyField(BsonDocument projection, String keyField) {
        BsonValue excluded = projection.get(keyField);
        if (excluded != null && isFalse(excluded) && !keyField.equals("_id")) {
            throw new IllegalArgumentException("the batch loader's projection " + projection.toJson()
                    + " excludes its key field " + keyField + ": loaded documents could not be matched to their keys");
        }
        BsonValue id = projection.get("_id");
        if (keyField.equals("_id") && id != null && isFalse(id)) {
            BsonDocument copy = projection.clone();
            copy.remove("_id"); // _id is returned unless excluded
            return copy;
        }
        if (projection.isEmpty() || projection.containsKey(keyField)) {
            return projection;
        }
        boolean inclusion = false;
        for (var entry : projection.entrySet()) {
            BsonValue v = entry.getValue();
            if (entry.getKey().equals("_id")) {
                continue;
            }
            if (!isFalse(v)) {
                inclusion = true;
            }
        }
        if (!inclusion) {
            return projection;
        }
        BsonDocument copy = projection.clone();
        copy.put(keyField, new BsonInt32(1));
        return copy;
    }

    private static boolean isFalse(BsonValue value) {
        return (value.isNumber() && value.asNumber().intValue() == 0)
                || (value.isBoolean() && !value.asBoolean().getValue());
    }
}
