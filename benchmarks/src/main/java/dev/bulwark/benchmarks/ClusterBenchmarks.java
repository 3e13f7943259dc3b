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
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One rate-limit decision against a local Redis ({@link RunClusterBenchmarks} starts it and passes its URI as
 * {@code bulwark.redis.uri}): a method woven with a cluster-scoped limiter, Bucket4j's Jedis back-end on the same
 * server, and a bare {@code PING} through a Jedis pool as the floor, one Redis round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClusterBenchmarks {

    @State(Scope.Benchmark)
    public static class Redis {
        ClusterService service;
        JedisPool pool;
        Bucket bucket;

        @Setup(Level.Trial)
        public void connect() {
            service = new ClusterService();
            pool = new JedisPool(URI.create(System.getProperty("bulwark.redis.uri")));
            BucketConfiguration limit = BucketConfiguration.builder()
                    .addLimit(l -> l.capacity(WovenService.PERMITS).refillGreedy(WovenService.PERMITS, Duration.ofSeconds(1)))
                    .build();
            bucket = Bucket4jJedis.casBasedBuilder(pool)
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build().builder().build("bench-bucket4j".getBytes(StandardCharsets.UTF_8), () -> limit);
        }

        @TearDown(Level.Trial)
        public void close() {
            pool.close();
        }
    }

    @Benchmark
    public String floor_ping(Redis r) {
        try (Jedis jedis = r.pool.getResource()) {
            return jedis.ping();
        }
    }

    @Benchmark
    public String bulwark_clusterRateLimiter(Redis r, Caller c) {
        return r.service.limited(c.next());
    }

    @Benchmark
    public boolean bucket4j_jedis(Redis r) {
        return r.bucket.tryConsume(1);
    }
}
