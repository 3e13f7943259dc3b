package dev.bulwark.it.app.parity;

import dev.bulwark.CircuitBreakers;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;
import dev.bulwark.it.app.Report;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exception matchers look through wrappers, the same through a synchronous method and through one returning a
 * stage (see {@link Mode}). The bodies wrap their {@code IOException} in an {@code UndeclaredThrowableException},
 * which no stage takes off on its own; the caller still receives the wrapper.
 */
public final class UnwrapParity {
    private static final String RECORDED = "dev.bulwark.it.app.parity.UnwrapParity#recorded";
    private static final AtomicInteger CALLS = new AtomicInteger();

    private UnwrapParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(UnwrapParity.class, args);
    }

    private static UndeclaredThrowableException wrappedIo(String message) {
        return new UndeclaredThrowableException(new IOException(message));
    }

    private static String wrappedTwice() {
        int call = CALLS.incrementAndGet();
        if (call < 3) {
            throw wrappedIo("attempt " + call);
        }
        return "ok after " + call;
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE, retryOn = IOException.class)
    static String retried() {
        return wrappedTwice();
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE, retryOn = IOException.class)
    static CompletionStage<String> retriedAsync() {
        return Mode.later(UnwrapParity::wrappedTwice);
    }

    private static String wrappedAlways() {
        CALLS.incrementAndGet();
        throw wrappedIo("down");
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE, retryOn = IOException.class)
    static String exhausted() {
        return wrappedAlways();
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE, retryOn = IOException.class)
    static CompletionStage<String> exhaustedAsync() {
        return Mode.later(UnwrapParity::wrappedAlways);
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE, abortOn = IOException.class)
    static String aborted() {
        return wrappedAlways();
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE, abortOn = IOException.class)
    static CompletionStage<String> abortedAsync() {
        return Mode.later(UnwrapParity::wrappedAlways);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m",
            recordOn = IOException.class)
    static String recorded() {
        return wrappedAlways();
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m",
            recordOn = IOException.class)
    static CompletionStage<String> recordedAsync() {
        return Mode.later(UnwrapParity::wrappedAlways);
    }

    @Fallback(method = "received", applyOn = IOException.class)
    static String fallsBack() {
        return wrappedAlways();
    }

    @Fallback(method = "received", applyOn = IOException.class)
    static CompletionStage<String> fallsBackAsync() {
        return Mode.later(UnwrapParity::wrappedAlways);
    }

    private static String received(Throwable failure) {
        return "fallback got " + failure.getClass().getSimpleName();
    }

    public static void retryOnAndAbortOnLookThroughWrappers() {
        for (Mode mode : Mode.withoutMono()) {
            CALLS.set(0);
            mode.put("retried", mode.outcome(UnwrapParity::retried, UnwrapParity::retriedAsync));
            mode.put("retriedCalls", CALLS.getAndSet(0));
            mode.put("exhausted", mode.outcome(UnwrapParity::exhausted, UnwrapParity::exhaustedAsync));
            mode.put("exhaustedCalls", CALLS.getAndSet(0));
            mode.put("aborted", mode.outcome(UnwrapParity::aborted, UnwrapParity::abortedAsync));
            mode.put("abortedCalls", CALLS.get());
        }
    }

    public static void recordOnLooksThroughWrappers() {
        for (Mode mode : Mode.withoutMono()) {
            CALLS.set(0);
            mode.outcome(UnwrapParity::recorded, UnwrapParity::recordedAsync);
            mode.outcome(UnwrapParity::recorded, UnwrapParity::recordedAsync);
            mode.put("state", CircuitBreakers.find(mode.site(RECORDED)).state());
            mode.put("rejected", mode.outcome(UnwrapParity::recorded, UnwrapParity::recordedAsync));
            mode.put("calls", CALLS.get());
        }
    }

    public static void applyOnLooksThroughWrappers() {
        for (Mode mode : Mode.withoutMono()) {
            mode.put("outcome", mode.outcome(UnwrapParity::fallsBack, UnwrapParity::fallsBackAsync));
        }
    }
}
