package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.CallObserver.RetryOutcome;
import dev.bulwark.agent.chain.CountedEntry;
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
    public static final int LATENCY = 0;
    public static final int FAULT = 1;
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
    public final Counters chaosInjections;
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
        chaosInjections = new Counters(2, clock, retentionNanos);
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
        private final PolicyName site;
        /** Resolved at the first injection, so a site without chaos holds no series of it; a race resolves it twice, alike. */
        private CounterSeries chaos;
        /**
         * Each thread's {@link CountedEntry}, by its number ({@link CellOwners}); made at the first, since only a
         * site that shares its invocation asks. Two threads racing to make it may each put one: an entry holds no
         * counts of its own (they are in the series' blocks), so one lost is simply made again. Plain reads and
         * writes: a slot is written only by the thread holding its number, and read by another only to find an
         * entry not its own, which the entry's final id tells it.
         */
        private OwnCounts[] entries;

        SiteCounts(PolicyName site, PolicyName retry, PolicyName bulkheadName, PolicyName limiterName) {
            retryOutcomes = retry == null ? null : retryCalls.resolve(retry);
            attempts = retry == null ? null : retryAttempts.resolve(retry);
            bulkhead = bulkheadName == null ? null : bulkheadCalls.resolve(bulkheadName);
            limiter = limiterName == null ? null : limiterCalls.resolve(limiterName);
            timeout = timeoutCalls.resolve(site);
            fallback = fallbackCalls.resolve(site);
            duration = durations.resolve(site);
            this.site = site;
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
        public void chaosInjected(boolean fault) {
            if (counting) {
                CounterSeries series = chaos;
                if (series == null) {
                    series = chaosInjections.resolve(site);
                    chaos = series;
                }
                series.increment(fault ? FAULT : LATENCY);
            }
        }

        @Override
        public void finished(long durationNanos, boolean failed) {
            if (counting && durationNanos >= 0) {
                duration.record(durationNanos, failed ? DurationSeries.FAILURE : DurationSeries.SUCCESS);
            }
        }

        /**
         * Only once counting has started, which it never stops: an entry's own counts need not ask again. A thread
         * finds its entry at its home number ({@link CellOwners#home}), told by its id (ids are never reused), with
         * no look-up of its number, which only a thread whose home number another holds pays.
         */
        @Override
        public CountedEntry countedEntry() {
            long thread = CellOwners.currentThreadId();
            OwnCounts[] all = entries;
            if (all != null) {
                OwnCounts entry = all[CellOwners.home(thread)];
                if (entry != null && entry.thread == thread) {
                    return entry;
                }
            }
            return ownEntry(thread);
        }

        /** The entry of a thread that has none at its home number: at its number, made at its first counted call there. */
        private OwnCounts ownEntry(long thread) {
            int owner = CellOwners.current();
            if (owner == CellOwners.SHARED) {
                return null;
            }
            OwnCounts[] all = entries;
            OwnCounts entry = all == null ? null : all[owner];
            return entry != null && entry.thread == thread ? entry : newEntry(owner, thread);
        }

        /**
         * The first counted call of a thread with this number, or of the thread that took it over from one that ended;
         * only the thread holding the number writes its slot.
         */
        private OwnCounts newEntry(int owner, long thread) {
            if (!counting) {
                return null;
            }
            OwnCounts[] all = entries;
            if (all == null) {
                all = new OwnCounts[CellOwners.OWNED];
                entries = all;
            }
            OwnCounts entry = new OwnCounts(thread, retryOutcomes == null ? null : retryOutcomes.block(owner),
                    bulkhead == null ? null : bulkhead.block(owner), limiter == null ? null : limiter.block(owner),
                    duration, duration.block(owner));
            all[owner] = entry;
            return entry;
        }
    }

    /**
     * The counts of one site that one thread (one number of {@link CellOwners}) writes, for its counted calls that
     * succeed at once: the blocks of that number in the site's series, resolved when the entry is made.
     */
    private static final class OwnCounts extends CountedEntry {
        private static final int RETRY_SUCCESS = RetryOutcome.SUCCESS.ordinal();

        /** The id of the thread that made it, and alone uses it. */
        final long thread;
        /** Null where the site has no such policy. */
        private final long[] retryOutcomes;
        private final long[] bulkhead;
        private final long[] limiter;
        private final DurationSeries duration;
        private final long[] durations;

        OwnCounts(long thread, long[] retryOutcomes, long[] bulkhead, long[] limiter, DurationSeries duration,
                  long[] durations) {
            this.thread = thread;
            this.retryOutcomes = retryOutcomes;
            this.bulkhead = bulkhead;
            this.limiter = limiter;
            this.duration = duration;
            this.durations = durations;
        }

        @Override
        public void limiterPermitted(RateScope scope) {
            CounterSeries.increment(limiter, limiterIndex(true, scope));
        }

        @Override
        public void bulkheadPermitted() {
            CounterSeries.increment(bulkhead, PERMITTED);
        }

        @Override
        public void succeeded(long durationNanos) {
            if (retryOutcomes != null) {
                CounterSeries.increment(retryOutcomes, RETRY_SUCCESS);
            }
            duration.record(durations, durationNanos, DurationSeries.SUCCESS);
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
