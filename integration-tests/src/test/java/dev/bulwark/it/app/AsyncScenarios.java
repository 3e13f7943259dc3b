package dev.bulwark.it.app;

import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.BulkheadType;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public final class AsyncScenarios {
    private static final AtomicInteger CALLS = new AtomicInteger();
    /** Every body's work, and the callers too, on one thread: a blocked thread would deadlock the scenario. */
    private static final ExecutorService ONE_THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "the-only-worker");
        t.setDaemon(true);
        return t;
    });

    public static void main(String[] args) throws Throwable {
        Report.run(AsyncScenarios.class, args);
    }

    @Retry(maxAttempts = 4, delay = "20ms", jitter = Jitter.NONE)
    @Timeout("5s")
    static CompletableFuture<String> flaky() {
        return CompletableFuture.supplyAsync(() -> {
            int call = CALLS.incrementAndGet();
            if (call < 3) {
                throw new IllegalStateException("attempt " + call);
            }
            return "ok after " + call + " on " + Thread.currentThread().getName();
        }, ONE_THREAD);
    }

    @Timeout("100ms")
    static CompletableFuture<String> neverCompletes() {
        CALLS.incrementAndGet();
        return PENDING;
    }

    private static final CompletableFuture<String> PENDING = new CompletableFuture<>();

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static CompletionStage<String> failsLater() {
        CALLS.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("failed on completion");
        }, ONE_THREAD);
    }

    @Bulkhead(maxConcurrent = 1)
    static CompletableFuture<String> oneAtATime(CompletableFuture<String> work) {
        CALLS.incrementAndGet();
        return work;
    }

    @RateLimited(permits = 1, period = "1m")
    static CompletableFuture<String> limited() {
        return CompletableFuture.completedFuture("granted");
    }

    @Fallback(method = "plainValue")
    static CompletableFuture<String> fallsBackToAValue() {
        return CompletableFuture.failedFuture(new IllegalStateException("down"));
    }

    static String plainValue(Throwable failure) {
        return "value after " + failure.getMessage();
    }

    @Fallback(method = "aStage")
    static CompletionStage<String> fallsBackToAStage() {
        return CompletableFuture.failedFuture(new IllegalStateException("down"));
    }

    static CompletionStage<String> aStage() {
        return CompletableFuture.supplyAsync(() -> "stage from fallback", ONE_THREAD);
    }

    static final CountDownLatch RELEASE_POOL = new CountDownLatch(1);

    @Bulkhead(type = BulkheadType.THREAD_POOL, maxConcurrent = 1, queueCapacity = 1)
    static CompletableFuture<String> onThePool() throws InterruptedException {
        CALLS.incrementAndGet();
        RELEASE_POOL.await(60, TimeUnit.SECONDS);
        return CompletableFuture.completedFuture("ran on " + Thread.currentThread().getName());
    }

    private static String outcome(CompletionStage<?> stage) {
        try {
            return "completed:" + stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return "failed:" + e.getCause().getClass().getSimpleName() + ":" + e.getCause().getMessage();
        } catch (Exception e) {
            return "stuck:" + e;
        }
    }

    public static void retryWithoutBlockingAThread() throws Exception {
        CompletableFuture<String> result = ONE_THREAD.submit(AsyncScenarios::flaky).get(60, TimeUnit.SECONDS);
        Report.put("outcome", outcome(result));
        Report.put("calls", CALLS.get());
    }

    public static void timeoutCompletesTheStageAndCancelsTheBody() {
        CompletableFuture<String> result = neverCompletes();
        Report.put("returnedAtOnce", !result.isDone() || result.isCompletedExceptionally());
        Report.put("outcome", outcome(result));
        Report.put("bodyCancelled", PENDING.isCancelled());
    }

    public static void breakerRecordsOnCompletion() {
        Report.put("first", outcome(failsLater()));
        Report.put("second", outcome(failsLater()));
        Report.put("third", outcome(failsLater()));
        Report.put("calls", CALLS.get());
    }

    public static void bulkheadReleasesOnCompletion() {
        CompletableFuture<String> running = new CompletableFuture<>();
        CompletableFuture<String> first = oneAtATime(running);
        Report.put("whileRunning", outcome(oneAtATime(CompletableFuture.completedFuture("second"))));
        running.complete("first");
        Report.put("first", outcome(first));
        Report.put("afterCompletion", outcome(oneAtATime(CompletableFuture.completedFuture("third"))));
        Report.put("calls", CALLS.get());
    }

    public static void rateLimitedStages() {
        Report.put("first", outcome(limited()));
        Report.put("second", outcome(limited()));
    }

    public static void fallbacksReturnValuesOrStages() {
        Report.put("value", outcome(fallsBackToAValue()));
        Report.put("stage", outcome(fallsBackToAStage()));
    }

    public static void threadPoolBulkhead() throws Exception {
        CompletableFuture<String> running = onThePool();
        while (CALLS.get() == 0) {
            Thread.onSpinWait();
        }
        CompletableFuture<String> queued = onThePool();
        CompletableFuture<String> rejected = onThePool();
        Report.put("rejected", outcome(rejected));
        RELEASE_POOL.countDown();
        Report.put("running", outcome(running));
        Report.put("queued", outcome(queued));
        Report.put("callerThread", Thread.currentThread().getName());
    }
}
