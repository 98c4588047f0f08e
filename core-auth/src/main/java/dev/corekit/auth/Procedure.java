package dev.corekit.auth;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a call is routed to: a stable name (the name of its operation record, e.g. {@code orders.get}), the auth
 * variant it requires by name, and optional slow/hung thresholds that override the global ones for this procedure.
 * Immutable; the {@code with*} methods return a new procedure.
 *
 * <pre>{@code
 * Procedure health = Procedure.named("health").withAuth(Procedure.PUBLIC);
 * Procedure report = Procedure.named("reports.build").withAuth("staff").withSlowCallThreshold(Duration.ofSeconds(20));
 * }</pre>
 *
 * <p>A procedure without an auth variant uses the authenticator's default ({@code corekit.auth.default-variant},
 * {@value #AUTHENTICATED} unless configured): every procedure requires a valid token unless it says otherwise.
 */
public final class Procedure {
    /** The auth variant that requires nothing: no token is read. */
    public static final String PUBLIC = "public";
    /** The auth variant that accepts a valid token of any registered entity type. */
    public static final String AUTHENTICATED = "authenticated";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/{}* -]{0,199}");
    private static final Pattern VARIANT = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    private final String name;
    private final String authVariant;
    private final Duration slowCallThreshold;
    private final Duration hungCallThreshold;

    private Procedure(String name, String authVariant, Duration slowCallThreshold, Duration hungCallThreshold) {
        this.name = name;
        this.authVariant = authVariant;
        this.slowCallThreshold = slowCallThreshold;
        this.hungCallThreshold = hungCallThreshold;
    }

    /**
     * A procedure named {@code name}, with the default auth variant and the global thresholds.
     *
     * @throws IllegalArgumentException unless {@code name} is 1 to 200 letters, digits or {@code ._:/{}* -}, starting
     *     with a letter or digit
     */
    public static Procedure named(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a procedure name is 1 to 200 letters, digits or ._:/{}* - starting with"
                    + " a letter or digit, like orders.get; got '" + name + "'");
        }
        return new Procedure(name, null, null, null);
    }

    /**
     * This procedure requiring the auth variant {@code variant} ({@value #PUBLIC}, {@value #AUTHENTICATED}, an entity
     * type such as {@code user}, or a variant the authenticator defines).
     *
     * @throws IllegalArgumentException unless {@code variant} is lower-case letters, digits and {@code -}
     */
    public Procedure withAuth(String variant) {
        Objects.requireNonNull(variant, "variant");
        if (!VARIANT.matcher(variant).matches()) {
            throw new IllegalArgumentException(
                    "an auth variant is lower-case letters, digits and '-', like user or staff; got '" + variant + "'");
        }
        return new Procedure(name, variant, slowCallThreshold, hungCallThreshold);
    }

    /**
     * This procedure with its own slow-call threshold.
     *
     * @throws IllegalArgumentException unless positive and shorter than this procedure's hung threshold, if set
     */
    public Procedure withSlowCallThreshold(Duration threshold) {
        requirePositive(threshold, "slow-call threshold");
        if (hungCallThreshold != null && hungCallThreshold.compareTo(threshold) <= 0) {
            throw new IllegalArgumentException("procedure " + name + ": the slow-call threshold " + threshold
                    + " must be shorter than its hung-call threshold " + hungCallThreshold);
        }
        return new Procedure(name, authVariant, threshold, hungCallThreshold);
    }

    /**
     * This procedure with its own hung-call threshold.
     *
     * @throws IllegalArgumentException unless positive and longer than this procedure's slow threshold, if set
     */
    public Procedure withHungCallThreshold(Duration threshold) {
        requirePositive(threshold, "hung-call threshold");
        if (slowCallThreshold != null && threshold.compareTo(slowCallThreshold) <= 0) {
            throw new IllegalArgumentException("procedure " + name + ": the hung-call threshold " + threshold
                    + " must be longer than its slow-call threshold " + slowCallThreshold);
        }
        return new Procedure(name, authVariant, slowCallThreshold, threshold);
    }

    private void requirePositive(Duration threshold, String what) {
        Objects.requireNonNull(threshold, what);
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException(
                    "procedure " + name + ": the " + what + " must be positive, got " + threshold);
        }
    }

    /** The name, used as the name of the call's operation record. */
    public String name() {
        return name;
    }

    /** The auth variant this procedure requires; empty for the authenticator's default. */
    public Optional<String> authVariant() {
        return Optional.ofNullable(authVariant);
    }

    /** This procedure's slow-call threshold; empty for the global one. */
    public Optional<Duration> slowCallThreshold() {
        return Optional.ofNullable(slowCallThreshold);
    }

    /** This procedure's hung-call threshold; empty for the global one. */
    public Optional<Duration> hungCallThreshold() {
        return Optional.ofNullable(hungCallThreshold);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Procedure that
                && name.equals(that.name)
                && Objects.equals(authVariant, that.authVariant)
                && Objects.equals(slowCallThreshold, that.slowCallThreshold)
                && Objects.equals(hungCallThreshold, that.hungCallThreshold);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, authVariant, slowCallThreshold, hungCallThreshold);
    }

    @Override
    public String toString() {
        return "Procedure{" + name + (authVariant == null ? "" : ", auth=" + authVariant)
                + (slowCallThreshold == null ? "" : ", slow=" + slowCallThreshold)
                + (hungCallThreshold == null ? "" : ", hung=" + hungCallThreshold) + "}";
    }
}
