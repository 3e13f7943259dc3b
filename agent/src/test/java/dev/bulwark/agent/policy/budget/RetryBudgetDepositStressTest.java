package dev.bulwark.agent.policy.budget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deposits of many threads, each one atomic add to its second's cell and a CAS where it finds the cell holding an
 * older second, are each counted once: never lost, and never counted twice, not even by a reader while cells
 * move on to later seconds, each on its own, which is what would let a budget grant more retries than its bound.
 * Every case runs with one cell per slot, where all threads meet, and with eight, where threads share a stripe
 * and the stripes of one slot move on at different moments.
 */
class RetryBudgetDepositStressTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int THREADS = 16;
    private static final int DEPOSITS = 20_000;

    @ParameterizedTest
    @ValueSource(ints = {1, 8})
    void everyDepositIsCountedOnceAcrossSecondBoundaries(int stripes) throws Exception {
        assertThat(countedOnce(3_600, stripes)).as("with nothing expired, the balance is every deposit")
                .isEqualTo((double) THREADS * DEPOSITS);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8})
    void aReaderNeverCountsMoreThanWasDepositedWhileCellsMoveOnToLaterSeconds(int stripes) throws Exception {
        assertThat(countedOnce(2, stripes)).isLessThan((double) THREADS * DEPOSITS);
    }

    @Test
    void theStripesOfASlotExpireEachWithTheSecondItCounts() throws Exception {
        AtomicLong now = new AtomicLong(7 * SECOND);
        RetryBudget budget = new RetryBudget(new RetryBudgetSpec("deposits", 1.0, 0, 2 * SECOND), now::get, null, 8);
        run(THREADS, budget::deposit, new Thread(() -> { }), new AtomicBoolean());
        now.set(9 * SECOND);
        budget.deposit();

        assertThat(budget.balance()).as("second 7 has left the window in every stripe; second 9 counts one deposit")
                .isEqualTo(1.0);
    }

    /** Deposits from every thread while a reader checks the balance and moves the clock; the balance after. */
    private static double countedOnce(long windowSeconds, int stripes) throws Exception {
        AtomicLong now = new AtomicLong(7 * SECOND);
        RetryBudget budget = new RetryBudget(new RetryBudgetSpec("deposits", 1.0, 0, windowSeconds * SECOND), now::get,
                null, stripes);
        AtomicLong started = new AtomicLong();
        AtomicBoolean depositing = new AtomicBoolean(true);
        List<String> overCounts = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (depositing.get()) {
                // Read the balance before the count of deposits begun: a balance above it counted one twice.
                double balance = budget.balance();
                long begun = started.get();
                if (balance > begun) {
                    overCounts.add(balance + " > " + begun);
                }
                // A quarter of a second per 10,000 deposits: slots move on to later seconds while deposits go on.
                now.set(7 * SECOND + begun / 10_000 * (SECOND / 4));
            }
        });

        run(THREADS, () -> {
            for (int i = 0; i < DEPOSITS; i++) {
                started.incrementAndGet();
                budget.deposit();
            }
        }, reader, depositing);

        assertThat(overCounts).isEmpty();
        assertThat(now.get()).as("the deposits crossed second boundaries").isGreaterThan(8 * SECOND);
        return budget.balance();
    }

    private static void run(int threads, Runnable work, Thread reader, AtomicBoolean running) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                work.run();
            });
            thread.start();
            started.add(thread);
        }
        reader.start();
        start.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        running.set(false);
        reader.join();
    }
}
