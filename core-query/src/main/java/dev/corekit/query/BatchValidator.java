package dev.corekit.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Validates every item of a write (every line of a cart, every row of an import) against the documents the items refer
 * to, in a constant number of round trips: the referenced documents are loaded with one {@link BatchLoader} load
 * ({@code ⌈distinct keys / maxBatchSize⌉} queries), however many items there are.
 *
 * <pre>{@code
 * BatchValidator<CartItem, String, Product> stock = BatchValidator.of(products, CartItem::sku,
 *         (item, product) -> product.stock() >= item.quantity() ? null : "only " + product.stock() + " left");
 *
 * stock.check(cart.items());   // throws BatchValidationException listing every invalid item at once
 * }</pre>
 *
 * <p>An item whose document does not exist is a violation too (message: {@link #whenMissing}). Every item is checked,
 * so the caller gets all problems in one answer rather than the first. Immutable and thread-safe.
 *
 * @param <T> the item type
 * @param <K> the key an item refers to
 * @param <V> the referenced document type
 */
public final class BatchValidator<T, K, V> {
    private final BatchLoader<K, V> loader;
    private final Function<? super T, ? extends K> keyOf;
    private final Rule<? super T, ? super V> rule;
    private final Function<? super T, String> missing;

    private BatchValidator(
            BatchLoader<K, V> loader,
            Function<? super T, ? extends K> keyOf,
            Rule<? super T, ? super V> rule,
            Function<? super T, String> missing) {
        this.loader = loader;
        this.keyOf = keyOf;
        this.rule = rule;
        this.missing = missing;
    }

    /**
     * A validator of items that refer, through {@code keyOf}, to documents of {@code loader}; {@code rule} says what is
     * wrong with an item given its document, or null when nothing is.
     */
    public static <T, K, V> BatchValidator<T, K, V> of(
            BatchLoader<K, V> loader, Function<? super T, ? extends K> keyOf, Rule<? super T, ? super V> rule) {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(keyOf, "keyOf");
        Objects.requireNonNull(rule, "rule");
        return new BatchValidator<>(loader, keyOf, rule, item -> "refers to a document that does not exist");
    }

    /** This validator with another message for items whose document does not exist. */
    public BatchValidator<T, K, V> whenMissing(Function<? super T, String> message) {
        return new BatchValidator<>(loader, keyOf, rule, Objects.requireNonNull(message, "message"));
    }

    /** Every violation, in item order; empty when all items are valid. */
    public List<Violation<T>> validate(List<? extends T> items) {
        try (BatchLoader.LoadScope<K, V> scope = loader.openScope()) {
            return validate(scope, items);
        }
    }

    /** Like {@link #validate(List)}, loading through (and caching in) a scope the caller already has open. */
    public List<Violation<T>> validate(BatchLoader.LoadScope<K, V> scope, List<? extends T> items) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(items, "items");
        List<K> keys = new ArrayList<>(items.size());
        for (T item : items) {
            keys.add(keyOf.apply(Objects.requireNonNull(item, "items cannot contain null")));
        }
        BatchLoader.Loaded<K, V> loaded = scope.loadAll(keys);
        List<Violation<T>> violations = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            Optional<V> document = loaded.values().get(i);
            String message = document.isEmpty() ? missing.apply(item) : rule.violation(item, document.get());
            if (message != null) {
                violations.add(new Violation<>(i, item, message));
            }
        }
        return List.copyOf(violations);
    }

    /**
     * Validates and throws when any item is invalid.
     *
     * @throws BatchValidationException listing every violation
     */
    public void check(List<? extends T> items) {
        List<Violation<T>> violations = validate(items);
        if (!violations.isEmpty()) {
            throw new BatchValidationException(violations, items.size());
        }
    }

    /**
     * What is wrong with one item, given the document it refers to.
     *
     * @param <T> the item type
     * @param <V> the document type
     */
    @FunctionalInterface
    public interface Rule<T, V> {
        /** A message saying what is wrong, or null when the item is valid. */
        String violation(T item, V document);
    }

    /**
     * One invalid item.
     *
     * @param index the item's position in the validated list
     * @param item the item
     * @param message what is wrong with it
     * @param <T> the item type
     */
    public record Violation<T>(int index, T item, String message) {
        /** The index and the message; the item is left out (it may hold personal data). */
        @Override
        public String toString() {
            return "#" + index + ": " + message;
        }
    }
}
