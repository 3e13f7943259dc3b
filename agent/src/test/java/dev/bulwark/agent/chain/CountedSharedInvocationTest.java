package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.chain.CallObserver.RetryOutcome;
import dev.bulwark.agent.policy.MillisecondClock;
import dev.bulwark.agent.policy.ratelimit.RateScope;
import dev.bulwark.agent.telemetry.metrics.BulwarkMetrics;
import dev.bulwark.agent.telemetry.metrics.Counters;
import dev.bulwark.agent.telemetry.metrics.DurationSeries;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A counted call of a site that shares its invocation (metrics on, spans off) takes a frame that holds only its
 * start, is timed on the millisecond clock, and counts what a full frame counts; a failed attempt turns that
 * frame into a full one, which retries, rejects and releases as any.
 */
class CountedSharedInvocationTest {
    private final AtomicLong exactNow = new AtomicLong(1_000_000_000L);
    private final AtomicInteger exactReads = new AtomicInteger();
    private final MillisecondClock millisecond = MillisecondClock.driven(exactNow::get);
    private final BulwarkMetrics metrics = new BulwarkMetrics();
    private final CallObserver counting = new CallObserver() {
        @Override
        public Object invocationStarted(String site) {
            return COUNTING;
        }

        @Override
        public SiteMetrics siteMetrics(PolicyName site, PolicyName retry, PolicyName bulkhead, PolicyName limiter) {
            return metrics.site(site, retry, bulkhead, limiter);
        }
    };
    private final ChainFixture chains;
    private final ChainDispatcher dispatcher;

    CountedSharedInvocationTest() {
        millisecond.tick();
        metrics.start();
        chains = new ChainFixture(() -> {
            exactReads.incrementAndGet();
            return exactNow.get();
        }, millisecond, counting);
        dispatcher = chains.dispatcher(counting);
    }

    @Test
    void successesAreCountedAndTimedWithoutAnExactReading() {
        int site = chains.site("retry { max-attempts = 3, delay = 0ms }");
        for (int i = 0; i < 3; i++) {
            Invocation invocation = dispatcher.enter(site);
            assertThat(invocation.stateless).isTrue();
            assertThat(invocation.skipBody).isFalse();
            exactNow.addAndGet(2_000_000L);
            millisecond.tick();
            assertThat(dispatcher.endStateless(invocation, null)).isNull();
        }

        assertThat(count(metrics.retryCalls, RetryOutcome.SUCCESS.ordinal())).isEqualTo(3);
        assertThat(durations()).containsExactly("success 0.002 x3");
        assertThat(exactReads).hasValue(0);
    }

    @Test
    void aCallNestedInOneOfTheSameSiteOnTheSameThreadIsCountedInAFrameOfItsOwn() {
        int site = chains.site("retry { max-attempts = 3, delay = 0ms }");
        Invocation outer = dispatcher.enter(site);
        Invocation inner = dispatcher.enter(site);

        assertThat(inner).isNotSameAs(outer);
        assertThat(inner.stateless).isTrue();
        exactNow.addAndGet(1_000_000L);
        millisecond.tick();
        assertThat(dispatcher.endStateless(inner, null)).isNull();
        exactNow.addAndGet(1_000_000L);
        millisecond.tick();
        assertThat(dispatcher.endStateless(outer, null)).isNull();

        assertThat(count(metrics.retryCalls, RetryOutcome.SUCCESS.ordinal())).isEqualTo(2);
        assertThat(durations()).containsExactlyInAnyOrder("success 0.001 x1", "success 0.002 x1");
        assertThat(dispatcher.enter(site)).as("the thread's entry is free again").isSameAs(outer);
    }

    @Test
    void anInternalErrorAtTheEndOfACountedCallFreesItsEntryAndItsSlot() {
        int site = chains.site("bulkhead { max-concurrent = 1 }");
        Invocation broken = dispatcher.enter(site);
        dispatcher.internalError(broken, new IllegalStateException("a fault of ours"));

        Invocation next = dispatcher.enter(site);
        assertThat(next).isSameAs(broken);
        assertThat(next.skipBody).as("the slot was given back").isFalse();
        assertThat(dispatcher.endStateless(next, null)).isNull();
    }

