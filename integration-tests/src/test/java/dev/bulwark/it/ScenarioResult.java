package dev.bulwark.it;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a scenario JVM reported: its {@code @@ key=value} lines, its exit code and its whole output. */
final class ScenarioResult {
    private final int exitCode;
    private final String stdout;
    private final String stderr;
    private final Map<String, String> values = new LinkedHashMap<>();

    ScenarioResult(int exitCode, String stdout, String stderr) {
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        for (String line : stdout.split("\n")) {
            if (line.startsWith("@@ ")) {
                int equals = line.indexOf('=');
                values.put(line.substring(3, equals), line.substring(equals + 1));
            }
        }
    }

    String get(String key) {
        if (exitCode != 0 || !values.containsKey(key)) {
            throw new AssertionError("scenario reported no '" + key + "' (exit code " + exitCode + "):\n" + this);
        }
        return values.get(key);
    }

    int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    long getLong(String key) {
        return Long.parseLong(get(key));
    }

    boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }

    String stderr() {
        return stderr;
    }

    String stdout() {
        return stdout;
    }

    int exitCode() {
        return exitCode;
    }

    @Override
    public String toString() {
        return "--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
