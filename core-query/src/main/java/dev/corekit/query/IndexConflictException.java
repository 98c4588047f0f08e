package dev.corekit.query;

import dev.corekit.logging.ClassifiedError;
import java.util.List;

/**
 * Existing indexes contradict declared ones ({@link IndexDeclaration#ensure}); the message lists every conflict, each
 * naming the index, the collection, what exists and what is declared. Not retryable: someone has to drop an index or
 * change a declaration.
 */
public final class IndexConflictException extends RuntimeException implements ClassifiedError {
    private static final long serialVersionUID = 1L;

    /** The code operation records carry. */
    public static final String CODE = "INDEX_CONFLICT";

    private final transient List<String> conflicts;

    IndexConflictException(List<String> conflicts) {
        super(
                conflicts.size() == 1
                        ? "declared index conflicts with an existing one: " + conflicts.get(0)
                        : conflicts.size() + " declared indexes conflict with existing ones:\n  - "
                                + String.join("\n  - ", conflicts));
        this.conflicts = List.copyOf(conflicts);
    }

    /** One sentence per conflict. */
    public List<String> conflicts() {
        return conflicts;
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
