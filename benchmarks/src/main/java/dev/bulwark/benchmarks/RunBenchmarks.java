package dev.bulwark.benchmarks;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs {@link PolicyBenchmarks} at each thread count in one go, every fork with the Bulwark agent and the GC
 * profiler, then prints (and writes to {@code <out>/policies.md}) the table of ns/op and B/op and the check of
 * each target of the issue against the same run.
 *
 * <pre>
 * java -jar benchmarks.jar --agent /abs/agent/target/bulwark-agent.jar [--threads 1,2] [--include REGEX]
 *      [--warmup 3] [--iterations 5] [--time 1] [--forks 1] [--prof jfr] [--profargs ARGS]
 *      [--jvmargs "MORE JVM ARGS"] [--out DIR]
 * </pre>
 */
public final class RunBenchmarks {
    /** Benchmarks in table order; the Bulwark, Resilience4j and Failsafe names of each policy. */
    private static final String[][] ROWS = {
            {"circuitBreaker", "bulwark_circuitBreaker", "r4j_circuitBreaker", "failsafe_circuitBreaker"},
            {"retry", "bulwark_retry", "r4j_retry", "failsafe_retry"},
            {"rateLimiter", "bulwark_rateLimiter", "r4j_rateLimiter", "failsafe_rateLimiter"},
            {"bulkhead", "bulwark_bulkhead", "r4j_bulkhead", "failsafe_bulkhead"},
            {"timeout", "bulwark_timeout", "r4j_timeout", "failsafe_timeout"},
            {"timeout (R4j on an executor)", null, "r4j_timeoutOnExecutor", null},
            {"chain4 (Retry+CB+RL+BH)", "bulwark_chain4", "r4j_chain4", "failsafe_chain4"},
            {"all five", "bulwark_all", null, "failsafe_all"},
    };
    /**
     * A target: {@code benchmark}'s overhead at most {@code factor} times {@code reference}'s overhead plus
     * {@code plusNs} ({@code reference} null: at most {@code plusNs}), at {@code threads} threads (0: every count).
     */
    record Target(String what, String benchmark, String reference, double factor, double plusNs, int threads) {
        static Target ofPeer(String what, String benchmark, String peer, double factor) {
            return new Target(what, benchmark, peer, factor, 0, 0);
        }
    }

    private static final List<Target> TARGETS = targets();

    private static List<Target> targets() {
        List<Target> targets = new ArrayList<>(List.of(
                // Issue 5.
                Target.ofPeer("circuitBreaker <= 1/3 of R4j", "bulwark_circuitBreaker", "r4j_circuitBreaker", 1 / 3.0),
                Target.ofPeer("retry <= 1/3 of R4j", "bulwark_retry", "r4j_retry", 1 / 3.0),
                Target.ofPeer("rateLimiter <= 1/3 of R4j", "bulwark_rateLimiter", "r4j_rateLimiter", 1 / 3.0),
                Target.ofPeer("bulkhead <= R4j", "bulwark_bulkhead", "r4j_bulkhead", 1.0),
                Target.ofPeer("timeout <= 1/3 of R4j TimeLimiter (completed future)", "bulwark_timeout", "r4j_timeout", 1 / 3.0),
                Target.ofPeer("timeout <= 1/3 of R4j TimeLimiter (body on an executor)", "bulwark_timeout",
                        "r4j_timeoutOnExecutor", 1 / 3.0),
                new Target("timeout <= 50 ns over bare", "bulwark_timeout", null, 0, 50.0, 0),
                Target.ofPeer("whole chain (all five) <= 1/3 of R4j Retry+CB+RL+BH", "bulwark_all", "r4j_chain4", 1 / 3.0)));
        // Issue 16: metrics on (an SDK registered, spans off).
        String[][] policies = {{"circuitBreaker", "r4jm_circuitBreaker"}, {"retry", "r4jm_retry"},
                {"rateLimiter", "r4jm_rateLimiter"}, {"bulkhead", "r4jm_bulkhead"}, {"timeout", null},
                {"chain4", "r4jm_chain4"}, {"all", "r4jm_chain4"}};
        for (String[] policy : policies) {
            String on = "otel_metrics_bulwark_" + policy[0];
            String off = "bulwark_" + policy[0];
            targets.add(new Target(policy[0] + " metrics on <= metrics off + 15 ns", on, off, 1.0, 15.0, 1));
            targets.add(new Target(policy[0] + " metrics on <= 2x metrics off", on, off, 2.0, 0, 2));
            if (policy[1] != null) {
                targets.add(Target.ofPeer(policy[0] + " metrics on <= 1/3 of R4j + Micrometer", on, policy[1], 1 / 3.0));
            }
        }
        // Issue 18: a budget and a result predicate on the success path.
        for (String row : new String[]{"budgetedRetry", "retryOnResultExpression", "retryOnResultMethod"}) {
            targets.add(new Target(row + " <= retry + 5 ns", "bulwark_" + row, "bulwark_retry", 1.0, 5.0, 0));
        }
        for (String row : new String[]{"retry", "all"}) {
            targets.add(Target.ofPeer(row + " eventful spans, healthy <= spans off + 10 %", "otel_eventful_bulwark_" + row,
                    "otel_metrics_bulwark_" + row, 1.1));
        }
        return targets;
    }

