package dev.corekit.query;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonIgnore;
import org.bson.codecs.pojo.annotations.BsonProperty;
import org.bson.conversions.Bson;

/**
 * The projection a Java record needs: exactly the fields it reads, so a query never ships fields nobody consumes
 * (overfetching). Field names follow the driver's record codec ({@link BsonProperty}, {@link BsonId} for
 * {@code _id}, {@link BsonIgnore}); a component that is itself a record (or a collection of records) becomes dotted
 * paths ({@code address.city}), so nested documents are trimmed too. {@code _id} is excluded unless the record has a
 * component for it.
 *
 * <pre>{@code
 * record OrderSummary(@BsonId ObjectId id, String status, BigDecimal total) {}
 *
 * List<OrderSummary> open = Projection.of(OrderSummary.class, Order.class)      // checked against Order's fields
 *         .find(orders, Filters.eq("status", "open"))                          // {_id: 1, status: 1, total: 1}
 *         .into(new ArrayList<>());
 * }</pre>
 *
 * <p>When the stored documents have a record type too, pass it: every projected field is checked to exist there, so a
 * typo ({@code totl}) is an error at startup rather than a field that is silently always null. A projection is
 * immutable and thread-safe; build it once per record type.
 *
 * @param <R> the record type read
 */
public final class Projection<R extends Record> implements Bson {
    private static final int MAX_DEPTH = 8;

    private final Class<R> type;
    private final BsonDocument document;
    private final List<String> fields;

    private Projection(Class<R> type, BsonDocument document, List<String> fields) {
        this.type = type;
        this.document = document;
        this.fields = List.copyOf(fields);
    }

