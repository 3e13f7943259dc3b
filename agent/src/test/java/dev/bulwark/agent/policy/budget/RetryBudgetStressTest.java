package dev.bulwark.agent.policy.budget;

import dev.bulwark.agent.policy.NanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads depositing and withdrawing at once never get more retries than the budget's bound.
 *
 * <p>Within one second the bound is exact: retries of a second are decided by CAS on that second's count, so each
 * was checked against every retry before it. Across a second boundary a thread whose clock read is from before the
 * boundary decides without the retries already made in the new second: one call per thread per boundary, each
 * at most one retry too many. With the window longer than the test (nothing expires) the bound is therefore
 * {@code ratio × first attempts + minPerSecond × seconds + threads × boundaries}.
 */
class RetryBudgetStressTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int THREADS = 8;
    private static final int ROUNDS = 20_000;
    private static final double RATIO = 0.1;
    private static final int MIN_PER_SECOND = 5;

    @Test
    void withinOneSecondRetriesNeverExceedRatioTimesFirstAttemptsOrMinPerSecond() throws Exception {
        AtomicLong now = new AtomicLong(7 * SECOND);
        Result result = hammer(now, new AtomicBoolean(true));

        assertThat(result.retries).isLessThanOrEqualTo(
                (long) Math.floor(Math.max(RATIO * result.firstAttempts, MIN_PER_SECOND)));
        assertThat(result.retries).as("the budget is used, not refused outright").isGreaterThanOrEqualTo(MIN_PER_SECOND);
    }

    @Test
    void acrossSecondsRetriesStayWithinTheBoundPlusOnePerThreadPerBoundary() throws Exception {
        AtomicLong now = new AtomicLong(7 * SECOND);
        AtomicBoolean running = new AtomicBoolean(true);
        int boundaries = 30;
        Thread ticker = new Thread(() -> {
            for (int i = 0; i < boundaries && running.get(); i++) {
                now.addAndGet(SECOND);
                Thread.yield();
            }
        });
        ticker.start();
        Result result = hammer(now, running);
        ticker.join();
        long seconds = now.get() / SECOND - 7 + 1;

        assertThat(result.retries).isLessThanOrEqualTo(
                (long) Math.floor(RATIO * result.firstAttempts) + MIN_PER_SECOND * seconds + (long) THREADS * (seconds - 1));
    }

    private static Result hammer(AtomicLong now, AtomicBoolean running) throws InterruptedException {
        NanoClock clock = now::get;
        RetryBudget budget = new RetryBudget(new RetryBudgetSpec("stress", RATIO, MIN_PER_SECOND, 3_600 * SECOND), clock);
        LongAdder firstAttempts = new LongAdder();
        LongAdder retries = new LongAdder();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < ROUNDS; i++) {
                    budget.deposit();
                    firstAttempts.increment();
                    // Every call fails: it retries until the budget refuses, at most twice.
                    for (int r = 0; r < 2 && budget.tryWithdraw(); r++) {
                        retries.increment();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        running.set(false);
        return new Result(firstAttempts.sum(), retries.sum());
    }

    private static final class Result {
        final long firstAttempts;
        final long retries;

        Result(long firstAttempts, long retries) {
            this.firstAttempts = firstAttempts;
            this.retries = retries;
        }
    }
}
