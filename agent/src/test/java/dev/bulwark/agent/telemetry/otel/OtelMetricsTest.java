package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.chain.CallObserver.RetryOutcome;
import dev.bulwark.agent.chain.PolicyName;
import dev.bulwark.agent.chain.SiteMetrics;
import dev.bulwark.agent.policy.RedisErrors;
import dev.bulwark.agent.policy.circuitbreaker.CallOutcome;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import dev.bulwark.agent.policy.ratelimit.RateScope;
import dev.bulwark.agent.telemetry.metrics.BulwarkMetrics;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class OtelMetricsTest {
    private static final int THREADS = 8;
    private static final int CALLS = 20_000;

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    private final AtomicLong now = new AtomicLong();
    private final BulwarkMetrics counts = new BulwarkMetrics(now::get, BulwarkMetrics.RETENTION_NANOS);
    /** Held here, as a chain holds them: what no one holds is not exported. */
    private final List<Object> held = new ArrayList<>();

    @AfterEach
    void close() {
        provider.close();
    }

    private void export(long maxDurations) {
        new OtelMetrics(provider.get("dev.bulwark"), counts, null, maxDurations);
        counts.start();
    }

    private SiteMetrics site(String site, String retry, String bulkhead) {
        SiteMetrics metrics = counts.site(jvmWide(site), jvmWide(retry), jvmWide(bulkhead), null);
        held.add(metrics);
        return metrics;
    }

    private static PolicyName jvmWide(String name) {
        return name == null ? null : new PolicyName(name, null);
    }

    private CircuitBreakerListener breaker(String name) {
        CircuitBreakerListener listener = counts.breaker(jvmWide(name));
        held.add(listener);
        return listener;
    }

    @Test
    void exportedValuesAreTheDecisionsMadeByEightThreads() throws InterruptedException {
        export(OtelMetrics.MAX_DURATIONS_PER_COLLECTION);
        SiteMetrics shop = site("com.acme.Shop#buy", "payments", "pool");
        CircuitBreakerListener backend = breaker("backend");
        runOnThreads(thread -> {
            for (int i = 0; i < CALLS; i++) {
                shop.retryFinished(i % 2 == 0 ? RetryOutcome.SUCCESS : RetryOutcome.EXHAUSTED);
                backend.onOutcome("backend", CallOutcome.FAILURE);
                shop.bulkhead(i % 4 != 0);
                shop.finished(i % 3 == 0 ? 3_000_000L : 400_000L, i % 5 == 0);
            }
        });

        Collection<MetricData> exported = reader.collectAllMetrics();
        long total = (long) THREADS * CALLS;
        assertThat(counter(exported, "bulwark.retry.calls", "payments", "success")).isEqualTo(total / 2);
        assertThat(counter(exported, "bulwark.retry.calls", "payments", "exhausted")).isEqualTo(total / 2);
        assertThat(counter(exported, "bulwark.circuit_breaker.calls", "backend", "failure")).isEqualTo(total);
        assertThat(counter(exported, "bulwark.bulkhead.calls", "pool", "permitted")).isEqualTo(total * 3 / 4);
        assertThat(counter(exported, "bulwark.bulkhead.calls", "pool", "rejected")).isEqualTo(total / 4);
        assertThat(points(exported, "bulwark.circuit_breaker.calls")).hasSize(1);

        long threeMs = 0;
        long failed = 0;
        for (int i = 0; i < CALLS; i++) {
            threeMs += i % 3 == 0 ? 1 : 0;
            failed += i % 5 == 0 ? 1 : 0;
        }
        HistogramPointData success = histogram(exported, "com.acme.Shop#buy", "success");
        HistogramPointData failure = histogram(exported, "com.acme.Shop#buy", "failure");
        assertThat(success.getCount() + failure.getCount()).isEqualTo(total);
        assertThat(failure.getCount()).isEqualTo(failed * THREADS);
        assertThat(success.getBoundaries()).containsExactly(
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0);
        // 0.4 ms is in the first bucket, 3 ms in the third (2.5 ms, 5 ms].
        assertThat(success.getCounts().get(0) + failure.getCounts().get(0)).isEqualTo((CALLS - threeMs) * THREADS);
        assertThat(success.getCounts().get(2) + failure.getCounts().get(2)).isEqualTo(threeMs * THREADS);
        double expectedSum = THREADS * (threeMs * 0.003 + (CALLS - threeMs) * 0.0004);
        assertThat(success.getSum() + failure.getSum()).isCloseTo(expectedSum, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(find(exported, "bulwark.telemetry.dropped")).isEmpty();
    }

    @Test
    void aCollectionDuringTheCallsLosesNothing() throws InterruptedException {
        export(OtelMetrics.MAX_DURATIONS_PER_COLLECTION);
        SiteMetrics shop = site("com.acme.Shop#buy", "payments", null);
        AtomicBoolean recording = new AtomicBoolean(true);
        List<Collection<MetricData>> midway = new ArrayList<>();
        Thread collector = new Thread(() -> {
            while (recording.get()) {
                midway.add(reader.collectAllMetrics());
            }
        });
        collector.start();
        runOnThreads(thread -> {
            for (int i = 0; i < CALLS; i++) {
                shop.retryAttempt();
                shop.finished(1_000L * i, false);
            }
        });
        recording.set(false);
        collector.join();

        Collection<MetricData> exported = reader.collectAllMetrics();
        long total = (long) THREADS * CALLS;
        assertThat(points(exported, "bulwark.retry.attempts")).singleElement()
                .satisfies(point -> assertThat(((LongPointData) point).getValue()).isEqualTo(total));
        assertThat(histogram(exported, "com.acme.Shop#buy", "success").getCount()).isEqualTo(total);
        double expectedSum = THREADS * 1e-6 * ((double) CALLS * (CALLS - 1) / 2);
        // Each bucket hands over the floor of its mean; what that leaves behind is less than a nanosecond a record.
        assertThat(histogram(exported, "com.acme.Shop#buy", "success").getSum())
                .isCloseTo(expectedSum, org.assertj.core.data.Offset.offset(total * 1e-9));
        assertThat(midway).isNotEmpty();
    }

    @Test
    void twoDeploymentsPoliciesOfOneNameAreTwoSeriesEachWithItsScopeWhileAJvmWideOneHasNone() {
        export(OtelMetrics.MAX_DURATIONS_PER_COLLECTION);
        SiteMetrics plain = site(new PolicyName("com.acme.Shop#buy", null), new PolicyName("limiter", null));
        SiteMetrics first = site(new PolicyName("com.acme.Shop#buy", "WebappClassLoader@1"),
                new PolicyName("limiter", "WebappClassLoader@1"));
        SiteMetrics second = site(new PolicyName("com.acme.Shop#buy", "WebappClassLoader@2"),
                new PolicyName("limiter", "WebappClassLoader@2"));
        CircuitBreakerListener firstBreaker = counts.breaker(new PolicyName("backend", "WebappClassLoader@1"));
        held.add(firstBreaker);
        plain.rateLimiter(true);
        first.rateLimiter(true);
        first.rateLimiter(true);
        second.rateLimiter(false);
        second.finished(1_000_000L, false);
        firstBreaker.onOutcome("backend", CallOutcome.SUCCESS);

        Collection<MetricData> exported = reader.collectAllMetrics();
        assertThat(points(exported, "bulwark.rate_limiter.calls")).hasSize(3);
        assertThat(counter(exported, "bulwark.rate_limiter.calls", Attributes.of(OtelMetrics.NAME, "limiter",
                OtelMetrics.OUTCOME, "permitted", OtelMetrics.SCOPE, "local"))).isEqualTo(1);
        assertThat(counter(exported, "bulwark.rate_limiter.calls", Attributes.of(OtelMetrics.NAME, "limiter",
                OtelMetrics.LOADER, "WebappClassLoader@1", OtelMetrics.OUTCOME, "permitted", OtelMetrics.SCOPE, "local")))
                .isEqualTo(2);
        assertThat(counter(exported, "bulwark.rate_limiter.calls", Attributes.of(OtelMetrics.NAME, "limiter",
                OtelMetrics.LOADER, "WebappClassLoader@2", OtelMetrics.OUTCOME, "rejected", OtelMetrics.SCOPE, "local")))
                .isEqualTo(1);
        assertThat(counter(exported, "bulwark.circuit_breaker.calls", Attributes.of(OtelMetrics.NAME, "backend",
                OtelMetrics.LOADER, "WebappClassLoader@1", OtelMetrics.OUTCOME, "success"))).isEqualTo(1);
        assertThat(find(exported, "bulwark.call.duration").orElseThrow().getHistogramData().getPoints())
                .singleElement().satisfies(point -> assertThat(point.getAttributes()).isEqualTo(Attributes.of(
                        OtelMetrics.NAME, "com.acme.Shop#buy", OtelMetrics.LOADER, "WebappClassLoader@2",
                        OtelMetrics.OUTCOME, "success")));
    }

    @Test
    void aLimiterDecisionIsCountedWhereItWasMadeAndRedisErrorsOnceAClusterPolicyExists() {
        export(OtelMetrics.MAX_DURATIONS_PER_COLLECTION);
        SiteMetrics shared = site(new PolicyName("com.acme.Partner#call", null), new PolicyName("partner", null));
        shared.rateLimiter(true, RateScope.CLUSTER);
        shared.rateLimiter(true, RateScope.CLUSTER);
        shared.rateLimiter(false, RateScope.FALLBACK);
        RedisErrors.markInUse();
        RedisErrors.increment();

        Collection<MetricData> exported = reader.collectAllMetrics();
        assertThat(counter(exported, "bulwark.rate_limiter.calls", Attributes.of(OtelMetrics.NAME, "partner",
                OtelMetrics.OUTCOME, "permitted", OtelMetrics.SCOPE, "cluster"))).isEqualTo(2);
        assertThat(counter(exported, "bulwark.rate_limiter.calls", Attributes.of(OtelMetrics.NAME, "partner",
                OtelMetrics.OUTCOME, "rejected", OtelMetrics.SCOPE, "fallback"))).isEqualTo(1);
        assertThat(find(exported, "bulwark.redis.errors").orElseThrow().getLongSumData().getPoints())
                .singleElement().satisfies(point -> assertThat(point.getValue()).isPositive());
    }

    private SiteMetrics site(PolicyName site, PolicyName limiter) {
        SiteMetrics metrics = counts.site(site, null, null, limiter);
        held.add(metrics);
        return metrics;
    }

    @Test
    void nothingIsCountedBeforeAnSdkReadsTheCounts() {
        SiteMetrics early = site("com.acme.Early#call", null, null);
        early.fallback();
        export(OtelMetrics.MAX_DURATIONS_PER_COLLECTION);
        early.fallback();

        assertThat(counter(reader.collectAllMetrics(), "bulwark.fallback.calls", "com.acme.Early#call")).isEqualTo(1);
    }

    @Test
    void aNameThatRecordsNothingForTheRetentionTimeIsNoLongerExported() {
        export(OtelMetrics.MAX_DURATIONS_PER_COLLECTION);
        SiteMetrics unloaded = site("com.acme.Unloaded#gone", null, null);
        SiteMetrics live = site("com.acme.Live#here", null, null);
        unloaded.fallback();
        live.fallback();
        assertThat(points(reader.collectAllMetrics(), "bulwark.fallback.calls")).hasSize(2);

        now.addAndGet(BulwarkMetrics.RETENTION_NANOS / 2);
        live.fallback();
        assertThat(points(reader.collectAllMetrics(), "bulwark.fallback.calls")).hasSize(2);

        now.addAndGet(BulwarkMetrics.RETENTION_NANOS / 2);
        Collection<MetricData> exported = reader.collectAllMetrics();
        assertThat(points(exported, "bulwark.fallback.calls")).singleElement()
                .satisfies(point -> assertThat(point.getAttributes().get(OtelMetrics.NAME)).isEqualTo("com.acme.Live#here"));

        unloaded.fallback();
        assertThat(counter(reader.collectAllMetrics(), "bulwark.fallback.calls", "com.acme.Unloaded#gone")).isEqualTo(2);
    }

    @Test
    void aNameNoChainHoldsAnyMoreIsNeitherExportedNorKept() throws InterruptedException {
        export(OtelMetrics.MAX_DURATIONS_PER_COLLECTION);
        site("com.acme.Live#here", null, null).fallback();
        WeakReference<SiteMetrics> dropped = recordOnceAndDrop("com.acme.Reloaded#away");
        assertThat(points(reader.collectAllMetrics(), "bulwark.fallback.calls")).hasSize(2);

        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (dropped.get() != null && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(dropped.get()).as("the counts of a name no chain holds").isNull();
        assertThat(points(reader.collectAllMetrics(), "bulwark.fallback.calls")).singleElement()
                .satisfies(point -> assertThat(point.getAttributes().get(OtelMetrics.NAME)).isEqualTo("com.acme.Live#here"));
    }

    private WeakReference<SiteMetrics> recordOnceAndDrop(String name) {
        SiteMetrics metrics = counts.site(jvmWide(name), null, null, null);
        metrics.fallback();
        reader.collectAllMetrics();
        return new WeakReference<>(metrics);
    }

    @Test
    void durationsBeyondWhatOneCollectionTakesAreCountedAsDropped() {
        export(10);
        SiteMetrics busy = site("com.acme.Busy#call", null, null);
        for (int i = 0; i < 30; i++) {
            busy.finished(2_000_000L, false);
        }
        Collection<MetricData> exported = reader.collectAllMetrics();
        assertThat(histogram(exported, "com.acme.Busy#call", "success").getCount()).isEqualTo(10);
        assertThat(points(exported, "bulwark.telemetry.dropped")).singleElement()
                .satisfies(point -> assertThat(((LongPointData) point).getValue()).isEqualTo(20));
    }

    private interface Work {
        void run(int thread);
    }

    private static void runOnThreads(Work work) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    work.run(thread);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            worker.start();
            threads.add(worker);
        }
        start.countDown();
        for (Thread worker : threads) {
            worker.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(worker.isAlive()).isFalse();
        }
    }

    private static Optional<MetricData> find(Collection<MetricData> exported, String name) {
        return exported.stream().filter(metric -> metric.getName().equals(name)).findFirst();
    }

    private static Collection<? extends io.opentelemetry.sdk.metrics.data.PointData> points(
            Collection<MetricData> exported, String name) {
        return find(exported, name).map(metric -> metric.getData().getPoints()).orElse(List.of());
    }

    private static long counter(Collection<MetricData> exported, String name, String policy) {
        return counter(exported, name, Attributes.of(OtelMetrics.NAME, policy));
    }

    private static long counter(Collection<MetricData> exported, String name, String policy, String outcome) {
        return counter(exported, name, Attributes.of(OtelMetrics.NAME, policy, OtelMetrics.OUTCOME, outcome));
    }

    private static long counter(Collection<MetricData> exported, String name, Attributes wanted) {
        return find(exported, name).orElseThrow().getLongSumData().getPoints().stream()
                .filter(point -> point.getAttributes().equals(wanted)).mapToLong(LongPointData::getValue)
                .findFirst().orElse(0);
    }

    private static HistogramPointData histogram(Collection<MetricData> exported, String site, String outcome) {
        Attributes wanted = Attributes.of(OtelMetrics.NAME, site, OtelMetrics.OUTCOME, outcome);
        return find(exported, "bulwark.call.duration").orElseThrow().getHistogramData().getPoints().stream()
                .filter(point -> point.getAttributes().equals(wanted)).findFirst().orElseThrow();
    }
}
