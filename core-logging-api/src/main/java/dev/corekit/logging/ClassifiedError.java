package dev.corekit.logging;

/**
 * Implemented by exceptions that know their own stable code and whether a retry may help; operation records and
 * messaging retries read both.
 *
 * <pre>{@code
 * final class PaymentDeclined extends RuntimeException implements ClassifiedError {
 *     public String code() { return "PAYMENT_DECLINED"; }
 *     public boolean retryable() { return false; }
 * }
 * }</pre>
 */
public interface ClassifiedError {
    /** A stable, upper-case code such as {@code PAYMENT_DECLINED}. */
    String code();

    /** Whether retrying the same call may succeed. */
    boolean retryable();
}
