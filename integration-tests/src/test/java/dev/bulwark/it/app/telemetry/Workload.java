package dev.bulwark.it.app.telemetry;

import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;
import dev.bulwark.it.app.Report;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Protected methods that make every instrument of docs/telemetry.md record at least once. It references no
 * OpenTelemetry type, so it also runs in a JVM whose application has no opentelemetry-api.
 */
public final class Workload {
    private static final AtomicInteger FLAKY_CALLS = new AtomicInteger();
    private static final CountDownLatch HOLDING = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    private Workload() {
    }

    /** Runs each protected method; reports what each call ended with. */
    public static void run() throws InterruptedException {
        Report.put("flaky", Report.outcome(Workload::flaky));
        Report.put("broken", Report.outcome(Workload::broken));
        for (int i = 1; i <= 3; i++) {
            Report.put("breaker" + i, Report.outcome(Workload::guarded));
        }
        Report.put("limited", Report.outcome(Workload::limited));
        Report.put("slow", Report.outcome(Workload::slow));
        Report.put("fast", Report.outcome(Workload::fast));
        Report.put("withFallback", Report.outcome(Workload::withFallback));
        Report.put("outer", Report.outcome(Workload::outer));
        fillBulkhead();
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    public static String flaky() {
        if (FLAKY_CALLS.incrementAndGet() < 3) {
            throw new IllegalStateException("flaky attempt " + FLAKY_CALLS.get());
        }
        return "ok";
    }

    @Retry(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE)
    public static String broken() {
        throw new IllegalStateException("always broken");
    }

    @CircuitBreaker(name = "telemetry-breaker", windowSize = 2, minimumCalls = 2, failureRateThreshold = 50,
            waitInOpen = "10m")
    public static String guarded() {
        throw new IllegalStateException("downstream down");
    }

    @RateLimited(name = "telemetry-limiter", permits = 100, period = "1m")
    public static String limited() {
        return "limited ok";
    }

    @Timeout("100ms")
    public static String slow() throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(30));
        return "too late";
    }

    @Timeout("10s")
    public static String fast() {
        return "in time";
    }

    @Fallback(method = "cached")
    public static String withFallback() {
        throw new IllegalStateException("no answer");
    }

    private static String cached() {
        return "cached";
    }

    @Retry(maxAttempts = 2, delay = "1ms")
    public static String outer() {
        return "outer(" + inner() + ")";
    }

    @Timeout("10s")
    public static String inner() {
        return "inner";
    }

    @Bulkhead(name = "telemetry-bulkhead", maxConcurrent = 1)
    public static String occupy() throws InterruptedException {
        HOLDING.countDown();
        RELEASE.await();
        return "held";
    }

    /** One call holds the only slot while another is turned away. */
    private static void fillBulkhead() throws InterruptedException {
        Thread holder = new Thread(() -> Report.outcome(Workload::occupy), "bulkhead-holder");
        holder.start();
        HOLDING.await();
        Report.put("bulkheadFull", Report.outcome(Workload::occupy));
        RELEASE.countDown();
        holder.join();
    }
}
