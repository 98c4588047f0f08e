package dev.corekit.logging.mongo.internal;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * The write models of one unordered bulk write, with how many records each stands for (a completion that absorbed its
 * STARTED record stands for two).
 *
 * <p>STARTED: {@code $setOnInsert} upsert (never overwrites a completion). Completion: replace with upsert. Events and
 * drop reports: insert; a duplicate key (a replayed record already written) counts as written.
 *
 * @param models the models in order
 * @param weights records per model, same order
 */
public record WriteModels(List<WriteModel<Document>> models, int[] weights) {
    /** Mongo's duplicate key error code. */
    public static final int DUPLICATE_KEY = 11000;

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private static final ReplaceOptions REPLACE_UPSERT = new ReplaceOptions().upsert(true);

    /** Models for {@code docs}, dropping each STARTED whose completion is in the same list. */
    public static WriteModels of(List<Document> docs) {
        Set<Object> completed = null;
        for (Document doc : docs) {
            if (RecordDocuments.isCompletion(doc)) {
                if (completed == null) {
                    completed = new HashSet<>();
                }
                completed.add(doc.get("_id"));
            }
        }
        Map<Object, Integer> absorbed = null;
        if (completed != null) {
            for (Document doc : docs) {
                if (RecordDocuments.isStart(doc) && completed.contains(doc.get("_id"))) {
                    if (absorbed == null) {
                        absorbed = new HashMap<>();
                    }
                    absorbed.merge(doc.get("_id"), 1, Integer::sum);
                }
            }
        }
        List<WriteModel<Document>> models = new ArrayList<>(docs.size());
        int[] weights = new int[docs.size()];
        for (Document doc : docs) {
            if (absorbed != null && RecordDocuments.isStart(doc) && absorbed.containsKey(doc.get("_id"))) {
                continue; // collapsed: the completion carries everything the start did
            }
            int weight = 1;
            if (absorbed != null && RecordDocuments.isCompletion(doc)) {
                Integer starts = absorbed.remove(doc.get("_id"));
                if (starts != null) {
                    weight += starts;
                    absorbed.put(doc.get("_id"), 0); // still marks the id as collapsed for later STARTED copies
                }
            }
            weights[models.size()] = weight;
            models.add(model(doc));
        }
        return new WriteModels(models, weights);
    }

    /** The model at {@code index} alone, with its weight: to find which models of a failed batch are bad. */
    public WriteModels single(int index) {
        return new WriteModels(List.of(models.get(index)), new int[] {weights[index]});
    }

    /** How many records the model at {@code index} stands for. */
    public int weight(int index) {
        return weights[index];
    }

    private static WriteModel<Document> model(Document doc) {
        Object id = doc.get("_id");
        if (RecordDocuments.isStart(doc)) {
            Document fields = new Document(doc);
            fields.remove("_id");
            return new UpdateOneModel<>(Filters.eq("_id", id), new Document("$setOnInsert", fields), UPSERT);
        }
        if (RecordDocuments.isCompletion(doc)) {
            return new ReplaceOneModel<>(Filters.eq("_id", id), doc, REPLACE_UPSERT);
        }
        return new InsertOneModel<>(doc);
    }
}
