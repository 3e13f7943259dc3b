package dev.bulwark.benchmarks;

import dev.failsafe.function.CheckedSupplier;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One benchmark thread: its input counter and, built once per thread, the decorated Resilience4j suppliers
 * and the Failsafe supplier, so no benchmark allocates a lambda per call on our side.
 */
@State(Scope.Thread)
public class Caller {
    private int counter;

    Supplier<String> r4jBreaker;
    Supplier<String> r4jRetry;
    Supplier<String> r4jLimiter;
    Supplier<String> r4jBulkhead;
    Callable<String> r4jTimeLimiter;
    Callable<String> r4jTimeLimiterOnExecutor;
    Supplier<String> r4jChain4;
    CheckedSupplier<String> failsafeWork;

    int next() {
        return counter++;
    }

    String work() {
        return Work.work(counter++);
    }

    @Setup(Level.Trial)
    public void setUp(Policies p) {
        Supplier<String> work = this::work;
        r4jBreaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(p.r4jBreaker, work);
        r4jRetry = io.github.resilience4j.retry.Retry.decorateSupplier(p.r4jRetry, work);
        r4jLimiter = io.github.resilience4j.ratelimiter.RateLimiter.decorateSupplier(p.r4jLimiter, work);
        r4jBulkhead = io.github.resilience4j.bulkhead.Bulkhead.decorateSupplier(p.r4jBulkhead, work);
        // Resilience4j has no synchronous timeout: the TimeLimiter guards a Future. This is its cheapest use
        // (an already completed future, nothing scheduled), a lower bound of its cost.
        r4jTimeLimiter = p.r4jTimeLimiter.decorateFutureSupplier(() -> CompletableFuture.completedFuture(work()));
        // What a synchronous call needs to be guarded (interruptible at the deadline) with Resilience4j: the body
        // runs on another thread while the caller waits on the future, as Bulwark's @Timeout guards it in place.
        Supplier<String> asyncWork = () -> Work.work(next());
        r4jTimeLimiterOnExecutor = p.r4jTimeLimiter.decorateFutureSupplier(
                () -> CompletableFuture.supplyAsync(asyncWork, p.r4jTimeoutExecutor));
        r4jChain4 = io.github.resilience4j.retry.Retry.decorateSupplier(p.r4jChainRetry,
                io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(p.r4jChainBreaker,
                        io.github.resilience4j.ratelimiter.RateLimiter.decorateSupplier(p.r4jChainLimiter,
                                io.github.resilience4j.bulkhead.Bulkhead.decorateSupplier(p.r4jChainBulkhead, work))));
        failsafeWork = this::work;
    }
}
