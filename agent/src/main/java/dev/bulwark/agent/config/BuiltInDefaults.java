package dev.bulwark.agent.config;

import dev.bulwark.agent.telemetry.SpanMode;

import java.util.Map;
import java.util.Properties;

/**
 * What the agent needs to know of its config at start-up, when the user gives none: then the config is the
 * agent's {@code reference.conf} alone, and the agent can start before Typesafe Config has read it (most of the
 * agent's own start-up on a cold JVM; docs/benchmark-history.md), reading it on another thread meanwhile.
 * {@code BuiltInDefaultsTest} holds these values to what {@code reference.conf} says.
 */
public final class BuiltInDefaults {
    /** How the start-up line names a config that is the built-in defaults alone. */
    public static final String SOURCE = "built-in defaults";
    public static final boolean METRICS = true;
    public static final SpanMode SPANS = SpanMode.ALL;

    private BuiltInDefaults() {
    }

    /**
     * Whether the config will be the built-in defaults alone: no file named (agent argument, system property or
     * environment variable) and no {@code -Dbulwark.*} override. Such a config is enabled and selects no class by
     * name, so no class loaded before it is read can be one it would have protected. Overrides of the cache's
     * settings ({@code -Dbulwark.cache.dir}, as a deployment sets it) keep it alone: the cache is first opened by
     * the first class that may need weaving, which waits for the config anyway; reading the config before the
     * application starts rather than beside it would put all of Typesafe Config's work back on the start-up path.
     */
    public static boolean alone(String agentArguments, Properties systemProperties, Map<String, String> environment) {
        return !ConfigSources.namesAFile(agentArguments, systemProperties, environment)
                && !ConfigSources.hasOverridesOutside("cache", systemProperties);
    }
}
