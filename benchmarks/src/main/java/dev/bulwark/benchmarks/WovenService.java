package dev.bulwark.benchmarks;

import dev.bulwark.TimeoutExceededException;
import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;

/**
 * The methods the agent weaves, one call site each (so each has its own policy state), with the settings of
 * the Resilience4j and Failsafe side in {@link Policies}: a breaker with a large window that stays CLOSED, a
 * retry of 3 attempts that never fails, a limiter that never runs out, a bulkhead with plenty of slots and a
 * 10 s timeout.
 */
public class WovenService {
    static final int WINDOW = 10_000;
    static final int PERMITS = 1_000_000_000;
    static final int SLOTS = 100;

    public String bare(int i) {
        return Work.work(i);
    }

    @CircuitBreaker(windowSize = WINDOW, minimumCalls = WINDOW)
    public String circuitBreaker(int i) {
        return Work.work(i);
    }

    @Retry(maxAttempts = 3, delay = "0ms", jitter = dev.bulwark.annotations.Jitter.NONE)
    public String retry(int i) {
        return Work.work(i);
    }

    /** Its budget, {@code bench}, is defined by the benchmark's fork: the first attempt deposits into it. */
    @Retry(maxAttempts = 3, delay = "0ms", jitter = dev.bulwark.annotations.Jitter.NONE, budget = "bench")
    public String budgetedRetry(int i) {
        return Work.work(i);
    }

    /** A result predicate that passes every result: a getter through a method handle and a comparison. */
    @Retry(maxAttempts = 3, delay = "0ms", jitter = dev.bulwark.annotations.Jitter.NONE,
            retryOnResult = "#result.empty == true")
    public String retryOnResultExpression(int i) {
        return Work.work(i);
    }

    /** The same judged by a method of this class, called through a method handle. */
    @Retry(maxAttempts = 3, delay = "0ms", jitter = dev.bulwark.annotations.Jitter.NONE, retryOnResult = "isEmpty")
    public String retryOnResultMethod(int i) {
        return Work.work(i);
    }

    boolean isEmpty(String result) {
        return result.isEmpty();
    }

    @RateLimited(permits = PERMITS, period = "1s")
    public String rateLimiter(int i) {
        return Work.work(i);
    }

    @Bulkhead(maxConcurrent = SLOTS)
    public String bulkhead(int i) {
        return Work.work(i);
    }

    /** An adaptive limit (initial 20) that the benchmark threads never reach: the cost of admission and sampling. */
    @Bulkhead(type = dev.bulwark.annotations.BulkheadType.ADAPTIVE)
    public String adaptiveBulkhead(int i) {
        return Work.work(i);
    }

    @Timeout("10s")
    public String timeout(int i) {
        return Work.work(i);
    }

    /** After 100 calls its deadline is 1.5 times their p99, at least the fork's floor: each attempt is timed exactly. */
    @Timeout(value = "10s", adaptive = true)
    public String adaptiveTimeout(int i) {
        return Work.work(i);
    }

    /** The Resilience4j chain's four policies: Retry → CircuitBreaker → RateLimiter → Bulkhead. */
    @Retry(maxAttempts = 3, delay = "0ms", jitter = dev.bulwark.annotations.Jitter.NONE)
    @CircuitBreaker(windowSize = WINDOW, minimumCalls = WINDOW)
    @RateLimited(permits = PERMITS, period = "1s")
    @Bulkhead(maxConcurrent = SLOTS)
    public String chain4(int i) {
        return Work.work(i);
    }

    /** Every policy: Retry → CircuitBreaker → RateLimiter → Timeout → Bulkhead. */
    @Retry(maxAttempts = 3, delay = "0ms", jitter = dev.bulwark.annotations.Jitter.NONE)
    @CircuitBreaker(windowSize = WINDOW, minimumCalls = WINDOW)
    @RateLimited(permits = PERMITS, period = "1s")
    @Timeout("10s")
    @Bulkhead(maxConcurrent = SLOTS)
    public String all(int i) {
        return Work.work(i);
    }

    /** Proof that the agent wove this class: a woven call that outlives its 1 ms timeout fails. */
    @Timeout("1ms")
    public void probe() throws InterruptedException {
        Thread.sleep(200);
    }

    /** Throws when the agent is not attached, so a run never reports unwoven numbers as Bulwark's. */
    public static void requireWoven() {
        try {
            new WovenService().probe();
        } catch (TimeoutExceededException expected) {
            Thread.interrupted();
            return;
        } catch (InterruptedException interrupted) {
            throw new IllegalStateException("the probe was interrupted but not converted: is the agent current?", interrupted);
        }
        throw new IllegalStateException("WovenService is not woven: run the benchmarks with "
                + "-javaagent:agent/target/bulwark-agent.jar (benchmarks/run does)");
    }
}
