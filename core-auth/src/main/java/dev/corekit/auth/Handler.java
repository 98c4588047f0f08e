package dev.corekit.auth;

/**
 * The end of a chain: the code that serves a call (a servlet, an {@code HttpHandler}, a test lambda). Server adapters
 * supply it; services rarely implement it directly.
 */
@FunctionalInterface
public interface Handler {
    /** Serves {@code call}. */
    void handle(Call call) throws Exception;
}
