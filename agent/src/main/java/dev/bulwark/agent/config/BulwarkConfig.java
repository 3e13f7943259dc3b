package dev.bulwark.agent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Bulwark's configuration, from its sources in SPEC §2 order (later wins): the agent's {@code reference.conf},
 * the user's file, then {@code -Dbulwark.*} system properties. Never {@code ConfigFactory.load()}, which would
 * read the application's own {@code application.conf} through the context class loader.
 */
public final class BulwarkConfig {
    private static final String ROOT = "bulwark";

    private final Config root;
    private final String source;
    private final List<InstrumentRule> instrumentRules;
    private final Set<String> classesWithMethodEntries;
    private final Consumer<ConfigProblem> problems;

    private BulwarkConfig(Config root, String source, Consumer<ConfigProblem> problems) {
        this.root = root;
        this.source = source;
        this.problems = problems;
        this.instrumentRules = readInstrumentRules();
        this.classesWithMethodEntries = readMethodEntryClasses();
    }

    /**
     * Loads the configuration; every problem (a missing or unparsable file, a bad value) goes to
     * {@code problems} and leaves the built-in defaults in its place.
     */
    public static BulwarkConfig load(String agentArguments, ClassLoader agentResources, Properties systemProperties,
                                     Map<String, String> environment, Consumer<ConfigProblem> problems) {
        Config reference = ConfigFactory.parseResources(agentResources, "reference.conf");
        String file = AgentArguments.parse(agentArguments).get("config");
        String fileSource = "agent argument config=";
        if (file == null) {
            file = systemProperties.getProperty("bulwark.config");
            fileSource = "system property bulwark.config";
        }
        if (file == null) {
            file = environment.get("BULWARK_CONFIG");
            fileSource = "environment variable BULWARK_CONFIG";
        }
        Config user = ConfigFactory.empty();
        String source = "built-in defaults";
        if (file != null && !file.isBlank()) {
            File path = new File(file);
            source = path.getAbsolutePath() + " (from " + fileSource + ")";
            try {
                user = ConfigFactory.parseFile(path, ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException.IO e) {
                problems.accept(new ConfigProblem(fileSource, path.getAbsolutePath(), "a readable HOCON file", "no such file"));
                source = "built-in defaults (" + path.getAbsolutePath() + " could not be read)";
            } catch (ConfigException e) {
                problems.accept(new ConfigProblem(ROOT, e.origin() == null ? path.getAbsolutePath() : e.origin().description(),
                        "valid HOCON", e.getMessage()));
                source = "built-in defaults (" + path.getAbsolutePath() + " does not parse)";
            }
        }
        Config overrides = ConfigFactory.parseProperties(onlyBulwark(systemProperties), ConfigParseOptions.defaults()
                .setOriginDescription("system properties"));
        Config merged;
        try {
            merged = overrides.withFallback(user).withFallback(reference).resolve().getConfig(ROOT);
        } catch (ConfigException e) {
            problems.accept(new ConfigProblem(ROOT, e.origin() == null ? source : e.origin().description(),
                    "a config that resolves", e.getMessage()));
            merged = reference.resolve().getConfig(ROOT);
        }
        return new BulwarkConfig(merged, source, problems);
    }

    private static Properties onlyBulwark(Properties systemProperties) {
        Properties bulwark = new Properties();
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith(ROOT + ".") && !name.equals("bulwark.config") && !name.equals("bulwark.log")
                    && !name.equals("bulwark.debug")) {
                bulwark.setProperty(name, systemProperties.getProperty(name));
            }
        }
        return bulwark;
    }

    public String source() {
        return source;
    }

    public boolean enabled() {
        return flag("enabled", true);
    }

    public boolean metricsEnabled() {
        return flag("otel.metrics", true);
    }

    public boolean spansEnabled() {
        return flag("otel.spans", true);
    }

    private boolean flag(String key, boolean fallback) {
        try {
            return root.getBoolean(key);
        } catch (ConfigException e) {
            problems.accept(new ConfigProblem("bulwark." + key, origin(key), "true or false", e.getMessage()));
            return fallback;
        }
    }

    private String origin(String key) {
        return root.hasPathOrNull(key) ? root.getValue(key).origin().description() : source;
    }

    public List<InstrumentRule> instrumentRules() {
        return instrumentRules;
    }

    /** Whether a {@code methods} entry names a method of this class, so the class must be looked at. */
    public boolean hasMethodEntriesFor(String className) {
        return classesWithMethodEntries.contains(className);
    }

    /** Whether the class is protected by config alone: an {@code instrument} rule or a {@code methods} entry. */
    public boolean selectsClass(String className) {
        if (classesWithMethodEntries.contains(className)) {
            return true;
        }
        for (InstrumentRule rule : instrumentRules) {
            if (rule.matchesClass(className)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Resolves the policies of one method from its declared blocks (annotations or an {@code instrument}
     * entry), with the precedence of SPEC §5: {@code methods} entry, declared values, {@code policies} entry
     * of the same name, {@code defaults}.
     */
    public SitePolicies resolve(String className, String methodName, Map<PolicyKind, Config> declared) {
        String ownName = className + "#" + methodName;
        Config methodEntry = methodEntry(ownName);
        Map<PolicyKind, Object> specs = new EnumMap<>(PolicyKind.class);
        for (PolicyKind kind : PolicyKind.values()) {
            boolean fromMethods = methodEntry.hasPath(kind.configKey());
            if (!declared.containsKey(kind) && !fromMethods) {
                continue;
            }
            Config top = (fromMethods ? methodEntry.getConfig(kind.configKey()) : ConfigFactory.empty())
                    .withFallback(declared.getOrDefault(kind, ConfigFactory.empty()));
            String name = policyName(kind, top, ownName);
            Config merged = top.withFallback(namedPolicy(name, kind)).withFallback(defaults(kind));
            Object spec = read(kind, name, merged, kind.configKey() + " of " + ownName);
            if (spec != null) {
                specs.put(kind, spec);
            }
        }
        return new SitePolicies(className, methodName, specs);
    }

    private Object read(PolicyKind kind, String name, Config merged, String path) {
        BlockReader reader = new BlockReader(merged, kind.configKey());
        Object spec = SpecReader.read(kind, name, reader);
        if (reader.problems().isEmpty()) {
            return spec;
        }
        reader.problems().forEach(problems);
        if (kind == PolicyKind.FALLBACK) {
            return null;
        }
        BlockReader defaults = new BlockReader(defaults(kind), kind.configKey());
        Object fallback = SpecReader.read(kind, name, defaults);
        return defaults.problems().isEmpty() ? fallback : null;
    }

    private static String policyName(PolicyKind kind, Config top, String ownName) {
        if (kind.named() && top.hasPath("name")) {
            String name = top.getValue("name").unwrapped().toString().trim();
            if (!name.isEmpty()) {
                return name;
            }
        }
        return ownName;
    }

    private Config methodEntry(String ownName) {
        ConfigValue entry = root.hasPath("methods") ? root.getObject("methods").get(ownName) : null;
        return entry instanceof ConfigObject ? ((ConfigObject) entry).toConfig() : ConfigFactory.empty();
    }

    private Config namedPolicy(String name, PolicyKind kind) {
        ConfigValue entry = root.hasPath("policies") ? root.getObject("policies").get(name) : null;
        if (entry instanceof ConfigObject) {
            Config policy = ((ConfigObject) entry).toConfig();
            if (policy.hasPath(kind.configKey())) {
                return policy.getConfig(kind.configKey());
            }
        }
        return ConfigFactory.empty();
    }

    private Config defaults(PolicyKind kind) {
        String path = "defaults." + kind.configKey();
        return root.hasPath(path) ? root.getConfig(path) : ConfigFactory.empty();
    }

    private List<InstrumentRule> readInstrumentRules() {
        if (!root.hasPath("instrument")) {
            return Collections.emptyList();
        }
        List<InstrumentRule> rules = new ArrayList<>();
        try {
            for (ConfigObject entry : root.getObjectList("instrument")) {
                Config rule = entry.toConfig();
                BlockReader reader = new BlockReader(rule, "instrument[" + rules.size() + "]");
                Set<String> known = new HashSet<>(List.of("class", "method"));
                Map<PolicyKind, Config> blocks = new EnumMap<>(PolicyKind.class);
                for (PolicyKind kind : PolicyKind.values()) {
                    known.add(kind.configKey());
                    if (rule.hasPath(kind.configKey()) && rule.getValue(kind.configKey()).valueType() == ConfigValueType.OBJECT) {
                        blocks.put(kind, rule.getConfig(kind.configKey()));
                    }
                }
                reader.rejectUnknownKeys(known);
                String classGlob = reader.string("class", "");
                String methodGlob = rule.hasPath("method") ? reader.string("method", "*") : "*";
                if (classGlob.isEmpty()) {
                    reader.problem("class", "a class name pattern such as \"com.acme.legacy.*Client\"", null);
                }
                reader.problems().forEach(problems);
                if (!classGlob.isEmpty() && !blocks.isEmpty()) {
                    rules.add(new InstrumentRule(classGlob, methodGlob, blocks, entry.origin().description()));
                }
            }
        } catch (ConfigException e) {
            problems.accept(new ConfigProblem("bulwark.instrument", origin("instrument"), "a list of objects", e.getMessage()));
        }
        return Collections.unmodifiableList(rules);
    }

    private Set<String> readMethodEntryClasses() {
        Set<String> classes = new HashSet<>();
        if (root.hasPath("methods")) {
            for (String key : root.getObject("methods").keySet()) {
                int hash = key.indexOf('#');
                if (hash > 0) {
                    classes.add(key.substring(0, hash));
                } else {
                    problems.accept(new ConfigProblem("bulwark.methods." + key,
                            root.getObject("methods").get(key).origin().description(),
                            "a key of the form \"com.acme.Class#method\"", "\"" + key + "\""));
                }
            }
        }
        return classes;
    }
}
