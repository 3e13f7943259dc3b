package dev.bulwark.agent.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Batch mode's lease logic against a counting source in place of Redis. */
class LeasedPermitsTest {
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);
    private static final long HOUR_MICROS = TimeUnit.HOURS.toMicros(1);

    /** Grants what is asked while its pool lasts, then refuses; counts its calls and what it granted. */
    private static final class CountingSource implements LeasedPermits.Source {
        final AtomicLong pool;
        final AtomicLong leased = new AtomicLong();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong largestAsk = new AtomicLong();
        volatile long epoch;

        CountingSource(long pool) {
            this.pool = new AtomicLong(pool);
        }

        @Override
        public LeasedPermits.Answer lease(int wanted, long startNanos) {
            calls.incrementAndGet();
            largestAsk.accumulateAndGet(wanted, Math::max);
            long before = pool.getAndUpdate(p -> Math.max(0, p - wanted));
            int granted = (int) Math.min(before, wanted);
            leased.addAndGet(granted);
            return granted > 0 ? new LeasedPermits.Answer(granted, HOUR_MICROS, epoch)
                    : new LeasedPermits.Answer(0, HOUR_MICROS, epoch);
        }
    }

    @Test
    void manyThreadsNeverTakeMoreThanWasLeasedNorHoldMoreThanTheLargestLease() throws Exception {
        CountingSource source = new CountingSource(200_000);
        ExecutorService background = Executors.newSingleThreadExecutor();
        int maxLease = 64;
        LeasedPermits leases = new LeasedPermits(source, background, System::nanoTime, maxLease, TIMEOUT);
        int threads = 8;
        AtomicLong granted = new AtomicLong();
        AtomicLong heldTooMuch = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 50_000; i++) {
                    long now = System.nanoTime();
                    if (leases.tryTake(now) || leases.awaitPermit(now, System.nanoTime()) == 0) {
                        granted.incrementAndGet();
                    }
                    if (leases.held(System.nanoTime()) > maxLease) {
                        heldTooMuch.incrementAndGet();
                    }
                    if (ThreadLocalRandom.current().nextInt(1_000) == 0) {
                        Thread.yield();
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        background.shutdown();
        assertThat(background.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        // 400,000 calls on a pool of 200,000: the pool runs dry, and every grant was leased first.
        assertThat(source.leased.get()).isEqualTo(200_000);
        assertThat(granted.get()).isLessThanOrEqualTo(source.leased.get())
                .isGreaterThanOrEqualTo(source.leased.get() - maxLease);
        assertThat(granted.get() + leases.held(System.nanoTime())).isEqualTo(source.leased.get());
        assertThat(source.largestAsk.get()).isLessThanOrEqualTo(maxLease);
        assertThat(heldTooMuch.get()).isZero();
    }

    @Test
    void atAThousandCallsASecondTheLeaseGrowsToTensOfPermitsAndRoundTripsFallTenfold() {
        CountingSource source = new CountingSource(Long.MAX_VALUE);
        long[] clock = {0};
        LeasedPermits leases = new LeasedPermits(source, Runnable::run, () -> clock[0], 1_000, TIMEOUT);
        int calls = 10_000;
        for (int i = 0; i < calls; i++) {
            clock[0] += TimeUnit.MILLISECONDS.toNanos(1);
            assertThat(leases.tryTake(clock[0]) || leases.awaitPermit(clock[0], System.nanoTime()) == 0).isTrue();
        }
        // A lease reaches 50 ms ahead: about 50 permits at this rate, asked for when a quarter is left.
        assertThat(source.calls.get()).isLessThan(calls / 10);
        assertThat(source.largestAsk.get()).isBetween(10L, 100L);
    }

    @Test
    void aCallerThatFoundNoPermitAndFetchesAfterAFullLeaseCameAsksForNothingBeyondTheLargestLease() {
        CountingSource source = new CountingSource(Long.MAX_VALUE);
        long[] clock = {0};
        int maxLease = 8;
        LeasedPermits leases = new LeasedPermits(source, Runnable::run, () -> clock[0], maxLease, TIMEOUT);
        int staleCallers = 0;
        for (int i = 0; i < 2_000; i++) {
            clock[0] += TimeUnit.MICROSECONDS.toNanos(100);
            assertThat(leases.tryTake(clock[0]) || leases.awaitPermit(clock[0], System.nanoTime()) == 0).isTrue();
            long heldBefore = leases.held(clock[0]);
            if (i > 1_000 && heldBefore == maxLease) {
                // A caller that saw the last lease empty, scheduled only now that the next one came in full.
                staleCallers++;
                long leasedBefore = source.leased.get();
                assertThat(leases.awaitPermit(clock[0], System.nanoTime())).isZero();
                assertThat(source.leased.get()).isEqualTo(leasedBefore);
                assertThat(leases.held(clock[0])).isEqualTo(maxLease - 1);
            }
        }
        assertThat(staleCallers).isPositive();
        assertThat(source.largestAsk.get()).isLessThanOrEqualTo(maxLease);
    }

    @Test
    void aSlowCallerKeepsLeasesOfOnePermit() {
        CountingSource source = new CountingSource(Long.MAX_VALUE);
        long[] clock = {0};
        LeasedPermits leases = new LeasedPermits(source, Runnable::run, () -> clock[0], 1_000, TIMEOUT);
        for (int i = 0; i < 20; i++) {
            clock[0] += TimeUnit.SECONDS.toNanos(1);
            assertThat(leases.tryTake(clock[0]) || leases.awaitPermit(clock[0], System.nanoTime()) == 0).isTrue();
        }
        // One permit, or two while the first lease's rate is unknown.
        assertThat(source.largestAsk.get()).isLessThanOrEqualTo(2);
        assertThat(leases.held(clock[0])).isLessThanOrEqualTo(2);
    }

    @Test
    void unusedPermitsLapseWithTheLeaseAndAreNotCarriedIntoAnotherWindow() {
        CountingSource source = new CountingSource(Long.MAX_VALUE);
        long[] clock = {0};
        LeasedPermits leases = new LeasedPermits(source, Runnable::run, () -> clock[0], 1_000, TIMEOUT);
        for (int i = 0; i < 200; i++) {
            clock[0] += TimeUnit.MICROSECONDS.toNanos(100);
            assertThat(leases.tryTake(clock[0]) || leases.awaitPermit(clock[0], System.nanoTime()) == 0).isTrue();
        }
        assertThat(leases.held(clock[0])).isPositive();
        long leasedBefore = source.leased.get();
        // The next window: what is left of the last lease does not go on into it.
        source.epoch = 1;
        clock[0] += TimeUnit.MICROSECONDS.toNanos(100);
        leases.tryTake(clock[0]);
        while (source.leased.get() == leasedBefore) {
            clock[0] += TimeUnit.MICROSECONDS.toNanos(100);
            leases.tryTake(clock[0]);
        }
        long fresh = source.leased.get() - leasedBefore;
        assertThat(leases.held(clock[0])).isLessThanOrEqualTo(fresh);
        // An hour later the lease has lapsed: nothing is taken from it.
        clock[0] += TimeUnit.HOURS.toNanos(1);
        assertThat(leases.held(clock[0])).isZero();
        assertThat(leases.tryTake(clock[0])).isFalse();
    }

    @Test
    void whenRedisHasNoPermitCallersAreRefusedHereUntilOneIsFreeAndWhenItFailsOrAnswersOddlyTheyAreToldSo() {
        CountingSource dry = new CountingSource(0);
        long[] clock = {0};
        LeasedPermits leases = new LeasedPermits(dry, Runnable::run, () -> clock[0], 10, TIMEOUT);
        assertThat(leases.awaitPermit(clock[0], System.nanoTime())).isEqualTo(-TimeUnit.HOURS.toNanos(1));
        clock[0] += TimeUnit.MINUTES.toNanos(1);
        assertThat(leases.awaitPermit(clock[0], System.nanoTime())).isEqualTo(-TimeUnit.MINUTES.toNanos(59));
        assertThat(dry.calls.get()).isEqualTo(1);

        LeasedPermits failing = new LeasedPermits((wanted, start) -> null, Runnable::run, () -> clock[0], 10, TIMEOUT);
        assertThat(failing.tryTake(clock[0])).isFalse();
        assertThat(failing.awaitPermit(clock[0], System.nanoTime())).isEqualTo(LeasedPermits.FAILED);
        LeasedPermits broken = new LeasedPermits((wanted, start) -> {
            throw new IllegalStateException("an answer of an unexpected shape");
        }, Runnable::run, () -> clock[0], 10, TIMEOUT);
        assertThat(broken.awaitPermit(clock[0], System.nanoTime())).isEqualTo(LeasedPermits.FAILED);
    }
}
