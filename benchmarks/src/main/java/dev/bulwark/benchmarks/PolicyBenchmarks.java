package dev.bulwark.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of one protected call of a no-op method (see {@link Work}): bare, woven by Bulwark, decorated by
 * Resilience4j, executed by Failsafe. Every benchmark returns the body's result, which JMH sinks in a
 * Blackhole. All of them run in one forked JVM per benchmark with the agent attached (benchmarks/run passes
 * {@code -javaagent}); only {@link WovenService} is annotated, so only it is woven.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyBenchmarks {

    @Benchmark
    public String bare(Policies p, Caller c) {
        return p.service.bare(c.next());
    }

    /** Reference: one {@code System.nanoTime()}, which a woven call reads at least twice (enter and exit). */
    @Benchmark
    public long ref_nanoTime() {
        return System.nanoTime();
    }

    /**
     * Reference: one permit of a count every thread shares taken and given back, two atomic read-modify-writes:
     * the least any bulkhead does per call, whatever it reports.
     */
    @Benchmark
    public int ref_permitTakenAndGivenBack(SharedPermits permits) {
        permits.inUse.incrementAndGet();
        return permits.inUse.decrementAndGet();
    }

    @State(Scope.Benchmark)
    public static class SharedPermits {
        final AtomicInteger inUse = new AtomicInteger();
    }

    // --- Bulwark, woven by the agent ---

    @Benchmark
    public String bulwark_circuitBreaker(Policies p, Caller c) {
        return p.service.circuitBreaker(c.next());
    }

    @Benchmark
    public String bulwark_retry(Policies p, Caller c) {
        return p.service.retry(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = {"-Dbulwark.retry-budgets.bench.ratio=0.1",
            "-Dbulwark.retry-budgets.bench.min-per-second=10"})
    public String bulwark_budgetedRetry(Policies p, Caller c) {
        return p.service.budgetedRetry(c.next());
    }

    @Benchmark
    public String bulwark_retryOnResultExpression(Policies p, Caller c) {
        return p.service.retryOnResultExpression(c.next());
    }

    @Benchmark
    public String bulwark_retryOnResultMethod(Policies p, Caller c) {
        return p.service.retryOnResultMethod(c.next());
    }

    @Benchmark
    public String bulwark_rateLimiter(Policies p, Caller c) {
        return p.service.rateLimiter(c.next());
    }

    @Benchmark
    public String bulwark_bulkhead(Policies p, Caller c) {
        return p.service.bulkhead(c.next());
    }

    @Benchmark
    public String bulwark_adaptiveBulkhead(Policies p, Caller c) {
        return p.service.adaptiveBulkhead(c.next());
    }

    /** The peer of {@code bulwark_adaptiveBulkhead}: Netflix concurrency-limits' limiter around the same body. */
    @Benchmark
    public String cl_simpleLimiter(Policies p, Caller c) {
        java.util.Optional<com.netflix.concurrency.limits.Limiter.Listener> listener = p.clLimiter.acquire(null);
        if (listener.isEmpty()) {
            throw new IllegalStateException("the limiter refused a call below its limit");
        }
        String result = Work.work(c.next());
        listener.get().onSuccess();
        return result;
    }

    @Benchmark
    public String bulwark_timeout(Policies p, Caller c) {
        return p.service.timeout(c.next());
    }

    /** A floor of a second: the default 10 ms would time out calls that a GC pause or a busy machine delays. */
    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.defaults.timeout.adaptive.min=1s")
    public String bulwark_adaptiveTimeout(Policies p, Caller c) {
        return p.service.adaptiveTimeout(c.next());
    }

    @Benchmark
    public String bulwark_chain4(Policies p, Caller c) {
        return p.service.chain4(c.next());
    }

    @Benchmark
    public String bulwark_all(Policies p, Caller c) {
        return p.service.all(c.next());
    }

    // --- Chaos: an experiment that selects WovenService but matches none of its benchmarked methods must leave
    //     chain4 at bulwark_chain4's cost (its sites have no chaos step); one that matches chain4 with the kill
    //     switch off costs one volatile read per call ---

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = {"-Dbulwark.chaos.experiments.0.class=dev.bulwark.benchmarks.WovenService",
            "-Dbulwark.chaos.experiments.0.method=unused*", "-Dbulwark.chaos.experiments.0.fault.rate=1",
            "-Dbulwark.chaos.experiments.0.fault.exception=java.io.IOException"})
    public String chaos_unmatched_bulwark_chain4(Policies p, Caller c) {
        return p.service.chain4(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = {"-Dbulwark.chaos.enabled=false",
            "-Dbulwark.chaos.experiments.0.class=dev.bulwark.benchmarks.WovenService",
            "-Dbulwark.chaos.experiments.0.method=chain4", "-Dbulwark.chaos.experiments.0.fault.rate=1",
            "-Dbulwark.chaos.experiments.0.fault.exception=java.io.IOException"})
    public String chaos_off_bulwark_chain4(Policies p, Caller c) {
        return p.service.chain4(c.next());
    }

    // --- Bulwark recording into an OpenTelemetry SDK the application registered (see OpenTelemetrySdks):
    //     otel_metrics_* with Bulwark's spans off, otel_spans_* with every invocation a span (bulwark.otel.spans=all),
    //     otel_eventful_* with spans only for invocations that retried, were rejected, fell back or failed ---

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=off")
    public String otel_metrics_bulwark_circuitBreaker(Policies p, Caller c, OpenTelemetrySdks.Metrics sdk) {
        return p.service.circuitBreaker(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=off")
    public String otel_metrics_bulwark_retry(Policies p, Caller c, OpenTelemetrySdks.Metrics sdk) {
        return p.service.retry(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=off")
    public String otel_metrics_bulwark_rateLimiter(Policies p, Caller c, OpenTelemetrySdks.Metrics sdk) {
        return p.service.rateLimiter(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=off")
    public String otel_metrics_bulwark_bulkhead(Policies p, Caller c, OpenTelemetrySdks.Metrics sdk) {
        return p.service.bulkhead(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=off")
    public String otel_metrics_bulwark_timeout(Policies p, Caller c, OpenTelemetrySdks.Metrics sdk) {
        return p.service.timeout(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=off")
    public String otel_metrics_bulwark_chain4(Policies p, Caller c, OpenTelemetrySdks.Metrics sdk) {
        return p.service.chain4(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=off")
    public String otel_metrics_bulwark_all(Policies p, Caller c, OpenTelemetrySdks.Metrics sdk) {
        return p.service.all(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=all")
    public String otel_spans_bulwark_retry(Policies p, Caller c, OpenTelemetrySdks.MetricsAndSpans sdk) {
        return p.service.retry(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=all")
    public String otel_spans_bulwark_all(Policies p, Caller c, OpenTelemetrySdks.MetricsAndSpans sdk) {
        return p.service.all(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=eventful")
    public String otel_eventful_bulwark_retry(Policies p, Caller c, OpenTelemetrySdks.MetricsAndSpans sdk) {
        return p.service.retry(c.next());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = "-Dbulwark.otel.spans=eventful")
    public String otel_eventful_bulwark_all(Policies p, Caller c, OpenTelemetrySdks.MetricsAndSpans sdk) {
        return p.service.all(c.next());
    }

    // --- Resilience4j with its Micrometer metrics on a Prometheus registry (see MicrometerPolicies) ---

    @Benchmark
    public String r4jm_circuitBreaker(MicrometerPolicies.Decorated d) {
        return d.breaker.get();
    }

    @Benchmark
    public String r4jm_retry(MicrometerPolicies.Decorated d) {
        return d.retry.get();
    }

    @Benchmark
    public String r4jm_rateLimiter(MicrometerPolicies.Decorated d) {
        return d.limiter.get();
    }

    @Benchmark
    public String r4jm_bulkhead(MicrometerPolicies.Decorated d) {
        return d.bulkhead.get();
    }

    @Benchmark
    public String r4jm_chain4(MicrometerPolicies.Decorated d) {
        return d.chain4.get();
    }

    // --- Resilience4j decorators ---

    @Benchmark
    public String r4j_circuitBreaker(Caller c) {
        return c.r4jBreaker.get();
    }

    @Benchmark
    public String r4j_retry(Caller c) {
        return c.r4jRetry.get();
    }

    @Benchmark
    public String r4j_rateLimiter(Caller c) {
        return c.r4jLimiter.get();
    }

    @Benchmark
    public String r4j_bulkhead(Caller c) {
        return c.r4jBulkhead.get();
    }

    @Benchmark
    public String r4j_timeout(Caller c) throws Exception {
        return c.r4jTimeLimiter.call();
    }

    @Benchmark
    public String r4j_timeoutOnExecutor(Caller c) throws Exception {
        return c.r4jTimeLimiterOnExecutor.call();
    }

    @Benchmark
    public String r4j_chain4(Caller c) {
        return c.r4jChain4.get();
    }

    // --- Failsafe executors ---

    @Benchmark
    public String failsafe_circuitBreaker(Policies p, Caller c) {
        return p.failsafeBreaker.get(c.failsafeWork);
    }

    @Benchmark
    public String failsafe_retry(Policies p, Caller c) {
        return p.failsafeRetry.get(c.failsafeWork);
    }

    @Benchmark
    public String failsafe_rateLimiter(Policies p, Caller c) {
        return p.failsafeLimiter.get(c.failsafeWork);
    }

    @Benchmark
    public String failsafe_bulkhead(Policies p, Caller c) {
        return p.failsafeBulkhead.get(c.failsafeWork);
    }

    @Benchmark
    public String failsafe_timeout(Policies p, Caller c) {
        return p.failsafeTimeout.get(c.failsafeWork);
    }

    @Benchmark
    public String failsafe_chain4(Policies p, Caller c) {
        return p.failsafeChain4.get(c.failsafeWork);
    }

    @Benchmark
    public String failsafe_all(Policies p, Caller c) {
        return p.failsafeAll.get(c.failsafeWork);
    }
}
