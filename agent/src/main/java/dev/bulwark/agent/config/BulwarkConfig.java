package dev.bulwark.agent.config;

import dev.bulwark.agent.telemetry.SpanMode;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import dev.bulwark.agent.policy.RedisSettings;
import dev.bulwark.agent.policy.Unwrapping;
import dev.bulwark.agent.policy.budget.RetryBudgetSpec;
import dev.bulwark.agent.policy.ratelimit.RateLimiterSpec;
import dev.bulwark.agent.policy.retry.RetrySpec;
import dev.bulwark.annotations.Scope;

import java.io.File;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Bulwark's configuration (sources and keys in docs/configuration.md), validated as a whole when it is loaded:
 * every problem is reported once, with its key and origin, and the block it was written in is set aside, so
 * that policy falls back to its defaults. Problems only an annotation can cause are reported when its class is
 * woven.
 */
public final class BulwarkConfig {
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final Set<String> ROOT_KEYS = Set.of("enabled", "defaults", "policies", "methods", "instrument", "otel",
            "reload-interval", "unmatched-instrument-report", "async", "shared-names", "admin", "unwrap", "retry-budgets", "redis", "chaos", "cache");
    private static final Set<String> OTEL_KEYS = Set.of("metrics", "spans");
    private static final Set<String> ASYNC_KEYS = Set.of("threads");
    private static final Set<String> ADMIN_KEYS = Set.of("port", "host", "token", "readiness-breakers");
    private static final Set<String> CACHE_KEYS = Set.of("enabled", "dir", "max-size");
    private static final long DEFAULT_CACHE_BYTES = 64L << 20;
    private static final Set<String> BUDGET_KEYS = Set.of("ratio", "min-per-second", "window", "scope");
    private static final Set<String> REDIS_KEYS = Set.of("uri", "timeout", "pool-size", "key-prefix", "on-failure",
            "mode");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** The most threads {@code async.threads} may ask for: beyond it a typo, not a pool size. */
    private static final int MAX_ASYNC_THREADS = 10_000;

    private final Config root;
    private final ConfigSources sources;
    private final Origins origins;
    /** The {@code -Dbulwark.*} properties whose bad values were reported at start, left out ever since. */
    private final Set<String> setAsideProperties;
    private final Consumer<ConfigProblem> problems;
    private final boolean enabled;
    private final boolean metricsEnabled;
    private final SpanMode spans;
    private final long reloadIntervalNanos;
    private final long unmatchedReportNanos;
    private final int asyncThreads;
    private final AdminSettings admin;
    private final boolean namesPerClassLoader;
    private final List<String> unwrap;
    private final Map<String, RetryBudgetSpec> retryBudgets;
    private final RedisSettings redis;
    /**
     * Undefined budget names already reported, with where they were written: a {@code defaults} block naming one
     * would otherwise be reported once for every method with a retry.
     */
    private final Set<String> reportedBudgetProblems = ConcurrentHashMap.newKeySet();
    private final Map<PolicyKind, Config> defaults;
    /** The blocks of the user's {@code defaults}, without the built-in keys they fall back to. */
    private final Map<PolicyKind, Config> writtenDefaults = new EnumMap<>(PolicyKind.class);
    private final Map<String, Map<PolicyKind, Config>> policies;
    private final Map<String, Map<PolicyKind, Config>> methods;
    private final Set<String> classesWithMethodEntries = new HashSet<>();
    private final List<InstrumentRule> instrumentRules;
    private final ChaosSettings chaos;
    private final CacheSettings cache;
    /** Computed at the first look-up in the cache of woven classes. */
    private volatile String fingerprint;
    /** What {@link #fingerprint} is for a config that is the agent's {@code reference.conf} alone, cache aside. */
    static final String BUILT_IN_FINGERPRINT = "built-in defaults";
    /**
     * Whether this config is the agent's {@code reference.conf} alone, but for the cache's own settings: no file,
     * no {@code -Dbulwark.*} override outside {@code cache}. Its content is then a function of the agent's build.
     */
    private final boolean builtInAlone;