    private static final double ZERO_BYTES = 0.5;

    private RunBenchmarks() {
    }

    /** One benchmark's numbers at one thread count. */
    /**
     * One benchmark's numbers at one thread count. {@code best} is the fastest measurement iteration: load from
     * other processes only ever adds time, so on a shared machine it is the steadier estimate of the cost.
     */
    record Score(double nsPerOp, double nsError, double best, double bytesPerOp, double bytesError) {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        Arguments options = Arguments.parse(args);
        String agent = options.get("agent");
        if (agent == null || !Files.isRegularFile(Paths.get(agent))) {
            throw new IllegalArgumentException("--agent must name the agent jar (agent/target/bulwark-agent.jar), was " + agent);
        }
        int[] threads = Arrays.stream(options.get("threads", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        Path out = Paths.get(options.get("out", "benchmarks/target/results"));
        Files.createDirectories(out);

        Map<Integer, Map<String, Score>> results = new TreeMap<>();
        for (int t : threads) {
            ChainedOptionsBuilder builder = new OptionsBuilder()
                    .include(PolicyBenchmarks.class.getName() + "\\." + options.get("include", ".*"))
                    .threads(t)
                    .forks(options.integer("forks", 1))
                    .warmupIterations(options.integer("warmup", 3))
                    .warmupTime(TimeValue.seconds(options.integer("time", 1)))
                    .measurementIterations(options.integer("iterations", 5))
                    .measurementTime(TimeValue.seconds(options.integer("time", 1)))
                    .addProfiler(GCProfiler.class)
                    .jvmArgsAppend(jvmArgs(agent, options.get("jvmargs")))
                    .resultFormat(ResultFormatType.JSON)
                    .result(out.resolve("jmh-threads-" + t + ".json").toString());
            if (options.has("prof")) {
                builder.addProfiler(options.get("prof"), options.get("profargs", ""));
            }
            Map<String, Score> byName = new LinkedHashMap<>();
            for (RunResult run : new Runner(builder.build()).run()) {
                BenchmarkParams params = run.getParams();
                String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
                Result<?> primary = run.getPrimaryResult();
                Result<?> alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
                double best = run.getBenchmarkResults().stream()
                        .flatMap(b -> b.getIterationResults().stream())
                        .mapToDouble(i -> i.getPrimaryResult().getScore()).min().orElse(Double.NaN);
                byName.put(name, new Score(primary.getScore(), primary.getScoreError(), best,
                        alloc == null ? Double.NaN : alloc.getScore(), alloc == null ? Double.NaN : alloc.getScoreError()));
            }
            results.put(t, byName);
        }
        String report = report(results);
        System.out.println();
        System.out.println(report);
        Files.write(out.resolve("policies.md"), report.getBytes(StandardCharsets.UTF_8));
        System.out.println("written to " + out.resolve("policies.md"));
    }

    /** The agent, plus any extra JVM arguments (one call: JMH keeps only the last jvmArgsAppend). */
    private static String[] jvmArgs(String agent, String extra) {
        List<String> args = new ArrayList<>();
        args.add("-javaagent:" + Paths.get(agent).toAbsolutePath());
        if (extra != null && !extra.isBlank()) {
            args.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        return args.toArray(new String[0]);
    }

    static String report(Map<Integer, Map<String, Score>> results) {
        StringBuilder s = new StringBuilder();
        List<Integer> threads = new ArrayList<>(results.keySet());
        s.append("| benchmark |");
        for (int t : threads) {
            s.append(" ").append(t).append(t == 1 ? " thread" : " threads").append(": ns/op | best | B/op | overhead ns (best) |");
        }
        s.append("\n|---|");
        for (int ignored : threads) {
            s.append("---:|---:|---:|---:|");
        }
        s.append("\n");
        List<String> names = new ArrayList<>();
        names.add("bare");
        for (String[] row : ROWS) {
            for (int i = 1; i < row.length; i++) {
                if (row[i] != null) {
                    names.add(row[i]);
                }
            }
        }
        for (Map<String, Score> byName : results.values()) {
            for (String name : byName.keySet()) {
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
        for (String name : names) {
            if (results.values().stream().noneMatch(m -> m.containsKey(name))) {
                continue;
            }
            s.append("| ").append(name).append(" |");
            for (int t : threads) {
                Score score = results.get(t).get(name);
                Score bare = results.get(t).get("bare");
                if (score == null) {
                    s.append(" – | – | – | – |");
                    continue;
                }
                s.append(fmt(" %.1f ± %.1f |", score.nsPerOp, score.nsError));
                s.append(fmt(" %.1f |", score.best));
                s.append(fmt(" %.1f |", score.bytesPerOp));
                s.append(bare == null || name.equals("bare") || name.startsWith("ref_") ? " – |"
                        : fmt(" %.1f (%.1f) |", score.nsPerOp - bare.nsPerOp, score.best - bare.best));
            }
            s.append("\n");
        }

        s.append("\nTargets (overhead = ns/op minus the bare call's ns/op in the same run and thread count; "
                + "mean of the iterations, and in brackets the best iteration of each):\n\n");
        s.append("| target | threads | Bulwark overhead ns | reference overhead ns | limit ns | verdict (mean) | verdict (best) |\n");
        s.append("|---|---:|---:|---:|---:|---|---|\n");
        for (int t : threads) {
            Map<String, Score> r = results.get(t);
            Score bare = r.get("bare");
            if (bare == null) {
                continue;
            }
            for (Target target : TARGETS) {
                Score b = r.get(target.benchmark());
                Score j = target.reference() == null ? null : r.get(target.reference());
                if (b == null || (target.reference() != null && j == null) || (target.threads() != 0 && target.threads() != t)) {
                    continue;
                }
                double ob = b.nsPerOp - bare.nsPerOp;
                double oj = j == null ? Double.NaN : j.nsPerOp - bare.nsPerOp;
                double limit = j == null ? target.plusNs() : oj * target.factor() + target.plusNs();
                double obBest = b.best - bare.best;
                double ojBest = j == null ? Double.NaN : j.best - bare.best;
                double limitBest = j == null ? target.plusNs() : ojBest * target.factor() + target.plusNs();
                s.append(fmt("| %s | %d | %.1f (%.1f) | %s | %.1f (%.1f) | %s | %s |\n", target.what(), t, ob, obBest,
                        j == null ? "–" : fmt("%.1f (%.1f)", oj, ojBest), limit, limitBest,
                        verdict(ob, limit, Math.hypot(b.nsError, bare.nsError)), verdict(obBest, limitBest, 0)));
            }
            for (String name : names) {
                Score b = r.get(name);
                if (b != null && (name.startsWith("bulwark_") || name.startsWith("otel_metrics_"))) {
                    String zero = b.bytesPerOp < ZERO_BYTES ? "met" : "MISSED";
                    s.append(fmt("| %s: 0 B/op | %d | %.2f B/op | – | 0 | %s | %s |\n", name, t, b.bytesPerOp, zero, zero));
                }
            }
        }
        return s.toString();
    }

    private static String verdict(double value, double limit, double error) {
        if (Double.isNaN(error)) {
            error = 0;
        }
        if (value <= limit) {
            return value + error <= limit ? "met" : "met (within error)";
        }
        return value - error <= limit ? fmt("MISSED within error (by %.1f ns)", value - limit)
                : fmt("MISSED by %.1f ns (x%.2f)", value - limit, limit > 0 ? value / limit : Double.NaN);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
