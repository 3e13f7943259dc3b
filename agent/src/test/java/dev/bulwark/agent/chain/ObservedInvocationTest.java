package dev.bulwark.agent.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.chain.CallObserver.RetryOutcome;
import dev.bulwark.agent.policy.MillisecondClock;
import dev.bulwark.agent.policy.NanoClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The observer hears of an invocation's success only when it recorded as the invocation started; one it only counts
 * is timed on the millisecond clock.
 */
class ObservedInvocationTest {
    private static final String[] EVERY_POLICY = {
            "circuit-breaker { window-size = 10 }", "retry { max-attempts = 2, delay = 0ms }", "timeout { value = 2s }",
            "rate-limiter { permits = 10, period = 1h }", "bulkhead { max-concurrent = 5 }"};

    @Test
    void aSuccessThatStartedWhileNothingRecordedIsNotReported() {
        CountingObserver observer = new CountingObserver(CallObserver.NOT_RECORDING);

        succeedOnce(observer);

        assertThat(observer.heard).containsExactly("started");
    }

    @Test
    void aRecordedSuccessIsReportedWithItsDuration() {
        CountingObserver observer = new CountingObserver("span");

        succeedOnce(observer);

        assertThat(observer.heard).containsExactly("started", "rate limiter permitted", "bulkhead permitted",
                "timeout span in time", "retry finished", "finished span timed");
    }

    @Test
    void anInvocationThatIsOnlyCountedIsTimedOnTheMillisecondClockWithoutAnExactReading() {
        AtomicLong exactNow = new AtomicLong(1_000_000_000L);
        AtomicInteger exactReads = new AtomicInteger();
        NanoClock exact = () -> {
            exactReads.incrementAndGet();
            return exactNow.get();
        };
        MillisecondClock millisecond = MillisecondClock.driven(exactNow::get);
        millisecond.tick();
        List<Long> durations = new ArrayList<>();
        CallObserver counting = new CallObserver() {
            @Override
            public Object invocationStarted(String site) {
                return COUNTING;
            }

            @Override
            public SiteMetrics siteMetrics(PolicyName site, PolicyName retry, PolicyName bulkhead, PolicyName limiter) {
                return new RecordedDurations(durations);
            }
        };
        ChainFixture chains = new ChainFixture(exact, millisecond, counting);
        ChainDispatcher dispatcher = chains.dispatcher(counting);
        Invocation invocation = dispatcher.enter(chains.site("retry { max-attempts = 2, delay = 0ms }", "circuit-breaker { window-size = 10 }"));
        exactNow.addAndGet(3_000_000L);
        millisecond.tick();
        assertThat(dispatcher.exit(invocation, null)).isEqualTo(BulwarkBridge.PROCEED);

        assertThat(durations).containsExactly(3_000_000L);
        assertThat(exactReads).hasValue(0);
    }

    @Test
    void aHealthyEventfulInvocationIsTimedAsOneOnlyCountedAndNeverTraced() {
        AtomicLong exactNow = new AtomicLong(1_000_000_000L);
        AtomicInteger exactReads = new AtomicInteger();
        MillisecondClock millisecond = MillisecondClock.driven(exactNow::get);
        millisecond.tick();
        List<Long> durations = new ArrayList<>();
        EventfulObserver eventful = new EventfulObserver(durations);
        ChainFixture chains = new ChainFixture(() -> {
            exactReads.incrementAndGet();
            return exactNow.get();
        }, millisecond, eventful);
        ChainDispatcher dispatcher = chains.dispatcher(eventful);
        Invocation invocation = dispatcher.enter(chains.site("retry { max-attempts = 2, delay = 0ms }"));
        exactNow.addAndGet(3_000_000L);
        millisecond.tick();
        assertThat(invocation.stateless).isTrue();
        assertThat(dispatcher.endStateless(invocation, null)).isNull();

        assertThat(durations).containsExactly(3_000_000L);
        assertThat(exactReads).hasValue(0);
        assertThat(eventful.heard).isEmpty();
    }

