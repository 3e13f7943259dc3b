package dev.bulwark.agent.runtime;

import dev.bulwark.agent.chain.CallSites;
import dev.bulwark.agent.config.AgentArguments;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.config.Setting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What the attach command learns of its attach: the agent argument {@code report=} names a file, and the agent
 * writes there, in lines, what it did: started or loaded the config, every method woven, or an {@code error:}
 * line. The command prints it; the file appears whole (written aside, then moved) once the attach is done.
 */
final class AttachReport {
    /** Starts the line of a failure, which the command shows as its one-line reason. */
    static final String ERROR = "error: ";

    private final Path file;
    private final List<String> lines = new ArrayList<>();

    private AttachReport(Path file) {
        this.file = file;
    }

    /** The report the arguments ask for, or null when they ask for none (a {@code -javaagent} start). */
    static AttachReport requested(String agentArguments) {
        String path = AgentArguments.parse(agentArguments).get("report");
        return path == null || path.isBlank() ? null : new AttachReport(Paths.get(path.trim()));
    }

    AttachReport line(String line) {
        lines.add(line);
        return this;
    }

    /** One line per woven method: its name and its policies, each with the settings the config or an annotation wrote. */
    AttachReport woven(CallSites sites) {
        List<String> methods = new ArrayList<>();
        sites.forEachDefinition((definition, scope) -> {
            StringJoiner policies = new StringJoiner(", ");
            for (PolicyKind kind : definition.policies().specs().keySet()) {
                policies.add(kind.configKey() + written(definition.policies().settings().get(kind)));
            }
            methods.add("  " + definition.policies().ownName() + (scope == null ? "" : " [" + scope + "]") + ": " + policies);
        });
        methods.sort(null);
        lines.add(methods.size() + " method" + (methods.size() == 1 ? "" : "s") + " woven"
                + (methods.isEmpty() ? " so far; classes that load later are woven as they load" : ":"));
        lines.addAll(methods);
        return this;
    }

    /** {@code (permits=5, period=1s)}: the settings that are not defaults. */
    private static String written(Map<String, Setting> settings) {
        if (settings == null) {
            return "";
        }
        StringJoiner written = new StringJoiner(", ", "(", ")").setEmptyValue("");
        settings.forEach((key, setting) -> {
            if (!setting.source().equals(Setting.BUILT_IN) && !setting.source().equals(Setting.DEFAULTS)) {
                written.add(key + "=" + setting.value());
            }
        });
        return written.toString();
    }

    /** Writes the report; a failure is logged, since the command then says it got none. */
    void write() {
        Path aside = file.resolveSibling(file.getFileName() + ".part");
        try {
            Files.write(aside, lines, StandardCharsets.UTF_8);
            Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            BulwarkLog.error("cannot write the attach report to " + file + ": " + e);
        }
    }
}
