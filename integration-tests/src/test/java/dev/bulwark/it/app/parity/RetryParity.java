package dev.bulwark.it.app.parity;

import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** Retry, the same through a synchronous method, one returning a stage and one returning a Mono (see {@link Mode}). */
public final class RetryParity {
    private static final AtomicInteger CALLS = new AtomicInteger();

    private RetryParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(RetryParity.class, args);
    }

    private static String failsTwice() {
        int call = CALLS.incrementAndGet();
        if (call < 3) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE)
    static String succeedsOnThirdAttempt() {
        return failsTwice();
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE)
    static CompletionStage<String> succeedsOnThirdAttemptAsync() {
        return Mode.later(RetryParity::failsTwice);
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE)
    static Mono<String> succeedsOnThirdAttemptMono() {
        return Mode.lazily(RetryParity::failsTwice);
    }

    private static String fails() {
        throw new IllegalStateException("attempt " + CALLS.incrementAndGet());
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    static String alwaysFails() {
        return fails();
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    static CompletionStage<String> alwaysFailsAsync() {
        return Mode.later(RetryParity::fails);
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    static Mono<String> alwaysFailsMono() {
        return Mode.lazily(RetryParity::fails);
    }

    private static String badInput() {
        CALLS.incrementAndGet();
        throw new IllegalArgumentException("bad input");
    }

    @Retry(maxAttempts = 5, delay = "1ms", abortOn = IllegalArgumentException.class)
    static String aborts() {
        return badInput();
    }

    @Retry(maxAttempts = 5, delay = "1ms", abortOn = IllegalArgumentException.class)
    static CompletionStage<String> abortsAsync() {
        return Mode.now(RetryParity::badInput);
    }

    @Retry(maxAttempts = 5, delay = "1ms", abortOn = IllegalArgumentException.class)
    static Mono<String> abortsMono() {
        return Mode.atSubscription(RetryParity::badInput);
    }

    private static String notAnIoException() {
        CALLS.incrementAndGet();
        throw new IllegalStateException("not an IOException");
    }

    @Retry(maxAttempts = 5, delay = "1ms", retryOn = IOException.class)
    static String notRetryable() {
        return notAnIoException();
    }

    @Retry(maxAttempts = 5, delay = "1ms", retryOn = IOException.class)
    static CompletionStage<String> notRetryableAsync() {
        return Mode.later(RetryParity::notAnIoException);
    }

    @Retry(maxAttempts = 5, delay = "1ms", retryOn = IOException.class)
    static Mono<String> notRetryableMono() {
        return Mode.lazily(RetryParity::notAnIoException);
    }

    private static String missingThrice() throws IOException {
        if (CALLS.incrementAndGet() < 4) {
            throw new FileNotFoundException("missing");
        }
        return "found";
    }

    @Retry(maxAttempts = 5, delay = "1ms", retryOn = IOException.class)
    static String retryableSubclass() throws IOException {
        return missingThrice();
    }

    @Retry(maxAttempts = 5, delay = "1ms", retryOn = IOException.class)
    static CompletionStage<String> retryableSubclassAsync() {
        return Mode.later(RetryParity::missingThrice);
    }

    @Retry(maxAttempts = 5, delay = "1ms", retryOn = IOException.class)
    static Mono<String> retryableSubclassMono() {
        return Mode.lazily(RetryParity::missingThrice);
    }

    private static String error() {
        CALLS.incrementAndGet();
        throw new AssertionError("an Error is not an Exception");
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    static String errorsAreNotRetriedByDefault() {
        return error();
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    static CompletionStage<String> errorsAreNotRetriedByDefaultAsync() {
        return Mode.later(RetryParity::error);
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    static Mono<String> errorsAreNotRetriedByDefaultMono() {
        return Mode.lazily(RetryParity::error);
    }

    private static String failsEveryTime() {
        CALLS.incrementAndGet();
        throw new IllegalStateException("fails");
    }

    @Retry(maxAttempts = 4, delay = "120ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    static String fixedDelay() {
        return failsEveryTime();
    }

    @Retry(maxAttempts = 4, delay = "120ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    static CompletionStage<String> fixedDelayAsync() {
        return Mode.later(RetryParity::failsEveryTime);
    }

    @Retry(maxAttempts = 4, delay = "120ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    static Mono<String> fixedDelayMono() {
        return Mode.lazily(RetryParity::failsEveryTime);
    }

    @Retry(maxAttempts = 1000, delay = "100ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, maxDuration = "1s")
    static String boundedByMaxDuration() {
        return failsEveryTime();
    }

    @Retry(maxAttempts = 1000, delay = "100ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, maxDuration = "1s")
    static CompletionStage<String> boundedByMaxDurationAsync() {
        return Mode.later(RetryParity::failsEveryTime);
    }

    @Retry(maxAttempts = 1000, delay = "100ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, maxDuration = "1s")
    static Mono<String> boundedByMaxDurationMono() {
        return Mode.lazily(RetryParity::failsEveryTime);
    }

    public static void retriesUntilSuccess() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("outcome", mode.outcome(RetryParity::succeedsOnThirdAttempt,
                    RetryParity::succeedsOnThirdAttemptAsync, RetryParity::succeedsOnThirdAttemptMono));
            mode.put("calls", CALLS.get());
        }
    }

    public static void exhaustsAndGivesTheLastFailure() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("outcome", mode.outcome(RetryParity::alwaysFails, RetryParity::alwaysFailsAsync,
                    RetryParity::alwaysFailsMono));
            mode.put("calls", CALLS.get());
        }
    }

    public static void abortOnEndsTheLoop() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("outcome", mode.outcome(RetryParity::aborts, RetryParity::abortsAsync, RetryParity::abortsMono));
            mode.put("calls", CALLS.get());
        }
    }

    public static void retryOnSelectsExceptions() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("notRetryable", mode.outcome(RetryParity::notRetryable, RetryParity::notRetryableAsync,
                    RetryParity::notRetryableMono));
            mode.put("notRetryableCalls", CALLS.getAndSet(0));
            mode.put("subclass", mode.outcome(RetryParity::retryableSubclass, RetryParity::retryableSubclassAsync,
                    RetryParity::retryableSubclassMono));
            mode.put("subclassCalls", CALLS.getAndSet(0));
            mode.put("error", mode.outcome(RetryParity::errorsAreNotRetriedByDefault,
                    RetryParity::errorsAreNotRetriedByDefaultAsync, RetryParity::errorsAreNotRetriedByDefaultMono));
            mode.put("errorCalls", CALLS.get());
        }
    }

    public static void waitsTheBackoffDelay() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            long start = System.nanoTime();
            mode.put("outcome", mode.outcome(RetryParity::fixedDelay, RetryParity::fixedDelayAsync,
                    RetryParity::fixedDelayMono));
            mode.put("elapsedMillis", Mode.millisSince(start));
            mode.put("calls", CALLS.get());
        }
    }

    public static void maxDurationBoundsTheLoop() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("outcome", mode.outcome(RetryParity::boundedByMaxDuration, RetryParity::boundedByMaxDurationAsync,
                    RetryParity::boundedByMaxDurationMono));
            mode.put("calls", CALLS.get());
        }
    }
}