    @Test
    void anEventfulInvocationIsTracedFromItsStartAtItsFirstEventAndFinishedWithThatHandle() {
        AtomicLong exactNow = new AtomicLong(1_000_000_000L);
        MillisecondClock millisecond = MillisecondClock.driven(exactNow::get);
        millisecond.tick();
        EventfulObserver eventful = new EventfulObserver(new ArrayList<>());
        ChainFixture chains = new ChainFixture(exactNow::get, millisecond, eventful);
        ChainDispatcher dispatcher = chains.dispatcher(eventful);
        Invocation shared = dispatcher.enter(chains.site("retry { max-attempts = 3, delay = 0ms }"));
        exactNow.addAndGet(2_000_000L);
        Invocation invocation = dispatcher.endStateless(shared, new IllegalStateException("first"));
        assertThat(dispatcher.exit(invocation, new IllegalStateException("first"))).isEqualTo(BulwarkBridge.REPEAT);
        assertThat(dispatcher.exit(invocation, new IllegalStateException("second"))).isEqualTo(BulwarkBridge.REPEAT);
        assertThat(dispatcher.exit(invocation, null)).isEqualTo(BulwarkBridge.PROCEED);

        assertThat(eventful.heard).containsExactly("traced from 1000000000", "retry 2 on record", "retry 3 on record",
                "finished record");
    }

    /** Says {@link CallObserver#EVENTFUL} and hands out one record, {@code "record"}, when traced. */
    private static final class EventfulObserver implements CallObserver {
        private final List<Long> durations;
        final List<String> heard = new ArrayList<>();

        EventfulObserver(List<Long> durations) {
            this.durations = durations;
        }

        @Override
        public Object invocationStarted(String site) {
            return EVENTFUL;
        }

        @Override
        public Object invocationTraced(String site, long startNanos) {
            heard.add("traced from " + startNanos);
            return "record";
        }

        @Override
        public void retryAttempt(Object invocation, String retryName, int attempt) {
            heard.add("retry " + attempt + " on " + invocation);
        }

        @Override
        public void invocationFinished(Object invocation, String site, long durationNanos,
                                       Class<? extends Throwable> failure, Throwable thrown) {
            heard.add("finished " + invocation);
        }

        @Override
        public SiteMetrics siteMetrics(PolicyName site, PolicyName retry, PolicyName bulkhead, PolicyName limiter) {
            return new RecordedDurations(durations);
        }
    }

    private static final class RecordedDurations implements SiteMetrics {
        private final List<Long> durations;

        RecordedDurations(List<Long> durations) {
            this.durations = durations;
        }

        @Override
        public void finished(long durationNanos, boolean failed) {
            durations.add(durationNanos);
        }
    }

    private void succeedOnce(CallObserver observer) {
        ChainFixture chains = new ChainFixture(observer);
        ChainDispatcher dispatcher = chains.dispatcher(observer);
        Invocation invocation = dispatcher.enter(chains.site(EVERY_POLICY));
        assertThat(invocation.skipBody).isFalse();
        assertThat(dispatcher.exit(invocation, null)).isEqualTo(BulwarkBridge.PROCEED);
    }

    private static final class CountingObserver implements CallObserver {
        private final Object observation;
        final List<String> heard = new ArrayList<>();

        CountingObserver(Object observation) {
            this.observation = observation;
        }

        @Override
        public Object invocationStarted(String site) {
            heard.add("started");
            return observation;
        }

        @Override
        public void rateLimiter(String limiterName, boolean permitted) {
            heard.add("rate limiter " + (permitted ? "permitted" : "refused"));
        }

        @Override
        public void bulkhead(String bulkheadName, boolean permitted) {
            heard.add("bulkhead " + (permitted ? "permitted" : "refused"));
        }

        @Override
        public void timeout(Object invocation, String site, boolean timedOut) {
            heard.add("timeout " + invocation + (timedOut ? " timed out" : " in time"));
        }

        @Override
        public void retryFinished(String retryName, RetryOutcome outcome) {
            heard.add("retry finished");
        }

        @Override
        public void invocationFinished(Object invocation, String site, long durationNanos,
                                       Class<? extends Throwable> failure, Throwable thrown) {
            heard.add("finished " + invocation + (durationNanos >= 0 ? " timed" : " untimed"));
        }
    }
}
