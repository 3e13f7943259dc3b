package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.Invocation;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscriber's cancel racing the end of the body's stream on another thread, over and over: whichever wins,
 * the bulkhead's slot goes back exactly once, and the breaker records exactly the calls whose completion the
 * subscriber got. The subscription's own lock is what decides the race; each round's outcome is checked, not timed.
 */
class ReactiveSubscriptionRaceTest {
    private static final int ROUNDS = 1000;
    private static final long WAIT_SECONDS = 10;
    private final ChainFixture chains = new ChainFixture();

    /** The site's body: three items, emitted on another thread. */
    public static Flux<Integer> threeElsewhere() {
        return Flux.range(1, 3).publishOn(Schedulers.parallel());
    }

    /** The site's body: one item, emitted on another thread. */
    public static Mono<Integer> oneElsewhere() {
        return Mono.just(1).publishOn(Schedulers.parallel());
    }

    @Test
    void aCancelRacingAFluxsEndGivesTheSlotBackOnceAndRecordsOnlyWhatCompleted() throws Exception {
        racesCancelAgainstTheEnd("threeElsewhere", "reactor.core.publisher.Flux");
    }

    @Test
    void aCancelRacingAMonosItemGivesTheSlotBackOnceAndRecordsOnlyWhatCompleted() throws Exception {
        racesCancelAgainstTheEnd("oneElsewhere", "reactor.core.publisher.Mono");
    }

    private void racesCancelAgainstTheEnd(String body, String type) throws Exception {
        ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);
        int site = chains.reactiveSite(ReactiveSubscriptionRaceTest.class, body, type,
                "bulkhead { max-concurrent = 1 }",
                "circuit-breaker { window-size = " + ROUNDS + ", minimum-calls = " + ROUNDS + " }");
        String bulkhead = chains.registry.bulkheadNames().iterator().next();
        String breaker = chains.registry.circuitBreakerNames().iterator().next();
        List<Racer> racers = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Racer racer = new Racer();
            racers.add(racer);
            publisher(dispatcher, site).subscribe(racer);
            assertThat(racer.subscribed.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("round %d subscribed", round).isTrue();
            // A varying head start, so that the cancel lands before, during and after the stream's end.
            for (int spin = round % 64; spin > 0; spin--) {
                Thread.onSpinWait();
            }
            racer.subscription.cancel();
            // Once cancel returns, whoever won has given the slot back.
            assertThat(chains.registry.bulkheadActive(bulkhead)).as("round %d's slot", round).isZero();
        }
        // A completion is signalled just after its record, maybe after the cancel returned: it is waited for.
        long recorded = chains.registry.circuitBreaker(breaker).metrics().bufferedCalls();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (completions(racers) < recorded && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(completions(racers)).as("completed calls, each recorded once").isEqualTo(recorded);
        assertThat(chains.registry.circuitBreaker(breaker).metrics().failedCalls()).isZero();
        for (Racer racer : racers) {
            assertThat(racer.errors.get()).isZero();
            assertThat(racer.completions.get()).isLessThanOrEqualTo(1);
        }
    }

    private static long completions(List<Racer> racers) {
        return racers.stream().mapToLong(racer -> racer.completions.get()).sum();
    }

    @SuppressWarnings("unchecked")
    private static Publisher<Integer> publisher(ChainDispatcher dispatcher, int site) {
        Invocation invocation = dispatcher.enter(site);
        assertThat(invocation.asynchronous).isTrue();
        return (Publisher<Integer>) dispatcher.async(invocation, ReactiveSubscriptionRaceTest.class, null, new Object[0]);
    }

    /**
     * Requests everything at once and counts the terminal signals, also those that arrive after its cancel: a
     * subscriber of Reactor's own type, which no Reactor operator wraps.
     */
    private static final class Racer implements CoreSubscriber<Integer> {
        final CountDownLatch subscribed = new CountDownLatch(1);
        final AtomicInteger completions = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        volatile Subscription subscription;

        @Override
        public void onSubscribe(Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
            subscribed.countDown();
        }

        @Override
        public void onNext(Integer item) {
        }

        @Override
        public void onError(Throwable failure) {
            errors.incrementAndGet();
        }

        @Override
        public void onComplete() {
            completions.incrementAndGet();
        }
    }
}
