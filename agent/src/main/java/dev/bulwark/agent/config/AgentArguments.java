package dev.bulwark.agent.config;

import java.util.HashMap;
import java.util.Map;

/** Parses the {@code -javaagent:bulwark-agent.jar=key=value,key=value} argument string. */
public final class AgentArguments {
    private AgentArguments() {
    }

    public static Map<String, String> parse(String arguments) {
        Map<String, String> parsed = new HashMap<>();
        if (arguments == null || arguments.isBlank()) {
            return parsed;
        }
        for (String pair : arguments.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                parsed.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
            }
        }
        return parsed;
    }
}
