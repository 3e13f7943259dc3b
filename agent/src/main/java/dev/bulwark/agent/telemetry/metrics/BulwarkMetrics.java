package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.CallObserver.RetryOutcome;
import dev.bulwark.agent.chain.PolicyName;
import dev.bulwark.agent.chain.SiteMetrics;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.bulkhead.LimitBulkhead;
import dev.bulwark.agent.policy.circuitbreaker.CallOutcome;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import dev.bulwark.agent.policy.circuitbreaker.CircuitState;
import dev.bulwark.agent.policy.ratelimit.RateScope;

import java.util.concurrent.TimeUnit;

/**
 * Bulwark's own counts of every metric instrument (docs/telemetry.md), one set per agent, independent of the
 * OpenTelemetry SDK that reads them at collection. Chains and breakers resolve their series here once, when
 * they are built, and record into them directly; nothing is counted until {@link #start} (an SDK was found),
 * so the export begins with the calls it could see.
 */
public final class BulwarkMetrics {
    public static final int PERMITTED = 0;
    public static final int REJECTED = 1;
    public static final int COMPLETED = 0;
    public static final int TIMED_OUT = 1;
    /** How long a name that records nothing is still reported (docs/telemetry.md). */
    public static final long RETENTION_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int STATES = CircuitState.values().length;

    public final Counters breakerCalls;
    public final Counters breakerTransitions;
    public final Counters retryCalls;
    public final Counters retryAttempts;
    public final Counters bulkheadCalls;
    public final Counters limiterCalls;
    public final Counters timeoutCalls;
    public final Counters fallbackCalls;
    public final Durations durations;
    /** One load per decision: whether an SDK reads the counts. */
    private volatile boolean counting;

    /** Counts kept while a chain or breaker holds them; reported while they record (docs/telemetry.md). */
    public BulwarkMetrics() {
        this(NanoClock.SYSTEM, RETENTION_NANOS);
    }

    /** @param clock tells how long a name has recorded nothing */
    public BulwarkMetrics(NanoClock clock, long retentionNanos) {
        breakerCalls = new Counters(CallOutcome.values().length, clock, retentionNanos);
        breakerTransitions = new Counters(STATES * STATES, clock, retentionNanos);
        retryCalls = new Counters(RetryOutcome.values().length, clock, retentionNanos);
        retryAttempts = new Counters(1, clock, retentionNanos);
        bulkheadCalls = new Counters(2 * LimitBulkhead.MAX_PARTITIONS, clock, retentionNanos);
        limiterCalls = new Counters(2 * RateScope.values().length, clock, retentionNanos);
        timeoutCalls = new Counters(2, clock, retentionNanos);
        fallbackCalls = new Counters(1, clock, retentionNanos);
        durations = new Durations(clock, retentionNanos);
    }

    /** Where {@link #limiterCalls} counts a decision: outcome and where it was made, two outcomes per scope. */
    public static int limiterIndex(boolean permitted, RateScope scope) {
        return 2 * scope.ordinal() + (permitted ? PERMITTED : REJECTED);
    }

    /** From now on, decisions are counted. */
    public void start() {
        counting = true;
    }

    /** The counts of one site, for its chain to hold; a name is null where the site has no such policy. */
    public SiteMetrics site(PolicyName site, PolicyName retry, PolicyName bulkhead, PolicyName limiter) {
        return new SiteCounts(site, retry, bulkhead, limiter);
    }

    /** The listener of one breaker, holding its counts. */
    public CircuitBreakerListener breaker(PolicyName name) {
        return new BreakerCounts(name);
    }

    private final class SiteCounts implements SiteMetrics {
        private final CounterSeries retryOutcomes;
        private final CounterSeries attempts;
        private final CounterSeries bulkhead;
        private final CounterSeries limiter;
        private final CounterSeries timeout;
        private final CounterSeries fallback;
        private final DurationSeries duration;

        SiteCounts(PolicyName site, PolicyName retry, PolicyName bulkheadName, PolicyName limiterName) {
            retryOutcomes = retry == null ? null : retryCalls.resolve(retry);
            attempts = retry == null ? null : retryAttempts.resolve(retry);
            bulkhead = bulkheadName == null ? null : bulkheadCalls.resolve(bulkheadName);
            limiter = limiterName == null ? null : limiterCalls.resolve(limiterName);
            timeout = timeoutCalls.resolve(site);
            fallback = fallbackCalls.resolve(site);
            duration = durations.resolve(site);
        }

        @Override
        public void retryFinished(RetryOutcome outcome) {
            if (counting) {
                retryOutcomes.increment(outcome.ordinal());
            }
        }

        @Override
        public void retryAttempt() {
            if (counting) {
                attempts.increment(0);
            }
        }

        @Override
        public void bulkhead(boolean permitted) {
            bulkhead(permitted, 0);
        }

        /** Series index {@code 2 × partition + outcome}: a partitioned bulkhead counts each partition apart. */
        @Override
        public void bulkhead(boolean permitted, int partition) {
            if (counting) {
                bulkhead.increment(2 * partition + (permitted ? PERMITTED : REJECTED));
            }
        }

        @Override
        public void rateLimiter(boolean permitted) {
            rateLimiter(permitted, RateScope.LOCAL);
        }

        @Override
        public void rateLimiter(boolean permitted, RateScope scope) {
            if (counting) {
                limiter.increment(limiterIndex(permitted, scope));
            }
        }

        @Override
        public void timeout(Object invocation, boolean timedOut) {
            if (counting) {
                timeout.increment(timedOut ? TIMED_OUT : COMPLETED);
            }
        }

        @Override
        public void fallback() {
            if (counting) {
                fallback.increment(0);
            }
        }

        @Override
        public void finished(long durationNanos, boolean failed) {
            if (counting && durationNanos >= 0) {
                duration.record(durationNanos, failed ? DurationSeries.FAILURE : DurationSeries.SUCCESS);
            }
        }
    }

    private final class BreakerCounts implements CircuitBreakerListener {
        private final CounterSeries outcomes;
        private final CounterSeries transitions;

        BreakerCounts(PolicyName name) {
            outcomes = breakerCalls.resolve(name);
            transitions = breakerTransitions.resolve(name);
        }

        @Override
        public void onTransition(String name, CircuitState from, CircuitState to) {
            if (counting) {
                transitions.increment(from.ordinal() * STATES + to.ordinal());
            }
        }

        @Override
        public void onOutcome(String name, CallOutcome outcome) {
            if (counting) {
                outcomes.increment(outcome.ordinal());
            }
        }
    }
}