    /** The projection of every field {@code type} reads. */
    public static <R extends Record> Projection<R> of(Class<R> type) {
        Objects.requireNonNull(type, "type");
        List<String> fields = new ArrayList<>();
        collect(type, "", fields, 0);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException(type.getSimpleName() + " reads no field: its projection would be"
                    + " {_id: 0}, which excludes _id and ships every other field of every document");
        }
        BsonDocument document = new BsonDocument();
        boolean hasId = false;
        for (String field : fields) {
            document.put(field, new BsonInt32(1));
            hasId |= field.equals("_id") || field.startsWith("_id.");
        }
        if (!hasId) {
            document.put("_id", new BsonInt32(0));
        }
        return new Projection<>(type, document, fields);
    }

    /**
     * The projection of every field {@code type} reads, each checked to exist in {@code stored}, the record (or class)
     * the collection's documents map to.
     *
     * @throws IllegalArgumentException naming every field of {@code type} that {@code stored} does not have
     */
    public static <R extends Record> Projection<R> of(Class<R> type, Class<?> stored) {
        Projection<R> projection = of(type);
        Objects.requireNonNull(stored, "stored");
        List<String> unknown = new ArrayList<>();
        for (String field : projection.fields) {
            if (!exists(stored, field.split("\\."), 0)) {
                unknown.add(field);
            }
        }
        if (!unknown.isEmpty()) {
            Map<String, Type> known = new LinkedHashMap<>();
            fieldTypes(stored, known);
            throw new IllegalArgumentException(type.getSimpleName() + " reads "
                    + (unknown.size() == 1 ? "field " : "fields ")
                    + unknown + " that " + stored.getSimpleName() + " does not have (its fields: " + known.keySet()
                    + "); check the component names and their @BsonProperty");
        }
        return projection;
    }

    /**
     * A find on {@code collection} returning {@code R}s with this projection; checked against the collection's
     * document class first when that is a record.
     *
     * @throws IllegalArgumentException when a projected field does not exist in the collection's record type
     */
    public FindIterable<R> find(MongoCollection<?> collection, Bson filter) {
        Objects.requireNonNull(collection, "collection");
        Class<?> stored = collection.getDocumentClass();
        if (stored.isRecord() && !stored.equals(type)) {
            of(type, stored);
        }
        return collection
                .find(filter == null ? new BsonDocument() : filter, type)
                .projection(this);
    }

    /** The record type. */
    public Class<R> type() {
        return type;
    }

    /** The projected field paths, in component order. */
    public List<String> fields() {
        return fields;
    }

    @Override
    public <TDocument> BsonDocument toBsonDocument(Class<TDocument> documentClass, CodecRegistry codecRegistry) {
        return document.clone();
    }

    /** The projection document. */
    @Override
    public String toString() {
        return "Projection{" + type.getSimpleName() + ": " + document.toJson() + "}";
    }

    private static void collect(Class<?> record, String prefix, List<String> into, int depth) {
        for (RecordComponent component : record.getRecordComponents()) {
            if (annotation(component, BsonIgnore.class) != null) {
                continue;
            }
            String path = prefix + fieldName(component);
            Class<?> nested = nestedRecord(component.getGenericType());
            if (nested != null && depth < MAX_DEPTH && !nested.equals(record)) {
                collect(nested, path + ".", into, depth + 1);
            } else {
                into.add(path);
            }
        }
    }

    private static String fieldName(RecordComponent component) {
        if (annotation(component, BsonId.class) != null) {
            return "_id";
        }
        BsonProperty property = annotation(component, BsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : component.getName();
    }

    /**
     * An annotation of a record component wherever Java put it: the codec annotations target fields, methods and
     * parameters, so on a record they land on the field, the accessor and the canonical constructor's parameter.
     */
    private static <A extends java.lang.annotation.Annotation> A annotation(RecordComponent component, Class<A> type) {
        A found = component.getAccessor().getAnnotation(type);
        if (found != null) {
            return found;
        }
        try {
            found = component
                    .getDeclaringRecord()
                    .getDeclaredField(component.getName())
                    .getAnnotation(type);
        } catch (NoSuchFieldException | SecurityException e) {
            found = null;
        }
        if (found != null) {
            return found;
        }
        RecordComponent[] components = component.getDeclaringRecord().getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        int index = 0;
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            if (components[i].getName().equals(component.getName())) {
                index = i;
            }
        }
        try {
            return component
                    .getDeclaringRecord()
                    .getDeclaredConstructor(types)
                    .getParameters()[index]
                    .getAnnotation(type);
        } catch (NoSuchMethodException | SecurityException e) {
            return null;
        }
    }

    /** The record a component holds directly or as elements of a collection; null for anything else. */
    private static Class<?> nestedRecord(Type type) {
        if (type instanceof Class<?> c && c.isRecord()) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized
                && parameterized.getRawType() instanceof Class<?> raw
                && Collection.class.isAssignableFrom(raw)
                && parameterized.getActualTypeArguments().length == 1
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> element
                && element.isRecord()) {
            return element;
        }
        return null;
    }

    private static boolean exists(Class<?> stored, String[] path, int index) {
        Map<String, Type> fields = new LinkedHashMap<>();
        fieldTypes(stored, fields);
        if (fields.isEmpty()) {
            return true; // a Document, a Map, BsonDocument...: no schema to check against
        }
        Type type = fields.get(path[index]);
        if (type == null) {
            return false;
        }
        if (index == path.length - 1) {
            return true;
        }
        Class<?> nested = nestedRecord(type);
        if (nested == null) {
            nested = type instanceof Class<?> c
                            && !c.isPrimitive()
                            && !c.getName().startsWith("java.")
                    ? c
                    : null;
        }
        return nested == null || exists(nested, path, index + 1);
    }

    private static void fieldTypes(Class<?> stored, Map<String, Type> into) {
        if (stored.isRecord()) {
            for (RecordComponent component : stored.getRecordComponents()) {
                if (annotation(component, BsonIgnore.class) == null) {
                    into.put(fieldName(component), component.getGenericType());
                }
            }
            return;
        }
        if (Map.class.isAssignableFrom(stored)
                || Bson.class.isAssignableFrom(stored)
                || stored.getName().startsWith("java.")) {
            return;
        }
        for (Class<?> c = stored; c != null && c != Object.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Field field : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(field.getModifiers())
                        || field.isAnnotationPresent(BsonIgnore.class)) {
                    continue;
                }
                String name = field.isAnnotationPresent(BsonId.class)
                        ? "_id"
                        : field.isAnnotationPresent(BsonProperty.class)
                                        && !field.getAnnotation(BsonProperty.class)
                                                .value()
                                                .isEmpty()
                                ? field.getAnnotation(BsonProperty.class).value()
                                : field.getName().equals("id") ? "_id" : field.getName();
                into.putIfAbsent(name, field.getGenericType());
            }
        }
    }
}
