package dev.bulwark.it;

import dev.bulwark.it.app.ClusterScenarios;
import dev.bulwark.it.app.LimitsScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Cluster scope against a real redis-server: JVMs sharing one limit, Redis failing under them, lazy loading. */
class ClusterIT {
    private static final Pattern SCRIPT_CALLS = Pattern.compile("cmdstat_eval(?:sha)?:calls=(\\d+)");
    private static final String OUTAGE = "cluster scope: Redis at redis://127.0.0.1:";
    private static final Pattern OUTAGE_LINE = Pattern.compile("failed or did not answer within");
    private static final Pattern BACK_LINE = Pattern.compile("answers again after");

    private static AgentJvm clusterJvm(RedisServer redis, String timeout) {
        return AgentJvm.withAgent().option("-Dbulwark.redis.uri=" + redis.uri(), "-Dbulwark.redis.timeout=" + timeout);
    }

    /**
     * Four JVMs in exact mode, and two in batch mode (where each also calls a limiter a thousand times a second and
     * Redis counts the script calls that took).
     */
    @ParameterizedTest(name = "{0} JVMs, {1} mode")
    @CsvSource({"4, exact", "2, batch"})
    void jvmsShareOneLimitAndAKeyFloodLeavesFewRedisKeys(int jvmCount, String mode, @TempDir Path work)
            throws Exception {
        boolean batch = "batch".equals(mode);
        try (RedisServer redis = RedisServer.onFreePort().start()) {
            Path classLoads = work.resolve("class-load.txt");
            List<AgentJvm.Running> jvms = new ArrayList<>();
            for (int i = 0; i < jvmCount; i++) {
                // A first decision waits for the client to start, within the timeout: a long one here, so that
                // no decision of a cold JVM is left to its local fallback.
                AgentJvm jvm = clusterJvm(redis, "5s").option("-Dbulwark.redis.mode=" + mode,
                        "-Dscenario.rate=" + batch);
                if (i == 0 && !batch) {
                    jvm.option("-Dscenario.keys=true", "-Xlog:class+load=info:file=" + classLoads);
                }
                jvms.add(jvm.start(ClusterScenarios.class, "share"));
            }
            for (AgentJvm.Running jvm : jvms) {
                jvm.awaitOutput("@@ ready=true");
            }
            for (AgentJvm.Running jvm : jvms) {
                jvm.send("go");
            }
            if (batch) {
                assertRoundTripsTenfoldFewerThanCalls(redis, jvms);
            }
            int tokenBucket = 0;
            int fixedWindow = 0;
            int slidingWindow = 0;
            ScenarioResult flooder = null;
            for (AgentJvm.Running jvm : jvms) {
                ScenarioResult result = jvm.finish();
                assertThat(result.get("slidingWindow")).as(result.toString()).isNotNull();
                tokenBucket += result.getInt("tokenBucket");
                fixedWindow += result.getInt("fixedWindow");
                slidingWindow += result.getInt("slidingWindow");
                flooder = flooder == null ? result : flooder;
            }
            // Each JVM made 200 calls on limiters of 40 permits a day: the bucket's refill in the test is none,
            // the sliding window's bound is exact, a fixed window may have been crossed at midnight UTC. In batch
            // mode a JVM may end with a lease of at most 2 permits (a twentieth of 40) it never used.
            int unused = batch ? jvmCount * 2 : 0;
            assertThat(tokenBucket).isBetween(40 - unused, 40);
            assertThat(slidingWindow).isBetween(40 - unused, 40);
            assertThat(fixedWindow).isBetween(40 - unused, 80);
            if (batch) {
                return;
            }

            assertThat(flooder.getInt("keyedCalls")).isEqualTo(100_000);
            assertThat(flooder.getInt("keyedFailures")).isZero();
            // Each tenant's key lives as long as its state differs from none: 100 ms here. Only the three shared
            // limiters' keys stay.
            assertThat(awaitAtMost(redis, 3, 20)).as("keys left in Redis").isLessThanOrEqualTo(3);

            String loaded = Files.readString(classLoads, StandardCharsets.UTF_8);
            assertThat(loaded).contains("dev.bulwark.agent.cluster.RedisStore").contains("dev.bulwark.shaded.redis.");
        }
    }

    /** Each JVM calls a limiter 2,000 times at a thousand a second; Redis counts the script calls meanwhile. */
    private static void assertRoundTripsTenfoldFewerThanCalls(RedisServer redis, List<AgentJvm.Running> jvms)
            throws Exception {
        for (AgentJvm.Running jvm : jvms) {
            jvm.awaitOutput("@@ phase=shared");
        }
        long before = scriptCalls(redis);
        for (AgentJvm.Running jvm : jvms) {
            jvm.send("rate");
        }
        for (AgentJvm.Running jvm : jvms) {
            jvm.awaitOutput("@@ phase=rated");
        }
        long roundTrips = scriptCalls(redis) - before;
        long calls = 2_000L * jvms.size();
        System.out.println("batch mode: " + roundTrips + " script calls in Redis for " + calls + " calls");
        assertThat(roundTrips).as("script calls in Redis for " + calls + " calls").isPositive()
                .isLessThanOrEqualTo(calls / 10);
        for (AgentJvm.Running jvm : jvms) {
            assertThat(jvm.output()).as("every call granted").contains("@@ rateGranted=2000");
        }
    }

