package dev.bulwark.agent.config;

import dev.bulwark.agent.telemetry.SpanMode;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads typed values from one policy block and records every value that does not fit, with its key and
 * origin, instead of throwing at the first one: the user sees all problems of a block at once.
 */
final class BlockReader {
    /** Compiled once: every exception list of every site planned is checked against it. */
    private static final Pattern CLASS_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
    private static final long[] UNIT_NANOS = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L,
            1_000_000_000L, 1_000_000L, 1_000L};
    private static final String[] UNIT_NAMES = {"d", "h", "m", "s", "ms", "us"};

    private final Config block;
    private final String path;
    private final List<ConfigProblem> problems;

    BlockReader(Config block, String path) {
        this(block, path, new ArrayList<>());
    }

    private BlockReader(Config block, String path, List<ConfigProblem> problems) {
        this.block = block;
        this.path = path;
        this.problems = problems;
    }

    /**
     * The reader of the block under {@code key}, whose problems are this reader's; a value that is no block is
     * reported, and read as an empty one (its keys then keep their defaults).
     */
    BlockReader nested(String key) {
        try {
            return new BlockReader(block.hasPath(key) ? block.getConfig(key) : ConfigFactory.empty(), path + "." + key,
                    problems);
        } catch (ConfigException e) {
            problem(key, "a block { ... }", describe(key));
            return new BlockReader(ConfigFactory.empty(), path + "." + key, problems);
        }
    }

    List<ConfigProblem> problems() {
        return problems;
    }

    void rejectUnknownKeys(Set<String> known) {
        for (String key : block.root().keySet()) {
            if (!known.contains(key)) {
                problem(key, "one of " + new java.util.TreeSet<>(known), "unknown key '" + key + "'");
            }
        }
    }

    boolean has(String key) {
        return block.hasPath(key);
    }

    String string(String key, String fallback) {
        try {
            return block.getString(key);
        } catch (ConfigException e) {
            problem(key, "a string", describe(key));
            return fallback;
        }
    }

    SpanMode spanMode(String key, SpanMode fallback) {
        try {
            SpanMode mode = SpanMode.parse(block.getString(key));
            if (mode != null) {
                return mode;
            }
        } catch (ConfigException e) {
            // Reported below, like a value that names no mode.
        }
        problem(key, "all, eventful or off (true and false mean all and off)", describe(key));
        return fallback;
    }

    boolean bool(String key, boolean fallback) {
        try {
            return block.getBoolean(key);
        } catch (ConfigException e) {
            problem(key, "true or false", describe(key));
            return fallback;
        }
    }

    int integer(String key, int min, int max, int fallback) {
        try {
            int value = block.getInt(key);
            if (value < min || value > max) {
                problem(key, rangeText("an integer", min, max), String.valueOf(value));
                return fallback;
            }
            return value;
        } catch (ConfigException e) {
            problem(key, rangeText("an integer", min, max), describe(key));
            return fallback;
        }
    }

    double decimal(String key, double min, double fallback) {
        try {
            double value = block.getDouble(key);
            if (!(value >= min) || Double.isInfinite(value)) {
                problem(key, "a number >= " + min, String.valueOf(value));
                return fallback;
            }
            return value;
        } catch (ConfigException e) {
            problem(key, "a number >= " + min, describe(key));
            return fallback;
        }
    }

    /** A HOCON size in bytes ("64M", "1G"; a bare number means bytes) of at least {@code min}. */
    long bytes(String key, long min, long fallback) {
        try {
            long bytes = block.getBytes(key);
            if (bytes < min) {
                problem(key, "a size of at least " + min + " bytes", String.valueOf(bytes));
                return fallback;
            }
            return bytes;
        } catch (ConfigException e) {
            problem(key, "a size such as 64M or 1G", describe(key));
            return fallback;
        }
    }

    /** A HOCON duration ("250ms", "2s"; a bare number means milliseconds) of at least {@code minNanos}. */
    long durationNanos(String key, long minNanos, long fallback) {
        return durationNanos(key, minNanos, Long.MAX_VALUE, fallback);
    }

    long durationNanos(String key, long minNanos, long maxNanos, long fallback) {
        try {
            long nanos = block.getDuration(key).toNanos();
            if (nanos < minNanos || nanos > maxNanos) {
                String bounds = maxNanos == Long.MAX_VALUE ? atLeast(minNanos)
                        : "from " + written(minNanos) + " to " + written(maxNanos);
                problem(key, "a duration " + bounds, block.root().get(key).render());
                return fallback;
            }
            return nanos;
        } catch (ConfigException | ArithmeticException e) {
            problem(key, "a duration such as 250ms, 2s or 1m", describe(key));
            return fallback;
        }
    }

    <E extends Enum<E>> E enumeration(String key, Class<E> type, E fallback) {
        String raw;
        try {
            raw = block.getString(key);
        } catch (ConfigException e) {
            problem(key, "one of " + java.util.Arrays.toString(type.getEnumConstants()), describe(key));
            return fallback;
        }
        String constant = raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E value : type.getEnumConstants()) {
            if (value.name().equals(constant)) {
                return value;
            }
        }
        problem(key, "one of " + java.util.Arrays.toString(type.getEnumConstants()), "\"" + raw + "\"");
        return fallback;
    }

    List<String> classNames(String key, List<String> fallback) {
        try {
            List<String> names = block.getStringList(key);
            for (String name : names) {
                if (!CLASS_NAME.matcher(name).matches()) {
                    problem(key, "fully qualified class names", "\"" + name + "\"");
                    return fallback;
                }
            }
            return names;
        } catch (ConfigException e) {
            problem(key, "a list of fully qualified class names", describe(key));
            return fallback;
        }
    }

    /** An object of names to shares ({@code critical = 0.6}), each a number >= 0, in name order. */
    Map<String, Double> shares(String key, Map<String, Double> fallback) {
        String expected = "an object of partition names to shares, such as { critical = 0.6, batch = 0.1 }";
        try {
            Config object = block.getConfig(key);
            Map<String, Double> shares = new java.util.TreeMap<>();
            for (String name : object.root().keySet()) {
                double share = object.getDouble(ConfigUtil.joinPath(name));
                if (!(share >= 0) || Double.isInfinite(share)) {
                    problem(key, expected, name + " = " + share);
                    return fallback;
                }
                shares.put(name, share);
            }
            return shares;
        } catch (ConfigException e) {
            problem(key, expected, describe(key));
            return fallback;
        }
    }

    /** A list of non-empty strings, each trimmed. */
    List<String> strings(String key, List<String> fallback) {
        try {
            List<String> values = new ArrayList<>();
            for (String value : block.getStringList(key)) {
                if (value.trim().isEmpty()) {
                    problem(key, "a list of non-empty strings", describe(key));
                    return fallback;
                }
                values.add(value.trim());
            }
            return values;
        } catch (ConfigException e) {
            problem(key, "a list of strings", describe(key));
            return fallback;
        }
    }

    /** A block merged from several sources says "merge of a,b"; the first is where the user wrote it. */
    private static String firstOrigin(String description) {
        String merged = "merge of ";
        if (!description.startsWith(merged)) {
            return description;
        }
        int comma = description.indexOf(',');
        return description.substring(merged.length(), comma < 0 ? description.length() : comma);
    }

    /** The lower bound as the user writes durations: "greater than 0", "at least 1ms", never "PT0.000000001S". */
    static String atLeast(long minNanos) {
        if (minNanos <= 0) {
            return "of 0 or more";
        }
        return minNanos == 1 ? "greater than 0" : "of at least " + written(minNanos);
    }

    /** A positive duration in the largest HOCON unit that holds it exactly: "1ms", "90s", "2h". */
    static String written(long nanos) {
        for (int i = 0; i < UNIT_NANOS.length; i++) {
            if (nanos % UNIT_NANOS[i] == 0) {
                return nanos / UNIT_NANOS[i] + UNIT_NAMES[i];
            }
        }
        return nanos + "ns";
    }

    private static String rangeText(String what, int min, int max) {
        return max == Integer.MAX_VALUE ? what + " >= " + min : what + " from " + min + " to " + max;
    }

    private String describe(String key) {
        ConfigValue value = block.root().get(key);
        if (value == null) {
            return "nothing";
        }
        return value.valueType().name().toLowerCase(Locale.ROOT) + " " + value.render();
    }

    void problem(String key, String expected, String found) {
        ConfigValue value = block.root().get(key);
        String origin = value != null ? value.origin().description() : firstOrigin(block.origin().description());
        problems.add(new ConfigProblem(path + "." + key, origin, expected, found));
    }
}
