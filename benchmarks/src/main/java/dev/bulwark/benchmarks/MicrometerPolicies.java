package dev.bulwark.benchmarks;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetricsPublisher;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Resilience4j with its metrics on, as its Spring Boot starter wires them: each registry built with its
 * {@code Tagged*MetricsPublisher} on a Prometheus meter registry (read on demand, as a scrape would), the
 * policies taken from those registries. Configured like {@link Policies}; the peer of the {@code otel_metrics_*}
 * rows.
 */
@State(Scope.Benchmark)
public class MicrometerPolicies {
    io.github.resilience4j.circuitbreaker.CircuitBreaker breaker;
    io.github.resilience4j.retry.Retry retry;
    io.github.resilience4j.ratelimiter.RateLimiter limiter;
    io.github.resilience4j.bulkhead.Bulkhead bulkhead;
    io.github.resilience4j.retry.Retry chainRetry;
    io.github.resilience4j.circuitbreaker.CircuitBreaker chainBreaker;
    io.github.resilience4j.ratelimiter.RateLimiter chainLimiter;
    io.github.resilience4j.bulkhead.Bulkhead chainBulkhead;
    PrometheusMeterRegistry registry;

    @Setup(Level.Trial)
    public void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(WovenService.WINDOW)
                .minimumNumberOfCalls(WovenService.WINDOW)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .build(), new TaggedCircuitBreakerMetricsPublisher(registry));
        RetryRegistry retries = RetryRegistry.of(RetryConfig.custom().maxAttempts(3).build(),
                new TaggedRetryMetricsPublisher(registry));
        RateLimiterRegistry limiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(WovenService.PERMITS)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build(), new TaggedRateLimiterMetricsPublisher(registry));
        BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(WovenService.SLOTS)
                .maxWaitDuration(Duration.ZERO)
                .build(), new TaggedBulkheadMetricsPublisher(registry));
        breaker = breakers.circuitBreaker("breaker");
        retry = retries.retry("retry");
        limiter = limiters.rateLimiter("limiter");
        bulkhead = bulkheads.bulkhead("bulkhead");
        chainRetry = retries.retry("chain");
        chainBreaker = breakers.circuitBreaker("chain");
        chainLimiter = limiters.rateLimiter("chain");
        chainBulkhead = bulkheads.bulkhead("chain");
    }

    /** One benchmark thread's decorated suppliers, built once, over its {@link Caller}'s work. */
    @State(Scope.Thread)
    public static class Decorated {
        Supplier<String> breaker;
        Supplier<String> retry;
        Supplier<String> limiter;
        Supplier<String> bulkhead;
        Supplier<String> chain4;

        @Setup(Level.Trial)
        public void setUp(MicrometerPolicies p, Caller c) {
            Supplier<String> work = c::work;
            breaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(p.breaker, work);
            retry = io.github.resilience4j.retry.Retry.decorateSupplier(p.retry, work);
            limiter = io.github.resilience4j.ratelimiter.RateLimiter.decorateSupplier(p.limiter, work);
            bulkhead = io.github.resilience4j.bulkhead.Bulkhead.decorateSupplier(p.bulkhead, work);
            chain4 = io.github.resilience4j.retry.Retry.decorateSupplier(p.chainRetry,
                    io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(p.chainBreaker,
                            io.github.resilience4j.ratelimiter.RateLimiter.decorateSupplier(p.chainLimiter,
                                    io.github.resilience4j.bulkhead.Bulkhead.decorateSupplier(p.chainBulkhead, work))));
        }
    }
}
