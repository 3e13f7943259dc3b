package dev.bulwark.it.app.parity;

import dev.bulwark.CircuitBreakers;
import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.BulkheadType;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;
import dev.bulwark.it.app.Report;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every policy through four twins of a method (see {@link Twin}): synchronous, returning a stage, a Reactor
 * {@code Mono} and a {@code Flux}; then what only publishers have: items before a failure, a timeout over a whole
 * stream, cancellation, demand, one call per subscription. The reactive twins do their work when subscribed,
 * on Reactor's schedulers, as real ones do.
 */
public final class ReactiveParity {
    private static final String SITE = "dev.bulwark.it.app.parity.ReactiveParity#";
    private static final AtomicInteger BODY = new AtomicInteger();
    private static final AtomicInteger CANCELLED = new AtomicInteger();

    private ReactiveParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(ReactiveParity.class, args);
    }

    /**
     * Every scenario of this class, then RxJava's and Mutiny's, in one JVM: each twin and each type has policies
     * of its own.
     */
    public static void everything() throws Exception {
        breaker();
        retry();
        timeout();
        bulkhead();
        rateLimiter();
        fallback();
        publishersOnly();
        RxJavaAndMutiny.everything();
    }

    // Circuit breaker.

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
        return Mono.fromCallable(() -> downstream(failing)).subscribeOn(Schedulers.parallel());
    }

    @CircuitBreaker(windowSize = 4, minimumCalls = 4, failureRateThreshold = 75, waitInOpen = "200ms", halfOpenCalls = 2)
    static Flux<String> guardedFlux(boolean failing) {
        return Flux.defer(() -> Flux.just(downstream(failing))).subscribeOn(Schedulers.parallel());
    }

    private static String guarded(Twin twin, boolean failing) {
        return twin.outcome(Twin.calls(() -> guarded(failing), () -> guardedAsync(failing), () -> guardedMono(failing),
                () -> guardedFlux(failing)));
    }

    private static String state(Twin twin) {
        return CircuitBreakers.find(twin.site(SITE + "guarded")).state();
    }

    public static void breaker() throws InterruptedException {
        for (Twin twin : Twin.values()) {
            BODY.set(0);
            for (int i = 1; i <= 3; i++) {
                twin.put("breaker.failing" + i, guarded(twin, true));
            }
            twin.put("breaker.succeeding", guarded(twin, false));
            twin.put("breaker.opened", state(twin));
            twin.put("breaker.rejected", guarded(twin, false));
            twin.put("breaker.bodyRuns", BODY.get());
            Thread.sleep(300);
            twin.put("breaker.trial1", guarded(twin, false));
            twin.put("breaker.halfOpen", state(twin));
            twin.put("breaker.trial2", guarded(twin, false));
            twin.put("breaker.closed", state(twin));
        }
    }

    // Retry.

    private static String failsTwice() {
        int call = BODY.incrementAndGet();
        if (call < 3) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }

    private static String fails() {
        throw new IllegalStateException("attempt " + BODY.incrementAndGet());
    }

    private static String badInput() {
        BODY.incrementAndGet();
        throw new IllegalArgumentException("bad input");
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    static String flaky() {
        return failsTwice();
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    static CompletionStage<String> flakyAsync() {
        return Mode.later(ReactiveParity::failsTwice);
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    static Mono<String> flakyMono() {
        return Mono.fromCallable(ReactiveParity::failsTwice).subscribeOn(Schedulers.parallel());
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    static Flux<String> flakyFlux() {
        return Mono.fromCallable(ReactiveParity::failsTwice).flux().subscribeOn(Schedulers.parallel());
    }

    @Retry(maxAttempts = 3, delay = "1ms", backoff = Backoff.FIXED)
    static String exhausts() {
        return fails();
    }

    @Retry(maxAttempts = 3, delay = "1ms", backoff = Backoff.FIXED)
    static CompletionStage<String> exhaustsAsync() {
        return Mode.later(ReactiveParity::fails);
    }

    @Retry(maxAttempts = 3, delay = "1ms", backoff = Backoff.FIXED)
    static Mono<String> exhaustsMono() {
        return Mono.fromCallable(ReactiveParity::fails);
    }

    @Retry(maxAttempts = 3, delay = "1ms", backoff = Backoff.FIXED)
    static Flux<String> exhaustsFlux() {
        return Flux.defer(() -> Flux.just(fails()));
    }

    @Retry(maxAttempts = 3, delay = "1ms", abortOn = IllegalArgumentException.class)
    static String aborts() {
        return badInput();
    }

    @Retry(maxAttempts = 3, delay = "1ms", abortOn = IllegalArgumentException.class)
    static CompletionStage<String> abortsAsync() {
        return Mode.later(ReactiveParity::badInput);
    }

    @Retry(maxAttempts = 3, delay = "1ms", abortOn = IllegalArgumentException.class)
    static Mono<String> abortsMono() {
        return Mono.fromCallable(ReactiveParity::badInput);
    }

    @Retry(maxAttempts = 3, delay = "1ms", abortOn = IllegalArgumentException.class)
    static Flux<String> abortsFlux() {
        return Flux.defer(() -> Flux.just(badInput()));
    }

    public static void retry() {
        for (Twin twin : Twin.values()) {
            BODY.set(0);
            twin.put("retry.recovered", twin.outcome(Twin.calls(ReactiveParity::flaky, ReactiveParity::flakyAsync,
                    ReactiveParity::flakyMono, ReactiveParity::flakyFlux)));
            twin.put("retry.recoveredRuns", BODY.getAndSet(0));
            twin.put("retry.exhausted", twin.outcome(Twin.calls(ReactiveParity::exhausts, ReactiveParity::exhaustsAsync,
                    ReactiveParity::exhaustsMono, ReactiveParity::exhaustsFlux)));
            twin.put("retry.exhaustedRuns", BODY.getAndSet(0));
            twin.put("retry.aborted", twin.outcome(Twin.calls(ReactiveParity::aborts, ReactiveParity::abortsAsync,
                    ReactiveParity::abortsMono, ReactiveParity::abortsFlux)));
            twin.put("retry.abortedRuns", BODY.getAndSet(0));
        }
    }

    // Timeout, with a retry around it: each attempt gets a fresh deadline.

    @Retry(maxAttempts = 2, delay = "1ms", retryOn = dev.bulwark.TimeoutExceededException.class)
    @Timeout("100ms")
    static String hangs() throws InterruptedException {
        BODY.incrementAndGet();
        Thread.sleep(60_000);
        return "never";
    }

    @Retry(maxAttempts = 2, delay = "1ms", retryOn = dev.bulwark.TimeoutExceededException.class)
    @Timeout("100ms")
    static CompletionStage<String> hangsAsync() {
        BODY.incrementAndGet();
        return new CompletableFuture<>();
    }

    @Retry(maxAttempts = 2, delay = "1ms", retryOn = dev.bulwark.TimeoutExceededException.class)
    @Timeout("100ms")
    static Mono<String> hangsMono() {
        BODY.incrementAndGet();
        return Mono.<String>never().doOnCancel(CANCELLED::incrementAndGet);
    }

    @Retry(maxAttempts = 2, delay = "1ms", retryOn = dev.bulwark.TimeoutExceededException.class)
    @Timeout("100ms")
    static Flux<String> hangsFlux() {
        BODY.incrementAndGet();
        return Flux.<String>never().doOnCancel(CANCELLED::incrementAndGet);
    }

    public static void timeout() {
        for (Twin twin : Twin.values()) {
            BODY.set(0);
            CANCELLED.set(0);
            twin.put("timeout.outcome", twin.outcome(Twin.calls(ReactiveParity::hangs, ReactiveParity::hangsAsync,
                    ReactiveParity::hangsMono, ReactiveParity::hangsFlux)));
            twin.put("timeout.bodyRuns", BODY.get());
            twin.put("timeout.upstreamCancelled", CANCELLED.get());
        }
    }

    // Bulkhead: the slot is held until the call ends, for a publisher until its terminal signal.

    private static String occupy(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        entered.countDown();
        return release.await(20, TimeUnit.SECONDS) ? "done" : "never released";
    }

    @Bulkhead(maxConcurrent = 1)
    static String occupies(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        return occupy(entered, release);
    }

    @Bulkhead(maxConcurrent = 1)
    static CompletionStage<String> occupiesAsync(CountDownLatch entered, CountDownLatch release) {
        return Mode.later(() -> occupy(entered, release));
    }

    @Bulkhead(maxConcurrent = 1)
    static Mono<String> occupiesMono(CountDownLatch entered, CountDownLatch release) {
        return Mono.fromCallable(() -> occupy(entered, release)).subscribeOn(Schedulers.boundedElastic());
    }

    @Bulkhead(maxConcurrent = 1)
    static Flux<String> occupiesFlux(CountDownLatch entered, CountDownLatch release) {
        return Mono.fromCallable(() -> occupy(entered, release)).flux().subscribeOn(Schedulers.boundedElastic());
    }

    private static Twin.Calls occupying(CountDownLatch entered, CountDownLatch release) {
        return Twin.calls(() -> occupies(entered, release), () -> occupiesAsync(entered, release),
                () -> occupiesMono(entered, release), () -> occupiesFlux(entered, release));
    }

    public static void bulkhead() throws InterruptedException {
        for (Twin twin : Twin.values()) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<?> first = twin.start(occupying(entered, release));
            twin.put("bulkhead.firstEntered", entered.await(20, TimeUnit.SECONDS));
            CountDownLatch open = new CountDownLatch(0);
            twin.put("bulkhead.second", twin.outcome(occupying(new CountDownLatch(1), open)));
            release.countDown();
            twin.put("bulkhead.first", twin.await(first));
            twin.put("bulkhead.third", twin.outcome(occupying(new CountDownLatch(1), open)));
        }
    }

    // Rate limiter.

    @RateLimited(permits = 2, period = "1m")
    static String limited() {
        return "ok";
    }

    @RateLimited(permits = 2, period = "1m")
    static CompletionStage<String> limitedAsync() {
        return CompletableFuture.completedFuture("ok");
    }

    @RateLimited(permits = 2, period = "1m")
    static Mono<String> limitedMono() {
        return Mono.just("ok");
    }

    @RateLimited(permits = 2, period = "1m")
    static Flux<String> limitedFlux() {
        return Flux.just("ok");
    }

    public static void rateLimiter() {
        for (Twin twin : Twin.values()) {
            Twin.Calls calls = Twin.calls(ReactiveParity::limited, ReactiveParity::limitedAsync,
                    ReactiveParity::limitedMono, ReactiveParity::limitedFlux);
            twin.put("limiter.first", twin.outcome(calls));
            twin.put("limiter.second", twin.outcome(calls));
            twin.put("limiter.third", twin.outcome(calls));
        }
    }

    // Fallback after the retries, with the last failure.

    private static String down() {
        BODY.incrementAndGet();
        throw new IllegalStateException("down");
    }

    @Retry(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recover")
    static String fallsBack() {
        return down();
    }

    static String recover(Throwable failure) {
        return "recovered from " + failure.getMessage();
    }

    @Retry(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recoverAsync")
    static CompletionStage<String> fallsBackAsync() {
        return Mode.later(ReactiveParity::down);
    }

    static String recoverAsync(Throwable failure) {
        return recover(failure);
    }

    @Retry(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recoverMono")
    static Mono<String> fallsBackMono() {
        return Mono.fromCallable(ReactiveParity::down);
    }

    static String recoverMono(Throwable failure) {
        return recover(failure);
    }

    @Retry(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recoverFlux")
    static Flux<String> fallsBackFlux() {
        return Flux.defer(() -> Flux.just(down()));
    }

    static String recoverFlux(Throwable failure) {
        return recover(failure);
    }

    public static void fallback() {
        for (Twin twin : Twin.values()) {
            BODY.set(0);
            twin.put("fallback.outcome", twin.outcome(Twin.calls(ReactiveParity::fallsBack,
                    ReactiveParity::fallsBackAsync, ReactiveParity::fallsBackMono, ReactiveParity::fallsBackFlux)));
            twin.put("fallback.bodyRuns", BODY.get());
        }
    }

    // What only publishers have, reported as MONO.key and FLUX.key.

    @Fallback(method = "toMono")
    static Mono<String> fallsBackToMono() {
        return Mono.error(new IllegalStateException("down"));
    }

    static Mono<String> toMono() {
        return Mono.just("from the fallback's Mono");
    }

    @Fallback(method = "toFlux")
    static Flux<String> fallsBackToFlux() {
        return Flux.error(new IllegalStateException("down"));
    }

    static Flux<String> toFlux() {
        return Flux.just("a", "b");
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "toFlux")
    static Flux<String> failsMidStream() {
        BODY.incrementAndGet();
        return Flux.concat(Flux.just("1", "2"), Flux.error(new IllegalStateException("mid-stream")));
    }

    @Timeout("300ms")
    static Flux<String> stallsAfterTwo() {
        return Flux.concat(Flux.just("1", "2"), Flux.<String>never().doOnCancel(CANCELLED::incrementAndGet));
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 50)
    static Flux<Integer> hundred() {
        return Flux.range(1, 100);
    }

    @Bulkhead(maxConcurrent = 1)
    static Flux<Integer> heldStream(boolean hang) {
        return hang ? Flux.<Integer>never().doOnCancel(CANCELLED::incrementAndGet) : Flux.range(1, 100);
    }

    @Bulkhead(maxConcurrent = 1)
    static Mono<String> heldSingle(boolean hang) {
        return hang ? Mono.<String>never().doOnCancel(CANCELLED::incrementAndGet) : Mono.just("ok");
    }

    @RateLimited(permits = 1, period = "1m")
    static Mono<String> oncePerMinute() {
        BODY.incrementAndGet();
        return Mono.just("ok");
    }

    @RateLimited(permits = 1, period = "300ms", maxWait = "5s")
    static Mono<String> waitsForAPermit() {
        return Mono.just("ok");
    }

    @Bulkhead(maxConcurrent = 1, maxWait = "10s")
    static Mono<String> waitsForASlot(boolean hang) {
        return hang ? Mono.never() : Mono.just("ok");
    }

    @Bulkhead(type = BulkheadType.THREAD_POOL, maxConcurrent = 1)
    static Mono<String> onThePool() {
        return Mono.just(Thread.currentThread().getName());
    }

    /** Reactor's context of the subscriber, as the body's publisher sees it. */
    @CircuitBreaker
    static Mono<String> readsContext() {
        return Mono.deferContextual(context -> Mono.just(context.getOrDefault("user", "none")));
    }

    @CircuitBreaker
    static Flux<String> readsContextFlux() {
        return Flux.deferContextual(context -> Flux.just(context.getOrDefault("user", "none")));
    }

    /** Waits are scheduled, never a parked caller; a THREAD_POOL bulkhead calls the body on its own thread. */
    private static void waits() throws Exception {
        Twin mono = Twin.MONO;
        mono.put("permitNow", mono.outcome(Twin.calls(null, null, ReactiveParity::waitsForAPermit, null)));
        mono.put("permitAfterWaiting", mono.outcome(Twin.calls(null, null, ReactiveParity::waitsForAPermit, null)));

        Disposable holding = waitsForASlot(true).subscribe();
        CompletableFuture<String> waiting = waitsForASlot(false).toFuture();
        Thread.sleep(100);
        mono.put("slotWhileHeld", waiting.isDone() ? "done" : "waiting");
        holding.dispose();
        mono.put("slotAfterCancel", mono.await(waiting));

        mono.put("poolThread", onThePool().block(java.time.Duration.ofSeconds(20)));
    }

    public static void publishersOnly() throws Exception {
        Twin mono = Twin.MONO;
        Twin flux = Twin.FLUX;
        mono.put("fallbackOfTheSameType", mono.outcome(Twin.calls(null, null, ReactiveParity::fallsBackToMono, null)));
        flux.put("fallbackOfTheSameType", flux.outcome(Twin.calls(null, null, null, ReactiveParity::fallsBackToFlux)));

        BODY.set(0);
        List<String> received = new CopyOnWriteArrayList<>();
        flux.put("midStream", flux.outcome(Twin.calls(null, null, null,
                () -> failsMidStream().doOnNext(received::add))));
        flux.put("midStreamItems", received);
        flux.put("midStreamRuns", BODY.get());

        received.clear();
        CANCELLED.set(0);
        flux.put("stalled", flux.outcome(Twin.calls(null, null, null, () -> stallsAfterTwo().doOnNext(received::add))));
        flux.put("stalledItems", received);
        flux.put("stalledCancelled", CANCELLED.get());

        flux.put("demand", hundred().limitRate(7).reduce(0, Integer::sum).block());
        flux.put("taken", hundred().take(3).collectList().block());
        flux.put("breakerAfterTake", CircuitBreakers.find(SITE + "hundred").state());
        flux.put("breakerRecorded", CircuitBreakers.find(SITE + "hundred").bufferedCalls());
        flux.put("breakerFailures", CircuitBreakers.find(SITE + "hundred").failedCalls());

        CANCELLED.set(0);
        Disposable holding = heldStream(true).subscribe();
        flux.put("heldWhileSubscribed", flux.outcome(Twin.calls(null, null, null, () -> heldStream(false))));
        holding.dispose();
        flux.put("cancelledUpstream", CANCELLED.get());
        flux.put("afterCancel", flux.outcome(Twin.calls(null, null, null, () -> heldStream(false).take(1))));
        flux.put("afterTake", flux.outcome(Twin.calls(null, null, null, () -> heldStream(false).take(1))));

        CANCELLED.set(0);
        Disposable holdingMono = heldSingle(true).subscribe();
        mono.put("heldWhileSubscribed", mono.outcome(Twin.calls(null, null, () -> heldSingle(false), null)));
        holdingMono.dispose();
        mono.put("cancelledUpstream", CANCELLED.get());
        mono.put("afterCancel", mono.outcome(Twin.calls(null, null, () -> heldSingle(false), null)));

        BODY.set(0);
        Mono<String> once = oncePerMinute();
        mono.put("runsBeforeSubscribing", BODY.get());
        mono.put("firstSubscription", mono.outcome(Twin.calls(null, null, () -> once, null)));
        mono.put("secondSubscription", mono.outcome(Twin.calls(null, null, () -> once, null)));
        mono.put("runsAfterTwoSubscriptions", BODY.get());

        mono.put("subscriberContext", readsContext().contextWrite(Context.of("user", "ada")).block());
        flux.put("subscriberContext", readsContextFlux().contextWrite(Context.of("user", "ada")).blockLast());

        waits();
    }
}
