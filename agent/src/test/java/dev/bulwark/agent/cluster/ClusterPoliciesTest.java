package dev.bulwark.agent.cluster;

import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.RedisSettings;
import dev.bulwark.agent.policy.budget.RetryBudget;
import dev.bulwark.agent.policy.budget.RetryBudgetSpec;
import dev.bulwark.agent.policy.ratelimit.KeyedLimiter;
import dev.bulwark.agent.policy.ratelimit.RateLimiter;
import dev.bulwark.agent.policy.ratelimit.RateLimiterSpec;
import dev.bulwark.agent.policy.ratelimit.RateScope;
import dev.bulwark.agent.policy.ratelimit.SharedLimiter;
import dev.bulwark.annotations.RateAlgorithm;
import dev.bulwark.annotations.Scope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cluster-scoped limiters and retry budgets against a real redis-server started here (the Debian package; skipped
 * without one), and against a port where nothing listens, for {@code on-failure}.
 */
class ClusterPoliciesTest {
    private static final Path REDIS = Paths.get("/usr/bin/redis-server");
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static Process redis;
    private static int port;
    private static int closedPort;
    private static int names;

    @BeforeAll
    static void startRedis() throws Exception {
        closedPort = freePort();
        if (!Files.isExecutable(REDIS)) {
            return;
        }
        port = freePort();
        redis = new ProcessBuilder(REDIS.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                assertThat(System.nanoTime()).as("redis-server started").isLessThan(end);
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static RateLimiterSpec.Builder spec(int redisPort, RedisSettings.OnFailure onFailure) {
        RedisSettings settings = new RedisSettings("redis://127.0.0.1:" + redisPort, TimeUnit.SECONDS.toNanos(5), 2,
                "test:", onFailure);
        return RateLimiterSpec.builder().name("limiter-" + names++).scope(Scope.CLUSTER).redis(settings);
    }

    private static RateLimiterSpec.Builder batchSpec(RedisSettings.OnFailure onFailure) {
        RedisSettings settings = new RedisSettings("redis://127.0.0.1:" + port, TimeUnit.SECONDS.toNanos(5), 2,
                "test:", onFailure, RedisSettings.Mode.BATCH);
        return RateLimiterSpec.builder().name("limiter-" + names++).scope(Scope.CLUSTER).redis(settings);
    }

    private static RateLimiter onRedis(RateLimiterSpec.Builder spec) {
        assumeTrue(redis != null, "no redis-server at " + REDIS + ": skipping the tests against a real Redis");
        return (RateLimiter) ClusterPolicies.rateLimiter(spec.build());
    }

    private static int granted(RateLimiter limiter, int calls) {
        int granted = 0;
        for (int i = 0; i < calls; i++) {
            if (limiter.reserve(System.nanoTime(), 0) == 0) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    void everyAlgorithmGrantsItsPermitsInRedisThenRefusesWithATimeUntilTheNext() {
        for (RateAlgorithm algorithm : RateAlgorithm.values()) {
            RateLimiter limiter = onRedis(spec(port, RedisSettings.OnFailure.ALLOW).permits(5).periodNanos(HOUR)
                    .algorithm(algorithm));
            assertThat(granted(limiter, 20)).as(algorithm.name()).isEqualTo(5);
            long refusal = limiter.reserve(System.nanoTime(), 0);
            assertThat(RateLimiter.retryAfterNanos(refusal)).as(algorithm.name())
                    .isBetween(1L, HOUR);
            assertThat(((SharedLimiter) limiter).decidedBy()).isEqualTo(RateScope.CLUSTER);
        }
    }

    @Test
    void inBatchModeTwoJvmsOfOneLimiterTakeItsPermitsFromLeasesAndNoMore() {
        for (RateAlgorithm algorithm : RateAlgorithm.values()) {
            // Two limiters of one name, as two JVMs would hold: 200 permits an hour, leases of up to 10.
            RateLimiterSpec spec = batchSpec(RedisSettings.OnFailure.ALLOW).permits(200).periodNanos(HOUR)
                    .algorithm(algorithm).build();
            RateLimiter first = onRedis(spec.toBuilder());
            RateLimiter second = onRedis(spec.toBuilder());
            int granted = granted(first, 150) + granted(second, 150) + granted(first, 100);
            assertThat(granted).as(algorithm.name()).isEqualTo(200);
            long refusal = second.reserve(System.nanoTime(), 0);
            assertThat(RateLimiter.retryAfterNanos(refusal)).as(algorithm.name()).isBetween(1L, HOUR);
        }
    }

    @Test
    void inBatchModeACallerAllowedToWaitStillGetsItsPermitReservedInRedis() {
        RateLimiter limiter = onRedis(batchSpec(RedisSettings.OnFailure.REJECT).permits(1)
                .periodNanos(TimeUnit.SECONDS.toNanos(10)).maxWaitNanos(TimeUnit.SECONDS.toNanos(30)));
        assertThat(limiter.reserve(System.nanoTime(), TimeUnit.SECONDS.toNanos(30))).isZero();
        assertThat(limiter.reserve(System.nanoTime(), TimeUnit.SECONDS.toNanos(30)))
                .isBetween(TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(10));
        assertThat(limiter.reserve(System.nanoTime(), 0)).isNegative();
    }

    @Test
    void aCallerAllowedToWaitGetsItsPermitReservedWithTheWait() {
        RateLimiter limiter = onRedis(spec(port, RedisSettings.OnFailure.REJECT).permits(1)
                .periodNanos(TimeUnit.SECONDS.toNanos(10)).maxWaitNanos(TimeUnit.SECONDS.toNanos(30)));
        assertThat(limiter.reserve(System.nanoTime(), TimeUnit.SECONDS.toNanos(30))).isZero();
        assertThat(limiter.reserve(System.nanoTime(), TimeUnit.SECONDS.toNanos(30)))
                .isBetween(TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(10));
        assertThat(limiter.reserve(System.nanoTime(), 0)).isNegative();
    }

    @Test
    void keysAreLimitedApart() {
        assumeTrue(redis != null, "no redis-server at " + REDIS + ": skipping the tests against a real Redis");
        KeyedLimiter limiter = (KeyedLimiter) ClusterPolicies.rateLimiter(spec(port, RedisSettings.OnFailure.ALLOW)
                .permits(1).periodNanos(HOUR).key("#0").algorithm(RateAlgorithm.SLIDING_WINDOW).build());
        assertThat(limiter.reserve("alice", System.nanoTime(), 0)).isZero();
        assertThat(limiter.reserve("alice", System.nanoTime(), 0)).isNegative();
        assertThat(limiter.reserve("bob", System.nanoTime(), 0)).isZero();
    }

    @Test
    void aClusterRetryBudgetIsSharedByEveryJvmUsingItsName() {
        assumeTrue(redis != null, "no redis-server at " + REDIS + ": skipping the tests against a real Redis");
        RedisSettings settings = new RedisSettings("redis://127.0.0.1:" + port, TimeUnit.SECONDS.toNanos(5), 2,
                "test:", RedisSettings.OnFailure.REJECT);
        RetryBudgetSpec spec = new RetryBudgetSpec("shared-budget", 0.1, 0, TimeUnit.SECONDS.toNanos(10),
                Scope.CLUSTER, settings);
        // Two budgets of one name, as two JVMs would hold: one sees the first attempts, the other the retries.
        RetryBudget first = new RetryBudget(spec, NanoClock.SYSTEM, ClusterPolicies.retryBudget(spec));
        RetryBudget second = new RetryBudget(spec, NanoClock.SYSTEM, ClusterPolicies.retryBudget(spec));
        for (int i = 0; i < 100; i++) {
            first.deposit();
        }
        // Its retry carries the deposits to Redis with it, and takes one of the ten tokens they bought.
        assertThat(first.tryWithdraw()).isTrue();
        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            if (second.tryWithdraw()) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(9);
    }

    @Test
    void withoutRedisARetryBudgetFollowsOnFailure() {
        for (RedisSettings.OnFailure onFailure : RedisSettings.OnFailure.values()) {
            RedisSettings settings = new RedisSettings("redis://127.0.0.1:" + closedPort, TimeUnit.SECONDS.toNanos(5), 1,
                    "test:", onFailure);
            RetryBudgetSpec spec = new RetryBudgetSpec("unreachable-" + onFailure, 0.1, 1, TimeUnit.SECONDS.toNanos(10),
                    Scope.CLUSTER, settings);
            RetryBudget budget = new RetryBudget(spec, NanoClock.SYSTEM, ClusterPolicies.retryBudget(spec));
            int allowed = 0;
            for (int i = 0; i < 5; i++) {
                if (budget.tryWithdraw()) {
                    allowed++;
                }
            }
            // local: this JVM's budget, one retry a second with no first attempts (two should a second begin
            // meanwhile); allow: all; reject: none.
            int[] expected = onFailure == RedisSettings.OnFailure.LOCAL ? new int[] {1, 2}
                    : onFailure == RedisSettings.OnFailure.ALLOW ? new int[] {5, 5} : new int[] {0, 0};
            assertThat(allowed).as(onFailure.name()).isBetween(expected[0], expected[1]);
        }
    }

    @Test
    void inBatchModeWithoutRedisOnFailureDecidesToo() {
        for (RedisSettings.OnFailure onFailure : RedisSettings.OnFailure.values()) {
            RedisSettings settings = new RedisSettings("redis://127.0.0.1:" + closedPort, TimeUnit.SECONDS.toNanos(5), 1,
                    "test:", onFailure, RedisSettings.Mode.BATCH);
            RateLimiter limiter = (RateLimiter) ClusterPolicies.rateLimiter(RateLimiterSpec.builder()
                    .name("unreachable-batch-" + onFailure).scope(Scope.CLUSTER).redis(settings).permits(3)
                    .periodNanos(HOUR).build());
            int expected = onFailure == RedisSettings.OnFailure.LOCAL ? 3
                    : onFailure == RedisSettings.OnFailure.ALLOW ? 10 : 0;
            assertThat(granted(limiter, 10)).as(onFailure.name()).isEqualTo(expected);
        }
    }

    @Test
    void withoutRedisOnFailureDecides() {
        RateLimiter local = (RateLimiter) ClusterPolicies.rateLimiter(
                spec(closedPort, RedisSettings.OnFailure.LOCAL).permits(3).periodNanos(HOUR).build());
        assertThat(granted(local, 10)).isEqualTo(3);
        assertThat(((SharedLimiter) local).decidedBy()).isEqualTo(RateScope.FALLBACK);
        RateLimiter allow = (RateLimiter) ClusterPolicies.rateLimiter(
                spec(closedPort, RedisSettings.OnFailure.ALLOW).permits(3).periodNanos(HOUR).build());
        assertThat(granted(allow, 10)).isEqualTo(10);
        RateLimiter reject = (RateLimiter) ClusterPolicies.rateLimiter(
                spec(closedPort, RedisSettings.OnFailure.REJECT).permits(3).periodNanos(HOUR).build());
        assertThat(granted(reject, 10)).isZero();
    }
}
