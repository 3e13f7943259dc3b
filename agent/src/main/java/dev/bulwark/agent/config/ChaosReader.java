package dev.bulwark.agent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import dev.bulwark.agent.policy.expression.Condition;
import dev.bulwark.agent.policy.expression.Subject;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads {@code bulwark.chaos} (docs/operations.md). An experiment with a bad value is reported, one line per
 * problem naming its key, and left out; the others stay.
 */
final class ChaosReader {
    private static final Set<String> CHAOS_KEYS = Set.of("enabled", "seed", "experiments");
    private static final Set<String> EXPERIMENT_KEYS = Set.of("class", "method", "when", "latency", "fault");
    private static final Set<String> LATENCY_KEYS = Set.of("rate", "delay");
    private static final Set<String> FAULT_KEYS = Set.of("rate", "exception", "message");
    private static final String DEFAULT_MESSAGE = "injected by bulwark.chaos";
    private static final String PATH = ConfigSources.ROOT + ".chaos";

    private ChaosReader() {
    }

    static ChaosSettings read(Config chaos, Consumer<ConfigProblem> problems) {
        BlockReader reader = new BlockReader(chaos, PATH);
        reader.rejectUnknownKeys(CHAOS_KEYS);
        boolean enabled = !reader.has("enabled") || reader.bool("enabled", true);
        OptionalLong seed = OptionalLong.empty();
        if (reader.has("seed")) {
            try {
                seed = OptionalLong.of(chaos.getLong("seed"));
            } catch (ConfigException e) {
                reader.problem("seed", "an integer", chaos.getValue("seed").render());
            }
        }
        reader.problems().forEach(problems);
        List<ChaosExperiment> experiments = new ArrayList<>();
        if (chaos.hasPath("experiments")) {
            List<? extends ConfigObject> entries;
            try {
                entries = chaos.getObjectList("experiments");
            } catch (ConfigException.WrongType e) {
                problems.accept(new ConfigProblem(PATH + ".experiments", chaos.getValue("experiments").origin().description(),
                        "a list of objects [{ class = \"...\", method = \"...\", latency { ... }, fault { ... } }]", e.getMessage()));
                entries = List.of();
            }
            for (int i = 0; i < entries.size(); i++) {
                ChaosExperiment experiment = experiment(entries.get(i), PATH + ".experiments[" + i + "]", seed, problems);
                if (experiment != null) {
                    experiments.add(experiment);
                }
            }
        }
        return new ChaosSettings(enabled, seed, experiments);
    }