    private BulwarkConfig(Origins origins, Set<String> setAsideProperties, Consumer<ConfigProblem> problems) {
        this.origins = origins;
        this.setAsideProperties = setAsideProperties;
        this.sources = origins.read(setAsideProperties, problems);
        this.builtInAlone = sources.file == null && !ConfigSources.hasOverridesOutside("cache", origins.systemProperties);
        this.root = sources.merged;
        this.problems = problems;
        BlockReader top = new BlockReader(root, ConfigSources.ROOT);
        top.rejectUnknownKeys(ROOT_KEYS);
        this.enabled = top.bool("enabled", true);
        this.reloadIntervalNanos = top.durationNanos("reload-interval", 0, 1_000 * NANOS_PER_MILLI);
        this.unmatchedReportNanos = top.durationNanos("unmatched-instrument-report", 0, 60_000 * NANOS_PER_MILLI);
        this.namesPerClassLoader = readSharedNames(top);
        this.unwrap = List.copyOf(top.classNames("unwrap", Unwrapping.DEFAULT_WRAPPERS));
        top.problems().forEach(problems);
        BlockReader otel = new BlockReader(object("otel"), ConfigSources.ROOT + ".otel");
        otel.rejectUnknownKeys(OTEL_KEYS);
        this.metricsEnabled = otel.bool("metrics", true);
        this.spans = otel.spanMode("spans", BuiltInDefaults.SPANS);
        otel.problems().forEach(problems);
        BlockReader async = new BlockReader(object("async"), ConfigSources.ROOT + ".async");
        async.rejectUnknownKeys(ASYNC_KEYS);
        this.asyncThreads = async.integer("threads", 0, MAX_ASYNC_THREADS, 0);
        async.problems().forEach(problems);
        this.admin = readAdmin();
        this.redis = readRedis();
        this.retryBudgets = readRetryBudgets();
        this.defaults = readDefaults();
        this.policies = readEntries("policies");
        this.methods = readEntries("methods");
        for (String method : methods.keySet()) {
            classesWithMethodEntries.add(method.substring(0, method.indexOf('#')));
        }
        this.instrumentRules = readInstrumentRules();
        this.chaos = ChaosReader.read(object("chaos"), problems);
        this.cache = readCache();
    }

    /**
     * Loads the configuration; every problem (a missing or unparsable file, a bad value) goes to
     * {@code problems}, and what it concerns keeps its defaults. A {@code -Dbulwark.*} system property with a bad
     * value is reported here once and then set aside for good: this config, and every {@link #reload}, is read
     * without it, so that a property nobody can change without a restart never refuses a reload of the file.
     */
    public static BulwarkConfig load(String agentArguments, ClassLoader agentResources, Properties systemProperties,
                                     Map<String, String> environment, Consumer<ConfigProblem> problems) {
        Origins origins = new Origins(agentArguments, agentResources, systemProperties, environment);
        HeldProblems held = new HeldProblems();
        BulwarkConfig withEveryProperty = new BulwarkConfig(origins, Collections.emptySet(), held);
        Set<String> bad = new TreeSet<>();
        for (ConfigProblem problem : held.problems) {
            String property = ConfigSources.propertyOf(problem, systemProperties);
            if (property != null) {
                bad.add(property);
                problems.accept(problem.withOutcome("the system property is set aside: ignored until the JVM restarts,"
                        + " reloads included"));
            }
        }
        if (bad.isEmpty()) {
            held.release(problems);
            return withEveryProperty;
        }
        return new BulwarkConfig(origins, Collections.unmodifiableSet(bad), problems);
    }

    /**
     * Loads the configuration again from the same sources, for a reload: the file as it is now, the system
     * properties but those set aside at start, which are neither read nor reported again.
     */
    public BulwarkConfig reload(Consumer<ConfigProblem> problems) {
        return new BulwarkConfig(origins, setAsideProperties, problems);
    }

