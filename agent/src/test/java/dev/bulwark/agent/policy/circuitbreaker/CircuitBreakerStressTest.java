package dev.bulwark.agent.policy.circuitbreaker;

import static dev.bulwark.agent.policy.circuitbreaker.BreakerDriver.FAILURE;
import static dev.bulwark.agent.policy.circuitbreaker.BreakerDriver.FAST;
import static dev.bulwark.agent.policy.circuitbreaker.BreakerDriver.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.annotations.WindowType;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerStressTest {
    private static final int THREADS = 8;
    private static final long SLOW = 1_000_000_000L;

    private final Race race = new Race(THREADS);

    @AfterEach
    void stopThreads() {
        race.close();
    }

    @Test
    void concurrentFailuresOpenTheBreakerExactlyOnce() throws Exception {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(10).windowSize(50).failureRateThreshold(50)
                .waitInOpenNanos(Long.MAX_VALUE));
        int permitsPerThread = 20;
        for (int round = 0; round < 200; round++) {
            d.breaker.reset();
            d.listener.clear();
            long now = d.clock.nanoTime();

            CyclicBarrier allAdmitted = new CyclicBarrier(THREADS);

            // Every thread holds CLOSED permits first, so many completions see the window trip at once.
            race.run(thread -> {
                long[] permits = new long[permitsPerThread];
                for (int i = 0; i < permitsPerThread; i++) {
                    permits[i] = d.breaker.tryAcquirePermission(now);
                }
                allAdmitted.await();
                for (long permit : permits) {
                    d.breaker.onComplete(permit, FAILURE, FAST, now);
                }
            });

            assertThat(d.listener.transitions()).as("round %d", round).containsExactly("CLOSED->OPEN");
            assertThat(d.state()).isEqualTo(CircuitState.OPEN);
            assertThat(d.listener.outcomes(CallOutcome.FAILURE)).isEqualTo(THREADS * permitsPerThread);
        }
    }

    @Test
    void racersAfterWaitInOpenGetExactlyHalfOpenCallsTrials() throws Exception {
        int halfOpenCalls = 3;
        long wait = 1_000_000_000L;
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(1).windowSize(1).failureRateThreshold(50)
                .waitInOpenNanos(wait).halfOpenCalls(halfOpenCalls));
        d.fail(1);
        for (int round = 0; round < 300; round++) {
            d.listener.clear();
            d.clock.advanceNanos(wait);
            long now = d.clock.nanoTime();
            ConcurrentLinkedQueue<Long> admitted = new ConcurrentLinkedQueue<>();

            race.run(thread -> {
                for (int attempt = 0; attempt < 4; attempt++) {
                    long permit = d.breaker.tryAcquirePermission(now);
                    if (permit >= 0) {
                        admitted.add(permit);
                    }
                }
            });

            assertThat(admitted).as("round %d", round).hasSize(halfOpenCalls);
            assertThat(admitted).containsOnly(admitted.peek());
            assertThat(d.listener.transitions()).containsExactly("OPEN->HALF_OPEN");
            assertThat(d.listener.outcomes(CallOutcome.REJECTED)).isEqualTo(THREADS * 4 - halfOpenCalls);

            for (long trial : admitted) {
                d.breaker.onComplete(trial, FAILURE, FAST, now);
            }
            assertThat(d.state()).isEqualTo(CircuitState.OPEN);
        }
    }

    @Test
    void concurrentTrialOutcomesDecideHalfOpenExactlyOnce() throws Exception {
        int halfOpenCalls = THREADS;
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(1).windowSize(1).failureRateThreshold(50)
                .waitInOpenNanos(0).halfOpenCalls(halfOpenCalls));
        for (int round = 0; round < 300; round++) {
            d.breaker.forceOpen();
            d.breaker.reset();
            d.fail(1);
            d.listener.clear();
            long now = d.clock.nanoTime();
            long[] trials = new long[halfOpenCalls];
            for (int i = 0; i < halfOpenCalls; i++) {
                trials[i] = d.breaker.tryAcquirePermission(now);
            }
            boolean failing = round % 2 == 0;

            race.run(thread -> d.breaker.onComplete(trials[thread], failing ? FAILURE : null, FAST, now));

            assertThat(d.listener.transitions()).as("round %d", round)
                    .containsExactly("OPEN->HALF_OPEN", failing ? "HALF_OPEN->OPEN" : "HALF_OPEN->CLOSED");
        }
    }

    @Test
    void aLongMixedRunLosesNoRecordedCall() throws Exception {
        int callsPerThread = 100_000;
        int windowSize = THREADS * callsPerThread + 1;
        BreakerDriver d = new BreakerDriver(spec().windowSize(windowSize).minimumCalls(windowSize)
                .failureRateThreshold(100).slowCallDurationNanos(SLOW));
        LongAdder recorded = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder slow = new LongAdder();

        race.run(thread -> runMixedCalls(d, callsPerThread, recorded, failed, slow));

        CircuitBreakerMetrics m = d.metrics();
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(m.bufferedCalls()).isEqualTo(recorded.sum());
        assertThat(m.failedCalls()).isEqualTo(failed.sum());
        assertThat(m.slowCalls()).isEqualTo(slow.sum());
    }

    @Test
    void aWrappingCountWindowHoldsExactlyItsSizeAndItsTotalsNeverDrift() throws Exception {
        int windowSize = 64;
        BreakerDriver d = new BreakerDriver(spec().windowSize(windowSize).minimumCalls(windowSize)
                .failureRateThreshold(100).slowCallDurationNanos(SLOW));
        LongAdder recorded = new LongAdder();

        race.run(thread -> runMixedCalls(d, 100_000, recorded, new LongAdder(), new LongAdder()));

        assertThat(recorded.sum()).isGreaterThan(windowSize);
        assertThat(d.metrics().bufferedCalls()).isEqualTo(windowSize);
        // A full lap of successes must push every failure and slow call out; a drifted total would not reach 0.
        d.succeed(windowSize);
        assertThat(d.metrics().bufferedCalls()).isEqualTo(windowSize);
        assertThat(d.metrics().failedCalls()).isZero();
        assertThat(d.metrics().slowCalls()).isZero();
    }

    @Test
    void aTimeWindowLosesNoCallWhileSecondsRollOver() throws Exception {
        int seconds = 1000;
        BreakerDriver d = new BreakerDriver(spec().windowType(WindowType.TIME).windowSize(seconds)
                .minimumCalls(Integer.MAX_VALUE).slowCallDurationNanos(SLOW));
        int callsPerThread = 50_000;
        LongAdder recorded = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder slow = new LongAdder();

        race.run(thread -> {
            if (thread == 0) {
                // One thread moves time on (100 seconds in all) while the others record across the boundaries.
                for (int i = 0; i < callsPerThread; i++) {
                    if (i % 500 == 0) {
                        d.clock.advanceSeconds(1);
                    }
                    d.breaker.onComplete(d.breaker.tryAcquirePermission(d.clock.nanoTime()), null, FAST, d.clock.nanoTime());
                    recorded.increment();
                }
            } else {
                runMixedCalls(d, callsPerThread, recorded, failed, slow);
            }
        });

        CircuitBreakerMetrics m = d.metrics();
        assertThat(m.bufferedCalls()).isEqualTo(recorded.sum());
        assertThat(m.failedCalls()).isEqualTo(failed.sum());
        assertThat(m.slowCalls()).isEqualTo(slow.sum());
    }

    /** About 10% failures, 10% slow, 10% ignored; counts what the breaker should have recorded. */
    private static void runMixedCalls(BreakerDriver d, int calls, LongAdder recorded, LongAdder failed, LongAdder slow) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < calls; i++) {
            long now = d.clock.nanoTime();
            long permit = d.breaker.tryAcquirePermission(now);
            assertThat(permit).isNotNegative();
            int dice = random.nextInt(10);
            Class<? extends Throwable> failure = dice == 0 ? FAILURE : dice == 1 ? IllegalStateException.class : null;
            long duration = dice == 2 ? SLOW : FAST;
            d.breaker.onComplete(permit, failure, duration, now);
            if (failure != IllegalStateException.class) {
                recorded.increment();
            }
            if (failure == FAILURE) {
                failed.increment();
            }
            if (duration == SLOW) {
                slow.increment();
            }
        }
    }
}
