package dev.bulwark.agent.config;

/** One bad value: which key, where it was written (file and line, or the annotation), what was expected. */
public final class ConfigProblem {
    private final String key;
    private final String origin;
    private final String expected;
    private final String found;
    private final String outcome;

    public ConfigProblem(String key, String origin, String expected, String found) {
        this(key, origin, expected, found, "ignored, the defaults apply in its place");
    }

    private ConfigProblem(String key, String origin, String expected, String found, String outcome) {
        this.key = key;
        this.origin = origin;
        this.expected = expected;
        this.found = found;
        this.outcome = outcome;
    }

    /** The same problem, with what became of the bad value said otherwise. */
    ConfigProblem withOutcome(String what) {
        return new ConfigProblem(key, origin, expected, found, what);
    }

    /** What became of the bad value, for the log line that reports it. */
    public String outcome() {
        return outcome;
    }

    public String key() {
        return key;
    }

    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return origin + ": '" + key + "' expected " + expected + (found == null ? "" : ", found " + found);
    }
}
