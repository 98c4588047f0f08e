package dev.corekit.query;

import dev.corekit.logging.ClassifiedError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Items of a write failed validation ({@link BatchValidator#check}): every violation is listed, not only the first.
 * Not retryable: the same items fail again. The message shows indexes and messages, never the items themselves.
 */
public final class BatchValidationException extends RuntimeException implements ClassifiedError {
    private static final long serialVersionUID = 1L;
    private static final int SHOWN = 10;

    /** The code operation records carry. */
    public static final String CODE = "VALIDATION_FAILED";

    private final transient List<BatchValidator.Violation<?>> violations;

    BatchValidationException(List<? extends BatchValidator.Violation<?>> violations, int items) {
        super(violations.size() + " of " + items + " items are invalid: "
                + violations.stream().limit(SHOWN).map(Object::toString).collect(Collectors.joining("; "))
                + (violations.size() > SHOWN ? "; …" : ""));
        this.violations = List.copyOf(violations);
    }

    /** Every violation, in item order. */
    public List<BatchValidator.Violation<?>> violations() {
        return violations;
    }

    @Override
    public String code() {
        return CODE;
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
