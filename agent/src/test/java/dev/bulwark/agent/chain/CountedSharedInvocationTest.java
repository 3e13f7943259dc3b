package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.chain.CallObserver.RetryOutcome;
import dev.bulwark.agent.policy.MillisecondClock;
import dev.bulwark.agent.telemetry.metrics.BulwarkMetrics;
import dev.bulwark.agent.telemetry.metrics.Counters;
import dev.bulwark.agent.telemetry.metrics.DurationSeries;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
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
    void aFailedAttemptTurnsTheFrameIntoAFullOneThatRetries() {
        int site = chains.site("retry { max-attempts = 3, delay = 0ms }");
        Invocation shared = dispatcher.enter(site);
        Invocation frame = dispatcher.endStateless(shared, new IllegalStateException("attempt 1"));

        assertThat(frame).isSameAs(shared);
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

        assertThat(count(metrics.limiterCalls, BulwarkMetrics.limiterIndex(true, dev.bulwark.agent.policy.ratelimit.RateScope.LOCAL)))
                .isEqualTo(1);
        assertThat(count(metrics.limiterCalls, BulwarkMetrics.limiterIndex(false, dev.bulwark.agent.policy.ratelimit.RateScope.LOCAL)))
                .isEqualTo(1);
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
