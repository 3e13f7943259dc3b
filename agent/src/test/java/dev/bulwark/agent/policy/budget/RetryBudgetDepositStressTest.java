package dev.bulwark.agent.policy.budget;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deposits of many threads, each one atomic add to its second's slot and a CAS where it finds the slot holding an
 * older second, are each counted once: never lost, and never counted twice, not even by a reader while slots
 * move on to later seconds, which is what would let a budget grant more retries than its bound.
 */
class RetryBudgetDepositStressTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int THREADS = 16;
    private static final int DEPOSITS = 20_000;

    @Test
    void everyDepositIsCountedOnceAcrossSecondBoundaries() throws Exception {
        assertThat(countedOnce(3_600)).as("with nothing expired, the balance is every deposit")
                .isEqualTo((double) THREADS * DEPOSITS);
    }

    @Test
    void aReaderNeverCountsMoreThanWasDepositedWhileSlotsMoveOnToLaterSeconds() throws Exception {
        assertThat(countedOnce(2)).isLessThan((double) THREADS * DEPOSITS);
    }

    /** Deposits from every thread while a reader checks the balance and moves the clock; the balance after. */
    private static double countedOnce(long windowSeconds) throws Exception {
        AtomicLong now = new AtomicLong(7 * SECOND);
        RetryBudget budget = new RetryBudget(new RetryBudgetSpec("deposits", 1.0, 0, windowSeconds * SECOND), now::get);
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
