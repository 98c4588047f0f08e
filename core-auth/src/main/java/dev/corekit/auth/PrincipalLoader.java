package dev.corekit.auth;

import dev.corekit.auth.token.VerifiedToken;

/**
 * How one entity type's principal is loaded and checked from a verified token: the one thing a service writes per
 * entity type ({@code user}, {@code agent}, {@code service}, ...).
 *
 * <pre>{@code
 * PrincipalLoader users = token -> userRepository.findActive(token.subject()).orElse(null);  // null: 403
 * }</pre>
 */
@FunctionalInterface
public interface PrincipalLoader {
    /**
     * The principal for {@code token}, or null to refuse it (the call gets 403 {@link ErrorBody#FORBIDDEN}). An
     * exception fails the call with 500.
     */
    Object load(VerifiedToken token) throws Exception;
}
