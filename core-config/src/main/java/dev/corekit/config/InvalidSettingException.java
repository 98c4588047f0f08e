package dev.corekit.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One or more corekit settings have values that are not allowed. The message names, for each, the key, the value
 * (masked when secret), where the value came from and what is allowed, so that whoever set it can fix it without
 * reading code:
 *
 * <pre>
 * invalid corekit setting: corekit.logging.retention = "3x" (from environment variable COREKIT_LOGGING_RETENTION):
 * not a duration; allowed: a duration like 500ms, 30s, 15m, 12h, 30d or PT15M, from 1h to 3650d
 * </pre>
 *
 * <p>Thrown at startup, when settings are loaded, never later.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** One rejected value: the property name and the full sentence about it. */
    public record Problem(String propertyName, String message) {}

    private final transient List<Problem> problems;

    InvalidSettingException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    static InvalidSettingException of(Setting<?> setting, Object value, String from, String reason) {
        return new InvalidSettingException(List.of(problem(setting, value, from, reason, setting.allowed())));
    }

    static Problem problem(Setting<?> setting, Object value, String from, String reason, String allowed) {
        String shown = value == null ? "(none)" : '"' + setting.display(value) + '"';
        String because = reason == null ? "" : reason + "; ";
        return new Problem(
                setting.propertyName(),
                setting.propertyName() + " = " + shown + " (from " + from + "): " + because + "allowed: " + allowed);
    }

    /** Every rejected value, in the order the settings were read. */
    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        if (problems.size() == 1) {
            return "invalid corekit setting: " + problems.get(0).message();
        }
        return problems.size() + " invalid corekit settings:"
                + problems.stream().map(p -> "\n  - " + p.message()).collect(Collectors.joining());
    }
}