    /**
     * The config an attach to this running agent asks for: read from the file its arguments name
     * ({@code config=}), with this config's system properties and environment, else from this config's own
     * sources again, like a reload.
     */
    public BulwarkConfig attached(String agentArguments, Consumer<ConfigProblem> problems) {
        if (!AgentArguments.parse(agentArguments).containsKey("config")) {
            return reload(problems);
        }
        Origins named = new Origins(agentArguments, origins.agentResources, origins.systemProperties, origins.environment);
        return new BulwarkConfig(named, setAsideProperties, problems);
    }

    /** The {@code -Dbulwark.*} system properties left out because their values were bad at start. */
    public Set<String> setAsideProperties() {
        return setAsideProperties;
    }

    /** Where the configuration came from, for the start-up line. */
    public String source() {
        return sources.source;
    }

    /** The user's config file, watched for hot reload; null when there is none. */
    public File file() {
        return sources.file;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean metricsEnabled() {
        return metricsEnabled;
    }

    public SpanMode spans() {
        return spans;
    }

    /** How often the config file is checked for changes; 0 turns hot reload off. */
    public long reloadIntervalNanos() {
        return reloadIntervalNanos;
    }

    /** How long after start (or a reload) an {@code instrument} entry that matched nothing is reported; 0 never. */
    public long unmatchedReportNanos() {
        return unmatchedReportNanos;
    }

    /**
     * How many threads at most run asynchronous invocations' retried bodies, fallbacks and completions; 0 lets
     * the agent choose from the number of processors.
     */
    public int asyncThreads() {
        return asyncThreads;
    }

    /** The admin endpoint's settings ({@code bulwark.admin}). */
    public AdminSettings admin() {
        return admin;
    }

    /** The wrapper exceptions every exception matcher looks through. */
    public List<String> unwrap() {
        return unwrap;
    }

    public List<InstrumentRule> instrumentRules() {
        return instrumentRules;
    }

    /** Fault injection ({@code bulwark.chaos}); its experiments select methods as {@code instrument} entries do. */
    public ChaosSettings chaos() {
        return chaos;
    }

    /** Whether a {@code methods} entry names a method of this class, so the class must be looked at. */
    public boolean hasMethodEntriesFor(String className) {
        return classesWithMethodEntries.contains(className);
    }

    /**
     * What of this config decides which methods of the class are woven: the method patterns of the
     * {@code instrument} rules that match it and the methods its {@code methods} entries name. Two configs with
     * equal selectors weave the class alike; the policies they give its methods a reload changes in place.
     */
    public List<String> methodSelectors(String className) {
        List<String> selectors = new ArrayList<>();
        for (InstrumentRule rule : instrumentRules) {
            if (rule.matchesClass(className)) {
                selectors.add("instrument method = " + rule.methodGlob());
            }
        }
        for (ChaosExperiment experiment : chaos.experiments()) {
            if (experiment.matchesClass(className)) {
                selectors.add("chaos method = " + experiment.methodGlob());
            }
        }
        if (classesWithMethodEntries.contains(className)) {
            for (String method : methods.keySet()) {
                if (method.startsWith(className + "#")) {
                    selectors.add("methods " + method);
                }
            }
        }
        Collections.sort(selectors);
        return selectors;
    }

    /**
     * Whether {@code other} selects the same methods of every class as this config: the same class and method
     * patterns in its {@code instrument} entries and the same {@code methods} keys, whatever policies they give.
     */
    public boolean selectsAlike(BulwarkConfig other) {
        return selection().equals(other.selection());
    }

    private List<String> selection() {
        List<String> selection = new ArrayList<>(methods.keySet());
        for (InstrumentRule rule : instrumentRules) {
            selection.add(rule.classGlob() + " " + rule.methodGlob());
        }
        for (ChaosExperiment experiment : chaos.experiments()) {
            selection.add(experiment.classGlob() + " " + experiment.methodGlob());
        }
        Collections.sort(selection);
        return selection;
    }

    /** Whether the class is selected by config alone: an {@code instrument} rule, a chaos experiment or a {@code methods} entry. */
    public boolean selectsClass(String className) {
        if (classesWithMethodEntries.contains(className)) {
            return true;
        }
        for (InstrumentRule rule : instrumentRules) {
            if (rule.matchesClass(className)) {
                return true;
            }
        }
        for (ChaosExperiment experiment : chaos.experiments()) {
            if (experiment.matchesClass(className)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Resolves the policies of one method from its declared blocks (annotations or an {@code instrument}
     * entry), with the precedence of docs/configuration.md: {@code methods} entry, declared values,
     * {@code policies} entry of the same name, {@code defaults}, built-in defaults. A declared block with a bad
     * value is reported and set aside.
     */
    public SitePolicies resolve(String className, String methodName, Map<PolicyKind, Config> declared) {
        String ownName = className + "#" + methodName;
        Map<PolicyKind, Config> overrides = methods.getOrDefault(ownName, Collections.emptyMap());
        Map<PolicyKind, Object> specs = new EnumMap<>(PolicyKind.class);
        Map<PolicyKind, Map<String, Setting>> settings = new EnumMap<>(PolicyKind.class);
        for (PolicyKind kind : PolicyKind.values()) {
            Config override = overrides.get(kind);
            Config own = declared.get(kind);
            if (override == null && own == null) {
                continue;
            }
            Config top = orEmpty(override).withFallback(orEmpty(own));
            String name = policyName(kind, top, ownName);
            Config base = named(name, kind).withFallback(defaults.get(kind));
            Config merged = top.withFallback(base);
            BlockReader reader = new BlockReader(merged, kind.configKey());
            Object spec = SpecReader.read(kind, name, reader);
            Config usedDeclared = own;
            if (!reader.problems().isEmpty()) {
                reader.problems().forEach(problems);
                merged = orEmpty(override).withFallback(base);
                BlockReader withoutDeclared = new BlockReader(merged, kind.configKey());
                spec = SpecReader.read(kind, name, withoutDeclared);
                spec = withoutDeclared.problems().isEmpty() ? spec : null;
                usedDeclared = null;
            }
            if (spec instanceof RetrySpec) {
                spec = withBudget((RetrySpec) spec, merged);
            }
            if (spec instanceof RateLimiterSpec && ((RateLimiterSpec) spec).scope() == Scope.CLUSTER) {
                spec = ((RateLimiterSpec) spec).toBuilder().redis(redis).build();
            }
            if (spec != null) {
                specs.put(kind, spec);
                settings.put(kind, settings(merged, override, usedDeclared, named(name, kind), writtenDefaults.get(kind)));
            }
        }
        return new SitePolicies(className, methodName, specs, namesPerClassLoader, settings);
    }

    /**
     * Each key of a resolved block with its value and the first layer, in order of precedence, that wrote it:
     * {@link Setting#METHODS}, {@link Setting#DECLARED}, {@link Setting#POLICIES}, {@link Setting#DEFAULTS}, else
     * {@link Setting#BUILT_IN}.
     */
    private static Map<String, Setting> settings(Config merged, Config methodsEntry, Config declared, Config policiesEntry,
                                                 Config userDefaults) {
        Map<String, Setting> settings = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> key : merged.root().entrySet()) {
            String source = writes(methodsEntry, key.getKey()) ? Setting.METHODS
                    : writes(declared, key.getKey()) ? Setting.DECLARED
                    : writes(policiesEntry, key.getKey()) ? Setting.POLICIES
                    : writes(userDefaults, key.getKey()) ? Setting.DEFAULTS
                    : Setting.BUILT_IN;
            settings.put(key.getKey(), new Setting(key.getValue().unwrapped(), source));
        }
        return settings;
    }

    private static boolean writes(Config layer, String key) {
        return layer != null && layer.root().containsKey(key);
    }

    private CacheSettings readCache() {
        BlockReader reader = new BlockReader(object("cache"), ConfigSources.ROOT + ".cache");
        reader.rejectUnknownKeys(CACHE_KEYS);
        boolean enabled = reader.bool("enabled", true);
        String dir = reader.string("dir", "~/.cache/bulwark").trim();
        long maxBytes = reader.bytes("max-size", 1, DEFAULT_CACHE_BYTES);
        if (dir.isEmpty()) {
            reader.problem("dir", "a directory", "\"\"");
            enabled = false;
        }
        reader.problems().forEach(problems);
        String home = System.getProperty("user.home", "");
        Path directory = dir.equals("~") || dir.startsWith("~/") ? Paths.get(home, dir.substring(1)) : Paths.get(dir);
        return new CacheSettings(enabled, directory.toAbsolutePath(), maxBytes);
    }

    /** The cache of woven classes; read at start only. */
    public CacheSettings cache() {
        return cache;
    }

    /**
     * A digest of everything in this config but the cache's own settings: any change to it may change which
     * methods of a class are woven, so a woven class is kept under it. The built-in defaults alone are named,
     * not digested: they are part of the agent's build, which the cache's keys name too, and rendering the
     * whole config with Typesafe Config to digest it would sit on the first cached class's path at start-up.
     */
    public String fingerprint() {
        String known = fingerprint;
        if (known == null && builtInAlone) {
            known = BUILT_IN_FINGERPRINT;
            fingerprint = known;
        }
        if (known == null) {
            String rendered = root.withoutPath("cache").root().render(ConfigRenderOptions.concise().setJson(false));
            try {
                known = new BigInteger(1, MessageDigest.getInstance("SHA-256")
                        .digest(rendered.getBytes(StandardCharsets.UTF_8))).toString(16);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
            fingerprint = known;
        }
        return known;
    }

    private AdminSettings readAdmin() {
        BlockReader reader = new BlockReader(object("admin"), ConfigSources.ROOT + ".admin");
        reader.rejectUnknownKeys(ADMIN_KEYS);
        int port = reader.integer("port", 0, 65535, 0);
        String host = reader.string("host", AdminSettings.LOOPBACK).trim();
        if (host.isEmpty()) {
            reader.problem("host", "a host name or address to listen on", "\"\"");
            host = AdminSettings.LOOPBACK;
        }
        String token = reader.string("token", "");
        List<String> readinessBreakers = reader.strings("readiness-breakers", Collections.emptyList());
        reader.problems().forEach(problems);
        // A bad value leaves the endpoint off rather than opening it with settings nobody wrote.
        return reader.problems().isEmpty() ? new AdminSettings(port, host, token, readinessBreakers) : AdminSettings.OFF;
    }

    /** {@code shared-names}: whether a named policy is shared per class loader rather than JVM-wide. */
    private static boolean readSharedNames(BlockReader top) {
        String value = top.string("shared-names", "jvm").trim();
        if (value.equalsIgnoreCase("class-loader")) {
            return true;
        }
        if (!value.equalsIgnoreCase("jvm")) {
            top.problem("shared-names", "jvm or class-loader", "\"" + value + "\"");
        }
        return false;
    }

    /**
     * The retry with the settings of the budget it names; a name that {@code retry-budgets} does not define is
     * reported, and the retry runs without a budget.
     */
    private RetrySpec withBudget(RetrySpec spec, Config block) {
        if (spec.budget().isEmpty()) {
            return spec;
        }
        RetryBudgetSpec budget = retryBudgets.get(spec.budget());
        if (budget == null) {
            BlockReader reader = new BlockReader(block, PolicyKind.RETRY.configKey());
            reader.problem("budget", "the name of a budget defined under bulwark.retry-budgets, one of "
                    + new TreeSet<>(retryBudgets.keySet()), "\"" + spec.budget() + "\"");
            reader.problems().stream().filter(problem -> reportedBudgetProblems.add(problem.toString()))
                    .forEach(problems);
            return spec.toBuilder().budget("").build();
        }
        return spec.toBuilder().budgetSpec(budget).build();
    }

    /** {@code bulwark.redis}, where cluster-scoped policies keep their state; a bad value keeps its default. */
    public RedisSettings redis() {
        return redis;
    }

    private RedisSettings readRedis() {
        BlockReader r = new BlockReader(object("redis"), ConfigSources.ROOT + ".redis");
        r.rejectUnknownKeys(REDIS_KEYS);
        RedisSettings d = RedisSettings.DEFAULTS;
        String uri = r.string("uri", d.uri()).trim();
        if (!validRedisUri(uri)) {
            r.problem("uri", "a Redis URI such as redis://host:6379, redis://user:password@host:6379/0 or rediss://host:6380",
                    "\"" + uri + "\"");
            uri = d.uri();
        }
        long timeout = r.durationNanos("timeout", NANOS_PER_MILLI, d.timeoutNanos());
        int poolSize = r.integer("pool-size", 1, 1_000, d.poolSize());
        String prefix = r.string("key-prefix", d.keyPrefix());
        RedisSettings.OnFailure onFailure = r.enumeration("on-failure", RedisSettings.OnFailure.class, d.onFailure());
        RedisSettings.Mode mode = r.enumeration("mode", RedisSettings.Mode.class, d.mode());
        r.problems().forEach(problems);
        return new RedisSettings(uri, timeout, poolSize, prefix, onFailure, mode);
    }

    private static boolean validRedisUri(String text) {
        try {
            java.net.URI uri = new java.net.URI(text);
            return ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getPort() > 0;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** {@code retry-budgets}: each entry's keys default to those of docs/configuration.md; a bad value keeps its default. */
    private Map<String, RetryBudgetSpec> readRetryBudgets() {
        Map<String, RetryBudgetSpec> budgets = new HashMap<>();
        for (Map.Entry<String, ConfigValue> entry : object("retry-budgets").root().entrySet()) {
            String name = entry.getKey();
            if (!(entry.getValue() instanceof ConfigObject)) {
                problems.accept(new ConfigProblem(path("retry-budgets", name), entry.getValue().origin().description(),
                        "an object { ratio, min-per-second, window }", entry.getValue().render()));
                continue;
            }
            BlockReader r = new BlockReader(((ConfigObject) entry.getValue()).toConfig(), path("retry-budgets", name));
            r.rejectUnknownKeys(BUDGET_KEYS);
            double ratio = r.has("ratio") ? r.decimal("ratio", 0.0, RetryBudgetSpec.DEFAULT_RATIO)
                    : RetryBudgetSpec.DEFAULT_RATIO;
            int minPerSecond = r.has("min-per-second")
                    ? r.integer("min-per-second", 0, Integer.MAX_VALUE, RetryBudgetSpec.DEFAULT_MIN_PER_SECOND)
                    : RetryBudgetSpec.DEFAULT_MIN_PER_SECOND;
            long window = r.has("window")
                    ? r.durationNanos("window", NANOS_PER_SECOND, RetryBudgetSpec.MAX_WINDOW_NANOS, RetryBudgetSpec.DEFAULT_WINDOW_NANOS)
                    : RetryBudgetSpec.DEFAULT_WINDOW_NANOS;
            Scope scope = r.has("scope") ? r.enumeration("scope", Scope.class, Scope.LOCAL) : Scope.LOCAL;
            r.problems().forEach(problems);
            budgets.put(name, new RetryBudgetSpec(name, ratio, minPerSecond, window, scope, redis));
        }
        return budgets;
    }

    private static Config orEmpty(Config block) {
        return block == null ? ConfigFactory.empty() : block;
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

    private Config named(String name, PolicyKind kind) {
        return orEmpty(policies.getOrDefault(name, Collections.emptyMap()).get(kind));
    }

    private Config object(String key) {
        try {
            return root.hasPath(key) ? root.getConfig(key) : ConfigFactory.empty();
        } catch (ConfigException.WrongType e) {
            problems.accept(new ConfigProblem(path(key), root.getValue(key).origin().description(), "an object { ... }",
                    root.getValue(key).render()));
            return ConfigFactory.empty();
        }
    }

    private static String path(String... segments) {
        return ConfigSources.ROOT + "." + ConfigUtil.joinPath(segments);
    }

    /** The {@code defaults} block; a block with a bad value is replaced by the built-in one. */
    private Map<PolicyKind, Config> readDefaults() {
        Map<PolicyKind, Config> blocks = new EnumMap<>(PolicyKind.class);
        Map<PolicyKind, Config> written = policyBlocks(object("defaults"), path("defaults"));
        for (PolicyKind kind : PolicyKind.values()) {
            Config builtIn = sources.reference.getConfig("defaults." + kind.configKey());
            Config block = written.getOrDefault(kind, builtIn);
            boolean valid = isValid(kind, block.withFallback(builtIn), builtIn, false, path("defaults", kind.configKey()));
            blocks.put(kind, valid ? block.withFallback(builtIn) : builtIn);
            if (valid && written.containsKey(kind)) {
                writtenDefaults.put(kind, withoutBuiltIn(block, builtIn));
            }
        }
        return blocks;
    }

    /** The keys of {@code block} that the user wrote: the merged root also holds reference.conf's, with its origin. */
    private static Config withoutBuiltIn(Config block, Config builtIn) {
        Config written = block;
        for (Map.Entry<String, ConfigValue> key : block.root().entrySet()) {
            ConfigValue reference = builtIn.root().get(key.getKey());
            if (reference != null && reference.origin().equals(key.getValue().origin())) {
                written = written.withoutPath(ConfigUtil.joinPath(key.getKey()));
            }
        }
        return written;
    }

    /** {@code policies} or {@code methods}: named entries of policy blocks, each block validated on its own. */
    private Map<String, Map<PolicyKind, Config>> readEntries(String section) {
        Map<String, Map<PolicyKind, Config>> entries = new HashMap<>();
        ConfigObject all = object(section).root();
        for (Map.Entry<String, ConfigValue> entry : all.entrySet()) {
            String key = entry.getKey();
            if (section.equals("methods") && key.indexOf('#') <= 0) {
                problems.accept(new ConfigProblem(path(section, key), entry.getValue().origin().description(),
                        "a key of the form \"com.acme.Class#method\"", "\"" + key + "\""));
                continue;
            }
            if (!(entry.getValue() instanceof ConfigObject)) {
                problems.accept(new ConfigProblem(path(section, key), entry.getValue().origin().description(),
                        "an object of policy blocks", entry.getValue().render()));
                continue;
            }
            Map<PolicyKind, Config> blocks = policyBlocks(((ConfigObject) entry.getValue()).toConfig(), path(section, key));
            blocks.replaceAll((kind, block) -> isValid(kind, block, defaults.get(kind), false, path(section, key, kind.configKey()))
                    ? block : ConfigFactory.empty());
            entries.put(key, blocks);
        }
        return entries;
    }

    /** The policy blocks of one object; any other key is reported. */
    private Map<PolicyKind, Config> policyBlocks(Config object, String at) {
        Map<PolicyKind, Config> blocks = new EnumMap<>(PolicyKind.class);
        for (Map.Entry<String, ConfigValue> entry : object.root().entrySet()) {
            PolicyKind kind = PolicyKind.ofConfigKey(entry.getKey());
            String where = at + "." + ConfigUtil.joinPath(entry.getKey());
            if (kind == null) {
                problems.accept(new ConfigProblem(where, entry.getValue().origin().description(),
                        "a policy block: one of " + PolicyKind.configKeys(), "unknown key '" + entry.getKey() + "'"));
            } else if (entry.getValue() instanceof ConfigObject) {
                blocks.put(kind, ((ConfigObject) entry.getValue()).toConfig());
            } else {
                problems.accept(new ConfigProblem(where, entry.getValue().origin().description(), "an object { ... }",
                        entry.getValue().render()));
            }
        }
        return blocks;
    }

    /**
     * Checks one block on its own, over the defaults, and reports its problems. A {@code fallback} block that
     * only adjusts {@code apply-on} is complete once merged with an annotation's {@code method}, so only a
     * {@code complete} block must name the method itself.
     */
    private boolean isValid(PolicyKind kind, Config block, Config base, boolean complete, String path) {
        Config checked = block;
        if (kind == PolicyKind.FALLBACK && !complete && !block.hasPath("method")) {
            checked = block.withFallback(ConfigFactory.parseMap(Map.of("method", "declaredElsewhere")));
        }
        BlockReader reader = new BlockReader(checked.withFallback(base), path);
        SpecReader.read(kind, "", reader);
        reader.problems().forEach(problems);
        return reader.problems().isEmpty();
    }

    private List<InstrumentRule> readInstrumentRules() {
        if (!root.hasPath("instrument")) {
            return Collections.emptyList();
        }
        List<? extends ConfigObject> entries;
        try {
            entries = root.getObjectList("instrument");
        } catch (ConfigException.WrongType e) {
            problems.accept(new ConfigProblem(path("instrument"), root.getValue("instrument").origin().description(),
                    "a list of objects [{ class = \"...\", method = \"...\", <policy blocks> }]", e.getMessage()));
            return Collections.emptyList();
        }
        List<InstrumentRule> rules = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            InstrumentRule rule = instrumentRule(entries.get(i), ConfigSources.ROOT + ".instrument[" + i + "]");
            if (rule != null) {
                rules.add(rule);
            }
        }
        return Collections.unmodifiableList(rules);
    }

    private InstrumentRule instrumentRule(ConfigObject entry, String at) {
        Config rule = entry.toConfig();
        BlockReader reader = new BlockReader(rule, at);
        String classGlob = reader.string("class", "");
        String methodGlob = rule.hasPath("method") ? reader.string("method", "*") : "*";
        if (!InstrumentRule.isClassGlob(classGlob)) {
            reader.problem("class", "a class name pattern such as \"com.acme.legacy.*Client\" or \"com.acme.**\"",
                    "\"" + classGlob + "\"");
        }
        if (!InstrumentRule.isMethodGlob(methodGlob)) {
            reader.problem("method", "a method name pattern such as \"fetch*\"", "\"" + methodGlob + "\"");
        }
        reader.problems().forEach(problems);
        Map<PolicyKind, Config> written = policyBlocks(rule.withoutPath("class").withoutPath("method"), at);
        if (written.isEmpty() && reader.problems().isEmpty()) {
            problems.accept(new ConfigProblem(at, entry.origin().description(),
                    "at least one policy block: " + PolicyKind.configKeys(), "none"));
        }
        Map<PolicyKind, Config> blocks = new EnumMap<>(PolicyKind.class);
        written.forEach((kind, block) -> {
            if (isValid(kind, block, defaults.get(kind), true, at + "." + kind.configKey())) {
                blocks.put(kind, block);
            } else if (kind != PolicyKind.FALLBACK) {
                blocks.put(kind, ConfigFactory.empty());
            }
        });
        if (!reader.problems().isEmpty() || blocks.isEmpty()) {
            return null;
        }
        return new InstrumentRule(classGlob, methodGlob, blocks, entry.origin().description());
    }

    /** Where a config is read from, kept for the reloads. */
    private static final class Origins {
        final String agentArguments;
        final ClassLoader agentResources;
        final Properties systemProperties;
        final Map<String, String> environment;

        Origins(String agentArguments, ClassLoader agentResources, Properties systemProperties, Map<String, String> environment) {
            this.agentArguments = agentArguments;
            this.agentResources = agentResources;
            this.systemProperties = systemProperties;
            this.environment = environment;
        }

        ConfigSources read(Set<String> leftOut, Consumer<ConfigProblem> problems) {
            Properties read = systemProperties;
            if (!leftOut.isEmpty()) {
                read = new Properties();
                for (String name : systemProperties.stringPropertyNames()) {
                    if (!leftOut.contains(name)) {
                        read.setProperty(name, systemProperties.getProperty(name));
                    }
                }
            }
            return ConfigSources.read(agentArguments, agentResources, read, environment, problems);
        }
    }

    /** Problems held back until it is known which of them a bad system property caused. */
    private static final class HeldProblems implements Consumer<ConfigProblem> {
        final List<ConfigProblem> problems = new ArrayList<>();
        private Consumer<ConfigProblem> target;

        @Override
        public synchronized void accept(ConfigProblem problem) {
            if (target == null) {
                problems.add(problem);
            } else {
                target.accept(problem);
            }
        }

        /** Passes on what was held, and from now on every problem as it comes (an annotation's, at weaving). */
        synchronized void release(Consumer<ConfigProblem> to) {
            problems.forEach(to);
            problems.clear();
            target = to;
        }
    }
}
