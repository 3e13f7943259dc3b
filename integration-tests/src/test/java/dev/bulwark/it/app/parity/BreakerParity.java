package dev.bulwark.it.app.parity;

import dev.bulwark.CircuitBreakers;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Timeout;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The circuit breaker, the same through a synchronous method, one returning a stage and one returning a Mono
 * (see {@link Mode}): the async twin's outcome is recorded when its stage completes, the Mono twin's at its
 * terminal signal. Each twin has its own breaker.
 */
public final class BreakerParity {
    private static final String GUARDED = "dev.bulwark.it.app.parity.BreakerParity#guarded";
    private static final String TIMES_OUT = "dev.bulwark.it.app.parity.BreakerParity#timesOut";
    private static final AtomicInteger BODY = new AtomicInteger();

    private BreakerParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(BreakerParity.class, args);
    }

    private static String downstream(boolean failing) {
        BODY.incrementAndGet();
        if (failing) {
            throw new IllegalStateException("downstream failed");
        }
        return "ok";
    }

    @CircuitBreaker(windowSize = 4, minimumCalls = 4, failureRateThreshold = 75, waitInOpen = "200ms", halfOpenCalls = 2)
    static String guarded(boolean failing) {
        return downstream(failing);
    }

    @CircuitBreaker(windowSize = 4, minimumCalls = 4, failureRateThreshold = 75, waitInOpen = "200ms", halfOpenCalls = 2)
    static CompletionStage<String> guardedAsync(boolean failing) {
        return Mode.later(() -> downstream(failing));
    }

    @CircuitBreaker(windowSize = 4, minimumCalls = 4, failureRateThreshold = 75, waitInOpen = "200ms", halfOpenCalls = 2)
    static Mono<String> guardedMono(boolean failing) {
        return Mode.lazily(() -> downstream(failing));
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m", recordOn = IllegalArgumentException.class)
    @Timeout("50ms")
    static String timesOut() throws InterruptedException {
        BODY.incrementAndGet();
        Thread.sleep(60_000);
        return "never";
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m", recordOn = IllegalArgumentException.class)
    @Timeout("50ms")
    static CompletionStage<String> timesOutAsync() {
        BODY.incrementAndGet();
        return new CompletableFuture<>();
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m", recordOn = IllegalArgumentException.class)
    @Timeout("50ms")
    static Mono<String> timesOutMono() {
        BODY.incrementAndGet();
        return Mono.never();
    }

    private static String guarded(Mode mode, boolean failing) {
        return mode.outcome(() -> guarded(failing), () -> guardedAsync(failing), () -> guardedMono(failing));
    }

    private static String state(Mode mode, String site) {
        return CircuitBreakers.find(mode.site(site)).state();
    }

    public static void opensAtTheThresholdAndRejects() {
        for (Mode mode : Mode.values()) {
            BODY.set(0);
            for (int i = 1; i <= 3; i++) {
                mode.put("failing" + i, guarded(mode, true));
            }
            mode.put("succeeding", guarded(mode, false));
            mode.put("stateAfterFour", state(mode, GUARDED));
            mode.put("rejected", guarded(mode, false));
            mode.put("bodyRuns", BODY.get());
        }
    }

    public static void belowTheThresholdStaysClosed() {
        for (Mode mode : Mode.values()) {
            guarded(mode, true);
            guarded(mode, true);
            guarded(mode, false);
            guarded(mode, false);
            mode.put("fifth", guarded(mode, false));
            mode.put("state", state(mode, GUARDED));
        }
    }

    public static void recoversThroughHalfOpen() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            for (int i = 0; i < 4; i++) {
                guarded(mode, true);
            }
            mode.put("opened", state(mode, GUARDED));
            Thread.sleep(300);
            mode.put("trial1", guarded(mode, false));
            mode.put("halfOpen", state(mode, GUARDED));
            mode.put("trial2", guarded(mode, false));
            mode.put("closed", state(mode, GUARDED));
            mode.put("failedCalls", CircuitBreakers.find(mode.site(GUARDED)).failedCalls());
        }
    }

    public static void aFailedTrialReopens() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            for (int i = 0; i < 4; i++) {
                guarded(mode, true);
            }
            Thread.sleep(300);
            mode.put("trial1", guarded(mode, true));
            mode.put("trial2", guarded(mode, true));
            mode.put("state", state(mode, GUARDED));
            mode.put("next", guarded(mode, false));
        }
    }

    public static void timeoutsCountAsFailures() {
        for (Mode mode : Mode.values()) {
            BODY.set(0);
            mode.put("first", mode.outcome(BreakerParity::timesOut, BreakerParity::timesOutAsync,
                    BreakerParity::timesOutMono));
            mode.put("second", mode.outcome(BreakerParity::timesOut, BreakerParity::timesOutAsync,
                    BreakerParity::timesOutMono));
            mode.put("state", state(mode, TIMES_OUT));
            mode.put("third", mode.outcome(BreakerParity::timesOut, BreakerParity::timesOutAsync,
                    BreakerParity::timesOutMono));
            mode.put("bodyRuns", BODY.get());
        }
    }
}
