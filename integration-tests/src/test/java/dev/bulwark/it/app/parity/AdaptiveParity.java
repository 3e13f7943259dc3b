package dev.bulwark.it.app.parity;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.BulkheadType;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * Adaptive and partitioned bulkheads, through a synchronous method, one returning a stage and one returning a Mono
 * (see {@link Mode}).
 * The limit is read the way an operator reads it, from the {@code bulwark.bulkhead.limit} gauge of an SDK the
 * application registers. Every wait is for a condition, bounded far above what it needs; a condition never met
 * is reported as such, never by how long something took.
 */
public final class AdaptiveParity {
    private static final InMemoryMetricReader METRICS = InMemoryMetricReader.create();
    private static final long CONDITION_SECONDS = 40;
    private static final int DRIVERS = 32;
    private static final int BATCH_FLOOD = 16;
    private static final int CRITICAL_CALLERS = 4;
    private static final int CRITICAL_CALLS = 50;

    private static volatile long latencyMillis = 5;
    private static final AtomicInteger BATCH_INSIDE = new AtomicInteger();
    private static final AtomicInteger BATCH_HIGH_WATER = new AtomicInteger();
    private static final AtomicInteger CRITICAL_INSIDE = new AtomicInteger();
    private static final AtomicInteger CRITICAL_HIGH_WATER = new AtomicInteger();
    private static final AtomicInteger ALL_INSIDE = new AtomicInteger();
    private static final AtomicInteger ALL_HIGH_WATER = new AtomicInteger();

    private AdaptiveParity() {
    }

