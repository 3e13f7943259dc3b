package dev.bulwark.benchmarks;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The shared policy instances of the Resilience4j and Failsafe side, configured like {@link WovenService}'s
 * annotations; shared by all benchmark threads, as the woven call sites' state is.
 */
@State(Scope.Benchmark)
public class Policies {
    final WovenService service = new WovenService();

    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jBreaker;
    io.github.resilience4j.retry.Retry r4jRetry;
    io.github.resilience4j.ratelimiter.RateLimiter r4jLimiter;
    io.github.resilience4j.bulkhead.Bulkhead r4jBulkhead;
    io.github.resilience4j.timelimiter.TimeLimiter r4jTimeLimiter;
    /** Runs the body of the Resilience4j timeout that really guards a running call (see {@link Caller}). */
    ExecutorService r4jTimeoutExecutor;
    /** The chain's own instances, so its state is not shared with the single-policy benchmarks. */
    io.github.resilience4j.retry.Retry r4jChainRetry;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jChainBreaker;
    io.github.resilience4j.ratelimiter.RateLimiter r4jChainLimiter;
    io.github.resilience4j.bulkhead.Bulkhead r4jChainBulkhead;

    /** concurrency-limits' SimpleLimiter over Gradient2Limit, with the bounds of Bulwark's adaptive defaults. */
    com.netflix.concurrency.limits.limiter.SimpleLimiter<Void> clLimiter;

    FailsafeExecutor<String> failsafeBreaker;
    FailsafeExecutor<String> failsafeRetry;
    FailsafeExecutor<String> failsafeLimiter;
    FailsafeExecutor<String> failsafeBulkhead;
    FailsafeExecutor<String> failsafeTimeout;
    FailsafeExecutor<String> failsafeChain4;
    FailsafeExecutor<String> failsafeAll;

    /** Whether the first iteration checked that the agent wove {@link WovenService}. */
    private boolean wovenChecked;

    @Setup(Level.Trial)
    public void setUp() {
        clLimiter = com.netflix.concurrency.limits.limiter.SimpleLimiter.newBuilder()
                .limit(com.netflix.concurrency.limits.limit.Gradient2Limit.newBuilder()
                        .initialLimit(20).minLimit(1).maxConcurrency(200).build())
                .build();

        CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(WovenService.WINDOW)
                .minimumNumberOfCalls(WovenService.WINDOW)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .build();
        RetryConfig retry = RetryConfig.custom().maxAttempts(3).build();
        RateLimiterConfig limiter = RateLimiterConfig.custom()
                .limitForPeriod(WovenService.PERMITS)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build();
        BulkheadConfig bulkhead = BulkheadConfig.custom()
                .maxConcurrentCalls(WovenService.SLOTS)
                .maxWaitDuration(Duration.ZERO)
                .build();
        TimeLimiterConfig timeLimiter = TimeLimiterConfig.custom()
                .timeoutDuration(Duration.ofSeconds(10))
                .cancelRunningFuture(true)
                .build();

        r4jBreaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("breaker", breaker);
        r4jRetry = io.github.resilience4j.retry.Retry.of("retry", retry);
        r4jLimiter = io.github.resilience4j.ratelimiter.RateLimiter.of("limiter", limiter);
        r4jBulkhead = io.github.resilience4j.bulkhead.Bulkhead.of("bulkhead", bulkhead);
        r4jTimeLimiter = io.github.resilience4j.timelimiter.TimeLimiter.of("timeLimiter", timeLimiter);
        r4jTimeoutExecutor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "r4j-timeout-body");
            t.setDaemon(true);
            return t;
        });
        r4jChainRetry = io.github.resilience4j.retry.Retry.of("chain", retry);
        r4jChainBreaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("chain", breaker);
        r4jChainLimiter = io.github.resilience4j.ratelimiter.RateLimiter.of("chain", limiter);
        r4jChainBulkhead = io.github.resilience4j.bulkhead.Bulkhead.of("chain", bulkhead);

        failsafeBreaker = Failsafe.with(failsafeBreaker());
        failsafeRetry = Failsafe.with(failsafeRetry());
        failsafeLimiter = Failsafe.with(failsafeLimiter());
        failsafeBulkhead = Failsafe.with(failsafeBulkhead());
        failsafeTimeout = Failsafe.with(failsafeTimeout());
        // Failsafe composes outermost first, as the woven chain does.
        failsafeChain4 = Failsafe.with(failsafeRetry(), failsafeBreaker(), failsafeLimiter(), failsafeBulkhead());
        failsafeAll = Failsafe.with(failsafeRetry(), failsafeBreaker(), failsafeLimiter(), failsafeTimeout(),
                failsafeBulkhead());
    }

    /**
     * The check is the first woven call, so it waits for every trial's set-up: an {@link OpenTelemetrySdks} state is
     * then registered before it, as an application registers its SDK at start-up. Made before, it let Bulwark's
     * telemetry look for an SDK in vain and find it a second later, into the first warm-up iteration, whose
     * unrecorded calls had by then shaped how the JIT compiled the woven code.
     */
    @Setup(Level.Iteration)
    public void checkWovenOnce() {
        if (!wovenChecked) {
            WovenService.requireWoven();
            wovenChecked = true;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        r4jTimeoutExecutor.shutdownNow();
    }

    private static dev.failsafe.CircuitBreaker<String> failsafeBreaker() {
        return dev.failsafe.CircuitBreaker.<String>builder()
                .withFailureThreshold(WovenService.WINDOW / 2, WovenService.WINDOW)
                .withDelay(Duration.ofSeconds(30))
                .build();
    }

    private static dev.failsafe.RetryPolicy<String> failsafeRetry() {
        return dev.failsafe.RetryPolicy.<String>builder().withMaxAttempts(3).build();
    }

    private static dev.failsafe.RateLimiter<String> failsafeLimiter() {
        return dev.failsafe.RateLimiter.<String>burstyBuilder(WovenService.PERMITS, Duration.ofSeconds(1)).build();
    }

    private static dev.failsafe.Bulkhead<String> failsafeBulkhead() {
        return dev.failsafe.Bulkhead.<String>builder(WovenService.SLOTS).build();
    }

    private static dev.failsafe.Timeout<String> failsafeTimeout() {
        return dev.failsafe.Timeout.<String>builder(Duration.ofSeconds(10)).withInterrupt().build();
    }
}
