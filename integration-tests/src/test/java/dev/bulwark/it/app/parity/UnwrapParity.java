package dev.bulwark.it.app.parity;

import dev.bulwark.CircuitBreakers;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exception matchers look through wrappers, the same through a synchronous method, one returning a stage and one
 * returning a Mono (see {@link Mode}). The bodies wrap their {@code IOException} in an
 * {@code UndeclaredThrowableException}, which neither a stage nor a Mono takes off on its own; the caller still
 * receives the wrapper.
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

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE, retryOn = IOException.class)
    static Mono<String> retriedMono() {
        return Mode.lazily(UnwrapParity::wrappedTwice);
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

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE, retryOn = IOException.class)
    static Mono<String> exhaustedMono() {
        return Mode.lazily(UnwrapParity::wrappedAlways);
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE, abortOn = IOException.class)
    static String aborted() {
        return wrappedAlways();
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE, abortOn = IOException.class)
    static CompletionStage<String> abortedAsync() {
        return Mode.later(UnwrapParity::wrappedAlways);
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE, abortOn = IOException.class)
    static Mono<String> abortedMono() {
        return Mode.lazily(UnwrapParity::wrappedAlways);
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

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m",
            recordOn = IOException.class)
    static Mono<String> recordedMono() {
        return Mode.lazily(UnwrapParity::wrappedAlways);
    }

    @Fallback(method = "received", applyOn = IOException.class)
    static String fallsBack() {
        return wrappedAlways();
    }

    @Fallback(method = "received", applyOn = IOException.class)
    static CompletionStage<String> fallsBackAsync() {
        return Mode.later(UnwrapParity::wrappedAlways);
    }

    @Fallback(method = "received", applyOn = IOException.class)
    static Mono<String> fallsBackMono() {
        return Mode.lazily(UnwrapParity::wrappedAlways);
    }

    private static String received(Throwable failure) {
        return "fallback got " + failure.getClass().getSimpleName();
    }

    public static void retryOnAndAbortOnLookThroughWrappers() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("retried", mode.outcome(UnwrapParity::retried, UnwrapParity::retriedAsync,
                    UnwrapParity::retriedMono));
            mode.put("retriedCalls", CALLS.getAndSet(0));
            mode.put("exhausted", mode.outcome(UnwrapParity::exhausted, UnwrapParity::exhaustedAsync,
                    UnwrapParity::exhaustedMono));
            mode.put("exhaustedCalls", CALLS.getAndSet(0));
            mode.put("aborted", mode.outcome(UnwrapParity::aborted, UnwrapParity::abortedAsync,
                    UnwrapParity::abortedMono));
            mode.put("abortedCalls", CALLS.get());
        }
    }

    public static void recordOnLooksThroughWrappers() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.outcome(UnwrapParity::recorded, UnwrapParity::recordedAsync, UnwrapParity::recordedMono);
            mode.outcome(UnwrapParity::recorded, UnwrapParity::recordedAsync, UnwrapParity::recordedMono);
            mode.put("state", CircuitBreakers.find(mode.site(RECORDED)).state());
            mode.put("rejected", mode.outcome(UnwrapParity::recorded, UnwrapParity::recordedAsync,
                    UnwrapParity::recordedMono));
            mode.put("calls", CALLS.get());
        }
    }

    public static void applyOnLooksThroughWrappers() {
        for (Mode mode : Mode.values()) {
            mode.put("outcome", mode.outcome(UnwrapParity::fallsBack, UnwrapParity::fallsBackAsync,
                    UnwrapParity::fallsBackMono));
        }
    }
}