    public static void main(String[] args) throws Throwable {
        OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(METRICS).build())
                .buildAndRegisterGlobal();
        Report.run(AdaptiveParity.class, args);
    }

    private static String answer() throws InterruptedException {
        Thread.sleep(latencyMillis);
        return "ok";
    }

    @Bulkhead(name = "adaptive-sync", type = BulkheadType.ADAPTIVE)
    static String adaptive() throws InterruptedException {
        return answer();
    }

    @Bulkhead(name = "adaptive-async", type = BulkheadType.ADAPTIVE)
    static CompletionStage<String> adaptiveAsync() {
        return Mode.later(AdaptiveParity::answer);
    }

    @Bulkhead(name = "adaptive-mono", type = BulkheadType.ADAPTIVE)
    static Mono<String> adaptiveMono() {
        return Mode.lazily(AdaptiveParity::answer);
    }

    private static String order(String priority) throws InterruptedException {
        boolean critical = priority.equals("critical");
        AtomicInteger inside = critical ? CRITICAL_INSIDE : BATCH_INSIDE;
        (critical ? CRITICAL_HIGH_WATER : BATCH_HIGH_WATER).accumulateAndGet(inside.incrementAndGet(), Math::max);
        ALL_HIGH_WATER.accumulateAndGet(ALL_INSIDE.incrementAndGet(), Math::max);
        try {
            Thread.sleep(20);
            return "ok";
        } finally {
            ALL_INSIDE.decrementAndGet();
            inside.decrementAndGet();
        }
    }

    @Bulkhead(name = "orders-sync", maxConcurrent = 10, partitionBy = "#0")
    static String placeOrder(String priority) throws InterruptedException {
        return order(priority);
    }

    @Bulkhead(name = "orders-async", maxConcurrent = 10, partitionBy = "#0")
    static CompletionStage<String> placeOrderAsync(String priority) {
        return Mode.later(() -> order(priority));
    }

    @Bulkhead(name = "orders-mono", maxConcurrent = 10, partitionBy = "#0")
    static Mono<String> placeOrderMono(String priority) {
        return Mode.lazily(() -> order(priority));
    }

    /** One call of the mode's twin: true when it ran, false when the bulkhead refused it. */
    private static boolean call(Mode mode, String priority) {
        try {
            if (priority == null) {
                mode.join(AdaptiveParity::adaptive, AdaptiveParity::adaptiveAsync, AdaptiveParity::adaptiveMono);
            } else {
                mode.join(() -> placeOrder(priority), () -> placeOrderAsync(priority), () -> placeOrderMono(priority));
            }
            return true;
        } catch (BulkheadFullException refused) {
            return false;
        } catch (CompletionException e) {
            if (e.getCause() instanceof BulkheadFullException) {
                return false;
            }
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Callers that call the twin in a loop until stopped, pausing briefly after a refusal. */
    private static List<Thread> flood(Mode mode, int threads, String priority, AtomicBoolean stop, AtomicInteger rejected) {
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            callers.add(Report.startThread(() -> {
                while (!stop.get()) {
                    if (!call(mode, priority)) {
                        rejected.incrementAndGet();
                        pause(1);
                    }
                }
            }));
        }
        return callers;
    }

    public static void limitFollowsLatency() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            String name = "adaptive-" + mode.name().toLowerCase();
            latencyMillis = 5;
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> drivers = flood(mode, DRIVERS, null, stop, new AtomicInteger());
            int grown = awaitLimit(name, limit -> limit >= 25);
            mode.put("grewWhileFast", grown >= 25);
            pause(1000);
            int before = limit(name);
            latencyMillis = 100;
            int dropped = awaitLimit(name, limit -> limit <= before * 0.8);
            mode.put("droppedWhenSlow", dropped <= before * 0.8);
            latencyMillis = 5;
            int recovered = awaitLimit(name, limit -> limit >= dropped * 1.3);
            mode.put("recoveredWhenFast", recovered >= dropped * 1.3);
            mode.put("limits", before + ">" + dropped + ">" + recovered);
            stop.set(true);
            for (Thread driver : drivers) {
                driver.join(TimeUnit.SECONDS.toMillis(CONDITION_SECONDS));
            }
        }
    }

    public static void criticalKeepsItsShare() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            String name = "orders-" + mode.name().toLowerCase();
            BATCH_HIGH_WATER.set(0);
            CRITICAL_HIGH_WATER.set(0);
            ALL_HIGH_WATER.set(0);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger batchRejected = new AtomicInteger();
            List<Thread> batch = flood(mode, BATCH_FLOOD, "batch", stop, batchRejected);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONDITION_SECONDS);
            while (BATCH_HIGH_WATER.get() < 10 && System.nanoTime() < deadline) {
                pause(10);
            }
            mode.put("batchAloneBorrowsEverySlot", BATCH_HIGH_WATER.get());
            AtomicInteger served = new AtomicInteger();
            AtomicInteger counted = new AtomicInteger();
            List<Thread> critical = new ArrayList<>();
            for (int i = 0; i < CRITICAL_CALLERS; i++) {
                critical.add(Report.startThread(() -> criticalCalls(mode, served, counted)));
            }
            for (Thread caller : critical) {
                caller.join(TimeUnit.SECONDS.toMillis(CONDITION_SECONDS));
            }
            stop.set(true);
            for (Thread caller : batch) {
                caller.join(TimeUnit.SECONDS.toMillis(CONDITION_SECONDS));
            }
            mode.put("criticalServedPercent", counted.get() == 0 ? -1 : 100 * served.get() / counted.get());
            mode.put("criticalCounted", counted.get());
            mode.put("criticalHighWater", CRITICAL_HIGH_WATER.get());
            mode.put("insideHighWater", ALL_HIGH_WATER.get());
            mode.put("batchShed", batchRejected.get() > 0);
            mode.put("batchRejectedMetric", calls(name, "batch", "rejected") > 0);
            mode.put("criticalPermittedMetric", calls(name, "critical", "permitted") > 0);
        }
    }

    /**
     * Calls until {@link #CRITICAL_CALLS} were counted. The calls before its first success are not counted: the
     * flood may hold every slot when critical traffic starts, and a slot frees only when a batch call ends.
     */
    private static void criticalCalls(Mode mode, AtomicInteger served, AtomicInteger counted) {
        boolean warm = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONDITION_SECONDS);
        int calls = 0;
        while (calls < CRITICAL_CALLS && System.nanoTime() < deadline) {
            boolean ok = call(mode, "critical");
            if (!warm && !ok) {
                pause(1);
                continue;
            }
            warm = true;
            calls++;
            counted.incrementAndGet();
            if (ok) {
                served.incrementAndGet();
            }
        }
    }

    /** Waits until the limit satisfies {@code condition}, at most {@link #CONDITION_SECONDS}; returns the last limit. */
    private static int awaitLimit(String name, IntPredicate condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONDITION_SECONDS);
        int limit = limit(name);
        while (!condition.test(limit) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            limit = limit(name);
        }
        return limit;
    }

    private static int limit(String name) {
        for (MetricData metric : METRICS.collectAllMetrics()) {
            if (metric.getName().equals("bulwark.bulkhead.limit")) {
                for (LongPointData point : metric.getLongGaugeData().getPoints()) {
                    if (name.equals(point.getAttributes().get(AttributeKey.stringKey("bulwark.name")))) {
                        return (int) point.getValue();
                    }
                }
            }
        }
        return -1;
    }

    private static long calls(String name, String partition, String outcome) {
        long total = 0;
        for (MetricData metric : METRICS.collectAllMetrics()) {
            if (metric.getName().equals("bulwark.bulkhead.calls")) {
                for (LongPointData point : metric.getLongSumData().getPoints()) {
                    if (name.equals(point.getAttributes().get(AttributeKey.stringKey("bulwark.name")))
                            && partition.equals(point.getAttributes().get(AttributeKey.stringKey("bulwark.partition")))
                            && outcome.equals(point.getAttributes().get(AttributeKey.stringKey("bulwark.outcome")))) {
                        total += point.getValue();
                    }
                }
            }
        }
        return total;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
