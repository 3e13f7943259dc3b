package dev.bulwark.agent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;

import java.io.File;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Reads the three config sources and layers them, later wins: the agent's {@code reference.conf}, the
 * user's file (agent argument {@code config=}, else {@code -Dbulwark.config}, else {@code BULWARK_CONFIG}), then
 * {@code -Dbulwark.*} system properties. Never {@code ConfigFactory.load()}, which would read the application's
 * own {@code application.conf} through the context class loader.
 */
final class ConfigSources {
    static final String ROOT = "bulwark";
    private static final String PROPERTY_ORIGIN = "system property ";
    /** System properties read elsewhere, before any config exists; they are not config keys. */
    private static final String[] NOT_CONFIG_KEYS = {"bulwark.config", "bulwark.log", "bulwark.debug"};

    final Config reference;
    final Config merged;
    final File file;
    final String source;

    private ConfigSources(Config reference, Config merged, File file, String source) {
        this.reference = reference;
        this.merged = merged;
        this.file = file;
        this.source = source;
    }

    static ConfigSources read(String agentArguments, ClassLoader agentResources, Properties systemProperties,
                              Map<String, String> environment, Consumer<ConfigProblem> problems) {
        Config reference = ConfigFactory.parseResources(agentResources, "reference.conf").resolve();
        FileChoice choice = FileChoice.of(agentArguments, systemProperties, environment);
        Config user = ConfigFactory.empty();
        String source = BuiltInDefaults.SOURCE;
        if (choice != null) {
            source = choice.file.getAbsolutePath() + " (from " + choice.origin + ")";
            user = parseFile(choice, problems);
            if (user == null) {
                user = ConfigFactory.empty();
                source = BuiltInDefaults.SOURCE + " (" + choice.file.getAbsolutePath() + " could not be used)";
            }
        }
        Config overrides = systemPropertyOverrides(systemProperties, problems);
        Config merged;
        try {
            merged = overrides.withFallback(user).withFallback(reference).resolve();
        } catch (ConfigException e) {
            problems.accept(new ConfigProblem(ROOT, originOf(e, source), "a config whose ${substitutions} resolve", e.getMessage()));
            merged = reference;
        }
        if (!merged.hasPath(ROOT) || !(merged.getValue(ROOT) instanceof com.typesafe.config.ConfigObject)) {
            problems.accept(new ConfigProblem(ROOT, source, "an object { ... }", "'bulwark' is not an object"));
            merged = reference;
        }
        return new ConfigSources(reference.getConfig(ROOT), merged.getConfig(ROOT), choice == null ? null : choice.file, source);
    }

    private static Config parseFile(FileChoice choice, Consumer<ConfigProblem> problems) {
        File path = choice.file;
        if (!path.isFile()) {
            problems.accept(new ConfigProblem(choice.key, path.getAbsolutePath() + " (from " + choice.origin + ")",
                    "a readable HOCON file", path.exists() ? "a directory" : "no such file"));
            return null;
        }
        try {
            return ConfigFactory.parseFile(path, ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            problems.accept(new ConfigProblem(choice.key, originOf(e, path.getAbsolutePath()), "a readable HOCON file",
                    e.getMessage()));
            return null;
        }
    }

    /**
     * Each {@code -Dbulwark.a.b=v} is a HOCON path expression, so quoted segments such as
     * {@code -Dbulwark.methods."com.acme.Billing#charge".retry.max-attempts=5} work, which
     * {@code ConfigFactory.parseProperties} (splitting at every dot) cannot express. A value in brackets is a list.
     */
    static Config systemPropertyOverrides(Properties systemProperties, Consumer<ConfigProblem> problems) {
        Config overrides = ConfigFactory.empty();
        for (String name : new TreeSet<>(systemProperties.stringPropertyNames())) {
            if (!isOverride(name)) {
                continue;
            }
            String origin = PROPERTY_ORIGIN + name;
            try {
                overrides = overrides.withValue(name, value(systemProperties.getProperty(name), origin));
            } catch (ConfigException e) {
                problems.accept(new ConfigProblem(name, origin, "a HOCON path and value", e.getMessage()));
            }
        }
        return overrides;
    }

    /** The {@code -Dbulwark.*} property whose value the problem is about, or null when it is about another source. */
    static String propertyOf(ConfigProblem problem, Properties systemProperties) {
        String origin = problem.origin();
        if (!origin.startsWith(PROPERTY_ORIGIN)) {
            return null;
        }
        for (String name : systemProperties.stringPropertyNames()) {
            String named = PROPERTY_ORIGIN + name;
            // A list value parsed from the property's text says the line too: "system property bulwark.x: 1".
            if (isOverride(name) && (origin.equals(named) || origin.startsWith(named + ":"))) {
                return name;
            }
        }
        return null;
    }

    private static ConfigValue value(String raw, String origin) {
        String trimmed = raw.trim();
        if (trimmed.startsWith("[")) {
            return ConfigFactory.parseString("v = " + trimmed, ConfigParseOptions.defaults().setOriginDescription(origin))
                    .getValue("v");
        }
        return ConfigValueFactory.fromAnyRef(raw, origin);
    }

    static boolean namesAFile(String agentArguments, Properties systemProperties, Map<String, String> environment) {
        return FileChoice.of(agentArguments, systemProperties, environment) != null;
    }

    /** Whether a {@code -Dbulwark.*} property overrides a key outside the block {@code bulwark.<block>}. */
    static boolean hasOverridesOutside(String block, Properties systemProperties) {
        String inBlock = ROOT + "." + block + ".";
        for (String name : systemProperties.stringPropertyNames()) {
            if (isOverride(name) && !name.startsWith(inBlock)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOverride(String name) {
        return name.startsWith(ROOT + ".") && !isNotConfig(name);
    }

    private static boolean isNotConfig(String name) {
        for (String notConfig : NOT_CONFIG_KEYS) {
            if (notConfig.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String originOf(ConfigException e, String fallback) {
        return e.origin() == null ? fallback : e.origin().description();
    }

    /** Which file the user named, and through which of the three ways. */
    private static final class FileChoice {
        final File file;
        final String key;
        final String origin;

        private FileChoice(String path, String key, String origin) {
            this.file = new File(path.trim());
            this.key = key;
            this.origin = origin;
        }

        static FileChoice of(String agentArguments, Properties systemProperties, Map<String, String> environment) {
            String fromArgument = AgentArguments.parse(agentArguments).get("config");
            if (present(fromArgument)) {
                return new FileChoice(fromArgument, "config", "agent argument config=");
            }
            String fromProperty = systemProperties.getProperty("bulwark.config");
            if (present(fromProperty)) {
                return new FileChoice(fromProperty, "bulwark.config", "system property bulwark.config");
            }
            String fromEnvironment = environment.get("BULWARK_CONFIG");
            if (present(fromEnvironment)) {
                return new FileChoice(fromEnvironment, "BULWARK_CONFIG", "environment variable BULWARK_CONFIG");
            }
            return null;
        }

        private static boolean present(String path) {
            return path != null && !path.isBlank();
        }
    }
}