    /** EVALSHA and EVAL calls Redis has run, from INFO commandstats. */
    private static long scriptCalls(RedisServer redis) throws IOException {
        long calls = 0;
        Matcher stat = SCRIPT_CALLS.matcher(redis.text("INFO", "commandstats"));
        while (stat.find()) {
            calls += Long.parseLong(stat.group(1));
        }
        return calls;
    }

    @Test
    void anApplicationWithoutClusterScopeLoadsNoClassOfItNorOfTheRedisClient(@TempDir Path work) throws Exception {
        Path classLoads = work.resolve("class-load.txt");
        ScenarioResult result = AgentJvm.withAgent().option("-Xlog:class+load=info:file=" + classLoads)
                .run(LimitsScenarios.class, "everyAlgorithmGrantsItsPermits");
        assertThat(result.get("slidingWindow")).as(result.toString()).startsWith("ok,ok,ok,");
        String loaded = Files.readString(classLoads, StandardCharsets.UTF_8);
        assertThat(loaded).contains("dev.bulwark.agent.policy.ratelimit.SlidingWindowLimiter");
        assertThat(loaded).doesNotContain("dev.bulwark.agent.cluster.").doesNotContain("dev.bulwark.shaded.redis.")
                .doesNotContain("dev.bulwark.shaded.pool2.").doesNotContain("dev.bulwark.shaded.slf4j.");
    }

    /**
     * Redis down at start, then up, killed, restarted empty, then stopped (SIGSTOP, so far slower than the
     * timeout) and resumed: every call is answered, none waits much past the timeout, each outage is logged once,
     * and within seconds of Redis answering the decisions are made there again (the limiter's key reappears).
     */
    @Test
    void theApplicationRidesOutEveryRedisFaultAndComesBackToRedis() throws Exception {
        try (RedisServer redis = RedisServer.onFreePort()) {
            AgentJvm.Running app = clusterJvm(redis, "100ms").start(ClusterScenarios.class, "faults");
            app.awaitOutput("@@ ready=true");
            awaitCalls(app, "downAtStart");

            redis.start();
            awaitLimiterKey(redis);

            redis.kill();
            awaitCalls(app, "killed");
            redis.start();
            awaitLimiterKey(redis);

            redis.pause();
            awaitCalls(app, "stopped");
            redis.resume();
            redis.command("DEL", "bulwark:rl:tb:faults");
            awaitLimiterKey(redis);

            app.send("stop");
            ScenarioResult result = app.finish();
            assertThat(result.getLong("failures")).as(result.toString()).isZero();
            assertThat(result.getLong("calls")).isPositive();
            // The timeout is 100 ms; a call that waited for Redis itself would have hung for as long as it was stopped.
            assertThat(result.getLong("longestMillis")).as(result.toString()).isLessThan(1_000);
            assertThat(count(OUTAGE_LINE, result.stderr())).as(result.stderr()).isEqualTo(3);
            assertThat(count(BACK_LINE, result.stderr())).as(result.stderr()).isEqualTo(3);
            assertThat(result.stderr()).contains(OUTAGE);
        }
    }

    /** Asks the scenario for its call count twice, a second apart, and expects calls to have gone on meanwhile. */
    private static void awaitCalls(AgentJvm.Running app, String phase) throws Exception {
        app.send(phase + ".before");
        Thread.sleep(1_000);
        app.send(phase + ".after");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Pattern before = Pattern.compile("@@ calls\\." + Pattern.quote(phase) + "\\.before=(\\d+)");
        Pattern after = Pattern.compile("@@ calls\\." + Pattern.quote(phase) + "\\.after=(\\d+)");
        while (System.nanoTime() < end) {
            Matcher b = before.matcher(app.output());
            Matcher a = after.matcher(app.output());
            if (b.find() && a.find()) {
                assertThat(Long.parseLong(a.group(1))).as("calls went on while Redis was " + phase)
                        .isGreaterThan(Long.parseLong(b.group(1)));
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the scenario did not report its calls:\n" + app.output());
    }

    private static void awaitLimiterKey(RedisServer redis) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (redis.integer("EXISTS", "bulwark:rl:tb:faults") == 0) {
            assertThat(System.nanoTime()).as("decisions back in Redis within seconds").isLessThan(end);
            Thread.sleep(50);
        }
    }

    private static long awaitAtMost(RedisServer redis, long keys, int seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long size = redis.integer("DBSIZE");
        while (size > keys && System.nanoTime() < end) {
            Thread.sleep(100);
            size = redis.integer("DBSIZE");
        }
        return size;
    }

    private static int count(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        int found = 0;
        while (matcher.find()) {
            found++;
        }
        return found;
    }
}
