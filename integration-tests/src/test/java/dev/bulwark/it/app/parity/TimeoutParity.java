package dev.bulwark.it.app.parity;

import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Timeouts, the same through a synchronous method, one returning a stage and one returning a Mono (see
 * {@link Mode}). A sync body that runs past its deadline sleeps until the watchdog interrupts it; its async twin
 * returns a stage that never completes, so only Bulwark's timeout can end it; its Mono twin sleeps on a Reactor
 * thread until the timeout cancels its subscription.
 */
public final class TimeoutParity {
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static volatile CountDownLatch fallbackStarted;

    private TimeoutParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(TimeoutParity.class, args);
    }

    private static String sleepsAMinute() throws InterruptedException {
        Thread.sleep(60_000);
        return "slept";
    }

    @Timeout("100ms")
    static String blocks() throws InterruptedException {
        return sleepsAMinute();
    }

    @Timeout("100ms")
    static CompletionStage<String> blocksAsync() {
        return new CompletableFuture<>();
    }

    @Timeout("100ms")
    static Mono<String> blocksMono() {
        return Mode.lazily(TimeoutParity::sleepsAMinute);
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    @Timeout("100ms")
    static String eachAttemptGetsAFreshTimeout() throws InterruptedException {
        return slowTwice();
    }

    private static String slowTwice() throws InterruptedException {
        if (CALLS.incrementAndGet() < 3) {
            sleepsAMinute();
        }
        return "attempt " + CALLS.get();
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    @Timeout("100ms")
    static CompletionStage<String> eachAttemptGetsAFreshTimeoutAsync() {
        if (CALLS.incrementAndGet() < 3) {
            return new CompletableFuture<>();
        }
        return Mode.later(() -> "attempt " + CALLS.get());
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    @Timeout("100ms")
    static Mono<String> eachAttemptGetsAFreshTimeoutMono() {
        return Mode.lazily(TimeoutParity::slowTwice);
    }

    @Timeout("30s")
    static String inner() throws InterruptedException {
        return sleepsAMinute();
    }

    @Timeout("30s")
    static CompletionStage<String> innerAsync() {
        return new CompletableFuture<>();
    }

    @Timeout("30s")
    static Mono<String> innerMono() {
        return Mode.lazily(TimeoutParity::sleepsAMinute);
    }

    /** Synchronous in every mode; inside its deadline it calls the mode's twin of {@link #inner}. */
    @Timeout("200ms")
    static String outer(Mode mode) throws Exception {
        return mode.join(TimeoutParity::inner, TimeoutParity::innerAsync, TimeoutParity::innerMono);
    }

    private static String slowFailure() throws InterruptedException {
        int call = CALLS.incrementAndGet();
        Thread.sleep(1_000);
        throw new IllegalStateException("attempt " + call);
    }

    @Retry(maxAttempts = 5, delay = "200ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    static String slowlyRetried() throws InterruptedException {
        return slowFailure();
    }

    @Retry(maxAttempts = 5, delay = "200ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    static CompletionStage<String> slowlyRetriedAsync() {
        return Mode.later(TimeoutParity::slowFailure);
    }

    @Retry(maxAttempts = 5, delay = "200ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    static Mono<String> slowlyRetriedMono() {
        return Mode.lazily(TimeoutParity::slowFailure);
    }

    /** Synchronous in every mode; inside its deadline it calls the mode's twin of {@link #slowlyRetried}. */
    @Timeout("300ms")
    static String outerOfRetries(Mode mode) throws Exception {
        return mode.join(TimeoutParity::slowlyRetried, TimeoutParity::slowlyRetriedAsync,
                TimeoutParity::slowlyRetriedMono);
    }

    static String slowFallback() throws InterruptedException {
        fallbackStarted.countDown();
        Thread.sleep(2_000);
        return "slow fallback";
    }

    @Timeout("50ms")
    @Fallback(method = "slowFallback")
    static String fallsBackSlowly() throws InterruptedException {
        return sleepsAMinute();
    }

    @Timeout("50ms")
    @Fallback(method = "slowFallback")
    static CompletionStage<String> fallsBackSlowlyAsync() {
        return new CompletableFuture<>();
    }

    @Timeout("50ms")
    @Fallback(method = "slowFallback")
    static Mono<String> fallsBackSlowlyMono() {
        return Mode.lazily(TimeoutParity::sleepsAMinute);
    }

    private static String holdSlot(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        entered.countDown();
        release.await(60, TimeUnit.SECONDS);
        return "held";
    }

    @Bulkhead(name = "parity-timed-slot", maxConcurrent = 1, maxWait = "5s")
    static String holdsTheSlot(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        return holdSlot(entered, release);
    }

    @Bulkhead(name = "parity-timed-slot", maxConcurrent = 1, maxWait = "5s")
    static CompletionStage<String> holdsTheSlotAsync(CountDownLatch entered, CountDownLatch release) {
        return Mode.later(() -> holdSlot(entered, release));
    }

    @Bulkhead(name = "parity-timed-slot", maxConcurrent = 1, maxWait = "5s")
    static Mono<String> holdsTheSlotMono(CountDownLatch entered, CountDownLatch release) {
        return Mode.lazily(() -> holdSlot(entered, release));
    }

    @Timeout("300ms")
    @Bulkhead(name = "parity-timed-slot", maxConcurrent = 1, maxWait = "5s")
    static String waitsForTheSlot() {
        return "got the slot";
    }

    @Timeout("300ms")
    @Bulkhead(name = "parity-timed-slot", maxConcurrent = 1, maxWait = "5s")
    static CompletionStage<String> waitsForTheSlotAsync() {
        return Mode.now(() -> "got the slot");
    }

    @Timeout("300ms")
    @Bulkhead(name = "parity-timed-slot", maxConcurrent = 1, maxWait = "5s")
    static Mono<String> waitsForTheSlotMono() {
        return Mode.atSubscription(() -> "got the slot");
    }

    public static void timesOut() {
        for (Mode mode : Mode.values()) {
            long start = System.nanoTime();
            mode.put("outcome", mode.outcome(TimeoutParity::blocks, TimeoutParity::blocksAsync,
                    TimeoutParity::blocksMono));
            mode.put("elapsedMillis", Mode.millisSince(start));
            mode.put("interruptedAfter", Thread.interrupted());
        }
    }

    public static void retriesGetAFreshTimeoutPerAttempt() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("outcome", mode.outcome(TimeoutParity::eachAttemptGetsAFreshTimeout,
                    TimeoutParity::eachAttemptGetsAFreshTimeoutAsync, TimeoutParity::eachAttemptGetsAFreshTimeoutMono));
            mode.put("attempts", CALLS.get());
        }
    }

    /** A protected call made inside another's timeout gets the smaller of its own and the time left. */
    public static void innerCallsGetTheTimeLeft() {
        for (Mode mode : Mode.values()) {
            long start = System.nanoTime();
            mode.put("outcome", mode.outcomeOf(() -> outer(mode)));
            mode.put("elapsedMillis", Mode.millisSince(start));
            mode.put("interruptedAfter", Thread.interrupted());
        }
    }

    /**
     * The retries of a call made inside an enclosing timeout stop at its deadline: the body's first attempt
     * is still running at the deadline, and its four retries would take seconds more.
     */
    public static void anEnclosingDeadlineEndsTheRetries() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            long start = System.nanoTime();
            mode.put("outcome", mode.outcomeOf(() -> outerOfRetries(mode)));
            mode.put("elapsedMillis", Mode.millisSince(start));
            mode.put("interruptedAfter", Thread.interrupted());
        }
    }

    /**
     * One call's fallback takes two seconds; meanwhile another method's call runs past its 100ms timeout. Its
     * timeout must end it on time, whatever thread the slow fallback occupies.
     */
    public static void aSlowFallbackDelaysNoOtherTimeout() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            fallbackStarted = new CountDownLatch(1);
            Future<String> slow = mode.inBackground(TimeoutParity::fallsBackSlowly, TimeoutParity::fallsBackSlowlyAsync,
                    TimeoutParity::fallsBackSlowlyMono);
            mode.put("fallbackStarted", fallbackStarted.await(20, TimeUnit.SECONDS));
            long start = System.nanoTime();
            mode.put("timed", mode.outcome(TimeoutParity::blocks, TimeoutParity::blocksAsync,
                    TimeoutParity::blocksMono));
            mode.put("timedMillis", Mode.millisSince(start));
            mode.put("slow", Mode.await(slow));
        }
    }

    /**
     * Timeout encloses Bulkhead: waiting for a slot is part of the timed call. Another call holds the slot
     * until this one has ended, longer than the bulkhead's maxWait if this one waited all of it.
     */
    public static void theTimeoutBoundsTheBulkheadWait() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<String> holder = mode.inBackground(() -> holdsTheSlot(entered, release),
                    () -> holdsTheSlotAsync(entered, release), () -> holdsTheSlotMono(entered, release));
            mode.put("holderEntered", entered.await(20, TimeUnit.SECONDS));
            long start = System.nanoTime();
            mode.put("outcome", mode.outcome(TimeoutParity::waitsForTheSlot, TimeoutParity::waitsForTheSlotAsync,
                    TimeoutParity::waitsForTheSlotMono));
            mode.put("elapsedMillis", Mode.millisSince(start));
            release.countDown();
            mode.put("holder", Mode.await(holder));
        }
    }
}