    @Test
    void aFailedAttemptTurnsTheFrameIntoAFullOneThatRetries() {
        int site = chains.site("retry { max-attempts = 3, delay = 0ms }");
        Invocation shared = dispatcher.enter(site);
        Invocation frame = dispatcher.endStateless(shared, new IllegalStateException("attempt 1"));

        assertThat(frame).isNotNull();
        assertThat(frame.stateless).isFalse();
        assertThat(dispatcher.exit(frame, new IllegalStateException("attempt 1"))).isEqualTo(BulwarkBridge.REPEAT);
        assertThat(dispatcher.exit(frame, null)).isEqualTo(BulwarkBridge.PROCEED);
        assertThat(count(metrics.retryCalls, RetryOutcome.SUCCESS_AFTER_RETRY.ordinal())).isEqualTo(1);
        assertThat(count(metrics.retryAttempts, 0)).isEqualTo(1);
        assertThat(durations()).hasSize(1);
        assertThat(dispatcher.enter(site).stateless).as("the frame is shared again by the next call").isTrue();
    }

    @Test
    void aBulkheadSlotIsCountedHeldAndReleasedOnSuccessAndOnFailure() {
        int site = chains.site("bulkhead { max-concurrent = 1 }");
        Invocation holder = dispatcher.enter(site);
        Invocation refused = dispatcher.enter(site);

        assertThat(refused.stateless).isFalse();
        assertThat(refused.skipBody).isTrue();
        assertThat(dispatcher.exit(refused, null)).isEqualTo(BulwarkBridge.THROW | BulwarkBridge.BULKHEAD_FULL);
        dispatcher.finish(refused);
        assertThat(dispatcher.endStateless(holder, null)).isNull();

        Invocation failing = dispatcher.enter(site);
        assertThat(failing.skipBody).isFalse();
        Invocation frame = dispatcher.endStateless(failing, new IllegalStateException("boom"));
        assertThat(dispatcher.exit(frame, new IllegalStateException("boom"))).isEqualTo(BulwarkBridge.PROCEED);

        Invocation next = dispatcher.enter(site);
        assertThat(next.skipBody).as("both slots were given back").isFalse();
        assertThat(dispatcher.endStateless(next, null)).isNull();
        assertThat(count(metrics.bulkheadCalls, BulwarkMetrics.PERMITTED)).isEqualTo(3);
        assertThat(count(metrics.bulkheadCalls, BulwarkMetrics.REJECTED)).isEqualTo(1);
    }

    @Test
    void aLimiterSiteCountsItsPermitsAndRefusesInAFullFrame() {
        int site = chains.site("rate-limiter { permits = 1, period = 1h }");
        Invocation permitted = dispatcher.enter(site);
        assertThat(permitted.stateless).isTrue();
        assertThat(dispatcher.endStateless(permitted, null)).isNull();

        Invocation refused = dispatcher.enter(site);
        assertThat(refused.stateless).isFalse();
        assertThat(dispatcher.exit(refused, null)).isEqualTo(BulwarkBridge.THROW | BulwarkBridge.RATE_LIMITED);
        dispatcher.finish(refused);

        assertThat(count(metrics.limiterCalls, BulwarkMetrics.limiterIndex(true, RateScope.LOCAL)))
                .isEqualTo(1);
        assertThat(count(metrics.limiterCalls, BulwarkMetrics.limiterIndex(false, RateScope.LOCAL)))
                .isEqualTo(1);
    }

    @Test
    void threadsSharingACountedBulkheadSiteCountEveryDecisionOnceAndGiveEverySlotBack() throws Exception {
        int site = chains.site("bulkhead { max-concurrent = 4 }");
        int threads = 8;
        int callsEach = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong admitted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<Throwable> faults = Collections.synchronizedList(new ArrayList<>());
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread caller = new Thread(() -> {
                try {
                    start.await();
                    callRepeatedly(site, callsEach, admitted, refused);
                } catch (Throwable fault) {
                    faults.add(fault);
                }
            });
            caller.start();
            callers.add(caller);
        }
        start.countDown();
        for (Thread caller : callers) {
            caller.join();
        }

