package dev.corekit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ErrorInfoTest {
    static final class PaymentDeclined extends RuntimeException implements ClassifiedError {
        private static final long serialVersionUID = 1L;

        PaymentDeclined(String message) {
            super(message);
        }

        @Override
        public String code() {
            return "PAYMENT_DECLINED";
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    static RuntimeException notFound(long id, boolean otherLine) {
        if (otherLine) {
            return new IllegalStateException("order " + id + " not found");
        }
        return new IllegalStateException("order " + id + " not found (again)");
    }

    static RuntimeException notFoundElsewhere(long id) {
        return new IllegalStateException("order " + id + " not found");
    }

    @Test
    void fingerprintIgnoresMessageValuesAndLineNumbers() {
        String first = ErrorInfo.of(notFound(1, false)).fingerprint();
        String second = ErrorInfo.of(notFound(987_654, true)).fingerprint();

        assertThat(first).hasSize(16).isEqualTo(second);
    }

    @Test
    void fingerprintSeparatesDifferentThrowSites() {
        assertThat(ErrorInfo.of(notFound(1, false)).fingerprint())
                .isNotEqualTo(ErrorInfo.of(notFoundElsewhere(1)).fingerprint());
    }

    @Test
    void fingerprintSeparatesDifferentCauses() {
        RuntimeException a = new RuntimeException("x", new java.io.IOException("a"));
        RuntimeException b = new RuntimeException("x", new IllegalArgumentException("a"));

        assertThat(ErrorInfo.of(a).fingerprint()).isNotEqualTo(ErrorInfo.of(b).fingerprint());
    }

    @Test
    void fingerprintIgnoresLambdaCounters() {
        Supplier<RuntimeException> first = () -> new IllegalStateException("one");
        Supplier<RuntimeException> second = () -> new IllegalStateException("two");
        StackTraceElement[] stack = first.get().getStackTrace();
        RuntimeException renumbered = second.get();
        // Same code after an edit that renumbers lambdas: lambda$x$0 becomes lambda$x$1.
        StackTraceElement top = stack[0];
        renumbered.setStackTrace(new StackTraceElement[] {
            new StackTraceElement(top.getClassName(), top.getMethodName().replaceAll("\\d+$", "7"), "X.java", 99)
        });
        RuntimeException original = new IllegalStateException("one");
        original.setStackTrace(new StackTraceElement[] {top});

        assertThat(ErrorInfo.of(renumbered).fingerprint())
                .isEqualTo(ErrorInfo.of(original).fingerprint());
    }

    @Test
    void causeChainIsKeptOutermostFirstAndCyclesStop() {
        IllegalStateException top = new IllegalStateException("top");
        IllegalArgumentException middle = new IllegalArgumentException("middle");
        top.initCause(middle);
        RuntimeException bottom = new RuntimeException("bottom", top);
        middle.initCause(bottom);

        ErrorInfo info = ErrorInfo.of(top);

        assertThat(info.causes())
                .extracting(ErrorInfo.Cause::type)
                .containsExactly(IllegalArgumentException.class.getName(), RuntimeException.class.getName());
    }

    @Test
    void stackIsTrimmedOfFrameworkFrames() {
        ErrorInfo info = ErrorInfo.of(new IllegalStateException("x"));

        assertThat(info.stack()).first().asString().contains("ErrorInfoTest.stackIsTrimmedOfFrameworkFrames");
        assertThat(info.stack()).noneMatch(frame -> frame.startsWith("org.junit."));
        assertThat(info.stack()).last().asString().contains("elided");
        assertThat(info.stack().size()).isLessThanOrEqualTo(ErrorInfo.MAX_FRAMES + 1);
    }

    @Test
    void classifiedErrorsSayTheirOwnCodeAnywhereInTheChain() {
        ErrorInfo info = ErrorInfo.of(new RuntimeException("wrapped", new PaymentDeclined("card 4242 declined")));

        assertThat(info.code()).isEqualTo("PAYMENT_DECLINED");
        assertThat(info.retryable()).isFalse();
    }

    @Test
    void timeoutsAndIoAreRetryableOthersNot() {
        assertThat(ErrorInfo.of(new UncheckedIOException(new SocketTimeoutException("read timed out"))))
                .extracting(ErrorInfo::code, ErrorInfo::retryable)
                .containsExactly("TIMEOUT", true);
        assertThat(ErrorInfo.of(new IllegalArgumentException("bad")))
                .extracting(ErrorInfo::code, ErrorInfo::retryable)
                .containsExactly(null, false);
    }

    @Test
    void customClassifierDecides() {
        ErrorInfo info =
                ErrorInfo.of(new IllegalStateException("x"), t -> new ErrorClassifier.Classification("X", true));

        assertThat(info.code()).isEqualTo("X");
        assertThat(info.retryable()).isTrue();
    }
}
