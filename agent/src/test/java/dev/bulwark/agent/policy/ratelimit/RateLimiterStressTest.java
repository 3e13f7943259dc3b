package dev.bulwark.agent.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.annotations.RateAlgorithm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Eight threads share one hand-driven clock: each call advances it by a step and reserves at the time it read, so
 * time only moves as fast as calls arrive and a preempted thread naturally brings a stale reading.
 */
class RateLimiterStressTest {
    private static final int THREADS = 8;
    private static final int PERMITS = 20;
    private static final long PERIOD = 1_000_000;
    private static final long STEP = PERIOD / (PERMITS * 128);
    private static final long START = 10 * PERIOD;

    @ParameterizedTest
    @EnumSource(RateAlgorithm.class)
    void neverGrantsBeyondWhatTheAlgorithmPromises(RateAlgorithm algorithm) throws Exception {
        RateLimiter limiter = Limiters.create(algorithm, PERMITS, PERIOD);
        AtomicLong clock = new AtomicLong(START);
        long end = START + 40 * PERIOD;

        long[] proceedTimes = hammer(THREADS, thread -> {
            List<Long> granted = new ArrayList<>();
            for (long call = thread;; call++) {
                long now = clock.addAndGet(STEP);
                if (now >= end) {
                    return granted;
                }
                long maxWait = call % 4 == 0 ? PERIOD / 2 : 0;
                long wait = limiter.reserve(now, maxWait);
                if (wait > maxWait) {
                    throw new AssertionError("waited " + wait + " beyond " + maxWait);
                }
                if (wait >= 0) {
                    granted.add(now + wait);
                }
            }
        });

        assertThat(proceedTimes).hasSizeGreaterThan(30 * PERMITS);
        assertWithinEnvelope(algorithm, proceedTimes, PERMITS, PERIOD);
    }

    /**
     * With one permit every grant depends on the one just claimed, so callers constantly read a slot whose
     * claimant may not have published it yet: a limiter that read such a slot too early would over-grant here.
     */
    @ParameterizedTest
    @EnumSource(RateAlgorithm.class)
    void aSinglePermitIsNeverGrantedTwiceInOnePeriod(RateAlgorithm algorithm) throws Exception {
        long period = 64;
        RateLimiter limiter = Limiters.create(algorithm, 1, period);
        AtomicLong clock = new AtomicLong(START);
        long end = START + 400_000;

        long[] proceedTimes = hammer(THREADS, thread -> {
            List<Long> granted = new ArrayList<>();
            for (long now = clock.incrementAndGet(); now < end; now = clock.incrementAndGet()) {
                long wait = limiter.reserve(now, period);
                if (wait >= 0) {
                    granted.add(now + wait);
                }
            }
            return granted;
        });

        assertThat(proceedTimes).hasSizeGreaterThan(1_000);
        if (algorithm == RateAlgorithm.FIXED_WINDOW) {
            GrantLog.assertAtMostPermitsPerAlignedWindow(proceedTimes, 1, period);
        } else {
            GrantLog.assertAtMostPermitsInAnyWindow(proceedTimes, 1, period);
        }
    }

    @ParameterizedTest
    @EnumSource(RateAlgorithm.class)
    void afterABurstGrantsAtTheConfiguredRate(RateAlgorithm algorithm) throws Exception {
        RateLimiter limiter = Limiters.create(algorithm, PERMITS, PERIOD);
        int periods = 20;
        long end = START + periods * PERIOD;

        long[] burst = hammer(THREADS, thread -> {
            List<Long> granted = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                if (limiter.reserve(START, 0) == 0) {
                    granted.add(START);
                }
            }
            return granted;
        });
        AtomicLong clock = new AtomicLong(START);
        long[] refill = hammer(THREADS, thread -> {
            List<Long> granted = new ArrayList<>();
            for (long now = clock.addAndGet(STEP); now < end; now = clock.addAndGet(STEP)) {
                if (limiter.reserve(now, 0) == 0) {
                    granted.add(now);
                }
            }
            return granted;
        });

        assertThat(burst).hasSize(PERMITS);
        // the rate is permits per period; a saturated limiter may lose at most one period's worth to phase
        assertThat(refill.length).isBetween((periods - 1) * PERMITS - 1, periods * PERMITS);
    }

    static void assertWithinEnvelope(RateAlgorithm algorithm, long[] proceedTimes, int permits, long period) {
        switch (algorithm) {
            case TOKEN_BUCKET:
                GrantLog.assertWithinTokenBucketEnvelope(proceedTimes, permits, period);
                break;
            case FIXED_WINDOW:
                GrantLog.assertAtMostPermitsPerAlignedWindow(proceedTimes, permits, period);
                break;
            case SLIDING_WINDOW:
                GrantLog.assertAtMostPermitsInAnyWindow(proceedTimes, permits, period);
                break;
            default:
                throw new AssertionError(algorithm);
        }
    }

    interface Worker {
        List<Long> run(int thread) throws Exception;
    }

    /** Runs the worker on that many threads released together; returns every time they reported. */
    static long[] hammer(int threads, Worker worker) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    return worker.run(thread);
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get(1, TimeUnit.MINUTES));
            }
            long[] times = all.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(times);
            return times;
        } finally {
            pool.shutdownNow();
        }
    }
}