    private static ChaosExperiment experiment(ConfigObject entry, String at, OptionalLong seed,
                                              Consumer<ConfigProblem> problems) {
        Config block = entry.toConfig();
        BlockReader reader = new BlockReader(block, at);
        reader.rejectUnknownKeys(EXPERIMENT_KEYS);
        String classGlob = reader.string("class", "");
        String methodGlob = block.hasPath("method") ? reader.string("method", "*") : "*";
        if (!InstrumentRule.isClassGlob(classGlob)) {
            reader.problem("class", "a class name pattern such as \"com.acme.legacy.*Client\" or \"com.acme.**\"",
                    "\"" + classGlob + "\"");
        }
        if (!InstrumentRule.isMethodGlob(methodGlob)) {
            reader.problem("method", "a method name pattern such as \"fetch*\"", "\"" + methodGlob + "\"");
        }
        Condition when = null;
        if (block.hasPath("when")) {
            String text = reader.string("when", "");
            try {
                when = Condition.parse(text, Subject.ARGUMENTS);
            } catch (IllegalArgumentException e) {
                reader.problem("when", "a condition over the arguments such as #0.tenant == \"canary\" (" + e.getMessage() + ")",
                        "\"" + text + "\"");
            }
        }
        Config latency = object(reader, block, "latency");
        Config fault = object(reader, block, "fault");
        if (latency == null && fault == null && reader.problems().isEmpty()) {
            reader.problem("latency", "a latency { rate, delay } or a fault { rate, exception, message } block, or both",
                    "neither");
        }
        double latencyRate = 0;
        long delayNanos = 0;
        if (latency != null) {
            BlockReader latencyReader = nested(reader, latency, at + ".latency", LATENCY_KEYS);
            latencyRate = rate(latencyReader, latency);
            delayNanos = latencyReader.has("delay") ? latencyReader.durationNanos("delay", 1, 0)
                    : missing(latencyReader, "delay", "a duration such as 500ms");
            latencyReader.problems().forEach(reader.problems()::add);
        }
        double faultRate = 0;
        String exception = null;
        MethodHandle constructor = null;
        String message = DEFAULT_MESSAGE;
        if (fault != null) {
            BlockReader faultReader = nested(reader, fault, at + ".fault", FAULT_KEYS);
            faultRate = rate(faultReader, fault);
            exception = faultReader.has("exception") ? faultReader.string("exception", "").trim() : null;
            if (exception == null) {
                missing(faultReader, "exception", "the class name of an exception, such as \"java.io.IOException\"");
            } else if (!exception.isEmpty()) {
                constructor = messageConstructor(faultReader, exception);
            }
            message = faultReader.has("message") ? faultReader.string("message", DEFAULT_MESSAGE) : DEFAULT_MESSAGE;
            faultReader.problems().forEach(reader.problems()::add);
        }
        if (!reader.problems().isEmpty()) {
            reader.problems().forEach(problem -> problems.accept(problem.withOutcome("experiment " + at + " left out")));
            return null;
        }
        String describe = at + " { class = \"" + classGlob + "\", method = \"" + methodGlob + "\" }";
        InstrumentRule matcher = new InstrumentRule(classGlob, methodGlob, new EnumMap<>(PolicyKind.class),
                entry.origin().description());
        return new ChaosExperiment(describe, matcher, when, latencyRate, delayNanos, faultRate, exception, constructor,
                message, seed);
    }

    private static Config object(BlockReader reader, Config block, String key) {
        if (!block.hasPath(key)) {
            return null;
        }
        ConfigValue value = block.root().get(key);
        if (value instanceof ConfigObject) {
            return ((ConfigObject) value).toConfig();
        }
        reader.problem(key, "an object { ... }", value.render());
        return null;
    }

    private static BlockReader nested(BlockReader outer, Config block, String at, Set<String> keys) {
        BlockReader reader = new BlockReader(block, at);
        reader.rejectUnknownKeys(keys);
        return reader;
    }

    /** A probability per call, from 0 to 1; required, since a block that never injects is a mistake. */
    private static double rate(BlockReader reader, Config block) {
        if (!reader.has("rate")) {
            missing(reader, "rate", "a probability per call from 0 to 1");
            return 0;
        }
        double rate = reader.decimal("rate", 0.0, 0.0);
        if (rate > 1.0) {
            reader.problem("rate", "a probability per call from 0 to 1", block.getValue("rate").render());
            return 0;
        }
        return rate;
    }

    private static long missing(BlockReader reader, String key, String expected) {
        reader.problem(key, expected, "nothing");
        return 0;
    }

    /**
     * The public (String) constructor of the named exception class, looked up where the JDK's and the application
     * class path's classes are: the config is read before the application's own class loaders exist.
     */
    private static MethodHandle messageConstructor(BlockReader reader, String className) {
        Class<?> type = load(className);
        if (type == null) {
            reader.problem("exception", "an exception class on the JDK or the application class path", "\"" + className
                    + "\", no such class");
            return null;
        }
        if (!Throwable.class.isAssignableFrom(type)) {
            reader.problem("exception", "a subclass of java.lang.Throwable", "\"" + className + "\"");
            return null;
        }
        try {
            return MethodHandles.publicLookup().findConstructor(type, MethodType.methodType(void.class, String.class))
                    .asType(MethodType.methodType(Throwable.class, String.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            reader.problem("exception", "an exception class with a public constructor taking the message (String)",
                    "\"" + className + "\", which has none");
            return null;
        }
    }

    private static Class<?> load(String className) {
        for (ClassLoader loader : new ClassLoader[] {ClassLoader.getPlatformClassLoader(), ClassLoader.getSystemClassLoader()}) {
            try {
                return Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // Looked for in the next loader; reported when none has it.
            }
        }
        return null;
    }
}
