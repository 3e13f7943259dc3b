package dev.bulwark.benchmarks;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rate-limit decision against a local Redis ({@link RunClusterBenchmarks} starts it and passes its URI as
 * {@code bulwark.redis.uri}): a method woven with a cluster-scoped limiter in exact mode and in batch mode (a fork
 * of its own with {@code bulwark.redis.mode = batch}), Bucket4j's Jedis back-end on the same server, and two floors
 * through a Jedis pool: a bare {@code PING}, one round trip, and an {@code EVALSHA} of {@code return 1}, one round
 * trip that runs a script.
 *
 * <p>Each fork counts its calls and the script calls Redis ran meanwhile ({@code INFO commandstats}), and with
 * {@code -Dbench.roundTrips=<file>} appends "benchmark round-trips-per-call" to that file.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClusterBenchmarks {

    private static final Pattern SCRIPT_CALLS = Pattern.compile("cmdstat_eval(?:sha)?:calls=(\\d+)");

    @State(Scope.Benchmark)
    public static class Redis {
        ClusterService service;
        JedisPool pool;
        Bucket bucket;
        byte[] trivialSha;
        final Queue<Calls> callers = new ConcurrentLinkedQueue<>();
        long scriptCallsBefore;

        @Setup(Level.Trial)
        public void connect() {
            service = new ClusterService();
            pool = new JedisPool(URI.create(System.getProperty("bulwark.redis.uri")));
            try (Jedis jedis = pool.getResource()) {
                trivialSha = jedis.scriptLoad("return 1").getBytes(StandardCharsets.US_ASCII);
                scriptCallsBefore = scriptCalls(jedis);
            }
            BucketConfiguration limit = BucketConfiguration.builder()
                    .addLimit(l -> l.capacity(WovenService.PERMITS).refillGreedy(WovenService.PERMITS, Duration.ofSeconds(1)))
                    .build();
            bucket = Bucket4jJedis.casBasedBuilder(pool)
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build().builder().build("bench-bucket4j".getBytes(StandardCharsets.UTF_8), () -> limit);
        }

        @TearDown(Level.Trial)
        public void close(BenchmarkParams params) throws IOException {
            String file = System.getProperty("bench.roundTrips");
            long calls = callers.stream().mapToLong(c -> c.count).sum();
            if (file != null && calls > 0) {
                long roundTrips;
                try (Jedis jedis = pool.getResource()) {
                    roundTrips = scriptCalls(jedis) - scriptCallsBefore;
                }
                String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
                Files.write(Paths.get(file), String.format(Locale.ROOT, "%s %.6f%n", name, (double) roundTrips / calls)
                        .getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            pool.close();
        }

        private static long scriptCalls(Jedis jedis) {
            long calls = 0;
            Matcher stat = SCRIPT_CALLS.matcher(jedis.info("commandstats"));
            while (stat.find()) {
                calls += Long.parseLong(stat.group(1));
            }
            return calls;
        }
    }

    /** One thread's calls of a limiter, summed at the end of the fork. */
    @State(Scope.Thread)
    public static class Calls {
        long count;

        @Setup(Level.Trial)
        public void register(Redis redis) {
            redis.callers.add(this);
        }
    }

    @Benchmark
    public String floor_ping(Redis r) {
        try (Jedis jedis = r.pool.getResource()) {
            return jedis.ping();
        }
    }

    @Benchmark
    public Object floor_evalshaTrivial(Redis r) {
        try (Jedis jedis = r.pool.getResource()) {
            return jedis.evalsha(r.trivialSha, 0);
        }
    }

    @Benchmark
    public String bulwark_clusterRateLimiter(Redis r, Caller c, Calls calls) {
        calls.count++;
        return r.service.limited(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dbulwark.redis.mode=batch")
    public String bulwark_clusterRateLimiterBatch(Redis r, Caller c, Calls calls) {
        calls.count++;
        return r.service.limitedInBatches(c.next());
    }

    @Benchmark
    public boolean bucket4j_jedis(Redis r) {
        return r.bucket.tryConsume(1);
    }
}
