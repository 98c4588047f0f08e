package dev.corekit.logging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A failure normalized for storage and grouping: type, message, code, whether a retry may help, the cause chain, a
 * trimmed stack and a stable fingerprint.
 *
 * <p>The fingerprint groups occurrences of the same failure: it hashes the exception types of the cause chain and the
 * top frames of each (class and method only). It ignores message values (ids, amounts), line numbers (which move with
 * every edit), lambda and proxy counters, and framework frames, so one bug keeps one fingerprint across requests and
 * deploys (JDK proxy classes and their numbered {@code jdk.proxyN} packages included). Throw sites in different methods give different fingerprints; two throws of the same exception type
 * in one method share one (line numbers are ignored on purpose). Caveat: HotSpot's {@code OmitStackTraceInFastThrow}
 * drops the stack of implicit exceptions (NPE, ArithmeticException, ...) thrown often from compiled code, so those
 * group by type only; run with {@code -XX:-OmitStackTraceInFastThrow} to keep them apart.
 *
 * @param type the exception's class name
 * @param message the exception's message, possibly null
 * @param code a stable error code when the exception carries one ({@link ClassifiedError}), else null
 * @param retryable whether retrying the same call may succeed
 * @param causes the cause chain below the top exception, outermost first, at most {@value #MAX_CAUSES}
 * @param stack the top exception's frames, framework frames elided, at most {@value #MAX_FRAMES}
 * @param fingerprint 16 hex characters, stable as described above
 */
public record ErrorInfo(
        String type,
        String message,
        String code,
        boolean retryable,
        List<Cause> causes,
        List<String> stack,
        String fingerprint) {

    /** Causes kept below the top exception. */
    public static final int MAX_CAUSES = 8;
    /** Frames kept of the top exception's stack. */
    public static final int MAX_FRAMES = 24;
    /** Frames of each exception in the chain that feed the fingerprint. */
    public static final int FINGERPRINT_FRAMES = 6;

    private static final Pattern LAMBDA_COUNTER =
            Pattern.compile("\\$\\$Lambda(\\$\\d+)?/0x[0-9a-f]+|\\$\\$Lambda\\.0x[0-9a-f]+");
    private static final Pattern LAMBDA_METHOD = Pattern.compile("lambda\\$(.+)\\$\\d+");
    private static final Pattern PROXY_COUNTER = Pattern.compile("\\$Proxy\\d+");
    /** JDK dynamic proxies live in a numbered package ({@code jdk.proxy2}) that changes between runs too. */
    private static final Pattern PROXY_PACKAGE_COUNTER = Pattern.compile("^jdk\\.proxy\\d+\\.");

    private static final List<String> FRAMEWORK_PREFIXES = List.of(
            "java.lang.reflect.",
            "jdk.internal.",
            "sun.reflect.",
            "org.junit.",
            "org.apache.maven.surefire.",
            "java.util.concurrent.",
            "java.lang.Thread.");

    /**
     * One exception of the cause chain.
     *
     * @param type its class name
     * @param message its message, possibly null
     */
    public record Cause(String type, String message) {}

    public ErrorInfo {
        Objects.requireNonNull(type, "type");
        causes = List.copyOf(causes);
        stack = List.copyOf(stack);
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** Normalizes a throwable with the default classification (see {@link ErrorClassifier#DEFAULT}). */
    public static ErrorInfo of(Throwable throwable) {
        return of(throwable, ErrorClassifier.DEFAULT);
    }

    /**
     * Normalizes a throwable; {@code classifier} decides its code and whether it is retryable. Never throws for a
     * hostile throwable: a {@code getMessage()}, {@code getCause()} or {@code getStackTrace()} that throws, or a
     * classifier that does, yields a marker ({@code (unprintable: <type>)}), a shorter chain, no frames, or no code.
     */
    public static ErrorInfo of(Throwable throwable, ErrorClassifier classifier) {
        Objects.requireNonNull(throwable, "throwable");
        List<Throwable> chain = chain(throwable);
        List<Cause> causes = new ArrayList<>();
        for (Throwable cause : chain.subList(1, Math.min(chain.size(), MAX_CAUSES + 1))) {
            causes.add(new Cause(cause.getClass().getName(), message(cause)));
        }
        ErrorClassifier.Classification classification;
        try {
            classification = classifier.classify(throwable);
        } catch (Throwable e) {
            Redactor.rethrowIfFatal(e);
            classification = null;
        }
        return new ErrorInfo(
                throwable.getClass().getName(),
                message(throwable),
                classification == null ? null : classification.code(),
                classification != null && classification.retryable(),
                causes,
                trimmedStack(throwable),
                fingerprint(chain));
    }

    /** A throwable's message, or a marker when {@code getMessage()} throws. */
    private static String message(Throwable throwable) {
        try {
            return throwable.getMessage();
        } catch (Throwable e) {
            return "(unprintable: " + Redactor.rethrowIfFatal(e).getClass().getSimpleName() + ")";
        }
    }

    /** The chain from {@code throwable} down its causes, stopping at a cycle or a {@code getCause()} that throws. */
    static List<Throwable> chain(Throwable throwable) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = throwable; t != null && seen.add(t); t = cause(t)) {
            chain.add(t);
        }
        return chain;
    }

    private static Throwable cause(Throwable throwable) {
        try {
            return throwable.getCause();
        } catch (Throwable e) {
            Redactor.rethrowIfFatal(e);
            return null;
        }
    }

    private static StackTraceElement[] frames(Throwable throwable) {
        try {
            StackTraceElement[] frames = throwable.getStackTrace();
            return frames == null ? new StackTraceElement[0] : frames;
        } catch (Throwable e) {
            Redactor.rethrowIfFatal(e);
            return new StackTraceElement[0];
        }
    }

    private static List<String> trimmedStack(Throwable throwable) {
        List<String> frames = new ArrayList<>();
        int elided = 0;
        for (StackTraceElement frame : frames(throwable)) {
            if (frame == null) {
                continue;
            }
            if (isFramework(frame)) {
                elided++;
                continue;
            }
            if (frames.size() == MAX_FRAMES) {
                elided++;
                continue;
            }
            frames.add(frame.toString());
        }
        if (elided > 0) {
            frames.add("... " + elided + " framework or further frames elided");
        }
        return frames;
    }

    private static boolean isFramework(StackTraceElement frame) {
        String className = frame.getClassName();
        for (String prefix : FRAMEWORK_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String fingerprint(List<Throwable> chain) {
        StringBuilder shape = new StringBuilder();
        for (Throwable t : chain) {
            shape.append(normalize(t.getClass().getName())).append('\n');
            int taken = 0;
            for (StackTraceElement frame : frames(t)) {
                if (taken == FINGERPRINT_FRAMES) {
                    break;
                }
                if (frame == null || isFramework(frame)) {
                    continue;
                }
                shape.append("  at ")
                        .append(normalize(frame.getClassName()))
                        .append('.')
                        .append(LAMBDA_METHOD.matcher(frame.getMethodName()).replaceAll("lambda\\$$1"))
                        .append('\n');
                taken++;
            }
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(shape.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }

    private static String normalize(String className) {
        String withoutCounters = PROXY_COUNTER
                .matcher(LAMBDA_COUNTER.matcher(className).replaceAll("\\$\\$Lambda"))
                .replaceAll("\\$Proxy");
        return PROXY_PACKAGE_COUNTER.matcher(withoutCounters).replaceFirst("jdk.proxy.");
    }
}
