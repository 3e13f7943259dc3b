package dev.bulwark.it.app.parity;

import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.RateLimited;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Semaphore bulkheads and rate limiters, the same through a synchronous method, one returning a stage and one
 * returning a Mono (see {@link Mode}): an async call holds its slot until its stage completes, a Mono's until its
 * terminal signal.
 */
public final class LimitsParity {
    private LimitsParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(LimitsParity.class, args);
    }

    private static String hold(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        entered.countDown();
        release.await(60, TimeUnit.SECONDS);
        return "done";
    }

    @Bulkhead(maxConcurrent = 2)
    static String twoAtATime(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        return hold(entered, release);
    }

    @Bulkhead(maxConcurrent = 2)
    static CompletionStage<String> twoAtATimeAsync(CountDownLatch entered, CountDownLatch release) {
        return Mode.later(() -> hold(entered, release));
    }

    @Bulkhead(maxConcurrent = 2)
    static Mono<String> twoAtATimeMono(CountDownLatch entered, CountDownLatch release) {
        return Mode.lazily(() -> hold(entered, release));
    }

    @Bulkhead(maxConcurrent = 1, maxWait = "30s")
    static String waitsForASlot(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        return hold(entered, release);
    }

    @Bulkhead(maxConcurrent = 1, maxWait = "30s")
    static CompletionStage<String> waitsForASlotAsync(CountDownLatch entered, CountDownLatch release) {
        return Mode.later(() -> hold(entered, release));
    }

    @Bulkhead(maxConcurrent = 1, maxWait = "30s")
    static Mono<String> waitsForASlotMono(CountDownLatch entered, CountDownLatch release) {
        return Mode.lazily(() -> hold(entered, release));
    }

    @Bulkhead(maxConcurrent = 1, maxWait = "200ms")
    static String waitsBriefly(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        return hold(entered, release);
    }

    @Bulkhead(maxConcurrent = 1, maxWait = "200ms")
    static CompletionStage<String> waitsBrieflyAsync(CountDownLatch entered, CountDownLatch release) {
        return Mode.later(() -> hold(entered, release));
    }

    @Bulkhead(maxConcurrent = 1, maxWait = "200ms")
    static Mono<String> waitsBrieflyMono(CountDownLatch entered, CountDownLatch release) {
        return Mode.lazily(() -> hold(entered, release));
    }

    @RateLimited(permits = 3, period = "1m")
    static String threePerMinute() {
        return "ok";
    }

    @RateLimited(permits = 3, period = "1m")
    static CompletionStage<String> threePerMinuteAsync() {
        return Mode.now(() -> "ok");
    }

    @RateLimited(permits = 3, period = "1m")
    static Mono<String> threePerMinuteMono() {
        return Mode.atSubscription(() -> "ok");
    }

    @RateLimited(permits = 1, period = "300ms", maxWait = "10s")
    static String waitsForAPermit() {
        return "ok";
    }

    @RateLimited(permits = 1, period = "300ms", maxWait = "10s")
    static CompletionStage<String> waitsForAPermitAsync() {
        return Mode.later(() -> "ok");
    }

    @RateLimited(permits = 1, period = "300ms", maxWait = "10s")
    static Mono<String> waitsForAPermitMono() {
        return Mode.lazily(() -> "ok");
    }

    @RateLimited(permits = 1, period = "1m", maxWait = "100ms")
    static String nextPermitTooFarAway() {
        return "ok";
    }

    @RateLimited(permits = 1, period = "1m", maxWait = "100ms")
    static CompletionStage<String> nextPermitTooFarAwayAsync() {
        return Mode.now(() -> "ok");
    }

    @RateLimited(permits = 1, period = "1m", maxWait = "100ms")
    static Mono<String> nextPermitTooFarAwayMono() {
        return Mode.atSubscription(() -> "ok");
    }

    private static String twoAtATime(Mode mode, CountDownLatch entered, CountDownLatch release) {
        return mode.outcome(() -> twoAtATime(entered, release), () -> twoAtATimeAsync(entered, release),
                () -> twoAtATimeMono(entered, release));
    }

    public static void aFullBulkheadRejectsAndFreesSlotsWhenCallsEnd() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            CountDownLatch entered = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<Future<String>> holders = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                holders.add(mode.inBackground(() -> twoAtATime(entered, release),
                        () -> twoAtATimeAsync(entered, release), () -> twoAtATimeMono(entered, release)));
            }
            mode.put("holdersEntered", entered.await(20, TimeUnit.SECONDS));
            mode.put("third", twoAtATime(mode, new CountDownLatch(1), new CountDownLatch(0)));
            release.countDown();
            for (int i = 0; i < 2; i++) {
                mode.put("holder" + i, Mode.await(holders.get(i)));
            }
            mode.put("afterRelease", twoAtATime(mode, new CountDownLatch(1), new CountDownLatch(0)));
        }
    }

    public static void maxWaitGetsAReleasedSlot() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<String> holder = mode.inBackground(() -> waitsForASlot(entered, release),
                    () -> waitsForASlotAsync(entered, release), () -> waitsForASlotMono(entered, release));
            mode.put("holderEntered", entered.await(20, TimeUnit.SECONDS));
            CountDownLatch waiterEntered = new CountDownLatch(1);
            CountDownLatch noWait = new CountDownLatch(0);
            Future<String> waiter = mode.inBackground(() -> waitsForASlot(waiterEntered, noWait),
                    () -> waitsForASlotAsync(waiterEntered, noWait), () -> waitsForASlotMono(waiterEntered, noWait));
            mode.put("waiterEnteredWhileHeld", waiterEntered.await(200, TimeUnit.MILLISECONDS));
            release.countDown();
            mode.put("holder", Mode.await(holder));
            mode.put("waiter", Mode.await(waiter));
        }
    }

    public static void maxWaitRunsOut() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<String> holder = mode.inBackground(() -> waitsBriefly(entered, release),
                    () -> waitsBrieflyAsync(entered, release), () -> waitsBrieflyMono(entered, release));
            mode.put("holderEntered", entered.await(20, TimeUnit.SECONDS));
            long start = System.nanoTime();
            CountDownLatch unused = new CountDownLatch(1);
            mode.put("second", mode.outcome(() -> waitsBriefly(unused, unused), () -> waitsBrieflyAsync(unused, unused),
                    () -> waitsBrieflyMono(unused, unused)));
            mode.put("waitedMillis", Mode.millisSince(start));
            release.countDown();
            mode.put("holder", Mode.await(holder));
        }
    }

    public static void aLimiterGrantsItsPermitsThenRejects() {
        for (Mode mode : Mode.values()) {
            StringBuilder outcomes = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                outcomes.append(i == 0 ? "" : ",")
                        .append(mode.outcome(LimitsParity::threePerMinute, LimitsParity::threePerMinuteAsync,
                                LimitsParity::threePerMinuteMono));
            }
            mode.put("calls", outcomes);
        }
    }

    public static void maxWaitForAPermit() {
        for (Mode mode : Mode.values()) {
            mode.put("first", mode.outcome(LimitsParity::waitsForAPermit, LimitsParity::waitsForAPermitAsync,
                    LimitsParity::waitsForAPermitMono));
            long start = System.nanoTime();
            mode.put("second", mode.outcome(LimitsParity::waitsForAPermit, LimitsParity::waitsForAPermitAsync,
                    LimitsParity::waitsForAPermitMono));
            mode.put("waitedMillis", Mode.millisSince(start));
            mode.put("tooFarFirst", mode.outcome(LimitsParity::nextPermitTooFarAway,
                    LimitsParity::nextPermitTooFarAwayAsync, LimitsParity::nextPermitTooFarAwayMono));
            mode.put("tooFarSecond", mode.outcome(LimitsParity::nextPermitTooFarAway,
                    LimitsParity::nextPermitTooFarAwayAsync, LimitsParity::nextPermitTooFarAwayMono));
        }
    }
}
