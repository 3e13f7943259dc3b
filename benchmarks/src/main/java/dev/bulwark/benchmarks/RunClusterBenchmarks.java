package dev.bulwark.benchmarks;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a local {@code redis-server} on a free loopback port (no persistence), runs {@link ClusterBenchmarks}
 * against it with the agent attached, stops it, and prints (and writes to {@code <out>/cluster.md}) ns per decision
 * beside the bare {@code PING} floor of the same run, and the script calls Redis ran per call of each limiter.
 *
 * <pre>
 * java -cp benchmarks.jar dev.bulwark.benchmarks.RunClusterBenchmarks --agent /abs/bulwark-agent.jar
 *      [--redis /usr/bin/redis-server] [--warmup 3] [--iterations 5] [--time 1] [--threads 1] [--out DIR]
 * </pre>
 */
public final class RunClusterBenchmarks {
    private static final String[] ROWS = {"floor_ping", "floor_evalshaTrivial", "bulwark_clusterRateLimiter",
        "bulwark_clusterRateLimiterBatch", "bucket4j_jedis"};

    private RunClusterBenchmarks() {
    }

    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        Arguments options = Arguments.parse(args);
        String agent = options.get("agent");
        if (agent == null || !Files.isRegularFile(Paths.get(agent))) {
            throw new IllegalArgumentException("--agent must name the agent jar (agent/target/bulwark-agent.jar), was " + agent);
        }
        Path out = Paths.get(options.get("out", "benchmarks/target/results"));
        Files.createDirectories(out);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process redis = new ProcessBuilder(options.get("redis", "redis-server"), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        try {
            awaitListening(port);
            String uri = "redis://127.0.0.1:" + port;
            int threads = options.integer("threads", 1);
            Map<String, double[]> scores = new LinkedHashMap<>();
            Path roundTrips = out.resolve("cluster-round-trips.txt");
            Files.deleteIfExists(roundTrips);
            // A timeout far above any pause of the fork, so that every decision measured is made in Redis.
            for (RunResult run : new Runner(new OptionsBuilder()
                    .include(ClusterBenchmarks.class.getName() + "\\.")
                    .threads(threads)
                    .warmupIterations(options.integer("warmup", 3))
                    .warmupTime(TimeValue.seconds(options.integer("time", 1)))
                    .measurementIterations(options.integer("iterations", 5))
                    .measurementTime(TimeValue.seconds(options.integer("time", 1)))
                    // Prepended, so that the batch row's own @Fork(jvmArgsAppend) still applies.
                    .jvmArgsPrepend("-javaagent:" + Paths.get(agent).toAbsolutePath(), "-Dbulwark.redis.uri=" + uri,
                            "-Dbulwark.redis.timeout=2s", "-Dbench.roundTrips=" + roundTrips.toAbsolutePath())
                    .build()).run()) {
                String name = run.getParams().getBenchmark().substring(run.getParams().getBenchmark().lastIndexOf('.') + 1);
                double best = run.getBenchmarkResults().stream().flatMap(b -> b.getIterationResults().stream())
                        .mapToDouble(i -> i.getPrimaryResult().getScore()).min().orElse(Double.NaN);
                scores.put(name, new double[]{run.getPrimaryResult().getScore(), run.getPrimaryResult().getScoreError(), best});
            }
            String report = report(scores, readRoundTrips(roundTrips), threads);
            System.out.println();
            System.out.println(report);
            Files.write(out.resolve("cluster.md"), report.getBytes(StandardCharsets.UTF_8));
            System.out.println("written to " + out.resolve("cluster.md"));
        } finally {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Double> readRoundTrips(Path file) throws IOException {
        Map<String, Double> perCall = new LinkedHashMap<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] words = line.trim().split(" ");
                if (words.length == 2) {
                    perCall.put(words[0], Double.parseDouble(words[1]));
                }
            }
        }
        return perCall;
    }

    static String report(Map<String, double[]> scores, Map<String, Double> roundTrips, int threads) {
        StringBuilder s = new StringBuilder("| decision against a local Redis, " + threads
                + (threads == 1 ? " thread" : " threads")
                + " | ns/op | ± | best | best / PING floor | round trips per call |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        double[] floor = scores.get("floor_ping");
        for (String row : ROWS) {
            double[] score = scores.get(row);
            if (score == null) {
                continue;
            }
            Double trips = roundTrips.get(row);
            s.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %s | %s |%n", row, score[0], score[1],
                    score[2], floor == null ? "" : String.format(Locale.ROOT, "%.2f", score[2] / floor[2]),
                    trips == null ? "" : String.format(Locale.ROOT, "%.4f", trips)));
        }
        return s.toString();
    }

    private static void awaitListening(int port) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("redis-server did not listen on port " + port, notYet);
                }
                Thread.sleep(50);
            }
        }
    }
}
