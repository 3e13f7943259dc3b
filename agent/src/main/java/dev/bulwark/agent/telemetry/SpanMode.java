package dev.bulwark.agent.telemetry;

import java.util.Locale;

/** {@code bulwark.otel.spans}: which protected invocations get a span (docs/telemetry.md). */
public enum SpanMode {
    /** Every invocation, current while it runs, so spans started inside it are its children. */
    ALL,
    /**
     * Only an invocation that retried, was rejected, fell back, timed out or failed, created when it ends with
     * its true start time and its events; a healthy invocation records nothing.
     */
    EVENTFUL,
    OFF;

    /** The mode a config value names, or null; {@code true} and {@code false}, the switch's old values, still work. */
    public static SpanMode parse(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "all":
            case "true":
                return ALL;
            case "eventful":
                return EVENTFUL;
            case "off":
            case "false":
                return OFF;
            default:
                return null;
        }
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
