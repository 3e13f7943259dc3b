package dev.bulwark.it.app.parity;

import dev.bulwark.CircuitOpenException;
import dev.bulwark.RateLimitedException;
import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Retry;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A retry waits at least the Retry-After of a rate limiter's or breaker's refusal, and takes its delay from the
 * application's exception with {@code delayFrom}; the same through a synchronous method, one returning a stage and
 * one returning a Mono (see {@link Mode}). The backoff is 1 ms throughout, so an attempt that succeeds after a
 * refusal could only have waited for the Retry-After.
 */
public final class RetryAfterParity {
    private static final AtomicInteger CALLS = new AtomicInteger();

    private RetryAfterParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(RetryAfterParity.class, args);
    }

    private static String counted() {
        return "ok after " + CALLS.incrementAndGet();
    }

    @Retry(maxAttempts = 2, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, retryOn = RateLimitedException.class)
    @RateLimited(permits = 1, period = "700ms")
    static String limited() {
        return counted();
    }

    @Retry(maxAttempts = 2, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, retryOn = RateLimitedException.class)
    @RateLimited(permits = 1, period = "700ms")
    static CompletionStage<String> limitedAsync() {
        return Mode.later(RetryAfterParity::counted);
    }

    @Retry(maxAttempts = 2, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, retryOn = RateLimitedException.class)
    @RateLimited(permits = 1, period = "700ms")
    static Mono<String> limitedMono() {
        return Mode.lazily(RetryAfterParity::counted);
    }

    @Retry(maxAttempts = 5, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, maxDuration = "200ms",
            retryOn = RateLimitedException.class)
    @RateLimited(permits = 1, period = "1h")
    static String limitedTooLong() {
        return counted();
    }

    @Retry(maxAttempts = 5, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, maxDuration = "200ms",
            retryOn = RateLimitedException.class)
    @RateLimited(permits = 1, period = "1h")
    static CompletionStage<String> limitedTooLongAsync() {
        return Mode.later(RetryAfterParity::counted);
    }

    @Retry(maxAttempts = 5, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, maxDuration = "200ms",
            retryOn = RateLimitedException.class)
    @RateLimited(permits = 1, period = "1h")
    static Mono<String> limitedTooLongMono() {
        return Mode.lazily(RetryAfterParity::counted);
    }

    private static String failsFirst() {
        if (CALLS.incrementAndGet() == 1) {
            throw new IllegalStateException("first call fails");
        }
        return "ok after " + CALLS.get();
    }

    @Retry(maxAttempts = 2, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, retryOn = CircuitOpenException.class)
    @CircuitBreaker(windowSize = 1, minimumCalls = 1, failureRateThreshold = 100, waitInOpen = "400ms", halfOpenCalls = 1)
    static String breaker() {
        return failsFirst();
    }

    @Retry(maxAttempts = 2, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, retryOn = CircuitOpenException.class)
    @CircuitBreaker(windowSize = 1, minimumCalls = 1, failureRateThreshold = 100, waitInOpen = "400ms", halfOpenCalls = 1)
    static CompletionStage<String> breakerAsync() {
        return Mode.later(RetryAfterParity::failsFirst);
    }

    @Retry(maxAttempts = 2, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, retryOn = CircuitOpenException.class)
    @CircuitBreaker(windowSize = 1, minimumCalls = 1, failureRateThreshold = 100, waitInOpen = "400ms", halfOpenCalls = 1)
    static Mono<String> breakerMono() {
        return Mode.lazily(RetryAfterParity::failsFirst);
    }

    /** An application's exception that carries the server's Retry-After. */
    public static final class ServerBusy extends RuntimeException {
        private final long retryAfterMillis;

        ServerBusy(long retryAfterMillis) {
            super("busy, retry after " + retryAfterMillis + "ms");
            this.retryAfterMillis = retryAfterMillis;
        }

        public Duration getRetryAfter() {
            return Duration.ofMillis(retryAfterMillis);
        }
    }

    private static String busyFirst() {
        if (CALLS.incrementAndGet() == 1) {
            throw new ServerBusy(300);
        }
        return "ok after " + CALLS.get();
    }

    @Retry(maxAttempts = 2, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, delayFrom = "#exception.retryAfter")
    static String fromException() {
        return busyFirst();
    }

    @Retry(maxAttempts = 2, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, delayFrom = "#exception.retryAfter")
    static CompletionStage<String> fromExceptionAsync() {
        return Mode.later(RetryAfterParity::busyFirst);
    }

    @Retry(maxAttempts = 2, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, delayFrom = "#exception.retryAfter")
    static Mono<String> fromExceptionMono() {
        return Mode.lazily(RetryAfterParity::busyFirst);
    }

    public static void aRateLimitersRefusalIsWaitedOut() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("first", mode.outcome(RetryAfterParity::limited, RetryAfterParity::limitedAsync,
                    RetryAfterParity::limitedMono));
            mode.put("second", mode.outcome(RetryAfterParity::limited, RetryAfterParity::limitedAsync,
                    RetryAfterParity::limitedMono));
        }
    }

    public static void aRetryAfterBeyondMaxDurationEndsTheLoopAtOnce() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("first", mode.outcome(RetryAfterParity::limitedTooLong, RetryAfterParity::limitedTooLongAsync,
                    RetryAfterParity::limitedTooLongMono));
            Throwable refusal = failure(mode, RetryAfterParity::limitedTooLong, RetryAfterParity::limitedTooLongAsync,
                    RetryAfterParity::limitedTooLongMono);
            mode.put("refusal", refusal.getClass().getSimpleName());
            long retryAfter = ((RateLimitedException) refusal).retryAfter().toMillis();
            mode.put("retryAfterAboveHalfAnHour", retryAfter > TimeUnit.MINUTES.toMillis(30));
            mode.put("calls", CALLS.get());
        }
    }

    public static void anOpenBreakerIsWaitedOut() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("first", mode.outcome(RetryAfterParity::breaker, RetryAfterParity::breakerAsync,
                    RetryAfterParity::breakerMono));
            mode.put("second", mode.outcome(RetryAfterParity::breaker, RetryAfterParity::breakerAsync,
                    RetryAfterParity::breakerMono));
        }
    }

    public static void delayFromTakesTheApplicationsRetryAfter() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            long start = System.nanoTime();
            mode.put("outcome", mode.outcome(RetryAfterParity::fromException, RetryAfterParity::fromExceptionAsync,
                    RetryAfterParity::fromExceptionMono));
            mode.put("elapsedMillis", Mode.millisSince(start));
        }
    }

    private static Throwable failure(Mode mode, Callable<?> sync, Callable<? extends CompletionStage<?>> async,
                                     Callable<? extends Mono<?>> mono) {
        try {
            if (mode == Mode.SYNC) {
                sync.call();
            } else {
                CompletionStage<?> stage = mode == Mode.ASYNC ? async.call() : mono.call().toFuture();
                stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
            }
            return new AssertionError("no failure");
        } catch (CompletionException | ExecutionException e) {
            return e.getCause();
        } catch (Throwable e) {
            return e;
        }
    }
}
