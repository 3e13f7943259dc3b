package dev.bulwark.it.app.parity;

import dev.bulwark.CircuitBreakers;
import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Retry;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chain order (Fallback → Retry → CircuitBreaker → RateLimited → Timeout → Bulkhead → body), the same
 * through a synchronous method, one returning a stage and one returning a Mono (see {@link Mode}): each policy
 * sees what the policies inside it did, rejections included.
 */
public final class ChainParity {
    private static final String SITE = "dev.bulwark.it.app.parity.ChainParity#";
    private static final AtomicInteger BODY = new AtomicInteger();

    private ChainParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(ChainParity.class, args);
    }

    private static String fails() {
        BODY.incrementAndGet();
        throw new IllegalStateException("fails");
    }

    @Retry(maxAttempts = 5, delay = "1ms")
    @CircuitBreaker(windowSize = 2, minimumCalls = 2, waitInOpen = "1m")
    static String retriedThroughBreaker() {
        return fails();
    }

    @Retry(maxAttempts = 5, delay = "1ms")
    @CircuitBreaker(windowSize = 2, minimumCalls = 2, waitInOpen = "1m")
    static CompletionStage<String> retriedThroughBreakerAsync() {
        return Mode.later(ChainParity::fails);
    }

    @Retry(maxAttempts = 5, delay = "1ms")
    @CircuitBreaker(windowSize = 2, minimumCalls = 2, waitInOpen = "1m")
    static Mono<String> retriedThroughBreakerMono() {
        return Mode.lazily(ChainParity::fails);
    }

    private static String hold(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        BODY.incrementAndGet();
        entered.countDown();
        release.await(60, TimeUnit.SECONDS);
        return "done";
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    @Bulkhead(maxConcurrent = 1)
    static String oneSlotBehindABreaker(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        return hold(entered, release);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    @Bulkhead(maxConcurrent = 1)
    static CompletionStage<String> oneSlotBehindABreakerAsync(CountDownLatch entered, CountDownLatch release) {
        return Mode.later(() -> hold(entered, release));
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    @Bulkhead(maxConcurrent = 1)
    static Mono<String> oneSlotBehindABreakerMono(CountDownLatch entered, CountDownLatch release) {
        return Mode.lazily(() -> hold(entered, release));
    }

    private static String granted() {
        BODY.incrementAndGet();
        return "granted";
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 50, waitInOpen = "1m")
    @RateLimited(permits = 1, period = "1m")
    static String limitedBehindABreaker() {
        return granted();
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 50, waitInOpen = "1m")
    @RateLimited(permits = 1, period = "1m")
    static CompletionStage<String> limitedBehindABreakerAsync() {
        return Mode.later(ChainParity::granted);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 50, waitInOpen = "1m")
    @RateLimited(permits = 1, period = "1m")
    static Mono<String> limitedBehindABreakerMono() {
        return Mode.lazily(ChainParity::granted);
    }

    @Fallback(method = "rejected")
    @Retry(maxAttempts = 3, delay = "1ms", maxDuration = "1s")
    @RateLimited(permits = 1, period = "1m")
    static String limitedWithFallback() {
        return granted();
    }

    @Fallback(method = "rejected")
    @Retry(maxAttempts = 3, delay = "1ms", maxDuration = "1s")
    @RateLimited(permits = 1, period = "1m")
    static CompletionStage<String> limitedWithFallbackAsync() {
        return Mode.now(ChainParity::granted);
    }

    @Fallback(method = "rejected")
    @Retry(maxAttempts = 3, delay = "1ms", maxDuration = "1s")
    @RateLimited(permits = 1, period = "1m")
    static Mono<String> limitedWithFallbackMono() {
        return Mode.atSubscription(ChainParity::granted);
    }

    @Fallback(method = "rejected")
    @CircuitBreaker(windowSize = 2, minimumCalls = 2, waitInOpen = "1m")
    static String breakerWithFallback() {
        return fails();
    }

    @Fallback(method = "rejected")
    @CircuitBreaker(windowSize = 2, minimumCalls = 2, waitInOpen = "1m")
    static CompletionStage<String> breakerWithFallbackAsync() {
        return Mode.later(ChainParity::fails);
    }

    @Fallback(method = "rejected")
    @CircuitBreaker(windowSize = 2, minimumCalls = 2, waitInOpen = "1m")
    static Mono<String> breakerWithFallbackMono() {
        return Mode.lazily(ChainParity::fails);
    }

    static String rejected(Throwable failure) {
        return "fallback after " + failure.getClass().getSimpleName();
    }

    private static final AtomicInteger SOLE_SLOT_CALLS = new AtomicInteger();

    private static String failsTwice() {
        int call = SOLE_SLOT_CALLS.incrementAndGet();
        if (call < 3) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }

    @Bulkhead(maxConcurrent = 1)
    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    static String soleSlotFailsTwice() {
        return failsTwice();
    }

    @Bulkhead(maxConcurrent = 1)
    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    static CompletionStage<String> soleSlotFailsTwiceAsync() {
        return Mode.later(ChainParity::failsTwice);
    }

    @Bulkhead(maxConcurrent = 1)
    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    static Mono<String> soleSlotFailsTwiceMono() {
        return Mode.lazily(ChainParity::failsTwice);
    }

    private static String boom() {
        throw new IllegalStateException("boom");
    }

    @Bulkhead(maxConcurrent = 1)
    static String soleSlotThrows() {
        return boom();
    }

    @Bulkhead(maxConcurrent = 1)
    static CompletionStage<String> soleSlotThrowsAsync() {
        return Mode.later(ChainParity::boom);
    }

    @Bulkhead(maxConcurrent = 1)
    static Mono<String> soleSlotThrowsMono() {
        return Mode.lazily(ChainParity::boom);
    }

    private static String state(Mode mode, String method) {
        return CircuitBreakers.find(mode.site(SITE + method)).state();
    }

    /** A CircuitOpenException of the method's own breaker ends its retry loop at once. */
    public static void anOpenCircuitEndsTheRetryLoop() {
        for (Mode mode : Mode.values()) {
            BODY.set(0);
            mode.put("first", mode.outcome(ChainParity::retriedThroughBreaker, ChainParity::retriedThroughBreakerAsync,
                    ChainParity::retriedThroughBreakerMono));
            mode.put("bodyRuns", BODY.getAndSet(0));
            mode.put("second", mode.outcome(ChainParity::retriedThroughBreaker, ChainParity::retriedThroughBreakerAsync,
                    ChainParity::retriedThroughBreakerMono));
            mode.put("bodyRunsAfterOpen", BODY.get());
        }
    }

    /** The bulkhead is inside the breaker: its rejections are failures the breaker records. */
    public static void theBreakerRecordsBulkheadRejections() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            BODY.set(0);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<String> holder = mode.inBackground(() -> oneSlotBehindABreaker(entered, release),
                    () -> oneSlotBehindABreakerAsync(entered, release),
                    () -> oneSlotBehindABreakerMono(entered, release));
            mode.put("holderEntered", entered.await(20, TimeUnit.SECONDS));
            CountDownLatch unused = new CountDownLatch(1);
            for (int i = 1; i <= 2; i++) {
                mode.put("rejected" + i, mode.outcome(() -> oneSlotBehindABreaker(unused, unused),
                        () -> oneSlotBehindABreakerAsync(unused, unused),
                        () -> oneSlotBehindABreakerMono(unused, unused)));
            }
            mode.put("state", state(mode, "oneSlotBehindABreaker"));
            release.countDown();
            mode.put("holder", Mode.await(holder));
            mode.put("afterRelease", mode.outcome(() -> oneSlotBehindABreaker(unused, unused),
                    () -> oneSlotBehindABreakerAsync(unused, unused), () -> oneSlotBehindABreakerMono(unused, unused)));
            mode.put("bodyRuns", BODY.get());
        }
    }

    /** The rate limiter is inside the breaker: its rejections are failures the breaker records. */
    public static void theBreakerRecordsLimiterRejections() {
        for (Mode mode : Mode.values()) {
            BODY.set(0);
            mode.put("first", mode.outcome(ChainParity::limitedBehindABreaker, ChainParity::limitedBehindABreakerAsync,
                    ChainParity::limitedBehindABreakerMono));
            mode.put("second", mode.outcome(ChainParity::limitedBehindABreaker, ChainParity::limitedBehindABreakerAsync,
                    ChainParity::limitedBehindABreakerMono));
            mode.put("state", state(mode, "limitedBehindABreaker"));
            mode.put("third", mode.outcome(ChainParity::limitedBehindABreaker, ChainParity::limitedBehindABreakerAsync,
                    ChainParity::limitedBehindABreakerMono));
            mode.put("bodyRuns", BODY.get());
        }
    }

    /**
     * Rejections are retried like failures, and the fallback, outermost, gets the last of them. The limiter's
     * refusal asks for a wait of about a minute (its Retry-After), which does not fit in the retry's maxDuration:
     * the loop ends at once with it.
     */
    public static void theFallbackGetsRejections() {
        for (Mode mode : Mode.values()) {
            BODY.set(0);
            mode.put("limitedFirst", mode.outcome(ChainParity::limitedWithFallback,
                    ChainParity::limitedWithFallbackAsync, ChainParity::limitedWithFallbackMono));
            mode.put("limitedSecond", mode.outcome(ChainParity::limitedWithFallback,
                    ChainParity::limitedWithFallbackAsync, ChainParity::limitedWithFallbackMono));
            mode.put("limitedBodyRuns", BODY.getAndSet(0));
            for (int i = 1; i <= 3; i++) {
                mode.put("breaker" + i, mode.outcome(ChainParity::breakerWithFallback,
                        ChainParity::breakerWithFallbackAsync, ChainParity::breakerWithFallbackMono));
            }
            mode.put("breakerBodyRuns", BODY.get());
        }
    }

    /** Every attempt, failed or not, gives its slot back; with one slot, a leaked slot rejects the next call. */
    public static void failedAttemptsGiveTheirSlotBack() {
        for (Mode mode : Mode.values()) {
            SOLE_SLOT_CALLS.set(0);
            mode.put("retried", mode.outcome(ChainParity::soleSlotFailsTwice, ChainParity::soleSlotFailsTwiceAsync,
                    ChainParity::soleSlotFailsTwiceMono));
            mode.put("again", mode.outcome(ChainParity::soleSlotFailsTwice, ChainParity::soleSlotFailsTwiceAsync,
                    ChainParity::soleSlotFailsTwiceMono));
            mode.put("threw", mode.outcome(ChainParity::soleSlotThrows, ChainParity::soleSlotThrowsAsync,
                    ChainParity::soleSlotThrowsMono));
            mode.put("threwAgain", mode.outcome(ChainParity::soleSlotThrows, ChainParity::soleSlotThrowsAsync,
                    ChainParity::soleSlotThrowsMono));
        }
    }
}