        assertThat(faults).isEmpty();
        assertThat(admitted.get() + refused.get()).isEqualTo((long) threads * callsEach);
        assertThat(count(metrics.bulkheadCalls, BulwarkMetrics.PERMITTED)).isEqualTo(admitted.get());
        assertThat(count(metrics.bulkheadCalls, BulwarkMetrics.REJECTED)).isEqualTo(refused.get());
        long[] timed = {0};
        metrics.durations.collect(series -> series.drain(Long.MAX_VALUE, (outcome, seconds, times) -> timed[0] += times));
        assertThat(timed[0]).isEqualTo((long) threads * callsEach);
        List<Invocation> holders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            holders.add(dispatcher.enter(site));
        }
        assertThat(holders).as("every slot was given back").noneMatch(invocation -> invocation.skipBody);
    }

    @Test
    void aThreadUsesAnEntryOfItsOwnWhetherItsHomeNumberIsHeldByAnotherOrWasLeftByOneThatEnded() throws Exception {
        int site = chains.site("retry { max-attempts = 3, delay = 0ms }");
        int callsEach = 100;
        CountDownLatch firstCounted = new CountDownLatch(1);
        CountDownLatch firstMayEnd = new CountDownLatch(1);
        List<Throwable> faults = Collections.synchronizedList(new ArrayList<>());
        Set<Invocation> firstEntries = ConcurrentHashMap.newKeySet();
        Set<Invocation> sharingEntries = ConcurrentHashMap.newKeySet();
        Set<Invocation> successorEntries = ConcurrentHashMap.newKeySet();
        Thread first = new Thread(() -> {
            try {
                callSucceeding(site, callsEach, firstEntries);
                firstCounted.countDown();
                firstMayEnd.await();
            } catch (Throwable fault) {
                faults.add(fault);
            }
        });
        first.start();
        firstCounted.await();
        // Thread ids are never reused: one of the same home number is made by making threads until one has it.
        Thread sharingHome = threadOfHomeNumber(first, () -> callSucceeding(site, callsEach, sharingEntries), faults);
        sharingHome.start();
        sharingHome.join();
        firstMayEnd.countDown();
        first.join();
        Thread successor = threadOfHomeNumber(first, () -> callSucceeding(site, callsEach, successorEntries), faults);
        successor.start();
        successor.join();

        assertThat(faults).isEmpty();
        assertThat(firstEntries).hasSize(1);
        assertThat(sharingEntries).as("a thread whose home number a live thread holds").hasSize(1)
                .doesNotContainAnyElementsOf(firstEntries);
        assertThat(successorEntries).as("a thread that took the home number over from one that ended").hasSize(1)
                .doesNotContainAnyElementsOf(firstEntries).doesNotContainAnyElementsOf(sharingEntries);
        assertThat(count(metrics.retryCalls, RetryOutcome.SUCCESS.ordinal())).isEqualTo(3L * callsEach);
        assertThat(durations()).containsExactly("success 0.0 x" + 3 * callsEach);
    }

    /** Counted calls that succeed at once, each telling which invocation object it ran in. */
    private void callSucceeding(int site, int calls, Set<Invocation> entries) {
        for (int i = 0; i < calls; i++) {
            Invocation invocation = dispatcher.enter(site);
            entries.add(invocation);
            assertThat(dispatcher.endStateless(invocation, null)).isNull();
        }
    }

    /** A thread, not started, whose id has the same home number of the metric cells (of 64) as {@code other}'s. */
    private static Thread threadOfHomeNumber(Thread other, Runnable body, List<Throwable> faults) {
        for (; ; ) {
            Thread thread = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable fault) {
                    faults.add(fault);
                }
            });
            if (homeNumber(thread) == homeNumber(other)) {
                return thread;
            }
        }
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+
    private static long homeNumber(Thread thread) {
        return thread.getId() % 64;
    }

    /** Calls the site, one call in ten failing, and tells which calls the bulkhead admitted and which it refused. */
    private void callRepeatedly(int site, int calls, AtomicLong admitted, AtomicLong refused) {
        for (int i = 0; i < calls; i++) {
            Invocation invocation = dispatcher.enter(site);
            if (invocation.skipBody) {
                refused.incrementAndGet();
                assertThat(dispatcher.exit(invocation, null)).isEqualTo(BulwarkBridge.THROW | BulwarkBridge.BULKHEAD_FULL);
                dispatcher.finish(invocation);
            } else if (i % 10 == 0) {
                admitted.incrementAndGet();
                IllegalStateException failure = new IllegalStateException("call " + i);
                assertThat(dispatcher.exit(dispatcher.endStateless(invocation, failure), failure))
                        .isEqualTo(BulwarkBridge.PROCEED);
            } else {
                admitted.incrementAndGet();
                assertThat(dispatcher.endStateless(invocation, null)).isNull();
            }
        }
    }

    private static long count(Counters counters, int index) {
        long[] total = {0};
        counters.collect(series -> total[0] += series.count(index));
        return total[0];
    }

    private List<String> durations() {
        List<String> handed = new ArrayList<>();
        metrics.durations.collect(series -> series.drain(Long.MAX_VALUE, (outcome, seconds, times) ->
                handed.add((outcome == DurationSeries.SUCCESS ? "success " : "failure ") + seconds + " x" + times)));
        return handed;
    }
}
