package dev.corekit.logging.redteam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.corekit.logging.ClassifiedError;
import dev.corekit.logging.ErrorClassifier;
import dev.corekit.logging.ErrorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Red-team checks of ErrorInfo normalization, classification and fingerprints. */
class ErrorInfoRedTeamTest {

    static final class MessageThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage exploded");
        }

        @Override
        public String getLocalizedMessage() {
            throw new IllegalStateException("getLocalizedMessage exploded");
        }
    }

    static final class CauseThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CauseThrows() {
            super("top");
        }

        @Override
        public synchronized Throwable getCause() {
            throw new IllegalStateException("getCause exploded");
        }
    }

    static final class StackThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StackThrows() {
            super("no stack for you");
        }

        @Override
        public StackTraceElement[] getStackTrace() {
            throw new IllegalStateException("getStackTrace exploded");
        }
    }

    static final class StackNull extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public StackTraceElement[] getStackTrace() {
            return null;
        }
    }

    static final class StackWithNulls extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public StackTraceElement[] getStackTrace() {
            return new StackTraceElement[] {null, new StackTraceElement("com.acme.A", "b", null, -1), null};
        }
    }

    static final class SelfCause extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable getCause() {
            return this;
        }
    }

    static final class Declined extends RuntimeException implements ClassifiedError {
        private static final long serialVersionUID = 1L;

        @Override
        public String code() {
            return "PAYMENT_DECLINED";
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    static final class CodeThrows extends RuntimeException implements ClassifiedError {
        private static final long serialVersionUID = 1L;

        @Override
        public String code() {
            throw new IllegalStateException("code exploded");
        }

        @Override
        public boolean retryable() {
            throw new IllegalStateException("retryable exploded");
        }
    }

    static RuntimeException withFrames(RuntimeException e, String... frames) {
        StackTraceElement[] stack = new StackTraceElement[frames.length];
        for (int i = 0; i < frames.length; i++) {
            String frame = frames[i];
            int hash = frame.indexOf('#');
            int colon = frame.indexOf(':');
            stack[i] = new StackTraceElement(
                    frame.substring(0, hash),
                    frame.substring(hash + 1, colon),
                    "Src.java",
                    Integer.parseInt(frame.substring(colon + 1)));
        }
        e.setStackTrace(stack);
        return e;
    }

    // Doc (ErrorInfo.of): "Never throws for a hostile throwable: a getMessage() ... that throws ... yields a marker
    // ((unprintable: <type>))"
    @Test
    void messageThatThrowsBecomesAMarker() {
        ErrorInfo info = ErrorInfo.of(new MessageThrows());
        assertThat(info.message()).startsWith("(unprintable:");
        assertThat(info.type()).isEqualTo(MessageThrows.class.getName());
        assertThat(info.fingerprint()).matches("[0-9a-f]{16}");
    }

    // Doc (ErrorInfo.of): "a getCause() ... that throws ... yields ... a shorter chain"
    @Test
    void causeThatThrowsGivesAShorterChain() {
        ErrorInfo info = ErrorInfo.of(new CauseThrows());
        assertThat(info.message()).isEqualTo("top");
        assertThat(info.causes()).isEmpty();
    }

    // Doc (ErrorInfo.of): "a ... getStackTrace() that throws ... yields ... no frames"
    @Test
    void stackTraceThatThrowsOrIsNullGivesNoFrames() {
        ErrorInfo thrown = ErrorInfo.of(new StackThrows());
        assertThat(thrown.stack()).isEmpty();
        assertThat(thrown.fingerprint()).matches("[0-9a-f]{16}");
        assertThatCode(() -> ErrorInfo.of(new StackNull())).doesNotThrowAnyException();
    }

    // Doc (ErrorInfo.of): "... or a classifier that does [throw], yields ... no code"
    @Test
    void classifierThatThrowsGivesNoCode() {
        ErrorInfo info = ErrorInfo.of(new IllegalStateException("x"), t -> {
            throw new UnsupportedOperationException("classifier");
        });
        assertThat(info.code()).isNull();
        assertThat(info.message()).isEqualTo("x");
    }

    // Doc (ErrorInfo.of): "Never throws for a hostile throwable" - a ClassifiedError whose code() throws.
    @Test
    void classifiedErrorWhoseCodeThrowsNeverThrows() {
        assertThatCode(() -> ErrorInfo.of(new CodeThrows())).doesNotThrowAnyException();
        assertThat(ErrorInfo.of(new CodeThrows()).code()).isNull();
    }

    // Doc (ErrorInfo): "causes - the cause chain below the top exception, outermost first, at most 8"
    @Test
    void causeChainIsCutAtEightOutermostFirst() {
        Throwable chain = new IllegalStateException("c99");
        for (int i = 98; i >= 0; i--) {
            chain = new RuntimeException("c" + i, chain);
        }
        ErrorInfo info = ErrorInfo.of(chain);
        assertThat(ErrorInfo.MAX_CAUSES).isEqualTo(8);
        assertThat(info.causes()).hasSize(8);
        assertThat(info.causes().get(0).message()).isEqualTo("c1");
        assertThat(info.causes().get(7).message()).isEqualTo("c8");
    }

    // Doc (ErrorInfo): causes "at most 8" - a cyclic chain (a -> b -> a) must terminate.
    @Test
    void cyclicCauseChainTerminates() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b");
        a.initCause(b);
        b.initCause(a);
        ErrorInfo info = ErrorInfo.of(a);
        assertThat(info.causes()).isNotEmpty().hasSizeLessThanOrEqualTo(8);
    }

    // Doc (ErrorInfo): "stack - the top exception's frames, framework frames elided, at most 24"
    @Test
    void stackIsAtMost24Frames() {
        RuntimeException deep = recurse(500);
        ErrorInfo info = ErrorInfo.of(deep);
        assertThat(ErrorInfo.MAX_FRAMES).isEqualTo(24);
        assertThat(info.stack()).isNotEmpty().hasSizeLessThanOrEqualTo(ErrorInfo.MAX_FRAMES + 1);
        assertThat(info.stack().stream().filter(f -> f.contains("recurse")).count())
                .isLessThanOrEqualTo(ErrorInfo.MAX_FRAMES);
    }

    static RuntimeException recurse(int n) {
        if (n == 0) {
            return new IllegalStateException("bottom");
        }
        return recurse(n - 1);
    }

    // Doc (ErrorInfo): "fingerprint - 16 hex characters" ... "It ignores message values (ids, amounts)"
    @Test
    void fingerprintIgnoresMessages() {
        ErrorInfo one = ErrorInfo.of(sameSite("order 1 failed, amount 10.00"));
        ErrorInfo two = ErrorInfo.of(sameSite("order 2 failed, amount 99.99"));
        assertThat(one.fingerprint()).matches("[0-9a-f]{16}").isEqualTo(two.fingerprint());
    }

    static RuntimeException sameSite(String message) {
        return new IllegalStateException(message);
    }

    // Doc (ErrorInfo): "two throws of the same exception type in one method share one (line numbers are ignored on
    // purpose)" and "Throw sites in different methods give different fingerprints"
    @Test
    void fingerprintIgnoresLinesButNotMethods() {
        RuntimeException lineA =
                withFrames(new IllegalStateException("x"), "com.acme.Orders#create:10", "com.acme.Api#post:5");
        RuntimeException lineB =
                withFrames(new IllegalStateException("y"), "com.acme.Orders#create:99", "com.acme.Api#post:7");
        RuntimeException otherMethod =
                withFrames(new IllegalStateException("x"), "com.acme.Orders#cancel:10", "com.acme.Api#post:5");
        assertThat(ErrorInfo.of(lineA).fingerprint())
                .isEqualTo(ErrorInfo.of(lineB).fingerprint());
        assertThat(ErrorInfo.of(lineA).fingerprint())
                .isNotEqualTo(ErrorInfo.of(otherMethod).fingerprint());
    }

    static String fingerprintOf(String... frames) {
        String[] all = new String[frames.length + 1];
        System.arraycopy(frames, 0, all, 0, frames.length);
        all[frames.length] = "com.acme.Api#post:5";
        return ErrorInfo.of(withFrames(new IllegalStateException("x"), all)).fingerprint();
    }

    // Doc (ErrorInfo): "It ignores ... lambda and proxy counters ... so one bug keeps one fingerprint across requests
    // and deploys." - the counter in a lambda's synthetic method name (lambda$create$3 vs lambda$create$7).
    @Test
    void fingerprintIgnoresTheLambdaMethodCounter() {
        assertThat(fingerprintOf("com.acme.Orders#lambda$create$3:10"))
                .isEqualTo(fingerprintOf("com.acme.Orders#lambda$create$7:12"));
    }

    // Doc (ErrorInfo): "It ignores ... lambda ... counters" - the counter and address in a lambda's hidden class name.
    @Test
    void fingerprintIgnoresTheLambdaClassCounter() {
        assertThat(fingerprintOf("com.acme.Orders$$Lambda$112/0x0000000800c4b040#apply:-1"))
                .isEqualTo(fingerprintOf("com.acme.Orders$$Lambda$958/0x0000000801a2c8f0#apply:-1"));
    }

    // Doc (ErrorInfo): "It ignores ... proxy counters" - $Proxy17 vs $Proxy42 in the same package.
    @Test
    void fingerprintIgnoresTheProxyClassCounter() {
        assertThat(fingerprintOf("com.sun.proxy.$Proxy17#save:-1"))
                .isEqualTo(fingerprintOf("com.sun.proxy.$Proxy42#save:-1"));
    }

    // Doc (ErrorInfo): "It ignores ... proxy counters" - on JDK 16+ dynamic proxies live in counted packages
    // (jdk.proxy2, jdk.proxy3, ...) that differ between runs.
    @Test
    void fingerprintIgnoresTheJdkProxyPackageCounter() {
        assertThat(fingerprintOf("jdk.proxy2.$Proxy17#save:-1"))
                .isEqualTo(fingerprintOf("jdk.proxy3.$Proxy17#save:-1"));
    }

    // Doc (ErrorInfo): "it hashes the exception types of the cause chain" - a different root cause type is a different
    // failure.
    @Test
    void fingerprintDependsOnTheCauseTypes() {
        RuntimeException io = new RuntimeException("x", new IOException("disk"));
        RuntimeException timeout = new RuntimeException("x", new TimeoutException("slow"));
        io.setStackTrace(timeout.getStackTrace());
        io.getCause().setStackTrace(timeout.getCause().getStackTrace());
        assertThat(ErrorInfo.of(io).fingerprint())
                .isNotEqualTo(ErrorInfo.of(timeout).fingerprint());
    }

    // Doc (ErrorInfo): fingerprint is "stable" - the same input gives the same fingerprint every time.
    @Test
    void fingerprintIsDeterministic() {
        RuntimeException e = withFrames(new IllegalStateException("x"), "com.acme.A#b:1");
        String first = ErrorInfo.of(e).fingerprint();
        for (int i = 0; i < 100; i++) {
            assertThat(ErrorInfo.of(e).fingerprint()).isEqualTo(first);
        }
    }

    // Doc (ClassifiedError): "Implemented by exceptions that know their own stable code and whether a retry may help"
    // / DEFAULT: "ClassifiedErrors say for themselves"
    @Test
    void classifiedErrorsSayForThemselves() {
        ErrorInfo info = ErrorInfo.of(new Declined());
        assertThat(info.code()).isEqualTo("PAYMENT_DECLINED");
        assertThat(info.retryable()).isFalse();
    }

    // Doc (ErrorClassifier.DEFAULT): "timeouts and I/O failures anywhere in the chain are retryable with codes TIMEOUT
    // and
    // IO; anything else has no code and is not retryable."
    @Test
    void defaultClassifiesTimeoutsAndIoAnywhereInTheChain() {
        ErrorInfo timeout = ErrorInfo.of(new RuntimeException("wrap", new TimeoutException("slow")));
        assertThat(timeout.code()).isEqualTo("TIMEOUT");
        assertThat(timeout.retryable()).isTrue();
        ErrorInfo io = ErrorInfo.of(new IllegalStateException("wrap", new UncheckedIOException(new IOException("x"))));
        assertThat(io.code()).isEqualTo("IO");
        assertThat(io.retryable()).isTrue();
        ErrorInfo other = ErrorInfo.of(new IllegalArgumentException("bad input"));
        assertThat(other.code()).isNull();
        assertThat(other.retryable()).isFalse();
        assertThat(ErrorClassifier.DEFAULT.classify(new TimeoutException()).code())
                .isEqualTo("TIMEOUT");
    }

    // Doc (ErrorClassifier.DEFAULT): "anywhere in the chain" - also deeper than the 8 causes ErrorInfo keeps.
    @Test
    void defaultFindsAnIoFailureDeeperThanTheKeptCauses() {
        Throwable chain = new IOException("root cause: connection reset");
        for (int i = 0; i < 20; i++) {
            chain = new RuntimeException("layer " + i, chain);
        }
        assertThat(ErrorClassifier.DEFAULT.classify(chain).code()).isEqualTo("IO");
        assertThat(ErrorInfo.of(chain).code()).isEqualTo("IO");
    }

    // Doc (ErrorClassifier.DEFAULT): "anywhere in the chain" - a cyclic chain must not hang the classifier.
    @Test
    void defaultClassifierTerminatesOnACyclicChain() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b");
        a.initCause(b);
        b.initCause(a);
        assertThatCode(() -> ErrorClassifier.DEFAULT.classify(a)).doesNotThrowAnyException();
    }

    // Doc (ErrorInfo): "message - the exception's message, possibly null"
    @Test
    void nullMessageStaysNull() {
        ErrorInfo info = ErrorInfo.of(new IllegalStateException());
        assertThat(info.message()).isNull();
        assertThat(info.type()).isEqualTo("java.lang.IllegalStateException");
    }

    // Doc (ErrorInfo.of): "Never throws for a hostile throwable" - a getStackTrace() that returns null elements.
    @Test
    void stackTraceWithNullElementsNeverThrows() {
        assertThatCode(() -> ErrorInfo.of(new StackWithNulls())).doesNotThrowAnyException();
    }

    // Doc (ErrorInfo): causes "at most 8" / "Never throws for a hostile throwable" - a getCause() that returns itself.
    @Test
    void getCauseReturningItselfTerminates() {
        assertThatCode(() -> ErrorInfo.of(new SelfCause())).doesNotThrowAnyException();
        assertThat(ErrorInfo.of(new SelfCause()).causes()).hasSizeLessThanOrEqualTo(ErrorInfo.MAX_CAUSES);
        assertThatCode(() -> ErrorClassifier.DEFAULT.classify(new SelfCause())).doesNotThrowAnyException();
    }
}
