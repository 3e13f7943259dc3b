package dev.bulwark.agent.config;

/** One bad value: which key, where it was written (file and line, or the annotation), what was expected. */
public final class ConfigProblem {
    private final String key;
    private final String origin;
    private final String expected;
    private final String found;

    public ConfigProblem(String key, String origin, String expected, String found) {
        this.key = key;
        this.origin = origin;
        this.expected = expected;
        this.found = found;
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
